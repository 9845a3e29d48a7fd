// The gradebook: schema version, idempotent writes per (batch, student, commit), errors superseded by results,
// the regrade audit trail and hand overrides, and a batch resumed after a stop or a SIGKILL.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader/batch_runner.h"
#include "grader/gradebook.h"
#include "tests/grader/batch_test_doubles.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::TempDir;

namespace {

std::unique_ptr<Gradebook> openBook(const std::string& path) {
    auto book = Gradebook::open(path);
    REQUIRE(book);
    return std::move(*book);
}

SubmissionRecord graded(const std::string& student, const std::string& commit, bool configOk) {
    SubmissionRecord r;
    r.student = student;
    r.name = "Name " + student;
    r.commit = commit;
    r.commitTime = "2026-03-01T10:00:00Z";
    r.gradedAt = "2026-03-02T00:00:00Z";
    r.status = SubmissionStatus::Graded;
    r.run = twoCheckRun(configOk);
    return r;
}

const BatchSpec kSpec{"lab-02", "2026-03-01T23:59:00Z", "snapshot", ""};

}  // namespace

TEST_CASE("gradebook: a new file is migrated to user_version 1 and a newer file is refused") {
    TempDir dir;
    std::string path = dir.path() + "/gradebook.db";
    { openBook(path); }
    {
        auto db = sqlite::Database::open(path);
        REQUIRE(db);
        CHECK(db->userVersion().value() == 1);
        REQUIRE(db->exec("PRAGMA user_version = 7"));
    }
    auto refused = Gradebook::open(path);
    REQUIRE_FALSE(refused);
}

TEST_CASE("gradebook: the same lab, deadline and mode resumes the batch; another deadline starts a new one") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto first = book->openBatch(kSpec, "2026-03-02T00:00:00Z");
    REQUIRE(first);
    CHECK_FALSE(first->resumed);
    auto again = book->openBatch(kSpec, "2026-03-02T01:00:00Z");
    REQUIRE(again);
    CHECK(again->resumed);
    CHECK(again->id == first->id);
    CHECK(again->startedAt == "2026-03-02T00:00:00Z");
    BatchSpec other = kSpec;
    other.deadline = "2026-03-08T23:59:00Z";
    auto second = book->openBatch(other, "2026-03-09T00:00:00Z");
    REQUIRE(second);
    CHECK(second->id != first->id);
    CHECK(book->batches()->size() == 2);
}

TEST_CASE("gradebook: writing the same submission twice keeps one row and the first result") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batch = book->openBatch(kSpec, "t0").value();
    CHECK(book->record(batch.id, graded("ada", "aaa", true)).value() == RecordOutcome::Inserted);
    CHECK(book->record(batch.id, graded("ada", "aaa", false)).value() == RecordOutcome::KeptExisting);
    CHECK(book->submissionRowCount(batch.id).value() == 1);
    auto rows = book->latest(batch.id).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].score == 10);  // 6 + 4 from the first write, not 4 from the second
    CHECK(rows[0].points == 10);
    REQUIRE(rows[0].run.checks.size() == 2);
    CHECK(rows[0].run.checks[1].visibility == Visibility::Hidden);
    CHECK(rows[0].run.checks[0].messages == std::vector<std::string>{"ok"});
}

TEST_CASE("gradebook: a late penalty is taken off the earned points") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batch = book->openBatch(kSpec, "t0").value();
    auto r = graded("bob", "bbb", false);  // earns 4 of 10
    r.late = true;
    r.lateSeconds = 3600;
    r.penaltyFraction = 0.25;
    REQUIRE(book->record(batch.id, r));
    auto rows = book->latest(batch.id).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].score == Approx(3.0));
    CHECK(rows[0].late);
    CHECK(rows[0].lateSeconds == 3600);
}

TEST_CASE("gradebook: an error is retried and a later result replaces it; an error never replaces a result") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batch = book->openBatch(kSpec, "t0").value();
    SubmissionRecord err;
    err.student = "cy";
    err.status = SubmissionStatus::Error;
    err.error = "fetch: connection refused";
    err.gradedAt = "t1";
    REQUIRE(book->record(batch.id, err).value() == RecordOutcome::Inserted);
    CHECK(book->finishedStudents(batch.id).value().empty());
    CHECK(book->record(batch.id, err).value() == RecordOutcome::Updated);  // same key: still one row
    CHECK(book->submissionRowCount(batch.id).value() == 1);

    REQUIRE(book->record(batch.id, graded("cy", "ccc", true)).value() == RecordOutcome::Inserted);
    CHECK(book->submissionRowCount(batch.id).value() == 1);  // the error row is gone
    CHECK(book->finishedStudents(batch.id).value() == std::set<std::string>{"cy"});

    SubmissionRecord laterErr = err;
    laterErr.commit = "ccc";
    CHECK(book->record(batch.id, laterErr, RegradeBy{"ta", "t2", ""}).value() == RecordOutcome::KeptExisting);
    auto rows = book->latest(batch.id).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].status == SubmissionStatus::Graded);
}

