// Tests of exec credential plugins: the rules (validation, interactive mode, request, response) on their own,
// then real fake-plugin scripts run through posixProcessRunner with a fake clock for expiry and caching.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/fake_clock.h"
#include "clusters/exec_credential.h"
#include "clusters/redact.h"
#include "tests/support/temp_dir.h"

using Catch::Contains;
using kc::ErrorKind;
using kc::ExecConfig;
using kc::Json;
using kc::testing::TempDir;
using namespace std::chrono_literals;

namespace {

const std::string kV1(kc::kExecApiV1);
const std::string kV1beta1(kc::kExecApiV1beta1);

using kc::testing::FakeClock;

// 2026-11-22T10:00:00Z, the moment every clock in these tests starts at.
std::chrono::system_clock::time_point startTime() { return FakeClock::defaultStart(); }

std::string plugin(const std::string& name) { return std::string(KUBECLASS_TEST_FIXTURES) + "/exec-plugins/" + name; }

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int runCount(const TempDir& record) {
    std::string text = readText(record.path() + "/count");
    return text.empty() ? 0 : std::stoi(text);
}

ExecConfig tokenPlugin(const TempDir& record, const std::string& apiVersion = kV1) {
    ExecConfig exec;
    exec.apiVersion = apiVersion;
    exec.command = plugin("token-plugin.sh");
    exec.interactiveMode = "Never";
    exec.env = {{"RECORD_DIR", record.path()}};
    return exec;
}

std::shared_ptr<kc::CredentialSource> source(ExecConfig exec, std::shared_ptr<FakeClock> clock,
                                             kc::ExecClusterInfo cluster = {}, bool terminal = false,
                                             kc::ExecLimits limits = {}) {
    return kc::execCredentials(std::move(exec), std::move(cluster), kc::posixProcessRunner(), std::move(clock),
                               [terminal] { return terminal; }, limits);
}

// Answers with a canned result and remembers the spec, to check what would be run without running it.
class RecordingRunner final : public kc::ProcessRunner {
public:
    std::vector<kc::ProcessSpec> specs;
    std::vector<kc::ProcessResult> answers;  // consumed in order; the last one repeats

    kc::Result<kc::ProcessResult> run(const kc::ProcessSpec& spec) override {
        specs.push_back(spec);
        if (answers.size() > 1) {
            auto answer = answers.front();
            answers.erase(answers.begin());
            return answer;
        }
        return answers.front();
    }
};

kc::ProcessResult okToken(const std::string& token) {
    kc::ProcessResult r;
    r.exitCode = 0;
    r.stdoutText = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":")" +
                   token + "\"}}";
    return r;
}

std::string envValue(const kc::ProcessSpec& spec, const std::string& name) {
    for (const auto& [n, v] : spec.extraEnv)
        if (n == name) return v;
    return "<unset>";
}

}  // namespace

// ---- rules -------------------------------------------------------------------------------------------------

TEST_CASE("exec validation follows client-go") {
    ExecConfig good;
    good.apiVersion = kV1;
    good.command = "kubelogin";
    good.interactiveMode = "Never";
    CHECK(kc::validateExecConfig(good, "user \"u\""));

    ExecConfig e = good;
    e.command.clear();
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("command must be specified for user \"u\""));
    e = good;
    e.apiVersion.clear();
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("apiVersion must be specified"));
    e = good;
    e.apiVersion = "client.authentication.k8s.io/v1alpha1";
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("is not supported"));
    e = good;
    e.env = {{"", "x"}};
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("env variable name must be specified"));
    e = good;
    e.interactiveMode.clear();
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("interactiveMode must be specified"));
    e = good;
    e.interactiveMode = "Sometimes";
    CHECK_THAT(kc::validateExecConfig(e, "user \"u\"").error().message, Contains("invalid interactiveMode") && Contains("Sometimes"));
}

TEST_CASE("interactiveMode decides whether stdin is passed") {
    ExecConfig e;
    e.command = "p";
    e.interactiveMode = "Never";
    CHECK(kc::execInteractive(e, true).value() == false);
    CHECK(kc::execInteractive(e, false).value() == false);
    e.interactiveMode = "IfAvailable";
    CHECK(kc::execInteractive(e, true).value() == true);
    CHECK(kc::execInteractive(e, false).value() == false);
    e.interactiveMode = "Always";
    CHECK(kc::execInteractive(e, true).value() == true);
    auto noTerminal = kc::execInteractive(e, false);
    REQUIRE_FALSE(noTerminal);
    CHECK_THAT(noTerminal.error().message, Contains("not a terminal"));
}

