// Exports of a batch: each CSV's header and rows (quoting, the formula guard), the per-student files, and the
// HTML summary's content and escaping. Expected rows are written out from the records below, not from the output.
#include <catch2/catch.hpp>

#include <sstream>

#include "grader/batch_export.h"
#include "grader/csv_field.h"
#include "tests/grader/batch_test_doubles.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;

namespace {

const std::string kHostileName = "=HYPERLINK(\"http://evil\"),<script>alert(1)</script>\nline two";

std::vector<SubmissionRecord> sampleRows() {
    SubmissionRecord ada;  // graded, full marks
    ada.student = "ada";
    ada.name = "Lovelace, Ada";
    ada.email = "ada@uni.example";
    ada.repoUrl = "https://git.example/course/lab-02-ada.git";
    ada.commit = "0123456789abcdef0123456789abcdef01234567";
    ada.commitTime = "2026-03-01T20:00:00Z";
    ada.status = SubmissionStatus::Graded;
    ada.run = twoCheckRun(true);
    ada.points = 10;
    ada.score = 10;

    SubmissionRecord bob;  // graded late: 4 of 10 less 25%
    bob.student = "bob";
    bob.name = kHostileName;
    bob.email = "+bob@uni.example";
    bob.repoUrl = "/srv/repos/bob";
    bob.commit = "fedcba9876543210fedcba9876543210fedcba98";
    bob.commitTime = "2026-03-02T01:00:00Z";
    bob.late = true;
    bob.lateSeconds = 3660;
    bob.penaltyFraction = 0.25;
    bob.status = SubmissionStatus::Graded;
    bob.run = twoCheckRun(false);
    bob.points = 10;
    bob.score = 3;

    SubmissionRecord cy;  // nothing by the deadline
    cy.student = "cy";
    cy.name = "Cy";
    cy.status = SubmissionStatus::Missing;
    cy.error = "no commit at or before the deadline";
    cy.points = 10;

    SubmissionRecord dee;  // the grader failed
    dee.student = "dee";
    dee.name = "Dee";
    dee.status = SubmissionStatus::Error;
    dee.error = "fetch: repository not found";
    dee.points = 10;
    return {ada, bob, cy, dee};
}

ExportContext sampleContext() {
    ExportContext c;
    c.lab = "lab-02";
    c.assignmentName = "Lab 2, GPUs";
    c.pointsAvailable = 10;
    c.deadline = "2026-03-01T23:59:00Z";
    c.assignmentUrl = "https://classroom.example/a/2";
    return c;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The guarded, quoted form of kHostileName: apostrophe first, quotes doubled, the newline kept inside quotes.
const std::string kHostileCsv = "\"'=HYPERLINK(\"\"http://evil\"\"),<script>alert(1)</script>\nline two\"";

}  // namespace

TEST_CASE("csvField quotes commas, quotes and newlines and guards formulas") {
    CHECK(csvField("plain") == "plain");
    CHECK(csvField("a,b") == "\"a,b\"");
    CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csvField("two\nlines") == "\"two\nlines\"");
    CHECK(csvField("=1+1") == "'=1+1");
    CHECK(csvField("+1") == "'+1");
    CHECK(csvField("-1") == "'-1");
    CHECK(csvField("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csvField("\tx") == "'\tx");
    CHECK(csvField("=a,b") == "\"'=a,b\"");
    CHECK(csvNumber(7.5) == "7.5");
    CHECK(csvNumber(10) == "10");
}

TEST_CASE("export: the Canvas CSV has Canvas's identity columns, a Points Possible row and the penalised score") {
    std::string csv = exportCanvasCsv(sampleRows(), sampleContext());
    std::string expected = "Student,ID,SIS User ID,SIS Login ID,Section,\"Lab 2, GPUs\"\n"
                           "Points Possible,,,,,10\n"
                           "\"Lovelace, Ada\",,ada,,,10\n" +
                           kHostileCsv + ",,bob,,,3\n"
                           "Cy,,cy,,,0\n"
                           "Dee,,dee,,,\n";
    CHECK(csv == expected);
}

TEST_CASE("export: the Moodle CSV has id number, email, the grade and feedback") {
    auto rows = lines(exportMoodleCsv(sampleRows(), sampleContext()));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == "ID number,Email address,\"Lab 2, GPUs\",Feedback");
    CHECK(rows[1] == "ada,ada@uni.example,10,");
    CHECK(rows[2] == "bob,'+bob@uni.example,3,late by 3660 s; penalty 25%");
    CHECK(rows[3] == "cy,,0,no commit at or before the deadline");
    CHECK(rows[4] == "dee,,,fetch: repository not found");
}

TEST_CASE("export: grades.csv has GitHub Classroom's columns") {
    auto rows = lines(exportClassroomCsv(sampleRows(), sampleContext()));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] ==
          "assignment_name,assignment_url,starter_code_url,github_username,roster_identifier,student_repository_name,"
          "student_repository_url,submission_timestamp,points_awarded,points_available");
    CHECK(rows[1] == "\"Lab 2, GPUs\",https://classroom.example/a/2,,,ada,lab-02-ada,"
                     "https://git.example/course/lab-02-ada.git,2026-03-01T20:00:00Z,10,10");
    CHECK(rows[2] == "\"Lab 2, GPUs\",https://classroom.example/a/2,,,bob,bob,/srv/repos/bob,2026-03-02T01:00:00Z,3,10");
    CHECK(rows[4] == "\"Lab 2, GPUs\",https://classroom.example/a/2,,,dee,,,,,10");
}

