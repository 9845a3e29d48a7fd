#include <catch2/catch.hpp>

#include <sstream>

#include "grader/report_markdown.h"
#include "report_sample.h"

using namespace kc::grader;
using namespace kc::grader::testing;

TEST_CASE("markdown feedback gives the score, a table and what to fix per failed check") {
    std::string md = renderMarkdownReport(sampleRun(), {});
    CHECK_THAT(md, Catch::StartsWith("## lab-02: Advanced GPU scheduling\n"));
    CHECK_THAT(md, Catch::Contains("**5 / 26 points (19.2%)** - 1 of 5 checks passed."));
    CHECK_THAT(md, Catch::Contains("| ✅ | The TrainingJob CRD is installed (`crd-installed`) | 5/5 | pass |"));
    CHECK_THAT(md, Catch::Contains("### What to fix"));
    CHECK_THAT(md, Catch::Contains("#### ❌ PriorityClasses for training (`priority-classes`, 0/10)"));
    CHECK_THAT(md, Catch::Contains("| Where | Expected | Found |"));
    CHECK_THAT(md, Catch::Contains("| `.value` | `> 1000` | `500` |"));
    CHECK_THAT(md, Catch::Contains("> **Hint:** Look at how the scheduler orders pending pods."));
    CHECK_THAT(md, !Catch::Contains("SOLUTION-TIER"));
    CHECK_THAT(md, Catch::Contains("not a mark against your work"));
}

TEST_CASE("markdown feedback never mentions hidden checks") {
    std::string md = renderMarkdownReport(sampleRun(), {});
    CHECK_THAT(md, !Catch::Contains(kHiddenId));
    CHECK_THAT(md, !Catch::Contains(kHiddenTitle));
    CHECK_THAT(md, !Catch::Contains("HIDDEN-"));
    CHECK_THAT(md, !Catch::Contains("preemption-works"));
    CHECK_THAT(md, Catch::Contains("blocked: a check it needs did not pass"));
}

TEST_CASE("markdown escapes student-controlled text so it cannot break tables or inject HTML") {
    std::string md = renderMarkdownReport(sampleRun(), {});
    // Outside code spans markup is escaped; inside them (observed values) it is literal and so harmless.
    CHECK_THAT(md, !Catch::Contains("Title with Quotes \"q\" & <b>"));
    CHECK_THAT(md, Catch::Contains("Title with Quotes \"q\" &amp; &lt;b&gt;tags&lt;/b&gt;"));
    CHECK_THAT(md, Catch::Contains("tick \\` ctl"));  // a lone backtick cannot open a code span
    CHECK(md.find('\x01') == std::string::npos);
    CHECK(markdownText("a\x02`b") == "a\\`b");
    CHECK(markdownCode("a`b") == "``a`b``");
    CHECK(markdownCode("`x`") == "`` `x` ``");
    CHECK(markdownCode("a|b") == "`a\\|b`");
    CHECK(markdownText("x | <y>\nz") == "x \\| &lt;y&gt; z");
    // Every table row has the same number of unescaped pipes as its header.
    std::istringstream lines(md);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("| `.data", 0) != 0) continue;
        int pipes = 0;
        for (size_t i = 0; i < line.size(); ++i)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
        CHECK(pipes == 4);
    }
}
