// gradebook.db over kc::sqlite; see gradebook.h. Each run is kept whole as its kubeclass.grade/v1 JSON (so any
// report can be rendered later) and its checks again as rows (so results and regrades can be queried).
#include "grader/gradebook.h"

#include <map>

#include "grader/report_json.h"

namespace kc::grader {

namespace {

using sqlite::Value;

constexpr const char* kStatusFinal = "('graded', 'missing')";

Result<SubmissionStatus> statusFromName(const std::string& name) {
    if (name == "graded") return SubmissionStatus::Graded;
    if (name == "missing") return SubmissionStatus::Missing;
    if (name == "error") return SubmissionStatus::Error;
    return fail(ErrorKind::Invalid, "gradebook: unknown submission status \"" + name + "\"");
}

bool isFinal(SubmissionStatus s) { return s != SubmissionStatus::Error; }

struct OldCheck {
    std::string outcome;
    double earned = 0;
};

}  // namespace

const char* submissionStatusName(SubmissionStatus status) {
    switch (status) {
        case SubmissionStatus::Graded: return "graded";
        case SubmissionStatus::Missing: return "missing";
        case SubmissionStatus::Error: return "error";
    }
    return "error";
}

const std::vector<std::string>& gradebookMigrations() {
    static const std::vector<std::string> migrations = {
        // 1: batches, submissions (unique per batch, student and commit), check results, regrade audit.
        R"sql(
CREATE TABLE batches (
  id          INTEGER PRIMARY KEY,
  lab         TEXT NOT NULL,
  deadline    TEXT NOT NULL,
  mode        TEXT NOT NULL,
  late_rule   TEXT NOT NULL DEFAULT '',
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (lab, deadline, mode)
);
CREATE TABLE submissions (
  id            INTEGER PRIMARY KEY,
  batch_id      INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
  student       TEXT    NOT NULL,
  name          TEXT    NOT NULL DEFAULT '',
  email         TEXT    NOT NULL DEFAULT '',
  repo_url      TEXT    NOT NULL DEFAULT '',
  commit_sha    TEXT    NOT NULL DEFAULT '',
  commit_time   TEXT    NOT NULL DEFAULT '',
  late          INTEGER NOT NULL DEFAULT 0,
  late_seconds  INTEGER NOT NULL DEFAULT 0,
  late_commits  INTEGER NOT NULL DEFAULT 0,
  penalty       REAL    NOT NULL DEFAULT 0,
  status        TEXT    NOT NULL CHECK (status IN ('graded', 'missing', 'error')),
  error         TEXT    NOT NULL DEFAULT '',
  points        REAL    NOT NULL DEFAULT 0,
  earned        REAL    NOT NULL DEFAULT 0,
  score         REAL    NOT NULL DEFAULT 0,
  graded_at     TEXT    NOT NULL,
  run_json      TEXT    NOT NULL DEFAULT '',
  write_seq     INTEGER NOT NULL,
  UNIQUE (batch_id, student, commit_sha)
);
CREATE TABLE check_results (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  check_id      TEXT    NOT NULL,
  outcome       TEXT    NOT NULL,
  points        REAL    NOT NULL,
  earned        REAL    NOT NULL,
  messages      TEXT    NOT NULL,
  duration_ms   INTEGER NOT NULL,
  PRIMARY KEY (submission_id, check_id)
);
CREATE TABLE regrades (
  id            INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  check_id      TEXT    NOT NULL,
  grader        TEXT    NOT NULL,
  at            TEXT    NOT NULL,
  reason        TEXT    NOT NULL DEFAULT '',
  old_outcome   TEXT    NOT NULL,
  new_outcome   TEXT    NOT NULL,
  old_earned    REAL    NOT NULL,
  new_earned    REAL    NOT NULL
);
CREATE INDEX submissions_by_student ON submissions (batch_id, student, status);
)sql",
    };
    return migrations;
}

Result<std::unique_ptr<Gradebook>> Gradebook::open(const std::string& path) {
    auto db = sqlite::Database::open(path);
    if (!db) return fail(db.error());
    if (auto migrated = db->migrate(gradebookMigrations()); !migrated) return fail(migrated.error());
    return std::unique_ptr<Gradebook>(new Gradebook(std::move(*db)));
}