TEST_CASE("gradebook: a regrade logs who, when and each check whose result changed") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batch = book->openBatch(kSpec, "t0").value();
    REQUIRE(book->record(batch.id, graded("dee", "ddd", false)));
    auto outcome = book->record(batch.id, graded("dee", "ddd", true), RegradeBy{"prof-x", "2026-03-05T09:00:00Z", "rubric fix"});
    REQUIRE(outcome);
    CHECK(*outcome == RecordOutcome::Regraded);
    auto audit = book->regrades(batch.id).value();
    REQUIRE(audit.size() == 2);  // config and the score; hidden-probe passed both times: not logged
    CHECK(audit[0].student == "dee");
    CHECK(audit[0].commit == "ddd");
    CHECK(audit[0].checkId == "config");
    CHECK(audit[0].grader == "prof-x");
    CHECK(audit[0].at == "2026-03-05T09:00:00Z");
    CHECK(audit[0].reason == "rubric fix");
    CHECK(audit[0].oldOutcome == "fail");
    CHECK(audit[0].newOutcome == "pass");
    CHECK(audit[0].oldEarned == 0);
    CHECK(audit[0].newEarned == 6);
    CHECK(audit[1].checkId == "");
    CHECK(audit[1].oldEarned == 4);
    CHECK(audit[1].newEarned == 10);
    CHECK(book->latest(batch.id).value()[0].score == 10);
    CHECK(book->submissionRowCount(batch.id).value() == 1);
}

TEST_CASE("gradebook: a hand override changes one check, the score and the stored run, and is audited") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batch = book->openBatch(kSpec, "t0").value();
    REQUIRE(book->record(batch.id, graded("eve", "eee", false)));  // 4 of 10
    REQUIRE(book->overrideCheck(batch.id, "eve", "config", 3, RegradeBy{"ta-1", "t9", "partial credit"}));
    auto row = book->latest(batch.id).value().at(0);
    CHECK(row.score == 7);
    CHECK(row.run.checks[0].earned == 3);
    auto audit = book->regrades(batch.id).value();
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].grader == "ta-1");
    CHECK(audit[0].oldEarned == 0);
    CHECK(audit[0].newEarned == 3);
    CHECK_FALSE(book->overrideCheck(batch.id, "eve", "config", 11, RegradeBy{"ta-1", "t9", ""}));  // above its 6 points
    CHECK_FALSE(book->overrideCheck(batch.id, "nobody", "config", 1, RegradeBy{"ta-1", "t9", ""}));
}

TEST_CASE("batch: stopped after three submissions, a resumed batch grades only the rest and keeps one row each") {
    TempDir dir;
    std::string path = dir.path() + "/g.db";
    auto roster = rosterOf({"s0", "s1", "s2", "s3", "missing4", "broken5", "s6", "s7"});
    std::int64_t batchId = 0;
    {
        auto book = openBook(path);
        batchId = book->openBatch(kSpec, "t0").value().id;
        CountingSource source;
        CountingGrader grader;
        BatchOptions options;
        options.batchId = batchId;
        options.pointsAvailable = 10;
        options.cancel = std::make_shared<Cancellation>();
        options.progress = [&](const BatchProgress& p) {
            if (p.done == 3) options.cancel->cancel();
        };
        auto summary = runBatch(roster, source, grader, *book, options);
        REQUIRE(summary);
        CHECK(summary->cancelled);
        CHECK(summary->graded == 3);
        CHECK(book->submissionRowCount(batchId).value() == 3);
    }
    auto book = openBook(path);  // a new process would open the file again
    CountingSource source;
    CountingGrader grader;
    BatchOptions options;
    options.batchId = batchId;
    options.pointsAvailable = 10;
    options.jobs = 3;
    auto summary = runBatch(roster, source, grader, *book, options);
    REQUIRE(summary);
    CHECK(summary->resumed == 3);
    CHECK(summary->graded == 3);   // s3, s6, s7
    CHECK(summary->missing == 1);
    CHECK(summary->errors == 1);
    for (const char* done : {"s0", "s1", "s2"}) {
        CHECK(source.fetches.count(done) == 0);
        CHECK(grader.grades.count(done) == 0);
    }
    CHECK(book->submissionRowCount(batchId).value() == 8);
    auto rows = book->latest(batchId).value();
    REQUIRE(rows.size() == 8);
    std::map<std::string, SubmissionRecord> byStudent;
    for (auto& r : rows) byStudent[r.student] = r;
    CHECK(byStudent["s0"].score == 10);
    CHECK(byStudent["s1"].score == 4);  // odd digit: config wrong
    CHECK(byStudent["missing4"].status == SubmissionStatus::Missing);
    CHECK(byStudent["missing4"].score == 0);
    CHECK(byStudent["broken5"].status == SubmissionStatus::Error);
    CHECK(byStudent["broken5"].error.find("outside the repository") != std::string::npos);

    // A third run retries only the failed fetch.
    CountingSource third;
    CountingGrader thirdGrader;
    REQUIRE(runBatch(roster, third, thirdGrader, *book, options));
    CHECK(third.fetches == std::map<std::string, int>{{"broken5", 1}});
    CHECK(book->submissionRowCount(batchId).value() == 8);
}

