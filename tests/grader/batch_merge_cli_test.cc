// `kubeclass-grade batch merge` and `batch override` through the CLI, on gradebooks written with the library.
// twoCheckRun: config (6 points) + hidden-probe (4 points, always passes), so a good config scores 10 and a wrong
// one 4; a hand override of config to 3 points gives 3 + 4 = 7.
#include <catch2/catch.hpp>

#include <filesystem>

#include "grader/gradebook.h"
#include "tests/grader/batch_test_doubles.h"
#include "tests/grader/cli_test_support.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::TempDir;

namespace {

const BatchSpec kMergeSpec{"lab-02", "2026-03-01T23:59:00Z", "snapshot", ""};

SubmissionRecord gradedRow(const std::string& student, bool configOk) {
    SubmissionRecord r;
    r.student = student;
    r.name = "Name " + student;
    r.commit = shaFor(student);
    r.commitTime = "2026-03-01T10:00:00Z";
    r.gradedAt = "2026-03-02T00:00:00Z";
    r.status = SubmissionStatus::Graded;
    r.run = twoCheckRun(configOk);
    return r;
}

// A shard gradebook holding `students` (ids ending in an odd digit get the config wrong).
std::string shard(const TempDir& dir, const std::string& name, const std::vector<std::string>& students) {
    std::string path = dir.path() + "/" + name;
    auto book = Gradebook::open(path);
    REQUIRE(book);
    auto batch = (*book)->openBatch(kMergeSpec, "2026-03-02T00:00:00Z");
    REQUIRE(batch);
    for (const auto& s : students) {
        char last = s.back();
        REQUIRE((*book)->record(batch->id, gradedRow(s, !((last - '0') % 2 == 1))));
    }
    return path;
}

struct Merged {
    std::int64_t batchId = 0;
    std::map<std::string, SubmissionRecord> rows;
    std::int64_t rowCount = 0;
    std::vector<RegradeEntry> audits;
};

Merged readMerged(const std::string& path) {
    auto book = Gradebook::open(path);
    REQUIRE(book);
    auto batches = (*book)->batches();
    REQUIRE(batches);
    REQUIRE(batches->size() == 1);
    Merged m;
    m.batchId = batches->front().id;
    auto rows = (*book)->latest(m.batchId);
    REQUIRE(rows);
    for (auto& r : *rows) m.rows[r.student] = r;
    m.rowCount = *(*book)->submissionRowCount(m.batchId);
    m.audits = *(*book)->regrades(m.batchId);
    return m;
}

}  // namespace