Result<BatchRecord> Gradebook::openBatch(const BatchSpec& spec, const std::string& now) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto find = [&]() -> Result<std::optional<BatchRecord>> {
        auto st = db_.prepare(
            "SELECT id, late_rule, started_at, COALESCE(finished_at, '') FROM batches "
            "WHERE lab = ? AND deadline = ? AND mode = ?");
        if (!st) return fail(st.error());
        if (auto b = st->bind({spec.lab, spec.deadline, spec.mode}); !b) return fail(b.error());
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) return std::optional<BatchRecord>{};
        BatchRecord r;
        r.id = st->integer(0);
        r.spec = spec;
        r.spec.lateRule = st->text(1);
        r.startedAt = st->text(2);
        r.finishedAt = st->text(3);
        r.resumed = true;
        return std::optional<BatchRecord>(r);
    };
    auto existing = find();
    if (!existing) return fail(existing.error());
    if (*existing) return existing->value();  // with the late handling it was started with
    if (auto s = db_.run("INSERT INTO batches (lab, deadline, mode, late_rule, started_at) VALUES (?, ?, ?, ?, ?)",
                         {spec.lab, spec.deadline, spec.mode, spec.lateRule, now});
        !s)
        return fail(s.error());
    BatchRecord r;
    r.id = db_.lastInsertRowId();
    r.spec = spec;
    r.startedAt = now;
    return r;
}

Status Gradebook::setLateRule(std::int64_t batchId, const std::string& lateRule) {
    std::lock_guard<std::mutex> lock(mutex_);
    return db_.run("UPDATE batches SET late_rule = ? WHERE id = ?", {lateRule, batchId});
}

Status Gradebook::finishBatch(std::int64_t batchId, const std::string& now) {
    std::lock_guard<std::mutex> lock(mutex_);
    return db_.run("UPDATE batches SET finished_at = ? WHERE id = ?", {now, batchId});
}

Result<std::vector<BatchRecord>> Gradebook::batches() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto st = db_.prepare(
        "SELECT id, lab, deadline, mode, late_rule, started_at, COALESCE(finished_at, '') FROM batches ORDER BY id");
    if (!st) return fail(st.error());
    std::vector<BatchRecord> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        BatchRecord r;
        r.id = st->integer(0);
        r.spec = {st->text(1), st->text(2), st->text(3), st->text(4)};
        r.startedAt = st->text(5);
        r.finishedAt = st->text(6);
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::set<std::string>> Gradebook::finishedStudents(std::int64_t batchId) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto st = db_.prepare(std::string("SELECT DISTINCT student FROM submissions WHERE batch_id = ? AND status IN ") +
                          kStatusFinal);
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId}); !b) return fail(b.error());
    std::set<std::string> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.insert(st->text(0));
    }
    return out;
}

Result<RecordOutcome> Gradebook::record(std::int64_t batchId, const SubmissionRecord& submission,
                                        const std::optional<RegradeBy>& regrade) {
    std::lock_guard<std::mutex> lock(mutex_);
    return recordLocked(batchId, submission, regrade);
}

