// `kubeclass-grade cluster ...` as a user runs it: the real binary, fake kind/docker/kubectl/helm first on PATH,
// profiles from tests/fixtures/cli/clusters/profiles/ (the CLI tests' data root), the API double as the cluster.
#include <catch2/catch.hpp>

#include "tests/grader/cli_test_support.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

using namespace kc::grader::testing;
using kc::testing::FakeReply;
using kc::testing::FakeTool;
using kc::testing::TempDir;

namespace {

struct FakeHost {
    TempDir dir;
    FakeTool docker{dir, "docker"}, kind{dir, "kind"}, kubectl{dir, "kubectl"}, helm{dir, "helm"};
    FakeHost() {
        docker.on({"info"}, {.stdoutText = "27.3.1|/var/lib/docker|runc\n"});
        kind.on({"version"}, {.stdoutText = "kind v0.25.0 go1.22.9 linux/amd64\n"});
        kubectl.on({"version", "--client"}, {.stdoutText = R"({"clientVersion":{"gitVersion":"v1.31.2"}})"});
        helm.on({"version"}, {.stdoutText = "v3.16.2+g13654a5\n"});
    }
    std::vector<std::pair<std::string, std::string>> env() const { return {kind.pathEnv(), {"HOME", dir.path()}}; }
};

}  // namespace

TEST_CASE("cluster with an invalid profile prints every error with its position and exits 2", "[cli][cluster]") {
    auto r = grade({"cluster", "status", "cli-broken"});
    CHECK(r.exitCode == 2);
    const std::string file = kCliFixtures + "/clusters/profiles/cli-broken.yaml";
    CHECK_THAT(r.stderrText, Catch::Contains(file + ":14:14: clusters[0].nodes[0].gpu: node 0 is a control-plane node"));
    CHECK_THAT(r.stderrText, Catch::Contains(file + ":17:64: clusters[0].addons[0].manifest.version: \"*\" is not a pinned version"));
    CHECK(r.stdoutText.empty());
}

