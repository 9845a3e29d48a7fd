// Rubric model helpers: durations, label selectors, which steps need a live cluster,
// and the text of `rubric explain` in the student and instructor views.
#include <catch2/catch.hpp>

#include "grader/rubric_explain.h"
#include "grader/rubric_loader.h"

using kc::Json;
using namespace kc::grader;
using namespace std::chrono_literals;

namespace {

const std::string kRubrics = std::string(KUBECLASS_TEST_FIXTURES) + "/rubrics/";

LabelSelector selectorOf(const std::string& text) {
    std::string rubric =
        "lab: lab-01\ntitle: T\nchecks:\n  - id: c\n    title: C\n    points: 1\n    steps:\n"
        "      - assert: {apiVersion: v1, kind: Pod, labelSelector: \"" +
        text + "\"}\n";
    auto r = parseRubric(rubric, "r.yaml", ".");
    if (!r) FAIL(r.error().message);
    return *std::get<AssertStep>(r->checks[0].steps[0].spec).target.selector;
}

}  // namespace

TEST_CASE("durations read milliseconds seconds minutes hours and sequences") {
    CHECK(parseDuration("500ms") == std::optional<Duration>(500ms));
    CHECK(parseDuration("30s") == std::optional<Duration>(30s));
    CHECK(parseDuration("2m") == std::optional<Duration>(2min));
    CHECK(parseDuration("1h") == std::optional<Duration>(1h));
    CHECK(parseDuration("1m30s") == std::optional<Duration>(90s));
    CHECK(parseDuration("1s500ms") == std::optional<Duration>(1500ms));
}

TEST_CASE("durations without a unit zero or over a day are refused") {
    for (const char* bad : {"", "30", "0s", "1.5s", "s", "10x", "-1s", "25h", "1m 30s"}) {
        INFO(bad);
        CHECK_FALSE(parseDuration(bad).has_value());
    }
}

TEST_CASE("durations format back to their shortest spelling") {
    CHECK(formatDuration(90s) == "1m30s");
    CHECK(formatDuration(500ms) == "500ms");
    CHECK(formatDuration(1h) == "1h");
    CHECK(parseDuration(formatDuration(3723004ms)) == std::optional<Duration>(3723004ms));
}

TEST_CASE("label selector strings parse every requirement form") {
    LabelSelector s = selectorOf("app=web,tier!=cpu,env in (prod, staging),zone notin (a),gpu,!legacy");
    REQUIRE(s.requirements.size() == 6);
    CHECK(s.requirements[0].op == LabelRequirement::Op::Equals);
    CHECK(s.requirements[1].op == LabelRequirement::Op::NotEquals);
    CHECK(s.requirements[2].op == LabelRequirement::Op::In);
    CHECK(s.requirements[2].values == std::vector<std::string>{"prod", "staging"});
    CHECK(s.requirements[3].op == LabelRequirement::Op::NotIn);
    CHECK(s.requirements[4].op == LabelRequirement::Op::Exists);
    CHECK(s.requirements[5].op == LabelRequirement::Op::DoesNotExist);
    CHECK(s.toString() == "app=web,tier!=cpu,env in (prod,staging),zone notin (a),gpu,!legacy");
}

TEST_CASE("label selectors match labels as Kubernetes does") {
    LabelSelector s = selectorOf("app=web,tier!=cpu,!legacy");
    CHECK(s.matches(Json::parse(R"({"app":"web"})")));  // != also selects objects without the label
    CHECK(s.matches(Json::parse(R"({"app":"web","tier":"gpu"})")));
    CHECK_FALSE(s.matches(Json::parse(R"({"app":"web","tier":"cpu"})")));
    CHECK_FALSE(s.matches(Json::parse(R"({"app":"web","legacy":"true"})")));
    CHECK_FALSE(s.matches(Json(nullptr)));
    LabelSelector in = selectorOf("env in (prod,staging)");
    CHECK(in.matches(Json::parse(R"({"env":"staging"})")));
    CHECK_FALSE(in.matches(Json::parse(R"({})")));
}