Result<RecordOutcome> Gradebook::recordLocked(std::int64_t batchId, const SubmissionRecord& s,
                                              const std::optional<RegradeBy>& regrade) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());

    std::optional<std::int64_t> existingId;
    SubmissionStatus existingStatus = SubmissionStatus::Error;
    {
        auto st = db_.prepare("SELECT id, status FROM submissions WHERE batch_id = ? AND student = ? AND commit_sha = ?");
        if (!st) return fail(st.error());
        if (auto b = st->bind({batchId, s.student, s.commit}); !b) return fail(b.error());
        auto row = st->step();
        if (!row) return fail(row.error());
        if (*row) {
            existingId = st->integer(0);
            auto status = statusFromName(st->text(1));
            if (!status) return fail(status.error());
            existingStatus = *status;
        }
    }
    if (existingId && isFinal(existingStatus) && !regrade) return RecordOutcome::KeptExisting;
    // An error never replaces a final result: a regrade that failed to fetch leaves the grade as it was.
    if (existingId && isFinal(existingStatus) && !isFinal(s.status)) return RecordOutcome::KeptExisting;

    const bool graded = s.status == SubmissionStatus::Graded;
    const double points = graded ? s.run.points() : s.points;
    const double earned = graded ? s.run.earned() : 0;
    const double score = earned * (1 - s.penaltyFraction);
    std::string runJson;
    if (graded) {
        ReportOptions all;  // instructor view: every check, nothing redacted
        runJson = gradeRunToJson(s.run, all).dump(-1, ' ', false, Json::error_handler_t::replace);
    }

    // What a regrade is compared with: the student's newest final result in the batch, whatever its commit
    // (grading a later commit is a regrade too).
    std::optional<std::int64_t> previousId;
    double previousScore = 0;
    std::map<std::string, OldCheck> oldChecks;
    if (regrade) {
        auto st = db_.prepare(std::string("SELECT id, score FROM submissions WHERE batch_id = ? AND student = ? AND "
                                          "status IN ") + kStatusFinal + " ORDER BY write_seq DESC LIMIT 1");
        if (!st) return fail(st.error());
        if (auto b = st->bind({batchId, s.student}); !b) return fail(b.error());
        auto row = st->step();
        if (!row) return fail(row.error());
        if (*row) {
            previousId = st->integer(0);
            previousScore = st->real(1);
        }
    }
    if (previousId) {
        auto st = db_.prepare("SELECT check_id, outcome, earned FROM check_results WHERE submission_id = ?");
        if (!st) return fail(st.error());
        if (auto b = st->bind({*previousId}); !b) return fail(b.error());
        for (;;) {
            auto row = st->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            oldChecks[st->text(0)] = {st->text(1), st->real(2)};
        }
    }

    // Built front to back (GCC 12 warns falsely about variants copied out of an initializer list here).
    std::vector<Value> values;
    if (!existingId) {
        values.emplace_back(batchId);
        values.emplace_back(s.student);
        values.emplace_back(s.commit);
    }
    for (const std::string* text : {&s.name, &s.email, &s.repoUrl, &s.commitTime}) values.emplace_back(*text);
    values.emplace_back(std::int64_t{s.late ? 1 : 0});
    values.emplace_back(s.lateSeconds);
    values.emplace_back(s.lateCommits);
    values.emplace_back(s.penaltyFraction);
    values.emplace_back(std::string(submissionStatusName(s.status)));
    values.emplace_back(s.error);
    values.emplace_back(points);
    values.emplace_back(earned);
    values.emplace_back(score);
    values.emplace_back(s.gradedAt);
    values.emplace_back(runJson);
    std::int64_t submissionId = 0;
    const std::string seq = "(SELECT COALESCE(MAX(write_seq), 0) + 1 FROM submissions)";
    if (existingId) {
        values.emplace_back(existingId.value_or(0));
        if (auto r = db_.run("UPDATE submissions SET name = ?, email = ?, repo_url = ?, commit_time = ?, late = ?, "
                             "late_seconds = ?, late_commits = ?, penalty = ?, status = ?, error = ?, points = ?, "
                             "earned = ?, score = ?, graded_at = ?, run_json = ?, write_seq = " + seq + " WHERE id = ?",
                             values);
            !r)
            return fail(r.error());
        submissionId = *existingId;
        if (auto r = db_.run("DELETE FROM check_results WHERE submission_id = ?", {submissionId}); !r) return fail(r.error());
    } else {
        if (auto r = db_.run("INSERT INTO submissions (batch_id, student, commit_sha, name, email, repo_url, "
                             "commit_time, late, late_seconds, late_commits, penalty, status, error, points, earned, "
                             "score, graded_at, run_json, write_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                             "?, ?, ?, ?, " + seq + ")",
                             values);
            !r)
            return fail(r.error());
        submissionId = db_.lastInsertRowId();
    }

    if (graded) {
        auto insert = db_.prepare("INSERT INTO check_results (submission_id, position, check_id, outcome, points, "
                                  "earned, messages, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        if (!insert) return fail(insert.error());
        std::int64_t position = 0;
        for (const auto& c : s.run.checks) {
            std::string messages = Json(c.messages).dump(-1, ' ', false, Json::error_handler_t::replace);
            if (auto r = insert->run({submissionId, position++, c.id, std::string(outcomeName(c.outcome)), c.points,
                                      c.earned, messages, std::int64_t{c.duration.count()}});
                !r)
                return fail(r.error());
        }
    }

    if (previousId) {
        auto audit = db_.prepare("INSERT INTO regrades (submission_id, check_id, grader, at, reason, old_outcome, "
                                 "new_outcome, old_earned, new_earned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!audit) return fail(audit.error());
        std::map<std::string, OldCheck> newChecks;
        for (const auto& c : s.run.checks) newChecks[c.id] = {outcomeName(c.outcome), c.earned};
        std::set<std::string> ids;
        for (const auto& [id, _] : oldChecks) ids.insert(id);
        for (const auto& [id, _] : newChecks) ids.insert(id);
        for (const auto& id : ids) {
            OldCheck before = oldChecks.count(id) ? oldChecks[id] : OldCheck{"absent", 0};
            OldCheck after = newChecks.count(id) ? newChecks[id] : OldCheck{"absent", 0};
            if (before.outcome == after.outcome && before.earned == after.earned) continue;
            if (auto r = audit->run({submissionId, id, regrade->grader, regrade->at, regrade->reason, before.outcome,
                                     after.outcome, before.earned, after.earned});
                !r)
                return fail(r.error());
        }
        // The submission's score as well (checks and the late penalty together), so one row answers "what grade
        // changed".
        if (score != previousScore)
            if (auto r = audit->run({submissionId, std::string(), regrade->grader, regrade->at, regrade->reason,
                                     std::string("score"), std::string("score"), previousScore, score});
                !r)
                return fail(r.error());
    }

    // A final result supersedes earlier errors of the same student in this batch.
    if (isFinal(s.status))
        if (auto r = db_.run("DELETE FROM submissions WHERE batch_id = ? AND student = ? AND status = 'error' AND id != ?",
                             {batchId, s.student, submissionId});
            !r)
            return fail(r.error());

    if (auto c = tx->commit(); !c) return fail(c.error());
    if (previousId) return RecordOutcome::Regraded;
    return existingId ? RecordOutcome::Updated : RecordOutcome::Inserted;
}

Status Gradebook::overrideCheck(std::int64_t batchId, const std::string& student, const std::string& checkId,
                                double earned, const RegradeBy& by) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    auto st = db_.prepare(
        "SELECT s.id, s.run_json, s.penalty, c.outcome, c.earned, c.points FROM submissions s JOIN check_results c "
        "ON c.submission_id = s.id WHERE s.batch_id = ? AND s.student = ? AND s.status = 'graded' AND c.check_id = ? "
        "ORDER BY s.write_seq DESC LIMIT 1");
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId, student, checkId}); !b) return fail(b.error());
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorKind::NotFound, "no graded submission of " + student + " with check " + checkId);
    std::int64_t id = st->integer(0);
    std::string runText = st->text(1);
    double penalty = st->real(2);
    std::string outcome = st->text(3);
    double old = st->real(4), points = st->real(5);
    if (!(earned >= 0 && earned <= points))
        return fail(ErrorKind::Invalid, "earned points for " + checkId + " must be from 0 to " + std::to_string(points));

    // Keep the stored run in step with the rows, so exports show the override.
    Json doc;
    try {
        doc = Json::parse(runText);
    } catch (const std::exception& e) {
        return fail(ErrorKind::Invalid, std::string("stored run is not readable: ") + e.what());
    }
    auto run = gradeRunFromJson(doc);
    if (!run) return fail(run.error());
    for (auto& c : run->checks)
        if (c.id == checkId) {
            c.earned = earned;
            c.messages.push_back("Points set by " + by.grader + (by.reason.empty() ? "" : ": " + by.reason));
        }
    std::string newJson = gradeRunToJson(*run, ReportOptions{}).dump(-1, ' ', false, Json::error_handler_t::replace);
    double newEarned = run->earned();
    if (auto r = db_.run("UPDATE check_results SET earned = ? WHERE submission_id = ? AND check_id = ?", {earned, id, checkId}); !r)
        return fail(r.error());
    if (auto r = db_.run("UPDATE submissions SET earned = ?, score = ?, run_json = ? WHERE id = ?",
                         {newEarned, newEarned * (1 - penalty), newJson, id});
        !r)
        return fail(r.error());
    if (auto r = db_.run("INSERT INTO regrades (submission_id, check_id, grader, at, reason, old_outcome, new_outcome, "
                         "old_earned, new_earned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         {id, checkId, by.grader, by.at, by.reason, outcome, std::string("override"), old, earned});
        !r)
        return fail(r.error());
    return tx->commit();
}

