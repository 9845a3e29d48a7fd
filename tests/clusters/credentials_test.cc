// Tests of the simple credential sources (none, static token, token file) and of choosing a source for a
// RestConfig. The token file follows client-go: re-read at most once a minute, and after a 401.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/fake_clock.h"
#include "clusters/credentials.h"
#include "clusters/kubeconfig.h"
#include "tests/support/temp_dir.h"

using Catch::Contains;
using kc::ErrorKind;
using kc::testing::TempDir;
using namespace std::chrono_literals;

namespace {

using kc::testing::FakeClock;

// A runner that must never be called: for sources that should not run any plugin.
class NoRunner final : public kc::ProcessRunner {
public:
    int calls = 0;
    kc::Result<kc::ProcessResult> run(const kc::ProcessSpec&) override {
        ++calls;
        return kc::fail(ErrorKind::Other, "no process expected");
    }
};

kc::RestConfig baseConfig() {
    kc::RestConfig c;
    c.contextName = "ctx";
    c.clusterName = "c";
    c.userName = "u";
    c.server = "https://127.0.0.1:6443";
    c.sourceFile = "/tmp/config";
    return c;
}

}  // namespace

TEST_CASE("no credentials gives nothing and a 401 is not worth a retry") {
    auto source = kc::noCredentials();
    auto creds = source->current();
    REQUIRE(creds);
    CHECK(creds->bearerToken.empty());
    CHECK(creds->clientCertPem.empty());
    CHECK_FALSE(source->invalidateAfterUnauthorized());
}

TEST_CASE("a static token is always the same and a 401 is not worth a retry") {
    auto source = kc::staticToken("abc");
    CHECK(source->current().value().bearerToken == "abc");
    CHECK_FALSE(source->invalidateAfterUnauthorized());
    CHECK(source->current().value().bearerToken == "abc");
}

TEST_CASE("a token file is read and trimmed") {
    TempDir dir;
    std::string path = dir.write("token", "  file-token\n\n");
    auto source = kc::tokenFileCredentials(path, std::make_shared<FakeClock>());
    CHECK(source->current().value().bearerToken == "file-token");
}

TEST_CASE("a token file is re-read at most once a minute") {
    TempDir dir;
    std::string path = dir.write("token", "first\n");
    auto clock = std::make_shared<FakeClock>();
    auto source = kc::tokenFileCredentials(path, clock);
    CHECK(source->current().value().bearerToken == "first");
    dir.write("token", "second\n");
    clock->advance(59s);
    CHECK(source->current().value().bearerToken == "first");
    clock->advance(1s);
    CHECK(source->current().value().bearerToken == "second");
}

TEST_CASE("a token file is re-read after a 401") {
    TempDir dir;
    std::string path = dir.write("token", "first\n");
    auto source = kc::tokenFileCredentials(path, std::make_shared<FakeClock>());
    CHECK(source->current().value().bearerToken == "first");
    dir.write("token", "rotated\n");
    CHECK(source->invalidateAfterUnauthorized());
    CHECK(source->current().value().bearerToken == "rotated");
}

TEST_CASE("a token file that vanishes keeps the last good token") {
    TempDir dir;
    std::string path = dir.write("token", "kept\n");
    auto clock = std::make_shared<FakeClock>();
    auto source = kc::tokenFileCredentials(path, clock);
    CHECK(source->current().value().bearerToken == "kept");
    std::filesystem::remove(path);
    clock->advance(2min);
    CHECK(source->current().value().bearerToken == "kept");
}

TEST_CASE("a missing or empty token file is an error naming the file") {
    TempDir dir;
    auto missing = kc::tokenFileCredentials(dir.path() + "/none", std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
    CHECK_THAT(missing.error().message, Contains(dir.path() + "/none"));
    std::string empty = dir.write("empty", "\n  \n");
    auto blank = kc::tokenFileCredentials(empty, std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(blank);
    CHECK_THAT(blank.error().message, Contains(empty) && Contains("empty"));
}

TEST_CASE("makeCredentialSource picks a static token first") {
    auto config = baseConfig();
    config.token = "inline";
    config.exec = kc::ExecConfig{};  // a token is sent as is and the plugin is skipped
    auto runner = std::make_shared<NoRunner>();
    auto source = kc::makeCredentialSource(config, runner, std::make_shared<FakeClock>());
    REQUIRE(source);
    CHECK((*source)->current().value().bearerToken == "inline");
    CHECK(runner->calls == 0);
}

TEST_CASE("makeCredentialSource reads a token file") {
    TempDir dir;
    auto config = baseConfig();
    config.tokenFile = dir.write("token", "from-file\n");
    auto source = kc::makeCredentialSource(config, std::make_shared<NoRunner>(), std::make_shared<FakeClock>());
    REQUIRE(source);
    CHECK((*source)->current().value().bearerToken == "from-file");
    CHECK((*source)->invalidateAfterUnauthorized());
}

TEST_CASE("makeCredentialSource runs an exec plugin") {
    TempDir record;
    auto config = baseConfig();
    kc::ExecConfig exec;
    exec.apiVersion = std::string(kc::kExecApiV1);
    exec.command = std::string(KUBECLASS_TEST_FIXTURES) + "/exec-plugins/token-plugin.sh";
    exec.interactiveMode = "Never";
    exec.env = {{"RECORD_DIR", record.path()}, {"PLUGIN_TOKEN", "exec-token"}};
    config.exec = exec;
    auto source = kc::makeCredentialSource(config, kc::posixProcessRunner(), std::make_shared<FakeClock>());
    REQUIRE(source);
    CHECK((*source)->current().value().bearerToken == "exec-token");
}

TEST_CASE("makeCredentialSource rejects an invalid exec stanza up front") {
    auto config = baseConfig();
    config.exec = kc::ExecConfig{};
    config.exec->command = "p";
    config.exec->apiVersion = "client.authentication.k8s.io/v1";
    auto source = kc::makeCredentialSource(config, std::make_shared<NoRunner>(), std::make_shared<FakeClock>());
    REQUIRE_FALSE(source);
    CHECK_THAT(source.error().message, Contains("interactiveMode must be specified"));
}

TEST_CASE("makeCredentialSource refuses basic auth without showing the password") {
    auto config = baseConfig();
    config.username = "admin";
    config.password = "BasicAuthSecret-314";
    auto source = kc::makeCredentialSource(config);
    REQUIRE_FALSE(source);
    CHECK(source.error().kind == ErrorKind::Invalid);
    CHECK_THAT(source.error().message, Contains("basic authentication") && !Contains("BasicAuthSecret-314"));
}

TEST_CASE("makeCredentialSource with only a client certificate sends no token") {
    auto config = baseConfig();
    config.clientCertPem = "CERT";
    config.clientKeyPem = "KEY";
    auto source = kc::makeCredentialSource(config);
    REQUIRE(source);
    auto creds = (*source)->current();
    REQUIRE(creds);
    CHECK(creds->bearerToken.empty());
    CHECK_FALSE((*source)->invalidateAfterUnauthorized());
}
