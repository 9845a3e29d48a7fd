// Capture: the layout it writes, and the central promise — grading the capture as a snapshot gives the live
// run's outcome and points for every check that does not need a live cluster.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "grader/capture.h"
#include "grader/check_runner.h"
#include "grader/rubric_loader.h"
#include "tests/grader/double_fixture.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using namespace std::chrono_literals;

namespace {

Json readJson(const std::string& path) {
    std::ifstream in(path);
    return Json::parse(in, nullptr, false);
}

bool dependsOnLiveOnly(const Rubric& rubric, const Check& check) {
    for (const auto& step : check.steps)
        if (isLiveOnly(step)) return true;
    for (const auto& need : check.needs)
        if (const Check* other = rubric.find(need); other && dependsOnLiveOnly(rubric, *other)) return true;
    return false;
}

}  // namespace

TEST_CASE("a capture writes a manifest and one List per kind and namespace") {
    auto server = ApiDouble::start();
    arrangeFixtureState(*server);
    auto client = clientFor(*server);
    auto rubric = loadRubric(kGradingFixtures + "/rubric.yaml");
    REQUIRE(rubric);
    kc::testing::TempDir dir;
    const std::string out = dir.path() + "/capture";
    auto captured = captureForRubric(*rubric, *client, out, "2026-11-22T23:00:00Z");
    INFO((captured ? std::string() : captured.error().message));
    REQUIRE(captured);
    Json manifest = readJson(out + "/capture.json");
    REQUIRE(manifest.is_object());
    CHECK(manifest["format"] == "kubeclass-capture");
    CHECK(manifest["version"] == 1);
    CHECK(manifest["lab"] == "lab-fixture");
    CHECK(manifest["capturedAt"] == "2026-11-22T23:00:00Z");
    CHECK(manifest["clusterVersion"] == "v1.32.4");
    std::set<std::string> files;
    for (const auto& o : manifest["objects"]) files.insert(o["file"].get<std::string>());
    // Namespaced kinds in defaults.namespace; cluster-scoped kinds once, without a namespace.
    CHECK(files == std::set<std::string>{"objects/apps_v1.Deployment.shop.json", "objects/v1.Service.shop.json",
                                         "objects/v1.Pod.shop.json", "objects/v1.ConfigMap.shop.json",
                                         "objects/scheduling.k8s.io_v1.PriorityClass._all.json",
                                         "objects/v1.Node._all.json"});
    Json deployments = readJson(out + "/objects/apps_v1.Deployment.shop.json");
    CHECK(deployments["kind"] == "List");
    CHECK(deployments["items"].size() == 2);
    REQUIRE(manifest["events"].size() == 1);
    CHECK(manifest["events"][0]["file"] == "events/shop.json");
    REQUIRE(manifest["logs"].size() == 1);
    CHECK(manifest["logs"][0]["file"] == "logs/shop/operator-0/manager.log");
    std::ifstream log(out + "/logs/shop/operator-0/manager.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    CHECK(text.find("reconciled") != std::string::npos);
}

TEST_CASE("a capture graded as a snapshot equals the live run on the same state") {
    auto server = ApiDouble::start();
    arrangeFixtureState(*server);
    auto client = clientFor(*server);
    auto rubric = loadRubric(kGradingFixtures + "/rubric.yaml");
    REQUIRE(rubric);

    auto live = liveSource(*client, "context double");
    GradeRun liveRun = runChecks(*rubric, {{"", live.get()}}, RunOptions{});

    kc::testing::TempDir dir;
    REQUIRE(captureForRubric(*rubric, *client, dir.path() + "/capture", "2026-11-22T23:00:00Z"));
    auto snapshot = openSnapshot(dir.path() + "/capture");
    INFO((snapshot ? std::string() : snapshot.error().message));
    REQUIRE(snapshot);
    CHECK((*snapshot)->clusterVersion() == "v1.32.4");
    GradeRun snapRun = runChecks(*rubric, {{"", snapshot->get()}}, RunOptions{});
    CHECK(snapRun.mode == "snapshot");

    REQUIRE(liveRun.checks.size() == snapRun.checks.size());
    int compared = 0;
    for (size_t i = 0; i < liveRun.checks.size(); ++i) {
        const auto& l = liveRun.checks[i];
        const auto& s = snapRun.checks[i];
        INFO(l.id);
        const Check* check = rubric->find(l.id);
        REQUIRE(check);
        if (dependsOnLiveOnly(*rubric, *check)) {
            CHECK(s.outcome == Outcome::Skipped);
            CHECK(s.earned == 0);
            continue;
        }
        ++compared;
        CHECK(l.outcome == s.outcome);
        CHECK(l.earned == s.earned);
        REQUIRE(l.steps.size() == s.steps.size());
        for (size_t k = 0; k < l.steps.size(); ++k) {
            CHECK(l.steps[k].mismatches.size() == s.steps[k].mismatches.size());
            CHECK(l.steps[k].evidence == s.steps[k].evidence);
        }
    }
    CHECK(compared == 8);
    // Points from the checks a snapshot can grade: priority 2, gpu-nodes 2, operator-logs 2, events 1, provenance 2.
    CHECK(snapRun.earned() == 9);
}

TEST_CASE("a kind the cluster does not serve is captured as an empty list") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    auto rubric = parseRubric(
        "lab: t\ntitle: t\nchecks:\n  - {id: a, title: a, points: 1, steps: [{assert: {apiVersion: ml.example.com/v1, "
        "kind: TrainingJob, namespace: ml, name: mnist}}]}\n",
        "t.yaml", "");
    REQUIRE(rubric);
    kc::testing::TempDir dir;
    REQUIRE(captureForRubric(*rubric, *client, dir.path(), "2026-11-22T23:00:00Z"));
    Json manifest = readJson(dir.path() + "/capture.json");
    REQUIRE(manifest["objects"].size() == 1);
    CHECK(manifest["objects"][0]["served"] == false);
    CHECK(manifest["objects"][0]["count"] == 0);
    auto snapshot = openSnapshot(dir.path());
    REQUIRE(snapshot);
    GradeRun run = runChecks(*rubric, {{"", snapshot->get()}}, RunOptions{});
    CHECK(run.checks[0].outcome == Outcome::Fail);
}