TEST_CASE("batch merge: shards become one batch without duplicates, audits included, and merging again adds nothing", "[batch]") {
    TempDir dir;
    std::string one = shard(dir, "shard1.db", {"s0", "s2", "s4"});
    std::string two = shard(dir, "shard2.db", {"s1", "s3", "s4"});  // s4 graded in both (the same commit)
    {
        auto book = Gradebook::open(one);
        REQUIRE(book);
        REQUIRE((*book)->overrideCheck(1, "s2", "config", 3, RegradeBy{"prof", "2026-03-03T09:00:00Z", "partial credit"}));
    }
    std::string out = dir.path() + "/class.db";
    auto run = grade({"batch", "merge", "--db", out, one, two});
    INFO(run.stderrText);
    REQUIRE(run.exitCode == 0);
    CHECK_THAT(run.stdoutText, Catch::Contains("5 submission(s) added, 1 already there, 1 audit entry added"));

    Merged m = readMerged(out);
    CHECK(m.rows.size() == 5);
    CHECK(m.rowCount == 5);
    CHECK(m.rows["s0"].score == Approx(10));
    CHECK(m.rows["s1"].score == Approx(4));
    CHECK(m.rows["s2"].score == Approx(7));  // the shard's override came along
    REQUIRE(m.audits.size() == 1);
    CHECK(m.audits[0].grader == "prof");
    CHECK(m.audits[0].reason == "partial credit");

    auto again = grade({"batch", "merge", "--db", out, one, two});
    REQUIRE(again.exitCode == 0);
    CHECK_THAT(again.stdoutText, Catch::Contains("0 submission(s) added, 6 already there, 0 audit entries added"));
    Merged twice = readMerged(out);
    CHECK(twice.rowCount == 5);
    CHECK(twice.audits.size() == 1);

    auto missing = grade({"batch", "merge", "--db", out, dir.path() + "/nope.db"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.stderrText, Catch::Contains("nope.db is not a gradebook file"));
    CHECK(grade({"batch", "merge", "--db", out}).exitCode == 2);
    CHECK(grade({"batch", "merge", "--db", out, out}).exitCode == 2);
}

TEST_CASE("batch override: one check's points by hand, recorded in the audit trail", "[batch]") {
    TempDir dir;
    std::string db = shard(dir, "book.db", {"s0", "s1"});
    auto run = grade({"batch", "override", "--db", db, "--batch", "1", "--student", "s0", "--check", "config",
                      "--points", "3", "--reason", "late demo, half credit", "--grader", "ta-anna"});
    INFO(run.stderrText);
    REQUIRE(run.exitCode == 0);
    Merged m = readMerged(db);
    CHECK(m.rows["s0"].score == Approx(7));
    CHECK(m.rows["s1"].score == Approx(4));
    REQUIRE(m.audits.size() == 1);
    CHECK(m.audits[0].student == "s0");
    CHECK(m.audits[0].checkId == "config");
    CHECK(m.audits[0].grader == "ta-anna");
    CHECK(m.audits[0].reason == "late demo, half credit");
    CHECK(m.audits[0].oldEarned == Approx(6));
    CHECK(m.audits[0].newEarned == Approx(3));

    auto badPoints = grade({"batch", "override", "--db", db, "--batch", "1", "--student", "s0", "--check", "config",
                            "--points", "lots", "--reason", "x"});
    CHECK(badPoints.exitCode == 2);
    CHECK_THAT(badPoints.stderrText, Catch::Contains("--points needs a number"));
    auto noReason = grade({"batch", "override", "--db", db, "--batch", "1", "--student", "s0", "--check", "config",
                           "--points", "3"});
    CHECK(noReason.exitCode == 2);
    CHECK_THAT(noReason.stderrText, Catch::Contains("needs --reason"));
    auto unknown = grade({"batch", "override", "--db", db, "--batch", "1", "--student", "zed", "--check", "config",
                          "--points", "3", "--reason", "x"});
    CHECK(unknown.exitCode == 2);
    CHECK_THAT(unknown.stderrText, Catch::Contains("no graded submission of zed"));
    CHECK(readMerged(db).audits.size() == 1);
}

TEST_CASE("batch --context: an unreachable cluster, or one refusing the credentials, is exit 3 before any repository is fetched", "[batch]") {
    TempDir dir;
    std::string kubeconfig = dir.write("gone.kubeconfig", unreachableKubeconfig(closedPort()));
    std::string roster = dir.write("roster.csv", "student_id,name,email,repo_url\nada,Ada,ada@uni.example," +
                                                     dir.path() + "/repos/ada.git\n");
    std::vector<std::string> common{"batch", "--roster", roster, "--lab", kCliLab, "--db", dir.path() + "/g.db",
                                    "--work-dir", dir.path() + "/work"};
    // Each cluster problem stops the batch with exit 3 before any repository is fetched.
    auto requireStoppedBeforeFetch = [&](const std::string& context, const std::string& config, const std::string& why) {
        auto args = common;
        args.insert(args.end(), {"--context", context, "--kubeconfig", config});
        auto run = grade(args);
        INFO(run.stderrText);
        CHECK(run.exitCode == 3);
        CHECK_THAT(run.stderrText, Catch::Contains(why));
        CHECK_FALSE(std::filesystem::exists(dir.path() + "/work/repos"));
    };
    requireStoppedBeforeFetch("gone", kubeconfig, "cannot reach the cluster (context gone)");

    // A cluster that answers but refuses the kubeconfig's token (401) grades nothing either.
    auto api = kc::testing::ApiDouble::start();
    std::string refusedKubeconfig = api->writeKubeconfig(dir.path() + "/refused.kubeconfig", true);
    api->setTokens({"another-token"});  // the token written above no longer authenticates
    requireStoppedBeforeFetch("double", refusedKubeconfig, "Unauthorized");

    auto both = common;
    both.insert(both.end(), {"--context", "gone", "--mode", "reuse"});
    CHECK(grade(both).exitCode == 2);
    auto stray = common;
    stray.insert(stray.end(), {"--kubeconfig", kubeconfig});
    auto strayRun = grade(stray);
    CHECK(strayRun.exitCode == 2);
    CHECK_THAT(strayRun.stderrText, Catch::Contains("--kubeconfig goes with --context"));
}