TEST_CASE("cluster usage mistakes and unknown profiles exit 2", "[cli][cluster]") {
    CHECK(grade({"cluster"}).exitCode == 2);
    CHECK(grade({"cluster", "launch", "cli-tiny"}).exitCode == 2);
    CHECK(grade({"cluster", "status", "cli-tiny", "--format", "yaml"}).exitCode == 2);
    CHECK(grade({"cluster", "down", "cli-tiny", "--skip-preflight"}).exitCode == 2);
    auto missing = grade({"cluster", "up", "no-such-profile"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.stderrText, Catch::Contains("no profile \"no-such-profile\""));
    CHECK_THAT(missing.stderrText, Catch::Contains("cli-tiny"));
}

TEST_CASE("cluster preflight passes on a healthy host and exits 4 with fixes when docker is down", "[cli][cluster]") {
    FakeHost host;
    auto ok = grade({"cluster", "preflight", "cli-tiny"}, host.env());
    INFO(ok.stderrText);
    CHECK(ok.exitCode == 0);
    CHECK_THAT(ok.stdoutText, Catch::Contains("PASS  Docker engine reachable: Docker Engine 27.3.1"));
    CHECK_THAT(ok.stdoutText, Catch::EndsWith("preflight ok for cli-tiny\n"));

    host.docker.on({"info"}, {.stderrText = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n", .exitCode = 1, .times = 2});
    auto down = grade({"cluster", "preflight", "cli-tiny", "--format", "json"}, host.env());
    CHECK(down.exitCode == 4);
    auto json = kc::Json::parse(down.stdoutText);
    CHECK(json["ok"] == false);
    bool dockerFailed = false;
    for (const auto& c : json["checks"])
        if (c["id"] == "docker" && c["outcome"] == "fail") {
            dockerFailed = true;
            CHECK_THAT(c["fix"].get<std::string>(), Catch::Contains("systemctl start docker"));
        }
    CHECK(dockerFailed);

    auto up = grade({"cluster", "up", "cli-tiny"}, host.env());
    CHECK(up.exitCode == 4);
    CHECK_THAT(up.stderrText, Catch::Contains("preflight failed; nothing was created"));
    CHECK(host.kind.callsStartingWith({"create"}).empty());
}

TEST_CASE("cluster up, status and down run end to end against the API double", "[cli][cluster]") {
    FakeHost host;
    auto api = kc::testing::ApiDouble::start();
    api->create(kc::Json{{"apiVersion", "v1"}, {"kind", "Node"},
                         {"metadata", {{"name", "cli-tiny-control-plane"}}},
                         {"status", {{"conditions", kc::Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}});
    std::string doubleConfig = api->writeKubeconfig(host.dir.path() + "/double.kubeconfig");
    host.kind.on({"get", "clusters"}, {.stdoutText = "cli-tiny\n"});
    host.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n", .times = 1});  // the first call
    host.kind.on({"create", "cluster"}, {.stderrText = "Creating cluster \"cli-tiny\" ...\n \xE2\x80\xA2 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC  ...\n \xE2\x9C\x93 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC\n"});
    host.kind.on({"get", "kubeconfig", "--name", "cli-tiny"}, {.stdoutFile = doubleConfig});
    std::string kubeconfig = host.dir.path() + "/state/kubeconfig";

    auto up = grade({"cluster", "up", "cli-tiny", "--skip-preflight", "--kubeconfig", kubeconfig, "--format", "json"}, host.env());
    INFO(up.stderrText);
    REQUIRE(up.exitCode == 0);
    auto report = kc::Json::parse(up.stdoutText);
    REQUIRE(report["clusters"].size() == 1);
    CHECK(report["clusters"][0]["name"] == "cli-tiny");
    CHECK(report["clusters"][0]["reused"] == false);
    CHECK(report["clusters"][0]["kubeconfig"] == host.dir.path() + "/state/cli-tiny.kubeconfig");
    CHECK(report["clusters"][0]["nodes"][0]["name"] == "cli-tiny-control-plane");
    CHECK_THAT(up.stderrText, Catch::Contains("[cli-tiny] kind: done: ensuring node image"));
    CHECK_THAT(up.stderrText, Catch::Contains("[cli-tiny] nodes: all nodes Ready"));
    REQUIRE(host.kind.callsStartingWith({"create", "cluster", "--name", "cli-tiny"}).size() == 1);

    auto status = grade({"cluster", "status", "cli-tiny", "--kubeconfig", kubeconfig}, host.env());
    CHECK(status.exitCode == 0);
    CHECK_THAT(status.stdoutText, Catch::Contains("cluster cli-tiny: GPU mode none"));
    CHECK_THAT(status.stdoutText, Catch::Contains("cli-tiny-control-plane"));

    auto down = grade({"cluster", "down", "cli-tiny", "--kubeconfig", kubeconfig}, host.env());
    CHECK(down.exitCode == 0);
    CHECK(down.stdoutText == "deleted cli-tiny\n");
    CHECK(host.kind.callsStartingWith({"delete", "cluster", "--name", "cli-tiny", "--kubeconfig", kubeconfig}).size() == 1);
}

TEST_CASE("cluster status of an unreachable existing cluster exits 3", "[cli][cluster]") {
    FakeHost host;
    std::string unreachable = host.dir.write("gone.kubeconfig", unreachableKubeconfig(closedPort()));
    host.kind.on({"get", "clusters"}, {.stdoutText = "cli-tiny\n"});
    host.kind.on({"get", "kubeconfig", "--name", "cli-tiny"}, {.stdoutFile = unreachable});
    auto status = grade({"cluster", "status", "cli-tiny", "--kubeconfig", host.dir.path() + "/state/kubeconfig"}, host.env());
    CHECK(status.exitCode == 3);
    CHECK_THAT(status.stdoutText, Catch::Contains("cluster cli-tiny: exists, but cannot be read"));
}