Result<std::vector<SubmissionRecord>> Gradebook::latest(std::int64_t batchId) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Per student, final rows outrank errors, then the newest write wins.
    auto st = db_.prepare(
        "SELECT student, name, email, repo_url, commit_sha, commit_time, late, late_seconds, late_commits, penalty, "
        "status, error, points, score, graded_at, run_json FROM submissions s WHERE batch_id = ?1 AND id = ("
        "SELECT id FROM submissions t WHERE t.batch_id = ?1 AND t.student = s.student "
        "ORDER BY (t.status = 'error'), t.write_seq DESC LIMIT 1) ORDER BY student");
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId}); !b) return fail(b.error());
    std::vector<SubmissionRecord> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        SubmissionRecord r;
        r.student = st->text(0);
        r.name = st->text(1);
        r.email = st->text(2);
        r.repoUrl = st->text(3);
        r.commit = st->text(4);
        r.commitTime = st->text(5);
        r.late = st->integer(6) != 0;
        r.lateSeconds = st->integer(7);
        r.lateCommits = st->integer(8);
        r.penaltyFraction = st->real(9);
        auto status = statusFromName(st->text(10));
        if (!status) return fail(status.error());
        r.status = *status;
        r.error = st->text(11);
        r.points = st->real(12);
        r.score = st->real(13);
        r.gradedAt = st->text(14);
        if (r.status == SubmissionStatus::Graded) {
            Json doc;
            try {
                doc = Json::parse(st->text(15));
            } catch (const std::exception& e) {
                return fail(ErrorKind::Invalid, "gradebook: stored run of " + r.student + " is not readable: " + e.what());
            }
            auto run = gradeRunFromJson(doc);
            if (!run) return fail(run.error().context("gradebook: stored run of " + r.student));
            r.run = std::move(*run);
        }
        out.push_back(std::move(r));
    }
    return out;
}