TEST_CASE("apply delete probe and http are live only while logs events and file are not") {
    Step step;
    for (auto [kind, live] : {std::pair{StepKind::Assert, false},
                              {StepKind::Absent, false},
                              {StepKind::Apply, true},
                              {StepKind::Delete, true},
                              {StepKind::Logs, false},
                              {StepKind::Events, false},
                              {StepKind::Probe, true},
                              {StepKind::Provenance, false},
                              {StepKind::Http, true},
                              {StepKind::File, false}}) {
        step.kind = kind;
        INFO(stepKindName(kind));
        CHECK(isLiveOnly(step) == live);
    }
}

TEST_CASE("explain for students leaves hidden checks out") {
    auto r = loadRubric(kRubrics + "lab-02/rubric.yaml");
    REQUIRE(r.has_value());
    std::string text = explainRubric(*r, false);
    CHECK_THAT(text, Catch::StartsWith("lab-02: Advanced GPU scheduling (rubric version 3)\n"
                                       "4 checks, 33 points shown (hidden checks are not listed)\n"));
    CHECK_THAT(text, !Catch::Contains("rbac-review") && !Catch::Contains("preemption-works"));
    CHECK_THAT(text,
               Catch::Contains("priority-classes - PriorityClasses for training, inference and batch [10 points]\n"
                               "  objective: Schedule with priority and preemption\n"
                               "  needs: crd-installed\n"
                               "  cluster: east\n"
                               "  1. assert: at least 1 scheduling.k8s.io/v1 PriorityClass \"training-high\" "
                               "where value > 1000, preemptionPolicy = \"PreemptLowerPriority\"\n"
                               "  2. absent: no v1 Pod with labels tier=cpu in namespace \"ml\" where "
                               "spec.nodeName matches /gpu-.*/\n"));
    CHECK_THAT(text, Catch::Contains("probe: 200 requests from curlimages/curl; split v1 80%, v2 20% (±5%); error: at "
                                     "most 0 [live only]"));
}

TEST_CASE("explain for instructors lists every check with its visibility") {
    auto r = loadRubric(kRubrics + "lab-02/rubric.yaml");
    REQUIRE(r.has_value());
    std::string text = explainRubric(*r, true);
    CHECK_THAT(text, Catch::Contains("6 checks, 45 points\n"));
    CHECK_THAT(text, Catch::Contains("rbac-review - The trainer service account may create jobs [4 points, hidden]"));
    CHECK_THAT(text, Catch::Contains("1. logs: pods with labels app=trainingjob-operator (container manager) must "
                                     "contain \"reconciled\" and match /created pod [a-z0-9-]+/ and not contain "
                                     "\"panic\"\n"));
    CHECK_THAT(text, Catch::Contains("[8 points, after_due_date]"));
    CHECK_THAT(text, Catch::Contains("1. apply: fixtures/preemptor.yaml [live only]"));
    CHECK_THAT(text, Catch::Contains("apply: SubjectAccessReview (inline); the server's answer must have "
                                     "status.allowed = true [live only]"));
    CHECK_THAT(text, Catch::Contains("events: at least 1 Warning event(s) with reason Preempted about Pod in namespace "
                                     "\"ml\" whose message matches /preempted by/"));
    CHECK_THAT(text, Catch::Contains("provenance: v1 Pod with labels job-name is controlled by a TrainingJob, never "
                                     "edited by \"kubectl\", \"kubectl-client-side-apply\""));
}

TEST_CASE("a target described with a count puts the kind in the plural before the namespace") {
    Target t;
    t.apiVersion = "networking.k8s.io/v1";
    t.kind = "NetworkPolicy";
    t.namespace_ = "ml";
    CHECK(t.describe(1) == "1 networking.k8s.io/v1 NetworkPolicy in namespace \"ml\"");
    CHECK(t.describe(3) == "3 networking.k8s.io/v1 NetworkPolicies in namespace \"ml\"");
    t.apiVersion = "networking.k8s.io/v1";
    t.kind = "Ingress";
    CHECK(t.describe(2) == "2 networking.k8s.io/v1 Ingresses in namespace \"ml\"");
    t.apiVersion = "apps/v1";
    t.kind = "Deployment";
    t.namespace_.clear();
    t.selector = selectorOf("app=web");
    CHECK(t.describe(0) == "0 apps/v1 Deployments with labels " + t.selector->toString());
    t.apiVersion = "v1";
    t.kind = "Pod";
    CHECK(t.describe() == "v1 Pod with labels " + t.selector->toString());
}
