// The mapping of a lab's walkthrough to steps and of the rubric's visible checks to those steps (Qt-free).
#include <catch2/catch.hpp>

#include <map>

#include "app/lab_catalog.h"
#include "app/lab_progress.h"
#include "app/lab_walkthrough.h"
#include "grader/rubric_loader.h"

using namespace kc;
using namespace kc::app;

namespace {

const LabEntry& labById(const std::vector<LabEntry>& labs, const std::string& id) {
    for (const auto& l : labs)
        if (l.id == id) return l;
    FAIL("no lab " << id);
    throw std::logic_error("unreachable");
}

grader::Rubric rubricOf(const std::string& yaml) {
    auto r = grader::parseRubric(yaml, "test-rubric.yaml", "");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return *r;
}

const char* kTinyRubric = R"(lab: lab-99
title: Tiny
checks:
  - id: alpha
    title: Alpha
    points: 1
    steps:
      - assert: {apiVersion: v1, kind: Namespace, name: a}
  - id: beta
    title: Beta
    points: 1
    steps:
      - assert: {apiVersion: v1, kind: Namespace, name: b}
  - id: secret
    title: Secret
    points: 1
    visibility: hidden
    steps:
      - assert: {apiVersion: v1, kind: Namespace, name: s}
  - id: gamma
    title: Gamma
    points: 1
    steps:
      - assert: {apiVersion: v1, kind: Namespace, name: c}
)";

}  // namespace

TEST_CASE("walkthrough steps are the README sections and checkpoints claim their checks", "[app][labs]") {
    auto rubric = rubricOf(kTinyRubric);
    std::string readme =
        "# Lab 99: *tiny*\n\nIntro text.\n\n"
        "## Step 1: first\n\nDo it. Mentions `beta` in passing.\n\n```console\n## not a heading `gamma`\n```\n\n"
        "**Checkpoint:** `alpha`,\n`secret`.\n\n"
        "## Step 2: second\n\n**Checkpoint:** `beta`.\n\n"
        "## Troubleshooting\n\nNothing.\n";
    auto w = splitWalkthrough(readme, rubric);
    CHECK(w.title == "Lab 99: tiny");
    REQUIRE(w.steps.size() == 5);
    CHECK(w.steps[0].id == "overview");
    CHECK(w.steps[1].id == "step-1");
    CHECK(w.steps[1].title == "Step 1: first");
    // The checkpoint paragraph continues over the line break; the hidden check is never mapped.
    CHECK(w.steps[1].checkIds == std::vector<std::string>{"alpha"});
    // A checkpoint claim beats an earlier mention in passing.
    CHECK(w.steps[2].checkIds == std::vector<std::string>{"beta"});
    CHECK(w.steps[3].id == "troubleshooting");
    CHECK(w.steps[3].markdown.find("Nothing.") != std::string::npos);
    // `gamma` only appears inside a code block: not a mention, so it goes to "Other checks".
    CHECK(w.steps[4].id == "other-checks");
    CHECK(w.steps[4].checkIds == std::vector<std::string>{"gamma"});
    CHECK(w.stepOf("secret") == nullptr);
    CHECK(w.stepOf("alpha") == &w.steps[1]);
    CHECK(w.find("step-2") == &w.steps[2]);
}

TEST_CASE("a check no checkpoint names goes to the first Step section mentioning it", "[app][labs]") {
    auto rubric = rubricOf(kTinyRubric);
    std::string readme =
        "# T\n\n## Goals\n\nLearn `gamma`.\n\n## Step 3 (bonus): later\n\nNow `gamma` for real.\n\n"
        "## How to check\n\n`alpha` and `beta`.\n";
    auto w = splitWalkthrough(readme, rubric);
    REQUIRE(w.steps.size() == 3);  // no overview: nothing before the first section but the title
    CHECK(w.steps[1].id == "step-3");
    CHECK(w.steps[1].checkIds == std::vector<std::string>{"gamma"});
    // Mentioned only in a section that is not a step: that section, as the second choice.
    CHECK(w.steps[2].checkIds == std::vector<std::string>{"alpha", "beta"});
}

