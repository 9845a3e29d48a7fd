// The `file` step: a deliverable read from the student's submission folder. Loading (fields, paths that would leave
// the folder, unknown keys with positions), explaining, and grading: pass, a missing file, a missing or misplaced
// section, a symlink leaving the folder, no folder given (skipped, in snapshot mode too), and the size bound.
#include <catch2/catch.hpp>

#include <filesystem>

#include "grader/check_runner.h"
#include "grader/rubric_explain.h"
#include "grader/rubric_loader.h"
#include "tests/grader/one_step_rubric.h"
#include "grader/snapshot_source.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::TempDir;

namespace {

std::string oneStep(const std::string& step) { return oneStepRubric(step, "lab-04", 5); }

std::string errorText(const std::string& text) { return rubricErrorText(text); }

Rubric rubricWith(const std::string& step) { return rubricWithStep(step, "lab-04", 5); }

const std::string kRunbookStep =
    "file: {path: runbook/RUNBOOK.md, sections: [Detect, Fail over, Fail back, Verify], contains: [kubectl], "
    "message: write the runbook}";

const std::string kGoodRunbook =
    "# Failover runbook\n\n## Detect\nWatch the probe.\n\n## Fail over\nkubectl taint ...\n\n"
    "## Fail back\nUntaint.\n\n## Verify\ncurl the service.\n";

// Grades one check against an empty snapshot: a file step needs no cluster objects.
CheckResult grade(const Rubric& rubric, const std::string& submissionRoot) {
    auto snapshot = snapshotFromText(R"({"apiVersion":"v1","kind":"List","items":[]})", "empty.json");
    REQUIRE(snapshot);
    RunOptions options;
    options.submissionRoot = submissionRoot;
    GradeRun run = runChecks(rubric, {{"", snapshot->get()}}, options);
    REQUIRE(run.checks.size() == 1);
    return run.checks[0];
}

}  // namespace

TEST_CASE("file step loads its fields") {
    Rubric r = rubricWith("file: {path: docs/USAGE.md, contains: Install, regex: ['^kubectl apply'], "
                          "sections: [Install, Status fields], minBytes: 200, maxBytes: 4096}");
    const Step& step = r.checks[0].steps[0];
    CHECK(step.kind == StepKind::File);
    CHECK_FALSE(isLiveOnly(step));
    const auto& f = std::get<FileStep>(step.spec);
    CHECK(f.path == "docs/USAGE.md");
    CHECK(f.contains == std::vector<std::string>{"Install"});
    CHECK(f.regex == std::vector<std::string>{"^kubectl apply"});
    CHECK(f.sections == std::vector<std::string>{"Install", "Status fields"});
    CHECK(f.minBytes == 200);
    CHECK(f.maxBytes == 4096);
    CHECK(explainStep(step) ==
          "file: docs/USAGE.md in the submission is at least 200 bytes and contains \"Install\" and has a line "
          "matching /^kubectl apply/ and has the headings \"Install\", \"Status fields\" in that order");
}

TEST_CASE("file step paths that would leave the submission are refused at load") {
    // The step is on line 8; `path` sits after "      - file: {" (col 16).
    CHECK_THAT(errorText(oneStep("file: {path: /etc/passwd}")),
               Catch::Contains("r.yaml:8:") && Catch::Contains("absolute path"));
    CHECK_THAT(errorText(oneStep("file: {path: runbook/../../secret.md}")), Catch::Contains("no '..'"));
    CHECK_THAT(errorText(oneStep("file: {path: ..}")), Catch::Contains("no '..'"));
    CHECK_THAT(errorText(oneStep("file: {path: 'runbook\\RUNBOOK.md'}")), Catch::Contains("'/'"));
    CHECK_THAT(errorText(oneStep("file: {path: ''}")), Catch::Contains("must not be empty"));
    CHECK_THAT(errorText(oneStep("file: {contains: x}")), Catch::Contains("`path`"));
}

TEST_CASE("file step unknown keys and bad bounds are reported with their position") {
    std::string unknown = errorText(oneStep("file: {path: a.md, section: [Detect]}"));
    CHECK_THAT(unknown, Catch::Contains("r.yaml:8:") && Catch::Contains("section"));
    CHECK_THAT(errorText(oneStep("file: {path: a.md, minBytes: 10, maxBytes: 5}")), Catch::Contains("minBytes"));
    CHECK_THAT(errorText(oneStep("file: {path: a.md, regex: '(unclosed'}")), Catch::Contains("r.yaml:8:"));
    CHECK_THAT(errorText(oneStep("file: {path: a.md, sections: ['']}")), Catch::Contains("cannot be empty"));
}

TEST_CASE("file step passes on a runbook with every section in order and earns the points") {
    TempDir submission;
    submission.write("runbook/RUNBOOK.md", kGoodRunbook);
    CheckResult c = grade(rubricWith(kRunbookStep), submission.path());
    CHECK(c.outcome == Outcome::Pass);
    CHECK(c.earned == Approx(5));
    REQUIRE(c.steps.size() == 1);
    CHECK(c.steps[0].outcome == Outcome::Pass);
}

TEST_CASE("file step fails when the file is missing from the submission") {
    TempDir submission;
    submission.write("README.md", "# hello\n");
    CheckResult c = grade(rubricWith(kRunbookStep), submission.path());
    CHECK(c.outcome == Outcome::Fail);
    REQUIRE(c.steps.size() == 1);
    CHECK_THAT(c.steps[0].summary, Catch::Contains("runbook/RUNBOOK.md is missing"));
    CHECK(std::find(c.messages.begin(), c.messages.end(), "write the runbook") != c.messages.end());
}

