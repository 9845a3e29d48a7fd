// Snapshot grading: a plain kubectl List dump and inline documents, each read-only step kind passing and failing,
// needs/blocked, closest-candidate mismatches, live-only checks skipped, bounded and positioned errors.
#include <catch2/catch.hpp>

#include "grader/check_runner.h"
#include "kubeclass_version.h"
#include "grader/rubric_loader.h"
#include "grader/snapshot_source.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;

namespace {

const std::string kFixtures = std::string(KUBECLASS_SOURCE_DIR) + "/tests/fixtures/grading";

Rubric rubricFrom(const std::string& text) {
    auto rubric = parseRubric(text, "test-rubric.yaml", "");
    INFO((rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    return *rubric;
}

const CheckResult& result(const GradeRun& run, const std::string& id) {
    for (const auto& c : run.checks)
        if (c.id == id) return c;
    FAIL("no check " << id);
    return run.checks.front();
}

GradeRun grade(const Rubric& rubric, ObjectSource& source) {
    return runChecks(rubric, {{"", &source}}, RunOptions{});
}

}  // namespace

TEST_CASE("a plain kubectl List dump grades to the scores reasoned in the fixture README") {
    auto rubric = loadRubric(kFixtures + "/rubric.yaml");
    REQUIRE(rubric);
    auto snapshot = openSnapshot(kFixtures + "/kubectl-dump.yaml");
    REQUIRE(snapshot);
    GradeRun run = grade(*rubric, **snapshot);
    CHECK(run.mode == "snapshot");
    CHECK(run.lab == "lab-fixture");
    REQUIRE(run.checks.size() == 10);
    struct Want {
        const char* id;
        Outcome outcome;
        double earned;
    };
    for (const Want& w : {Want{"web-deployment", Outcome::Fail, 0}, Want{"web-service", Outcome::Blocked, 0},
                          Want{"no-latest", Outcome::Fail, 0}, Want{"priority", Outcome::Pass, 2},
                          Want{"gpu-nodes", Outcome::Pass, 2}, Want{"operator-logs", Outcome::Skipped, 0},
                          Want{"scheduled-events", Outcome::Pass, 1}, Want{"pods-by-replicaset", Outcome::Pass, 2},
                          Want{"smoke-apply", Outcome::Skipped, 0}, Want{"after-apply", Outcome::Skipped, 0}}) {
        INFO(w.id);
        CHECK(result(run, w.id).outcome == w.outcome);
        CHECK(result(run, w.id).earned == w.earned);
    }
    CHECK(run.earned() == 7);
    CHECK(run.points() == 22);

    const auto& web = result(run, "web-deployment");
    REQUIRE(web.steps.size() == 1);
    REQUIRE(web.steps[0].mismatches.size() == 1);
    CHECK(web.steps[0].mismatches[0].path == ".spec.replicas");
    CHECK(web.steps[0].mismatches[0].expected == "3");
    CHECK(web.steps[0].mismatches[0].observed == "2");
    CHECK(web.steps[0].message == "web must run 3 replicas of nginx:1.27");
    CHECK(std::find(web.messages.begin(), web.messages.end(), "web must run 3 replicas of nginx:1.27") !=
          web.messages.end());
    CHECK(std::find(web.messages.begin(), web.messages.end(), "Look at the web Deployment.") != web.messages.end());

    CHECK(result(run, "web-service").blockedBy == "web-deployment");
    CHECK(result(run, "no-latest").steps[0].summary.find("shop/debug") != std::string::npos);
    CHECK(result(run, "no-latest").steps[0].summary.find("elsewhere") == std::string::npos);
    CHECK(result(run, "after-apply").blockedBy == "smoke-apply");
}

TEST_CASE("the same snapshot graded twice gives the same result") {
    auto rubric = loadRubric(kFixtures + "/rubric.yaml");
    REQUIRE(rubric);
    auto a = openSnapshot(kFixtures + "/kubectl-dump.yaml");
    auto b = openSnapshot(kFixtures + "/kubectl-dump.yaml");
    REQUIRE(a);
    REQUIRE(b);
    GradeRun x = grade(*rubric, **a), y = grade(*rubric, **b);
    REQUIRE(x.checks.size() == y.checks.size());
    for (size_t i = 0; i < x.checks.size(); ++i) {
        CHECK(x.checks[i].outcome == y.checks[i].outcome);
        CHECK(x.checks[i].messages == y.checks[i].messages);
        REQUIRE(x.checks[i].steps.size() == y.checks[i].steps.size());
        for (size_t s = 0; s < x.checks[i].steps.size(); ++s) {
            CHECK(x.checks[i].steps[s].summary == y.checks[i].steps[s].summary);
            CHECK(x.checks[i].steps[s].evidence == y.checks[i].steps[s].evidence);
        }
    }
}

TEST_CASE("the closest candidate is the one with the fewest mismatches") {
    auto source = snapshotFromText(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: ml}
spec: {replicas: 1, paused: true, template: {spec: {containers: [{name: web, image: "nginx:1.25"}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: ml}
spec: {replicas: 3, template: {spec: {containers: [{name: web, image: "nginx:1.25"}]}}}
)", "inline.yaml");
    REQUIRE(source);
    Rubric rubric = rubricFrom(R"(
lab: t
title: t
checks:
  - id: c
    title: c
    points: 1
    steps:
      - assert:
          apiVersion: apps/v1
          kind: Deployment
          namespace: ml
          match: {spec: {replicas: 3, template: {spec: {containers: [{name: web, image: "nginx:1.27"}]}}}}
          message: use nginx 1.27
)");
    GradeRun run = grade(rubric, **source);
    const auto& step = run.checks.at(0).steps.at(0);
    CHECK(run.checks[0].outcome == Outcome::Fail);
    CHECK(step.summary.find("closest: ml/b") != std::string::npos);
    REQUIRE(step.mismatches.size() == 1);
    CHECK(step.mismatches[0].path == ".spec.template.spec.containers[name=web].image");
    CHECK(step.mismatches[0].expected == "\"nginx:1.27\"");
    CHECK(step.mismatches[0].observed == "\"nginx:1.25\"");
}

TEST_CASE("count constraints count the candidates that match") {
    auto source = snapshotFromText(R"(
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Node, metadata: {name: a, labels: {gpu: "true"}}}
  - {apiVersion: v1, kind: Node, metadata: {name: b, labels: {gpu: "true"}}}
  - {apiVersion: v1, kind: Node, metadata: {name: c}}
)", "nodes.yaml");
    REQUIRE(source);
    auto rubricWith = [](const std::string& count) {
        return rubricFrom("lab: t\ntitle: t\nchecks:\n  - id: c\n    title: c\n    points: 1\n    steps:\n"
                          "      - assert: {apiVersion: v1, kind: Node, count: " +
                          count + ", match: {metadata: {labels: {gpu: \"true\"}}}}\n");
    };
    CHECK(grade(rubricWith("{exactly: 2}"), **source).checks[0].outcome == Outcome::Pass);
    CHECK(grade(rubricWith("{exactly: 3}"), **source).checks[0].outcome == Outcome::Fail);
    CHECK(grade(rubricWith("{max: 1}"), **source).checks[0].outcome == Outcome::Fail);
    CHECK(grade(rubricWith("{min: 1, max: 2}"), **source).checks[0].outcome == Outcome::Pass);
    auto tooMany = grade(rubricWith("{max: 1}"), **source);
    CHECK(tooMany.checks[0].steps[0].summary == "2 of 3 v1 Nodes matched, wanted at most 1");
    CHECK(tooMany.checks[0].steps[0].evidence.size() == 2);
}

TEST_CASE("each read-only step kind passes and fails on a snapshot") {
    auto source = snapshotFromText(R"(
apiVersion: v1
kind: Pod
metadata:
  name: op-1
  namespace: ml
  labels: {app: op}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: op-rs, uid: x, controller: true}]
  managedFields: [{manager: kube-controller-manager}]
spec: {containers: [{name: manager, image: op:1}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: hand-made
  namespace: ml
  labels: {app: hand}
  managedFields: [{manager: kubectl-client-side-apply}]
spec: {containers: [{name: c, image: x}]}
---
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: e1, namespace: ml, uid: u1}
regarding: {kind: Pod, name: batch-1, namespace: ml}
reason: Preempted
type: Warning
note: preempted by training-high
eventTime: "2026-11-20T10:00:00.000000Z"
)", "state.yaml");
    REQUIRE(source);
    auto outcome = [&](const std::string& step) {
        Rubric rubric = rubricFrom("lab: t\ntitle: t\ndefaults: {namespace: ml}\nchecks:\n  - id: c\n    title: c\n"
                                   "    points: 1\n    steps:\n      - " +
                                   step + "\n");
        return grade(rubric, **source).checks.at(0).outcome;
    };
    CHECK(outcome("absent: {apiVersion: v1, kind: Pod, name: nope}") == Outcome::Pass);
    CHECK(outcome("absent: {apiVersion: v1, kind: Pod, name: op-1}") == Outcome::Fail);
    CHECK(outcome("absent: {apiVersion: v1, kind: Pod, name: op-1, match: {spec: {nodeName: {$exists: true}}}}") ==
          Outcome::Pass);
    CHECK(outcome("events: {reason: Preempted, type: Warning, message: {$regex: \"preempted by\"}}") == Outcome::Pass);
    CHECK(outcome("events: {reason: Preempted, type: Normal}") == Outcome::Fail);
    CHECK(outcome("events: {involved: {kind: Pod, name: batch-2}}") == Outcome::Fail);
    CHECK(outcome("events: {reason: Preempted, count: {max: 0}}") == Outcome::Fail);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=op, controller: {kind: ReplicaSet}, "
                  "managerAny: [kube-controller-manager]}") == Outcome::Pass);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=hand, controller: {kind: ReplicaSet}}") ==
          Outcome::Fail);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=op, managerNot: "
                  "[kube-controller-manager]}") == Outcome::Fail);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=none, controller: {kind: Job}}") ==
          Outcome::Fail);
    // A List dump has no logs: the step cannot be graded from it, so it is skipped, never passed or failed.
    CHECK(outcome("logs: {labelSelector: app=op, contains: [reconciled]}") == Outcome::Skipped);
    CHECK(outcome("logs: {pod: missing, contains: [reconciled]}") == Outcome::Fail);
}