Result<bool> Gradebook::importRegrade(std::int64_t batchId, const RegradeEntry& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    auto st = db_.prepare("SELECT id FROM submissions WHERE batch_id = ? AND student = ? AND commit_sha = ? "
                          "ORDER BY write_seq DESC LIMIT 1");
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId, e.student, e.commit}); !b) return fail(b.error());
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorKind::NotFound, "no submission of " + e.student + " at commit " + e.commit);
    std::int64_t id = st->integer(0);
    auto same = db_.prepare("SELECT COUNT(*) FROM regrades WHERE submission_id = ? AND check_id = ? AND grader = ? AND "
                            "at = ? AND reason = ? AND old_outcome = ? AND new_outcome = ? AND old_earned = ? AND "
                            "new_earned = ?");
    if (!same) return fail(same.error());
    if (auto b = same->bind({id, e.checkId, e.grader, e.at, e.reason, e.oldOutcome, e.newOutcome, e.oldEarned, e.newEarned}); !b)
        return fail(b.error());
    auto counted = same->step();
    if (!counted) return fail(counted.error());
    if (*counted && same->integer(0) > 0) return false;
    if (auto r = db_.run("INSERT INTO regrades (submission_id, check_id, grader, at, reason, old_outcome, new_outcome, "
                         "old_earned, new_earned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         {id, e.checkId, e.grader, e.at, e.reason, e.oldOutcome, e.newOutcome, e.oldEarned, e.newEarned});
        !r)
        return fail(r.error());
    if (auto c = tx->commit(); !c) return fail(c.error());
    return true;
}

Result<std::vector<RegradeEntry>> Gradebook::regrades(std::int64_t batchId) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto st = db_.prepare(
        "SELECT s.student, s.commit_sha, r.check_id, r.grader, r.at, r.reason, r.old_outcome, r.new_outcome, "
        "r.old_earned, r.new_earned FROM regrades r JOIN submissions s ON s.id = r.submission_id "
        "WHERE s.batch_id = ? ORDER BY r.id");
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId}); !b) return fail(b.error());
    std::vector<RegradeEntry> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.push_back({st->text(0), st->text(1), st->text(2), st->text(3), st->text(4), st->text(5), st->text(6),
                       st->text(7), st->real(8), st->real(9)});
    }
    return out;
}

Result<std::int64_t> Gradebook::submissionRowCount(std::int64_t batchId) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto st = db_.prepare("SELECT COUNT(*) FROM submissions WHERE batch_id = ?");
    if (!st) return fail(st.error());
    if (auto b = st->bind({batchId}); !b) return fail(b.error());
    auto row = st->step();
    if (!row) return fail(row.error());
    return st->integer(0);
}

}  // namespace kc::grader