TEST_CASE("batch: a process SIGKILLed while grading loses nothing saved and the resumed batch has no duplicates") {
    TempDir dir;
    std::string path = dir.path() + "/g.db";
    auto roster = rosterOf({"s0", "s1", "s2", "s3", "s4", "s5"});
    std::int64_t batchId = openBook(path)->openBatch(kSpec, "t0").value().id;

    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child grades until it is about to grade s3, then dies mid-submission as `kill -9` would. The alarm
        // turns a child stuck on a lock inherited through fork into a failure instead of a hung test.
        ::alarm(60);
        auto book = Gradebook::open(path);
        if (!book) ::_exit(3);
        CountingSource source;
        CountingGrader grader;
        grader.beforeGrade = [](const std::string& student) {
            if (student == "s3") ::raise(SIGKILL);
        };
        BatchOptions options;
        options.batchId = batchId;
        (void)runBatch(roster, source, grader, **book, options);
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    auto book = openBook(path);
    CHECK(book->finishedStudents(batchId).value() == std::set<std::string>{"s0", "s1", "s2"});
    CountingSource source;
    CountingGrader grader;
    BatchOptions options;
    options.batchId = batchId;
    auto summary = runBatch(roster, source, grader, *book, options);
    REQUIRE(summary);
    CHECK(summary->resumed == 3);
    CHECK(grader.grades == std::map<std::string, int>{{"s3", 1}, {"s4", 1}, {"s5", 1}});
    CHECK(book->submissionRowCount(batchId).value() == 6);
}

TEST_CASE("batch: --shard I/N takes the rows whose index modulo N is I-1") {
    CHECK_FALSE(parseShard("0/3"));
    CHECK_FALSE(parseShard("4/3"));
    CHECK_FALSE(parseShard("1"));
    CHECK_FALSE(parseShard("a/b"));
    CHECK_FALSE(parseShard("1/3x"));
    auto shard = parseShard("2/3");
    REQUIRE(shard);
    std::vector<size_t> picked;
    for (size_t i = 0; i < 8; ++i)
        if (inShard(i, *shard)) picked.push_back(i);
    CHECK(picked == std::vector<size_t>{1, 4, 7});

    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batchId = book->openBatch(kSpec, "t0").value().id;
    CountingSource source;
    CountingGrader grader;
    BatchOptions options;
    options.batchId = batchId;
    options.shard = *shard;
    auto summary = runBatch(rosterOf({"a0", "a1", "a2", "a3", "a4"}), source, grader, *book, options);
    REQUIRE(summary);
    CHECK(summary->inShard == 2);
    CHECK(grader.grades == std::map<std::string, int>{{"a1", 1}, {"a4", 1}});
}

TEST_CASE("batch: --regrade grades finished students again and audits what changed") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batchId = book->openBatch(kSpec, "t0").value().id;
    auto roster = rosterOf({"r1", "r2"});
    CountingSource source;
    CountingGrader grader;
    BatchOptions options;
    options.batchId = batchId;
    REQUIRE(runBatch(roster, source, grader, *book, options));
    CHECK(book->regrades(batchId).value().empty());

    // The instructor fixes the rubric so r1's config now passes.
    class FixedGrader final : public SubmissionGrader {
    public:
        Result<GradeRun> grade(const RosterEntry&, const FetchedSubmission&) override { return twoCheckRun(true); }
    } fixed;
    options.regradeBy = RegradeBy{"prof-y", "2026-03-06T10:00:00Z", "rubric v2"};
    auto summary = runBatch(roster, source, fixed, *book, options);
    REQUIRE(summary);
    CHECK(summary->resumed == 0);
    auto audit = book->regrades(batchId).value();
    REQUIRE(audit.size() == 2);  // r1's config check and score; r2 already passed: nothing to log
    CHECK(audit[0].student == "r1");
    CHECK(audit[0].checkId == "config");
    CHECK(audit[0].grader == "prof-y");
    CHECK(audit[1].student == "r1");
    CHECK(audit[1].checkId == "");
    CHECK(book->submissionRowCount(batchId).value() == 2);
}

TEST_CASE("batch: a grader that throws for one student records that student's error and grades the rest") {
    TempDir dir;
    auto book = openBook(dir.path() + "/g.db");
    auto batchId = book->openBatch(kSpec, "t0").value().id;
    CountingSource source;
    CountingGrader grader;
    grader.beforeGrade = [](const std::string& student) {
        if (student == "t1") throw std::runtime_error("boom");
    };
    BatchOptions options;
    options.batchId = batchId;
    options.jobs = 2;
    auto summary = runBatch(rosterOf({"t0", "t1", "t2"}), source, grader, *book, options);
    REQUIRE(summary);
    CHECK(summary->graded == 2);
    CHECK(summary->errors == 1);
    auto rows = book->latest(batchId).value();
    REQUIRE(rows.size() == 3);
    CHECK(rows[1].student == "t1");
    CHECK(rows[1].status == SubmissionStatus::Error);
    CHECK(rows[1].error == "grade: internal error: boom");
}
