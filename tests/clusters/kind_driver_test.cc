// The kind driver against a fake `kind` and `docker` on PATH that record their argv: create with streamed stages,
// failure at each stage with cleanup and kind's last lines, cancellation, list, kubeconfig, load, docker exec.
#include <catch2/catch.hpp>

#include <thread>

#include "clusters/bounded_file.h"
#include "clusters/kind_driver.h"
#include "tests/clusters/kind_output_fixture.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

using kc::testing::FakeReply;
using kc::testing::FakeTool;
using kc::testing::TempDir;

namespace {

kc::KindDriver driverFor(const FakeTool& kind, const FakeTool* docker = nullptr) {
    kc::KindTools tools;
    tools.kind = kind.path();
    if (docker) tools.docker = docker->path();
    tools.extraEnv = {kind.pathEnv()};
    return kc::KindDriver(kc::posixProcessRunner(), tools);
}

kc::Json smallConfig() {
    return kc::Json{{"kind", "Cluster"}, {"apiVersion", "kind.x-k8s.io/v1alpha4"},
                    {"nodes", kc::Json::array({{{"role", "control-plane"}}, {{"role", "worker"}}})}};
}

}  // namespace

TEST_CASE("kind create passes name, config, image and kubeconfig and streams every stage", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    FakeReply reply;
    reply.stderrText = kc::testing::kindCreateStderr("lab-01");
    reply.copyArgFileFlag = "--config";
    reply.copyArgFileTo = dir.path() + "/seen-config.json";
    kind.on({"create", "cluster"}, reply);
    auto driver = driverFor(kind);

    std::vector<kc::KindProgressEvent> events;
    kc::CreateClusterRequest request;
    request.name = "lab-01";
    request.config = smallConfig();
    request.image = "kindest/node:v1.31.2";
    request.kubeconfigPath = dir.path() + "/kubeconfig";
    request.onProgress = [&](const kc::KindProgressEvent& e) { events.push_back(e); };
    auto created = driver.createCluster(request);
    REQUIRE(created.has_value());

    auto calls = kind.calls();
    REQUIRE(calls.size() == 1);
    const auto& argv = calls[0];
    REQUIRE(argv.size() == 10);
    CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 4) ==
          std::vector<std::string>{"create", "cluster", "--name", "lab-01"});
    CHECK(argv[4] == "--config");
    CHECK(argv[6] == "--image");
    CHECK(argv[7] == "kindest/node:v1.31.2");
    CHECK(argv[8] == "--kubeconfig");
    CHECK(argv[9] == dir.path() + "/kubeconfig");
    // The config kind was given is the one asked for, and the temporary file is gone afterwards.
    auto seen = kc::readFileBounded(dir.path() + "/seen-config.json", 1 << 20);
    REQUIRE(seen.has_value());
    CHECK(kc::Json::parse(*seen) == smallConfig());
    CHECK_FALSE(std::filesystem::exists(argv[5]));

    // 7 stages started and succeeded, then "ready".
    REQUIRE(events.size() == 16);
    auto stages = kc::testing::kindStagesWithWorkers();
    for (size_t i = 0; i < stages.size(); ++i) {
        CHECK(events[2 * i].type == kc::KindProgressEvent::Type::Started);
        CHECK(events[2 * i].stage == stages[i].first);
        CHECK(events[2 * i + 1].type == kc::KindProgressEvent::Type::Succeeded);
        CHECK(events[2 * i + 1].stage == stages[i].first);
    }
    CHECK(events.back().stage == kc::KindStage::Ready);
}

TEST_CASE("a create that fails at any stage is cleaned up and reports the stage and kind's last lines", "[kind]") {
    auto stages = kc::testing::kindStagesWithWorkers();
    for (int failAt = 0; failAt < static_cast<int>(stages.size()); ++failAt) {
        DYNAMIC_SECTION("failing at " << kc::kindStageName(stages[static_cast<size_t>(failAt)].first)) {
            TempDir dir;
            FakeTool kind(dir, "kind");
            kind.on({"create", "cluster"}, {.stderrText = kc::testing::kindCreateStderr("lab-01", failAt), .exitCode = 1});
            auto driver = driverFor(kind);
            kc::CreateClusterRequest request;
            request.name = "lab-01";
            request.config = smallConfig();
            auto created = driver.createCluster(request);
            REQUIRE_FALSE(created.has_value());
            std::string stageName = kc::kindStageName(stages[static_cast<size_t>(failAt)].first);
            CHECK_THAT(created.error().message, Catch::Contains("at stage \"" + stageName + "\""));
            CHECK_THAT(created.error().message, Catch::Contains("the partly created cluster was deleted"));
            CHECK_THAT(created.error().message, Catch::Contains("ERROR: failed to create cluster: stage " + std::to_string(failAt) + " broke"));
            CHECK_THAT(created.error().message, Catch::Contains("Command Output: detail line for stage " + std::to_string(failAt)));
            CHECK(driver.lastFailure().stage == stages[static_cast<size_t>(failAt)].first);
            CHECK(driver.lastFailure().cleanedUp);
            REQUIRE(kind.callsStartingWith({"delete", "cluster", "--name", "lab-01"}).size() == 1);
        }
    }
}