TEST_CASE("the request without provideClusterInfo carries only interactive") {
    ExecConfig e;
    e.apiVersion = kV1;
    kc::ExecClusterInfo cluster;
    cluster.server = "https://x";
    Json request = kc::execCredentialRequest(e, cluster, false);
    CHECK(request == Json::parse(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                                     "spec":{"interactive":false}})"));
}

TEST_CASE("the request with provideClusterInfo carries the cluster with base64 CA and extension config") {
    ExecConfig e;
    e.apiVersion = kV1beta1;
    e.provideClusterInfo = true;
    kc::ExecClusterInfo cluster;
    cluster.server = "https://10.0.0.1:6443";
    cluster.caPem = "CA";  // base64 "Q0E="
    cluster.tlsServerName = "kubernetes";
    cluster.config = Json::parse(R"({"audience":"lab"})");
    Json request = kc::execCredentialRequest(e, cluster, true);
    CHECK(request == Json::parse(R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
        "spec":{"interactive":true,"cluster":{"server":"https://10.0.0.1:6443","tls-server-name":"kubernetes",
        "certificate-authority-data":"Q0E=","config":{"audience":"lab"}}}})"));
}

TEST_CASE("an ExecCredential with a token and an expiry is read") {
    auto c = kc::parseExecCredential(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
            "status":{"token":"abc","expirationTimestamp":"2026-11-22T10:30:00Z"}})", kV1);
    REQUIRE(c);
    CHECK(c->bearerToken == "abc");
    CHECK(c->clientCertPem.empty());
    REQUIRE(c->expiry);
    CHECK(*c->expiry == startTime() + 30min);
}

TEST_CASE("ExecCredential answers that client-go rejects are rejected") {
    auto wrongVersion = kc::parseExecCredential(
        R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})", kV1);
    REQUIRE_FALSE(wrongVersion);
    CHECK_THAT(wrongVersion.error().message,
               Contains("configured to use API version client.authentication.k8s.io/v1, plugin returned version"));
    auto noStatus = kc::parseExecCredential(R"({"apiVersion":"client.authentication.k8s.io/v1"})", kV1);
    CHECK_THAT(noStatus.error().message, Contains("didn't return a status field"));
    auto empty = kc::parseExecCredential(R"({"apiVersion":"client.authentication.k8s.io/v1","status":{}})", kV1);
    CHECK_THAT(empty.error().message, Contains("didn't return a token or cert/key pair"));
    auto halfPair = kc::parseExecCredential(
        R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----"}})", kV1);
    CHECK_THAT(halfPair.error().message, Contains("only certificate or key"));
    auto badTime = kc::parseExecCredential(
        R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t","expirationTimestamp":"tomorrow"}})", kV1);
    CHECK_THAT(badTime.error().message, Contains("RFC 3339"));
    auto notJson = kc::parseExecCredential("token: SecretInGarbage-1234", kV1);
    REQUIRE_FALSE(notJson);
    CHECK_THAT(notJson.error().message, !Contains("SecretInGarbage"));
}

TEST_CASE("RFC 3339 times with zones and fractions") {
    CHECK(kc::parseRfc3339("2026-11-22T10:00:00Z") == startTime());
    CHECK(kc::parseRfc3339("2026-11-22T11:00:00+01:00") == startTime());
    CHECK(kc::parseRfc3339("2026-11-22T04:30:00-05:30") == startTime());
    CHECK(kc::parseRfc3339("2026-11-22T10:00:00.250Z") == startTime() + 250ms);
    CHECK_FALSE(kc::parseRfc3339("2026-11-22T10:00:00"));
    CHECK_FALSE(kc::parseRfc3339("2026-13-01T00:00:00Z"));
    CHECK_FALSE(kc::parseRfc3339("2026-02-30T00:00:00Z"));
    CHECK_FALSE(kc::parseRfc3339("2026-11-22"));
    CHECK_FALSE(kc::parseRfc3339("2026-11-22T10:00:00Zjunk"));
}

// ---- real plugins ------------------------------------------------------------------------------------------

