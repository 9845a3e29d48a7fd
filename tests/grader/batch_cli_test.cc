// `kubeclass-grade batch` end to end in snapshot mode: local bare repositories built with libgit2 (commits before
// and after the deadline, a hostile one in the middle of the roster), fetched, graded, saved, resumed, regraded
// under a late rule, and exported. Scores come from the worked-out table in cli_check_test.cc: the reference
// capture earns 14 of 15, the partial one 7 of 15.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "grader/gradebook.h"
#include "grader/late_policy.h"
#include "tests/grader/cli_test_support.h"
#include "tests/grader/git_fixture.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::FixtureRepo;
using kc::testing::FixtureTree;
using kc::testing::TempDir;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

struct ClassFixture {
    TempDir dir;
    std::string roster, db, work, out;
    std::string adaOnTime, adaLate;
    TimePoint deadline = parseIso8601("2026-03-01T23:59:00Z").value();

    ClassFixture() {
        using std::chrono::hours;
        FixtureTree reference{{"capture.yaml", kc::testing::file(slurp(kReferenceSnapshot))}, {"README.md", kc::testing::file("lab")}};
        FixtureTree partial{{"capture.yaml", kc::testing::file(slurp(kPartialSnapshot))}};
        {
            FixtureRepo ada(dir.path() + "/repos/ada.git");
            adaOnTime = ada.commit("main", reference, deadline - hours(2));
            adaLate = ada.commit("main", partial, deadline + hours(1) + std::chrono::minutes(30));
            ada.setDefaultBranch("main");
        }
        {
            // Hostile: the capture is a link to a file outside the repository.
            FixtureRepo eve(dir.path() + "/repos/eve.git");
            eve.commit("main", {{"capture.yaml", kc::testing::symlinkTo("/etc/passwd")}}, deadline - hours(3));
            eve.setDefaultBranch("main");
        }
        {
            FixtureRepo bob(dir.path() + "/repos/bob.git");
            bob.commit("main", partial, deadline - hours(24));
            bob.setDefaultBranch("main");
        }
        {
            FixtureRepo cy(dir.path() + "/repos/cy.git");  // only after the deadline
            cy.commit("main", reference, deadline + hours(5));
            cy.setDefaultBranch("main");
        }
        {
            FixtureRepo dan(dir.path() + "/repos/dan.git");  // on time, but no capture
            dan.commit("main", {{"notes.txt", kc::testing::file("forgot the capture")}}, deadline - hours(1));
            dan.setDefaultBranch("main");
        }
        roster = dir.write("roster.csv",
                           "student_id,name,email,repo_url\n"
                           "ada,\"Lovelace, Ada\",ada@uni.example," + dir.path() + "/repos/ada.git\n"
                           "eve,=cmd|' /C calc'!A0,eve@uni.example," + dir.path() + "/repos/eve.git\n"
                           "bob,Bob <b>Tables</b>,bob@uni.example," + dir.path() + "/repos/bob.git\n"
                           "cy,Cy,cy@uni.example," + dir.path() + "/repos/cy.git\n"
                           "dan,Dan,dan@uni.example," + dir.path() + "/repos/dan.git\n");
        db = dir.path() + "/gradebook.db";
        work = dir.path() + "/work";
        out = dir.path() + "/out";
    }

    std::vector<std::string> args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> a{"batch", "--roster", roster, "--lab", kCliLab, "--deadline", "2026-03-01T23:59:00Z",
                                   "--db", db, "--work-dir", work};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

std::map<std::string, SubmissionRecord> latestByStudent(const std::string& db) {
    auto book = Gradebook::open(db);
    REQUIRE(book);
    auto batches = (*book)->batches();
    REQUIRE(batches);
    REQUIRE(batches->size() == 1);
    auto rows = (*book)->latest(batches->front().id);
    REQUIRE(rows);
    std::map<std::string, SubmissionRecord> out;
    for (auto& r : *rows) out[r.student] = r;
    return out;
}

}  // namespace

TEST_CASE("batch CLI: a snapshot batch grades the last on-time commit, isolates a hostile repository and exports") {
    ClassFixture f;
    auto run = grade(f.args({"--jobs", "2", "--export", "all", "--out", f.out}));
    INFO(run.stderrText);
    REQUIRE(run.exitCode == 0);

    auto rows = latestByStudent(f.db);
    REQUIRE(rows.size() == 5);
    CHECK(rows["ada"].status == SubmissionStatus::Graded);
    CHECK(rows["ada"].commit == f.adaOnTime);  // the late commit is recorded, not graded
    CHECK(rows["ada"].lateCommits == 1);
    CHECK_FALSE(rows["ada"].late);
    CHECK(rows["ada"].score == 14);
    CHECK(rows["bob"].score == 7);
    CHECK(rows["eve"].status == SubmissionStatus::Error);
    CHECK(rows["cy"].status == SubmissionStatus::Missing);
    CHECK(rows["dan"].status == SubmissionStatus::Error);
    CHECK(rows["dan"].error.find("no capture") != std::string::npos);

    // The table on stdout: a header and one line per student.
    auto table = lines(run.stdoutText);
    REQUIRE(table.size() == 6);
    CHECK(table[1].rfind("ada ", 0) == 0);
    CHECK(table[1].find("14/15") != std::string::npos);
    CHECK(run.stderrText.find("[5/5]") != std::string::npos);

    auto canvas = lines(slurp(f.out + "/canvas.csv"));
    REQUIRE(canvas.size() == 7);
    CHECK(canvas[0] == "Student,ID,SIS User ID,SIS Login ID,Section,CLI fixture shop");
    CHECK(canvas[1] == "Points Possible,,,,,15");
    CHECK(canvas[2] == "\"Lovelace, Ada\",,ada,,,14");
    CHECK(canvas[3] == "Bob <b>Tables</b>,,bob,,,7");
    CHECK(canvas[4] == "Cy,,cy,,,0");
    CHECK(canvas[5] == "Dan,,dan,,,");
    CHECK(canvas[6] == "'=cmd|' /C calc'!A0,,eve,,,");  // formula guarded, no grade for a failed fetch
    CHECK(slurp(f.out + "/grades.csv").find("ada,ada.git,") == std::string::npos);  // ".git" stripped
    CHECK(slurp(f.out + "/grades.csv").find(",ada,ada,") != std::string::npos);
    auto gradescope = Json::parse(slurp(f.out + "/gradescope/ada/results.json"));
    CHECK(gradescope["score"].get<double>() == 14);
    CHECK(slurp(f.out + "/junit/bob.xml").find("<testsuite") != std::string::npos);
    CHECK(slurp(f.out + "/feedback/bob.md").find("web needs three replicas") != std::string::npos);
    std::string html = slurp(f.out + "/summary.html");
    CHECK(html.find("Bob &lt;b&gt;Tables&lt;/b&gt;") != std::string::npos);
    CHECK(html.find("<b>Tables") == std::string::npos);
}

