#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "clusters/json.h"
#include "cli_test_support.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc::grader::testing;
using kc::Json;

namespace {

// The state of tests/fixtures/cli/snapshots/partial.yaml, arranged in the API double.
void arrangePartial(kc::testing::ApiDouble& api) {
    api.create(Json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})"));
    api.create(Json::parse(
        R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":2}})"));
    api.create(Json::parse(
        R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"ports":[{"port":80,"protocol":"TCP"}]}})"));
    api.create(Json::parse(
        R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"shop"},"data":{"mode":"prod"}})"));
    api.create(Json::parse(
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-creds","namespace":"shop"},"type":"Opaque"})"));
}

std::map<std::string, std::string> outcomes(const Json& report) {
    std::map<std::string, std::string> out;
    for (const auto& c : report["checks"]) out[c["id"].get<std::string>()] = c["outcome"].get<std::string>();
    return out;
}

}  // namespace

TEST_CASE("check grades a live cluster like the snapshot of the same state") {
    auto api = kc::testing::ApiDouble::start();
    arrangePartial(*api);
    kc::testing::TempDir dir;
    std::string kubeconfig = api->writeKubeconfig(dir.path() + "/kubeconfig", true);

    auto live = grade({"check", "--lab", kCliLab, "--kubeconfig", kubeconfig, "--format", "json"});
    INFO(live.stderrText);
    REQUIRE(live.exitCode == 0);
    Json liveReport = Json::parse(live.stdoutText);
    CHECK(liveReport["mode"] == "live");
    auto snapshot = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "json"});
    REQUIRE(snapshot.exitCode == 0);
    auto liveOutcomes = outcomes(liveReport);
    auto snapshotOutcomes = outcomes(Json::parse(snapshot.stdoutText));
    // The live-only apply runs live and is skipped on a snapshot; everything else must agree.
    CHECK(snapshotOutcomes["apply-probe"] == "skipped");
    CHECK(liveOutcomes["apply-probe"] != "skipped");
    liveOutcomes.erase("apply-probe");
    snapshotOutcomes.erase("apply-probe");
    CHECK(liveOutcomes == snapshotOutcomes);
}

TEST_CASE("capture writes a directory that grades like the live cluster") {
    auto api = kc::testing::ApiDouble::start();
    arrangePartial(*api);
    kc::testing::TempDir dir;
    std::string kubeconfig = api->writeKubeconfig(dir.path() + "/kubeconfig", true);
    std::string out = dir.path() + "/capture";

    auto captured = grade({"capture", "--lab", kCliLab, "--out", out, "--kubeconfig", kubeconfig});
    INFO(captured.stderrText);
    REQUIRE(captured.exitCode == 0);
    CHECK(std::filesystem::exists(out + "/capture.json"));

    auto fromCapture = grade({"check", "--lab", kCliLab, "--snapshot", out, "--format", "json"});
    INFO(fromCapture.stderrText);
    REQUIRE(fromCapture.exitCode == 0);
    auto fromSnapshot = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "json"});
    CHECK(outcomes(Json::parse(fromCapture.stdoutText)) == outcomes(Json::parse(fromSnapshot.stdoutText)));
    CHECK(Json::parse(fromCapture.stdoutText)["earned"].get<double>() == 7);
}

TEST_CASE("capture exits 3 on an unreachable cluster and 2 on bad flags") {
    kc::testing::TempDir dir;
    std::string kubeconfig = dir.write("kubeconfig", unreachableKubeconfig(closedPort()));
    auto r = grade({"capture", "--lab", kCliLab, "--out", dir.path() + "/c", "--kubeconfig", kubeconfig});
    CHECK(r.exitCode == 3);
    auto noOut = grade({"capture", "--lab", kCliLab});
    CHECK(noOut.exitCode == 2);
    CHECK_THAT(noOut.stderrText, Catch::Contains("--out") && Catch::Contains("Usage:"));
}