TEST_CASE("a v1 plugin is run with its args and env and its token is used") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record);
    exec.args = {"get-token", "--cluster", "lab 2"};
    exec.env.emplace_back("PLUGIN_GREETING", "hello from the kubeconfig");
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE(creds);
    CHECK(creds->bearerToken == "token-run-1");
    CHECK_FALSE(creds->expiry);
    CHECK(readText(record.path() + "/args") == "get-token\n--cluster\nlab 2\n");
    CHECK(readText(record.path() + "/greeting") == "hello from the kubeconfig");
}

TEST_CASE("a v1beta1 plugin answering v1beta1 works") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record, kV1beta1);
    exec.env.emplace_back("PLUGIN_API_VERSION", kV1beta1);
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE(creds);
    CHECK(creds->bearerToken == "token-run-1");
}

TEST_CASE("KUBERNETES_EXEC_INFO without cluster info") {
    TempDir record;
    auto creds = source(tokenPlugin(record), std::make_shared<FakeClock>())->current();
    REQUIRE(creds);
    Json info = Json::parse(readText(record.path() + "/exec-info"));
    CHECK(info["apiVersion"] == kV1);
    CHECK(info["kind"] == "ExecCredential");
    CHECK(info["spec"]["interactive"] == false);
    CHECK_FALSE(info["spec"].contains("cluster"));
}

TEST_CASE("KUBERNETES_EXEC_INFO with cluster info") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record);
    exec.provideClusterInfo = true;
    kc::ExecClusterInfo cluster;
    cluster.server = "https://127.0.0.1:6443";
    cluster.caPem = "CA";
    cluster.config = Json::parse(R"({"tenant":"course"})");
    auto creds = source(exec, std::make_shared<FakeClock>(), cluster)->current();
    REQUIRE(creds);
    Json info = Json::parse(readText(record.path() + "/exec-info"));
    CHECK(info["spec"]["cluster"]["server"] == "https://127.0.0.1:6443");
    CHECK(info["spec"]["cluster"]["certificate-authority-data"] == "Q0E=");
    CHECK(info["spec"]["cluster"]["config"]["tenant"] == "course");
}

TEST_CASE("a credential is cached until its expiry and then the plugin runs again") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record);
    exec.env.emplace_back("PLUGIN_EXPIRY", "2026-11-22T10:30:00Z");
    auto clock = std::make_shared<FakeClock>();
    auto creds = source(exec, clock);
    CHECK(creds->current().value().bearerToken == "token-run-1");
    clock->advance(29min);
    CHECK(creds->current().value().bearerToken == "token-run-1");
    CHECK(runCount(record) == 1);
    clock->advance(2min);
    auto fresh = creds->current();
    REQUIRE(fresh);
    CHECK(fresh->bearerToken == "token-run-2");
    CHECK(runCount(record) == 2);
}

TEST_CASE("a credential without expiry is cached for the life of the process") {
    TempDir record;
    auto clock = std::make_shared<FakeClock>();
    auto creds = source(tokenPlugin(record), clock);
    CHECK(creds->current().value().bearerToken == "token-run-1");
    clock->advance(24h * 365);
    CHECK(creds->current().value().bearerToken == "token-run-1");
    CHECK(runCount(record) == 1);
}

TEST_CASE("after a 401 the plugin runs once more and the new credential is cached again") {
    TempDir record;
    auto creds = source(tokenPlugin(record), std::make_shared<FakeClock>());
    CHECK(creds->current().value().bearerToken == "token-run-1");
    CHECK(creds->invalidateAfterUnauthorized());
    CHECK(creds->current().value().bearerToken == "token-run-2");
    CHECK(creds->current().value().bearerToken == "token-run-2");
    CHECK(runCount(record) == 2);
}

TEST_CASE("a plugin answering the wrong apiVersion is an error") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record);
    exec.env.emplace_back("PLUGIN_API_VERSION", kV1beta1);
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(creds);
    CHECK_THAT(creds.error().message, Contains("configured to use API version client.authentication.k8s.io/v1") &&
                                          Contains(kV1beta1));
}

TEST_CASE("a failing plugin shows its stderr and the install hint but no token") {
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = plugin("failing-plugin.sh");
    exec.interactiveMode = "Never";
    exec.installHint = "Run `course login` first.";
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(creds);
    const std::string& m = creds.error().message;
    CHECK_THAT(m, Contains("exit code 3") && Contains("the session for alice has expired") &&
                      Contains("Run `course login` first."));
    CHECK_THAT(m, !Contains("StdoutOnlyToken-5f2e9a") && !Contains("LeakedStderrToken-77aa31"));
}

