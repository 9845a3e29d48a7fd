#include <catch2/catch.hpp>

#include "grader/report.h"
#include "grader/report_text.h"
#include "report_sample.h"

using namespace kc::grader;
using namespace kc::grader::testing;

namespace {

void requireNoHiddenText(const std::string& out) {
    CHECK_THAT(out, !Catch::Contains(kHiddenId));
    CHECK_THAT(out, !Catch::Contains(kHiddenTitle));
    CHECK_THAT(out, !Catch::Contains("HIDDEN-MESSAGE"));
    CHECK_THAT(out, !Catch::Contains("HIDDEN-HINT"));
}

}  // namespace

TEST_CASE("report formats parse by name and reject unknown ones with the list") {
    CHECK(*parseReportFormat("junit") == ReportFormat::Junit);
    CHECK(*parseReportFormat("gradescope") == ReportFormat::Gradescope);
    for (const auto& name : reportFormatNames()) CHECK(reportFormatName(*parseReportFormat(name)) == name);
    auto bad = parseReportFormat("xml");
    REQUIRE(!bad);
    CHECK_THAT(bad.error().message, Catch::Contains("xml") && Catch::Contains("markdown"));
}

TEST_CASE("points and percentages print without needless decimals") {
    CHECK(formatPoints(10) == "10");
    CHECK(formatPoints(2.5) == "2.5");
    CHECK(formatPoints(0.25) == "0.25");
    CHECK(formatPoints(1.0 / 3.0) == "0.33");
    CHECK(formatPoints(-0.0001) == "0");
    CHECK(formatPercent(100.0 * 5 / 26) == "19.2%");
    CHECK(formatPercent(50) == "50%");
}

TEST_CASE("student visibility hides hidden checks and after_due_date ones until the due date") {
    GradeRun run = sampleRun();
    ReportOptions student;
    CHECK(reportedChecks(run, student, true).size() == 5);
    ReportOptions late;
    late.afterDueDate = true;
    CHECK(reportedChecks(run, late, true).size() == 6);
    ReportOptions all;
    all.includeHidden = true;
    CHECK(reportedChecks(run, all, true).size() == 7);
    // Not student-facing: everything.
    CHECK(reportedChecks(run, student, false).size() == 7);
}

TEST_CASE("the text table lists visible checks with totals over what it shows") {
    std::string out = renderTextReport(sampleRun(), {});
    CHECK_THAT(out, Catch::StartsWith("lab-02: Advanced GPU scheduling\n"));
    CHECK_THAT(out, Catch::Contains("CHECK") && Catch::Contains("RESULT") && Catch::Contains("POINTS") &&
                        Catch::Contains("MESSAGE"));
    // 5 of 5 + 10 + 6 + 3 + 2 shown.
    CHECK_THAT(out, Catch::Contains("Total: 5/26 points (19.2%); 1 passed, 2 failed, 1 errors, 1 blocked"));
    CHECK_THAT(out, Catch::Contains("priority-classes     FAIL     0/10"));
    CHECK_THAT(out, Catch::Contains("crd-installed        pass     5/5     The CRD is established."));
    CHECK_THAT(out, !Catch::Contains("preemption-works"));
    requireNoHiddenText(out);
}

TEST_CASE("the text report explains each failure with mismatches and the first hint tier only") {
    std::string out = renderTextReport(sampleRun(), {});
    CHECK_THAT(out, Catch::Contains("What to fix"));
    CHECK_THAT(out, Catch::Contains("at .value: expected > 1000, observed 500"));
    CHECK_THAT(out, Catch::Contains("training-high must outrank inference"));
    CHECK_THAT(out, Catch::Contains("hint: Look at how the scheduler orders pending pods."));
    CHECK_THAT(out, !Catch::Contains("kubectl get priorityclass"));
    CHECK_THAT(out, !Catch::Contains("SOLUTION-TIER"));
    // The blocked check needs the hidden one: the reason must not name it.
    CHECK_THAT(out, Catch::Contains("blocked: a check it needs did not pass"));
}

TEST_CASE("the text report shows hidden and late checks to an instructor who asks") {
    ReportOptions options;
    options.includeHidden = true;
    std::string out = renderTextReport(sampleRun(), options);
    CHECK_THAT(out, Catch::Contains(kHiddenId) && Catch::Contains("HIDDEN-MESSAGE") &&
                        Catch::Contains("preemption-works"));
    CHECK_THAT(out, Catch::Contains("Total: 5/38 points (13.2%)"));
    CHECK_THAT(out, Catch::Contains("blocked: needs \"rbac-review\", which did not pass"));
    CHECK_THAT(out, Catch::Contains("v1 Pod ml/preemptor"));

    ReportOptions late;
    late.afterDueDate = true;
    std::string lateOut = renderTextReport(sampleRun(), late);
    CHECK_THAT(lateOut, Catch::Contains("preemption-works") && Catch::Contains("Total: 5/34 points"));
    requireNoHiddenText(lateOut);
}

TEST_CASE("colour codes appear only when asked for and keep the columns aligned") {
    std::string plain = renderTextReport(sampleRun(), {});
    CHECK(plain.find('\033') == std::string::npos);
    ReportOptions colour;
    colour.color = true;
    std::string painted = renderTextReport(sampleRun(), colour);
    CHECK_THAT(painted, Catch::Contains("\033[31mFAIL   \033[0m"));
    CHECK_THAT(painted, Catch::Contains("\033[32mpass   \033[0m"));
    // Without the escape codes the text is the same as the plain report.
    std::string stripped;
    for (size_t i = 0; i < painted.size(); ++i) {
        if (painted[i] == '\033') {
            while (i < painted.size() && painted[i] != 'm') ++i;
            continue;
        }
        stripped += painted[i];
    }
    CHECK(stripped == plain);
}

TEST_CASE("long messages are cut at a UTF-8 boundary with an ellipsis") {
    CHECK(oneLine("short", 10) == "short");
    CHECK(oneLine("two\nlines", 20) == "two lines");
    std::string cut = oneLine("ééééé", 7);  // 2 bytes each
    CHECK(cut == "éé…");
}

TEST_CASE("an empty run renders without dividing by zero") {
    GradeRun run;
    run.lab = "lab-00";
    std::string out = renderTextReport(run, {});
    CHECK_THAT(out, Catch::Contains("Total: 0/0 points (0%)"));
    CHECK_THAT(out, !Catch::Contains("What to fix"));
}