TEST_CASE("a snapshot without events skips events steps") {
    auto source = snapshotFromText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ml}\n", "cm.yaml");
    REQUIRE(source);
    Rubric rubric = rubricFrom(
        "lab: t\ntitle: t\nchecks:\n  - id: c\n    title: c\n    points: 1\n    steps:\n"
        "      - events: {namespace: ml, reason: Scheduled}\n");
    CHECK(grade(rubric, **source).checks[0].outcome == Outcome::Skipped);
}

TEST_CASE("typed lists restore apiVersion and kind on their items") {
    auto source = snapshotFromText(R"({"apiVersion":"apps/v1","kind":"DeploymentList","items":[
        {"metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":3}}]})", "deployments.json");
    REQUIRE(source);
    auto items = (*source)->list({"apps/v1", "Deployment", "shop"});
    REQUIRE(items);
    REQUIRE((*items)->size() == 1);
    CHECK((**items)[0]["kind"] == "Deployment");
    auto other = (*source)->list({"apps/v1", "Deployment", "elsewhere"});
    REQUIRE(other);
    CHECK((*other)->empty());
    auto unknown = (*source)->list({"ml.example.com/v1", "TrainingJob", ""});
    REQUIRE(unknown);
    CHECK((*unknown)->empty());
}

TEST_CASE("a broken snapshot is refused with file line and column") {
    auto bad = snapshotFromText("apiVersion: v1\nkind: List\nitems:\n  - {metadata: {name: a}}\n", "dump.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("dump.yaml:4:") == 0);
    CHECK(bad.error().message.find("apiVersion and kind") != std::string::npos);

    auto syntax = snapshotFromText("items: [\n", "broken.yaml");
    REQUIRE_FALSE(syntax);
    CHECK(syntax.error().message.find("broken.yaml:") == 0);

    auto missing = openSnapshot("/nonexistent/snapshot.yaml");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
}

TEST_CASE("a capture directory whose manifest points outside it is refused") {
    testing::TempDir dir;
    dir.write("capture.json", R"({"format":"kubeclass-capture","version":1,
        "objects":[{"apiVersion":"v1","kind":"Pod","namespace":"x","file":"../../etc/passwd"}]})");
    auto opened = openSnapshot(dir.path());
    REQUIRE_FALSE(opened);
    CHECK(opened.error().message.find("unsafe file") != std::string::npos);
}

TEST_CASE("a directory that is not a capture is refused") {
    testing::TempDir dir;
    dir.write("something.yaml", "a: b\n");
    auto opened = openSnapshot(dir.path());
    REQUIRE_FALSE(opened);
}