TEST_CASE("file step fails on a missing section and on sections out of order") {
    TempDir missing;
    missing.write("runbook/RUNBOOK.md", "## Detect\nx\n## Fail over\ny\n## Verify\nkubectl get\n");
    CheckResult m = grade(rubricWith(kRunbookStep), missing.path());
    CHECK(m.outcome == Outcome::Fail);
    REQUIRE(m.steps.size() == 1);
    REQUIRE(m.steps[0].mismatches.size() == 1);  // only Fail back: Verify still follows Fail over
    CHECK(m.steps[0].mismatches[0].observed == "missing");

    TempDir swapped;
    swapped.write("runbook/RUNBOOK.md", "## Detect\nx\n## Fail back\ny\n## Fail over\nkubectl\n## Verify\nz\n");
    CheckResult s = grade(rubricWith(kRunbookStep), swapped.path());
    CHECK(s.outcome == Outcome::Fail);
    REQUIRE(s.steps[0].mismatches.size() == 1);  // Fail over found after Detect; Fail back only before it
    CHECK(s.steps[0].mismatches[0].observed == "present, but out of order");

    // A heading inside a fenced code block is no section, and plain text naming a section is not a heading.
    TempDir fenced;
    fenced.write("runbook/RUNBOOK.md", "## Detect\nkubectl\n```\n# Fail over\n```\nFail back\n## Verify\n");
    CHECK(grade(rubricWith(kRunbookStep), fenced.path()).outcome == Outcome::Fail);
    // Headings match whatever their level, case and closing hashes.
    TempDir styled;
    styled.write("runbook/RUNBOOK.md", "# detect\nkubectl\n### FAIL OVER ###\n#### Fail back\n## Verify ##\n");
    CHECK(grade(rubricWith(kRunbookStep), styled.path()).outcome == Outcome::Pass);
}

TEST_CASE("file step contains regex and minBytes each fail on their own") {
    TempDir submission;
    submission.write("USAGE.md", "# Usage\nInstall with helm.\n");
    CHECK(grade(rubricWith("file: {path: USAGE.md, contains: [helm]}"), submission.path()).outcome == Outcome::Pass);
    CHECK(grade(rubricWith("file: {path: USAGE.md, contains: [kubectl]}"), submission.path()).outcome == Outcome::Fail);
    CHECK(grade(rubricWith("file: {path: USAGE.md, regex: ['^Install ']}"), submission.path()).outcome == Outcome::Pass);
    CHECK(grade(rubricWith("file: {path: USAGE.md, regex: ['^helm']}"), submission.path()).outcome == Outcome::Fail);
    // The text is 27 bytes.
    CHECK(grade(rubricWith("file: {path: USAGE.md, minBytes: 27}"), submission.path()).outcome == Outcome::Pass);
    CHECK(grade(rubricWith("file: {path: USAGE.md, minBytes: 28}"), submission.path()).outcome == Outcome::Fail);
}

TEST_CASE("file step refuses a symlink that leaves the submission and follows one that stays inside") {
    namespace fs = std::filesystem;
    TempDir outside;
    std::string secret = outside.write("RUNBOOK.md", kGoodRunbook);
    TempDir submission;
    fs::create_directories(fs::path(submission.path()) / "runbook");
    fs::create_symlink(secret, fs::path(submission.path()) / "runbook" / "RUNBOOK.md");
    CheckResult c = grade(rubricWith(kRunbookStep), submission.path());
    CHECK(c.outcome == Outcome::Fail);
    REQUIRE(c.steps.size() == 1);
    CHECK_THAT(c.steps[0].summary, Catch::Contains("leads outside the submission folder"));

    TempDir inside;
    inside.write("docs/runbook.md", kGoodRunbook);
    fs::create_directories(fs::path(inside.path()) / "runbook");
    fs::create_symlink("../docs/runbook.md", fs::path(inside.path()) / "runbook" / "RUNBOOK.md");
    CHECK(grade(rubricWith(kRunbookStep), inside.path()).outcome == Outcome::Pass);
}

TEST_CASE("file step without a submission folder is skipped and earns nothing") {
    CheckResult c = grade(rubricWith(kRunbookStep), "");
    CHECK(c.outcome == Outcome::Skipped);
    CHECK(c.earned == Approx(0));
    REQUIRE(c.steps.size() == 1);
    CHECK(c.steps[0].outcome == Outcome::Skipped);
    CHECK(c.steps[0].summary == "no submission folder given");
}

TEST_CASE("file step refuses a file over its size bound") {
    TempDir submission;
    submission.write("runbook/RUNBOOK.md", kGoodRunbook + std::string(200, 'x'));
    Rubric bounded = rubricWith("file: {path: runbook/RUNBOOK.md, sections: [Detect], maxBytes: 100}");
    CheckResult c = grade(bounded, submission.path());
    CHECK(c.outcome == Outcome::Fail);
    REQUIRE(c.steps.size() == 1);
    CHECK_THAT(c.steps[0].summary, Catch::Contains("over the bound of 100"));
    // Within a larger bound the same file passes.
    CHECK(grade(rubricWith("file: {path: runbook/RUNBOOK.md, sections: [Detect], maxBytes: 4096}"), submission.path())
              .outcome == Outcome::Pass);
}