TEST_CASE("a missing plugin says so with the install hint") {
    TempDir dir;
    for (const std::string& command : {dir.path() + "/no-such-plugin", std::string("kubeclass-no-such-plugin-4e1")}) {
        ExecConfig exec;
        exec.apiVersion = kV1;
        exec.command = command;
        exec.interactiveMode = "Never";
        exec.installHint = "Install it from the course page.";
        auto creds = source(exec, std::make_shared<FakeClock>())->current();
        REQUIRE_FALSE(creds);
        CHECK(creds.error().kind == ErrorKind::NotFound);
        CHECK_THAT(creds.error().message, Contains(command) && Contains("not found") &&
                                              Contains("Install it from the course page."));
    }
}

TEST_CASE("interactiveMode Always without a terminal fails before running the plugin") {
    TempDir record;
    ExecConfig exec = tokenPlugin(record);
    exec.interactiveMode = "Always";
    auto creds = source(exec, std::make_shared<FakeClock>(), {}, false)->current();
    REQUIRE_FALSE(creds);
    CHECK_THAT(creds.error().message, Contains("not a terminal"));
    CHECK(runCount(record) == 0);
}

TEST_CASE("a plugin can answer with a client certificate and key") {
    ExecConfig exec;
    exec.apiVersion = kV1beta1;
    exec.command = plugin("cert-plugin.sh");
    exec.interactiveMode = "IfAvailable";
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE(creds);
    CHECK(creds->bearerToken.empty());
    CHECK(creds->clientCertPem == "-----BEGIN CERTIFICATE-----\nPLUGINCERT\n-----END CERTIFICATE-----\n");
    CHECK(creds->clientKeyPem == "-----BEGIN PRIVATE KEY-----\nPLUGINKEY\n-----END PRIVATE KEY-----\n");
}

TEST_CASE("a plugin printing something other than JSON is an error that does not echo it") {
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = plugin("garbage-plugin.sh");
    exec.interactiveMode = "Never";
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(creds);
    CHECK_THAT(creds.error().message, Contains("not a JSON ExecCredential") && !Contains("GarbageSecret"));
}

