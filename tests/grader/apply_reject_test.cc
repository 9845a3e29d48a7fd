// `apply` with `reject`: the grader submits an object the cluster must refuse (schema validation, admission).
// Loading (forms, contradictions, positions), explaining, and grading live against the API double, whose CRD
// schema validation answers 422 like kube-apiserver.
#include <catch2/catch.hpp>

#include "grader/check_runner.h"
#include "grader/rubric_explain.h"
#include "grader/rubric_loader.h"
#include "tests/grader/one_step_rubric.h"
#include "tests/grader/double_fixture.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FaultKind;

namespace {

const std::string kObject = "{object: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}";

std::string oneStep(const std::string& step) { return oneStepRubric(step, "lab-01", 1); }

std::string errorText(const std::string& text) { return rubricErrorText(text); }

// A TrainingJob CRD whose schema bounds workers to 1..8.
Json trainingJobCrd() {
    return Json::parse(R"({
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "trainingjobs.ml.example.com"},
      "spec": {"group": "ml.example.com", "scope": "Namespaced",
               "names": {"plural": "trainingjobs", "singular": "trainingjob", "kind": "TrainingJob"},
               "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                 "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
                   "required": ["image"],
                   "properties": {"image": {"type": "string"}, "workers": {"type": "integer", "minimum": 1, "maximum": 8}}}}}}}]}})");
}

Rubric rejectRubric(const std::string& workers, const std::string& reject) {
    auto r = parseRubric("lab: t\ntitle: t\ndefaults: {namespace: ml, timeout: 2s}\nchecks:\n  - id: c\n    title: c\n"
                         "    points: 5\n    steps:\n      - apply:\n          object: {apiVersion: ml.example.com/v1, "
                         "kind: TrainingJob, metadata: {name: bad}, spec: {image: busybox, workers: " +
                             workers + "}}\n          reject: " + reject + "\n          message: the schema must refuse it\n",
                         "t.yaml", ".");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return *r;
}

GradeRun gradeLive(const Rubric& rubric, KubeClient& client) {
    auto source = liveSource(client, "context test");
    return runChecks(rubric, {{"", source.get()}}, {});
}

}  // namespace

TEST_CASE("apply reject is read as true or as a map with status and message") {
    auto plain = parseRubric(oneStep("apply: " + kObject + ", reject: true}"), "r.yaml", ".");
    REQUIRE(plain);
    const auto& a = std::get<ApplyStep>(plain->checks[0].steps[0].spec);
    REQUIRE(a.reject);
    CHECK(a.reject->status == 0);
    CHECK(a.reject->message.is_null());

    auto narrowed = parseRubric(oneStep("apply: " + kObject + ", reject: {status: 422, message: {$regex: workers}}}"),
                                "r.yaml", ".");
    REQUIRE(narrowed);
    const auto& b = std::get<ApplyStep>(narrowed->checks[0].steps[0].spec);
    REQUIRE(b.reject);
    CHECK(b.reject->status == 422);
    CHECK(b.reject->message == Json::parse(R"({"$regex":"workers"})"));
    CHECK_FALSE(std::get<ApplyStep>(parseRubric(oneStep("apply: " + kObject + "}"), "r.yaml", ".")->checks[0].steps[0].spec).reject);

    CHECK(explainRubric(*narrowed, true).find("the server must refuse it with HTTP 422, message matches /workers/") !=
          std::string::npos);
}

TEST_CASE("apply reject errors point at the value") {
    CHECK(errorText(oneStep("apply: " + kObject + ", reject: false}")) ==
          "r.yaml:8:89: `reject: false` is the default; leave `reject` out instead");
    CHECK(errorText(oneStep("apply: " + kObject + ", reject: [1]}")) ==
          "r.yaml:8:89: `reject` must be true or a map with `status` and/or `message`, got a list");
    std::string both = errorText(oneStep("apply: " + kObject + ", reject: {status: 200, mesage: x}}"));
    CHECK(both.find("r.yaml:8:103: unknown key `mesage` (did you mean \"message\"?)") != std::string::npos);
    CHECK(both.find("r.yaml:8:98: `status` must be between 400 and 499, got 200") != std::string::npos);
    CHECK(errorText(oneStep("apply: " + kObject + ", reject: true, expect: {data: {}}}")) ==
          "r.yaml:8:89: `reject` and `expect` contradict each other: a refused object has no answer to match");
    CHECK(errorText(oneStep("apply: " + kObject + ", reject: {message: {$regex: \"(\"}}}"))
              .find("invalid regular expression") != std::string::npos);
}

TEST_CASE("apply reject passes when the schema refuses the object and fails when it is accepted") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(trainingJobCrd());
    auto client = clientFor(*server);

    SECTION("refused as required") {
        GradeRun run = gradeLive(rejectRubric("0", "{status: 422, message: {$regex: \"spec\\\\.workers\"}}"), *client);
        const auto& check = run.checks[0];
        INFO(check.steps[0].summary);
        CHECK(check.outcome == Outcome::Pass);
        CHECK(check.steps[0].summary == "the server refused 1 object, as it should");
        REQUIRE(check.steps[0].evidence.size() == 1);
        CHECK(check.steps[0].evidence[0].find("greater than or equal to 1") != std::string::npos);
        CHECK(run.leftovers.empty());
    }
    SECTION("accepted: a fail, and the object is removed again") {
        GradeRun run = gradeLive(rejectRubric("2", "true"), *client);
        const auto& check = run.checks[0];
        CHECK(check.outcome == Outcome::Fail);
        CHECK(check.steps[0].summary == "the server did not refuse 1 object as required");
        REQUIRE(check.steps[0].mismatches.size() == 1);
        CHECK(check.steps[0].mismatches[0].path == "(server answer)");
        CHECK(check.messages.at(0) == "the schema must refuse it");
        CHECK_FALSE(server->get("ml.example.com/v1", "TrainingJob", "ml", "bad"));
    }
    SECTION("refused with another status or message than the rubric names: a fail") {
        GradeRun wrongStatus = gradeLive(rejectRubric("0", "{status: 400}"), *client);
        CHECK(wrongStatus.checks[0].outcome == Outcome::Fail);
        REQUIRE(wrongStatus.checks[0].steps[0].mismatches.size() == 1);
        CHECK(wrongStatus.checks[0].steps[0].mismatches[0].observed == "422");
        GradeRun wrongMessage = gradeLive(rejectRubric("0", "{message: {$regex: gpusPerWorker}}"), *client);
        CHECK(wrongMessage.checks[0].outcome == Outcome::Fail);
        REQUIRE_FALSE(wrongMessage.checks[0].steps[0].mismatches.empty());
        CHECK(wrongMessage.checks[0].steps[0].mismatches[0].path == "(refusal message)");
    }
    SECTION("a server error is an error, not a refusal") {
        server->injectFault({FaultKind::InternalError, "PATCH", "trainingjobs", -1});
        GradeRun run = gradeLive(rejectRubric("0", "true"), *client);
        CHECK(run.checks[0].outcome == Outcome::Error);
    }
}