TEST_CASE("a failed cleanup after a failed create says how to clean up by hand", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    kind.on({"create", "cluster"}, {.stderrText = kc::testing::kindCreateStderr("x", 1), .exitCode = 1});
    kind.on({"delete", "cluster"}, {.stderrText = "ERROR: failed to delete cluster \"x\": docker is gone\n", .exitCode = 1});
    auto driver = driverFor(kind);
    auto created = driver.createCluster({.name = "x", .config = smallConfig()});
    REQUIRE_FALSE(created.has_value());
    CHECK_THAT(created.error().message, Catch::Contains("cleaning up failed too"));
    CHECK_THAT(created.error().message, Catch::Contains("run: kind delete cluster --name x"));
    CHECK_FALSE(driver.lastFailure().cleanedUp);
}

TEST_CASE("cancelling a create stops kind, cleans up and names the running stage", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    std::string partial = "Creating cluster \"slow\" ...\n \xE2\x80\xA2 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC  ...\n";
    kind.on({"create", "cluster"}, {.stderrText = partial, .sleepSeconds = 30});
    auto driver = driverFor(kind);
    auto cancel = std::make_shared<kc::Cancellation>();
    kc::CreateClusterRequest request;
    request.name = "slow";
    request.config = smallConfig();
    request.cancel = cancel;
    request.onProgress = [&](const kc::KindProgressEvent& e) {
        if (e.type == kc::KindProgressEvent::Type::Started) cancel->cancel();
    };
    auto started = std::chrono::steady_clock::now();
    auto created = driver.createCluster(request);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(created.has_value());
    CHECK(created.error().kind == kc::ErrorKind::Cancelled);
    CHECK_THAT(created.error().message, Catch::Contains("during stage \"ensuring node image\""));
    CHECK(took < std::chrono::seconds(10));
    CHECK(kind.callsStartingWith({"delete", "cluster", "--name", "slow"}).size() == 1);
}

TEST_CASE("kind missing from PATH is reported, not crashed on", "[kind]") {
    kc::KindTools tools;
    tools.kind = "/nonexistent/kind";
    kc::KindDriver driver(kc::posixProcessRunner(), tools);
    auto created = driver.createCluster({.name = "x", .config = smallConfig()});
    REQUIRE_FALSE(created.has_value());
    CHECK(created.error().kind == kc::ErrorKind::NotFound);
    auto listed = driver.listClusters();
    REQUIRE_FALSE(listed.has_value());
    CHECK(listed.error().kind == kc::ErrorKind::NotFound);
}

TEST_CASE("list, kubeconfig, load image and delete run the right kind commands", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    kind.on({"get", "clusters"}, {.stdoutText = "lab-01\nlab-04-hub\n"});
    kind.on({"get", "kubeconfig", "--name", "lab-01"}, {.stdoutText = "server: https://127.0.0.1:41234\n"});
    kind.on({"get", "kubeconfig", "--name", "lab-01", "--internal"}, {.stdoutText = "server: https://lab-01-control-plane:6443\n"});
    kind.on({"get", "kubeconfig", "--name", "gone"}, {.stderrText = "ERROR: could not locate any control plane nodes\n", .exitCode = 1});
    auto driver = driverFor(kind);

    auto names = driver.listClusters();
    REQUIRE(names.has_value());
    CHECK(*names == std::vector<std::string>{"lab-01", "lab-04-hub"});
    CHECK(driver.clusterExists("lab-04-hub").value());
    CHECK_FALSE(driver.clusterExists("lab-04").value());

    CHECK(driver.kubeconfig("lab-01").value() == "server: https://127.0.0.1:41234\n");
    CHECK(driver.kubeconfig("lab-01", true).value() == "server: https://lab-01-control-plane:6443\n");
    auto gone = driver.kubeconfig("gone");
    REQUIRE_FALSE(gone.has_value());
    CHECK_THAT(gone.error().message, Catch::Contains("could not locate any control plane nodes"));

    REQUIRE(driver.loadImage("lab-01", "example.com/op:1.0").has_value());
    REQUIRE(driver.deleteCluster("lab-01", "/k/config").has_value());
    CHECK(kind.callsStartingWith({"load", "docker-image", "example.com/op:1.0", "--name", "lab-01"}).size() == 1);
    CHECK(kind.callsStartingWith({"delete", "cluster", "--name", "lab-01", "--kubeconfig", "/k/config"}).size() == 1);
}

TEST_CASE("no kind clusters is an empty list", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    auto driver = driverFor(kind);
    auto names = driver.listClusters();
    REQUIRE(names.has_value());
    CHECK(names->empty());
}

TEST_CASE("docker exec returns stdout, and a failing command's output is in the error", "[kind]") {
    TempDir dir;
    FakeTool kind(dir, "kind");
    FakeTool docker(dir, "docker");
    docker.on({"exec", "n1", "ip", "route"}, {.stdoutText = "default via 172.18.0.1\n"});
    docker.on({"exec", "n1", "false"}, {.stderrText = "something went wrong\n", .exitCode = 3});
    auto driver = driverFor(kind, &docker);
    CHECK(driver.dockerExec("n1", {"ip", "route"}).value() == "default via 172.18.0.1\n");
    auto failed = driver.dockerExec("n1", {"false"});
    REQUIRE_FALSE(failed.has_value());
    CHECK_THAT(failed.error().message, Catch::Contains("docker exec n1 false: exited with status 3"));
    CHECK_THAT(failed.error().message, Catch::Contains("something went wrong"));
}