TEST_CASE("a plugin that hangs is stopped at the timeout") {
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = plugin("slow-plugin.sh");
    exec.interactiveMode = "Never";
    kc::ExecLimits limits;
    limits.timeout = 300ms;
    auto started = std::chrono::steady_clock::now();
    auto creds = source(exec, std::make_shared<FakeClock>(), {}, false, limits)->current();
    REQUIRE_FALSE(creds);
    CHECK(creds.error().kind == ErrorKind::Timeout);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("a plugin printing too much is stopped") {
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = plugin("chatty-plugin.sh");
    exec.interactiveMode = "Never";
    auto creds = source(exec, std::make_shared<FakeClock>())->current();
    REQUIRE_FALSE(creds);
    CHECK_THAT(creds.error().message, Contains("more than"));
}

// ---- what is asked of the process runner --------------------------------------------------------------------

TEST_CASE("stdin is passed through only when the run is interactive") {
    auto runner = std::make_shared<RecordingRunner>();
    runner->answers = {okToken("t")};
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = "p";

    exec.interactiveMode = "IfAvailable";
    auto tty = kc::execCredentials(exec, {}, runner, std::make_shared<FakeClock>(), [] { return true; });
    REQUIRE(tty->current());
    CHECK(runner->specs.back().inheritStdin);
    CHECK(Json::parse(envValue(runner->specs.back(), "KUBERNETES_EXEC_INFO"))["spec"]["interactive"] == true);

    exec.interactiveMode = "Never";
    auto never = kc::execCredentials(exec, {}, runner, std::make_shared<FakeClock>(), [] { return true; });
    REQUIRE(never->current());
    CHECK_FALSE(runner->specs.back().inheritStdin);
    CHECK(Json::parse(envValue(runner->specs.back(), "KUBERNETES_EXEC_INFO"))["spec"]["interactive"] == false);
}

TEST_CASE("the timeout and output bound are handed to the runner") {
    auto runner = std::make_shared<RecordingRunner>();
    runner->answers = {okToken("t")};
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = "p";
    exec.interactiveMode = "Never";
    kc::ExecLimits limits;
    limits.timeout = 7s;
    limits.maxOutputBytes = 4096;
    auto creds = kc::execCredentials(exec, {}, runner, std::make_shared<FakeClock>(), [] { return false; }, limits);
    REQUIRE(creds->current());
    CHECK(runner->specs.back().timeout == 7s);
    CHECK(runner->specs.back().maxOutputBytes == 4096);
    CHECK(kc::ExecLimits{}.timeout == 60s);
}

TEST_CASE("a failed run is not cached") {
    auto runner = std::make_shared<RecordingRunner>();
    kc::ProcessResult failed;
    failed.exitCode = 1;
    failed.stderrText = "temporarily unavailable";
    runner->answers = {failed, okToken("second-try")};
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = "p";
    exec.interactiveMode = "Never";
    auto creds = kc::execCredentials(exec, {}, runner, std::make_shared<FakeClock>(), [] { return false; });
    auto first = creds->current();
    REQUIRE_FALSE(first);
    CHECK_THAT(first.error().message, Contains("temporarily unavailable"));
    CHECK(creds->current().value().bearerToken == "second-try");
    CHECK(runner->specs.size() == 2);
}

// ---- redaction ---------------------------------------------------------------------------------------------

TEST_CASE("known secrets are blanked wherever they appear") {
    CHECK(kc::redactKnownSecrets("a sekrit-1 b sekrit-1", {"sekrit-1"}) == "a [redacted] b [redacted]");
    CHECK(kc::redactKnownSecrets("short ab stays", {"ab"}) == "short ab stays");
    CHECK(kc::redactKnownSecrets("x longsecret y", {"secret", "longsecret"}) == "x [redacted] y");
}

TEST_CASE("token-looking text from a plugin is blanked and plain words stay") {
    std::string text = kc::redactTokenLike(
        "login failed for alice\n"
        "Authorization: Bearer abc.def-ghi\n"
        "token=plain-token-value password: \"pw with spaces\"\n"
        "jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl\n"
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n"
        "blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq\n");
    CHECK_THAT(text, Contains("login failed for alice"));
    CHECK_THAT(text, !Contains("abc.def-ghi") && !Contains("plain-token-value") && !Contains("pw with spaces") &&
                         !Contains("eyJhbGci") && !Contains("MIIEvQIBADANBg") && !Contains("QUJDREVGR0hJSktMTU5P"));
}

TEST_CASE("long text is cut for messages with a note") {
    std::string text(5000, 'a');
    std::string cut = kc::boundedForMessage(text, 100);
    CHECK(cut.size() < 200);
    CHECK_THAT(cut, Contains("4900 more bytes not shown"));
    CHECK(kc::boundedForMessage("short", 100) == "short");
}

TEST_CASE("paths and API versions in plugin stderr stay readable") {
    std::string text = "cannot open /home/student/.config/course-login/credentials-cache.json for "
                       "client.authentication.k8s.io/v1beta1";
    CHECK(kc::redactTokenLike(text) == text);
}

TEST_CASE("plugin stderr lines can be shown as they arrive") {
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = plugin("failing-plugin.sh");
    exec.interactiveMode = "Never";
    std::vector<std::string> lines;
    kc::ExecLimits limits;
    limits.onStderrLine = [&lines](std::string_view line) { lines.emplace_back(line); };
    auto creds = source(exec, std::make_shared<FakeClock>(), {}, false, limits)->current();
    REQUIRE_FALSE(creds);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "login failed: the session for alice has expired");
    CHECK_THAT(lines[1], Contains("debug: using") && !Contains("LeakedStderrToken-77aa31"));
}

TEST_CASE("concurrent requests share one plugin run") {
    auto runner = std::make_shared<RecordingRunner>();
    runner->answers = {okToken("shared")};
    ExecConfig exec;
    exec.apiVersion = kV1;
    exec.command = "p";
    exec.interactiveMode = "Never";
    auto creds = kc::execCredentials(exec, {}, runner, std::make_shared<FakeClock>(), [] { return false; });
    std::vector<std::thread> threads;
    std::vector<std::string> tokens(8);
    for (size_t i = 0; i < tokens.size(); ++i)
        threads.emplace_back([&, i] { tokens[i] = creds->current().value().bearerToken; });
    for (auto& t : threads) t.join();
    for (const auto& t : tokens) CHECK(t == "shared");
    CHECK(runner->specs.size() == 1);
}