TEST_CASE("export: Gradescope results.json per student carries the penalised score and marks hidden tests") {
    auto files = exportGradescope(sampleRows(), sampleContext());
    REQUIRE(files.size() == 4);
    CHECK(files[0].path == "gradescope/ada/results.json");
    auto ada = Json::parse(files[0].content);
    CHECK(ada["score"].get<double>() == 10);  // hidden checks count towards the grade
    REQUIRE(ada["tests"].size() == 2);
    CHECK(ada["tests"][1]["visibility"] == "hidden");
    auto bob = Json::parse(files[1].content);
    CHECK(bob["score"].get<double>() == 3);
    CHECK(bob["output"].get<std::string>().find("late penalty 25%") != std::string::npos);
    auto dee = Json::parse(files[3].content);
    REQUIRE(dee["tests"].size() == 1);
    CHECK(dee["tests"][0]["status"] == "failed");
}

TEST_CASE("export: JUnit and Markdown per student reuse the grader's reports") {
    auto junit = exportJunit(sampleRows(), sampleContext());
    REQUIRE(junit.size() == 4);
    CHECK(junit[1].path == "junit/bob.xml");
    CHECK(junit[1].content.find("<testsuite") != std::string::npos);
    CHECK(junit[1].content.find("<failure") != std::string::npos);
    CHECK(junit[3].content.find("repository not found") != std::string::npos);
    auto md = exportMarkdown(sampleRows(), sampleContext());
    REQUIRE(md.size() == 4);
    CHECK(md[1].path == "feedback/bob.md");
    CHECK(md[1].content.rfind("Submitted late", 0) == 0);
    CHECK(md[1].content.find("Hidden probe") == std::string::npos);  // hidden from students
    CHECK(md[0].content.find("Config is right") != std::string::npos);
}

TEST_CASE("export: the HTML summary escapes a hostile name and loads nothing from outside") {
    std::string html = exportHtmlSummary(sampleRows(), sampleContext());
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("=HYPERLINK(&quot;http://evil&quot;)") != std::string::npos);
    for (const char* external : {"src=", "href=", "url(", "@import", "<script", "<iframe"}) {
        INFO(external);
        CHECK(html.find(external) == std::string::npos);
    }
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("<style>") != std::string::npos);
}

TEST_CASE("export: the HTML summary counts outcomes, pass rates per check and late submissions") {
    std::string html = exportHtmlSummary(sampleRows(), sampleContext());
    // 4 students: 2 graded, 1 missing, 1 error, 1 late; scores 100% and 30%: mean 65%.
    CHECK(html.find("<td class=\"num\">4</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td>"
                    "<td class=\"num\">1</td><td class=\"num\">65%</td>") != std::string::npos);
    // config passed for ada only; hidden-probe for both.
    CHECK(html.find("<td>config</td><td>Config is right</td><td class=\"num\">1/2</td><td class=\"num\">50%</td>") !=
          std::string::npos);
    CHECK(html.find("<td>hidden-probe</td><td>Hidden probe</td><td class=\"num\">2/2</td>") != std::string::npos);
    // bob was 3660 s late.
    CHECK(html.find("<td>bob</td>") != std::string::npos);
    CHECK(html.find("<td>1h 1m</td>") != std::string::npos);
    // The histogram's 30-39 and 90-100 bars each hold one submission.
    CHECK(html.find(">30-39</text>") != std::string::npos);
    CHECK(html.find(">90-100</text>") != std::string::npos);
}

TEST_CASE("export: --export lists are checked and all expands to every kind") {
    CHECK(parseExportList("all").value().size() == 7);
    auto two = parseExportList("canvas,html,canvas");
    REQUIRE(two);
    CHECK(*two == std::vector<ExportKind>{ExportKind::Canvas, ExportKind::Html});
    auto bad = parseExportList("canvas,excel");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("\"excel\"") != std::string::npos);
    CHECK_FALSE(parseExportList(""));
    auto files = renderExports({ExportKind::Classroom, ExportKind::Junit}, sampleRows(), sampleContext());
    REQUIRE(files.size() == 5);
    CHECK(files[0].path == "grades.csv");
}