TEST_CASE("a Steps section with a checkpoint per numbered item becomes one step per item", "[app][labs]") {
    auto rubric = rubricOf(kTinyRubric);
    std::string readme =
        "# T\n\n## Steps\n\n1. Apply the starter. Checkpoint: `alpha`.\n"
        "2. **Second thing.** Do more.\n   ```console\n   $ kubectl get ns\n   ```\n\n"
        "   Checkpoints: `beta`,\n   `gamma`.\n\n## Checking your work\n\nRun it.\n";
    auto w = splitWalkthrough(readme, rubric);
    REQUIRE(w.steps.size() == 3);
    CHECK(w.steps[0].id == "step-1");
    CHECK(w.steps[0].title == "Apply the starter");
    CHECK(w.steps[0].checkIds == std::vector<std::string>{"alpha"});
    CHECK(w.steps[1].id == "step-2");
    CHECK(w.steps[1].title == "Second thing");
    CHECK(w.steps[1].checkIds == std::vector<std::string>{"beta", "gamma"});
    CHECK(w.steps[1].markdown.find("kubectl get ns") != std::string::npos);
    CHECK(w.steps[2].id == "checking-your-work");
}

TEST_CASE("every visible check of every course lab is checked at exactly one step and no hidden one is",
          "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    REQUIRE(labs.size() == 9);  // four labs, five exercises
    CHECK(labs[0].id == "lab-01");
    CHECK_FALSE(labs[0].exercise);
    CHECK(labs[4].exercise);
    for (const auto& lab : labs) {
        INFO(lab.id);
        CHECK(lab.loadError.empty());
        std::map<std::string, int> seen;
        for (const auto& step : lab.walkthrough.steps)
            for (const auto& id : step.checkIds) ++seen[id];
        for (const auto& c : lab.rubric.checks) {
            INFO(c.id);
            CHECK(seen[c.id] == (c.visibility == grader::Visibility::Visible ? 1 : 0));
        }
        // The walkthroughs name every check, so nothing falls through to "Other checks".
        CHECK(lab.walkthrough.find("other-checks") == nullptr);
    }
}

TEST_CASE("lab-02 steps carry the checks their checkpoints name", "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    const auto& lab2 = labById(labs, "lab-02");
    using V = std::vector<std::string>;
    REQUIRE(lab2.walkthrough.find("step-2"));
    CHECK(lab2.walkthrough.find("step-2")->checkIds == V{"priority-classes", "priority-order"});
    CHECK(lab2.walkthrough.find("step-3")->checkIds == V{"time-slicing-config", "time-slicing-capacity"});
    CHECK(lab2.walkthrough.find("step-8")->checkIds == V{"bonus-kueue-gang"});
    // The gate is named in Step 0's text, not at a checkpoint.
    CHECK(lab2.walkthrough.find("step-0")->checkIds == V{"gpu-nodes"});
    CHECK(lab2.walkthrough.stepOf("workloads-have-controllers") == nullptr);  // hidden

    const auto& ready = labById(labs, "ex-production-readiness");
    REQUIRE(ready.walkthrough.find("step-2"));
    CHECK(ready.walkthrough.find("step-2")->title == "Replicas");
    CHECK(ready.walkthrough.find("step-2")->checkIds == V{"replicas"});
    CHECK(ready.walkthrough.find("step-3")->checkIds == V{"readiness-probes", "liveness-probes"});
}

TEST_CASE("step status and lab score come from the newest runs", "[app][labs]") {
    using grader::Outcome;
    std::map<std::string, Outcome> latest{{"a", Outcome::Pass},
                                          {"b", Outcome::Fail},
                                          {"c", Outcome::Error},
                                          {"d", Outcome::Pass},
                                          {"e", Outcome::Skipped}};
    CHECK(stepStatus({}, latest) == StepStatus::NoChecks);
    CHECK(stepStatus({"a", "d"}, latest) == StepStatus::Passed);
    CHECK(stepStatus({"a", "b"}, latest) == StepStatus::Partial);
    CHECK(stepStatus({"b"}, latest) == StepStatus::Failed);
    CHECK(stepStatus({"c"}, latest) == StepStatus::Error);
    CHECK(stepStatus({"b", "c"}, latest) == StepStatus::Failed);
    CHECK(stepStatus({"a", "zz"}, latest) == StepStatus::NotChecked);
    CHECK(stepStatus({"e"}, latest) == StepStatus::Partial);

    LabCheckRun step{.scope = "step-2", .earned = 1, .points = 2, .outcome = "graded"};
    LabCheckRun all{.scope = "all", .earned = 30, .points = 80, .outcome = "graded"};
    LabCheckRun broken{.scope = "all", .outcome = "error: unreachable"};
    CHECK_FALSE(labScore({step}));
    auto score = labScore({broken, step, all});
    REQUIRE(score);
    CHECK(formatScore(*score) == "30 / 80");
}