TEST_CASE("batch CLI: running again resumes (finished students are not fetched) and retries only the failures") {
    ClassFixture f;
    REQUIRE(grade(f.args()).exitCode == 0);
    auto again = grade(f.args());
    INFO(again.stderrText);
    REQUIRE(again.exitCode == 0);
    CHECK(again.stderrText.find("resuming batch 1") != std::string::npos);
    CHECK(again.stderrText.find("3 already graded") != std::string::npos);  // ada, bob, cy; eve and dan retried
    CHECK(again.stderrText.find("[2/2]") != std::string::npos);
    auto book = Gradebook::open(f.db);
    REQUIRE(book);
    CHECK((*book)->submissionRowCount(1).value() == 5);
}

TEST_CASE("batch CLI: a new late rule needs --regrade, which grades late commits with the penalty and audits it") {
    ClassFixture f;
    REQUIRE(grade(f.args()).exitCode == 0);
    std::vector<std::string> late{"--late-penalty", "10% per hour", "--grade-late"};
    auto refused = grade(f.args(late));
    CHECK(refused.exitCode == 2);
    CHECK(refused.stderrText.find("--regrade") != std::string::npos);

    late.insert(late.end(), {"--regrade", "--grader", "prof-z"});
    auto regraded = grade(f.args(late));
    INFO(regraded.stderrText);
    REQUIRE(regraded.exitCode == 0);
    auto rows = latestByStudent(f.db);
    // ada's tip is the partial capture, 1h30m late: two started hours, 20% off 7.
    CHECK(rows["ada"].commit == f.adaLate);
    CHECK(rows["ada"].late);
    CHECK(rows["ada"].score == Approx(5.6));
    // cy's only commit (reference, 5 h late) is graded now: 14 less 50%.
    CHECK(rows["cy"].status == SubmissionStatus::Graded);
    CHECK(rows["cy"].score == Approx(7.0));
    CHECK(rows["bob"].score == 7);

    auto book = Gradebook::open(f.db);
    REQUIRE(book);
    auto audit = (*book)->regrades(1).value();
    std::set<std::string> adaChecks;
    for (const auto& a : audit) {
        CHECK(a.grader == "prof-z");
        if (a.student == "ada") adaChecks.insert(a.checkId);
        CHECK(a.student != "bob");  // bob's result did not change
    }
    // ada: web-deployment pass → fail, web-service pass → blocked, and the score 14 → 5.6.
    CHECK(adaChecks == std::set<std::string>{"", "web-deployment", "web-service"});
}

TEST_CASE("batch CLI: fresh and reuse without a cluster profile, --context without a kubeconfig, and bad flags exit 2") {
    ClassFixture f;
    // lab-90 names no profile and there is none called lab-90: the instructor is told to pass --profile.
    for (const char* mode : {"fresh", "reuse"}) {
        auto r = grade(f.args({"--mode", mode}));
        CHECK(r.exitCode == 2);
        CHECK(r.stderrText.find("--profile") != std::string::npos);
    }
    auto ctx = grade(f.args({"--context", "kind-lab", "--kubeconfig", f.dir.path() + "/no-such-kubeconfig"}));
    CHECK(ctx.exitCode == 2);
    CHECK(ctx.stderrText.find("cannot reach the cluster (context kind-lab)") != std::string::npos);
    CHECK(grade(f.args({"--mode", "snapshot", "--profile", "lab-01"})).exitCode == 2);
    CHECK(grade(f.args({"--shard", "3/2"})).exitCode == 2);
    CHECK(grade(f.args({"--jobs", "0"})).exitCode == 2);
    CHECK(grade(f.args({"--export", "canvas"})).exitCode == 2);  // no --out
    CHECK(grade(f.args({"--export", "excel", "--out", f.out})).exitCode == 2);
    CHECK(grade({"batch", "--roster", f.roster, "--lab", kCliLab, "--late-penalty", "10% per day"}).exitCode == 2);
    auto badDeadline = grade({"batch", "--roster", f.roster, "--lab", kCliLab, "--deadline", "2026-03-01T23:59:00",
                              "--db", f.db});
    CHECK(badDeadline.exitCode == 2);
    CHECK(badDeadline.stderrText.find("--deadline") != std::string::npos);  // no offset: refused
}
