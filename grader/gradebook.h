// The instructor's gradebook.db (shared/DESIGN.md "Storage"): batches, one row per graded submission with its
// commit and lateness, per-check results, and a regrade audit trail. Writes are idempotent per
// (batch, student, commit) and each submission is one transaction, so a batch killed at any moment resumes
// without duplicates and without regrading what was already saved.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/result.h"
#include "grader/grade_result.h"
#include "quiz/sqlite_db.h"

namespace kc::grader {

// What identifies a batch: running the same lab against the same deadline in the same mode again resumes it.
struct BatchSpec {
    std::string lab;
    std::string deadline;  // ISO 8601 as given (normalised by the caller), "" for none
    std::string mode;      // snapshot | fresh | reuse | context
    std::string lateRule;  // how late work is handled (--late-penalty, --grade-late), "" for none; recorded, not
                           // part of the identity: changing it on a batch means regrading it
};

struct BatchRecord {
    std::int64_t id = 0;
    BatchSpec spec;
    std::string startedAt;
    std::string finishedAt;  // "" while unfinished
    bool resumed = false;    // openBatch found it rather than creating it
};

// graded: the run is stored. missing: nothing was submitted by the deadline (a grade of 0, final).
// error: the submission could not be fetched or graded; not final, a resumed batch tries again.
enum class SubmissionStatus { Graded, Missing, Error };
const char* submissionStatusName(SubmissionStatus status);

struct SubmissionRecord {
    std::string student;  // roster student id
    std::string name;
    std::string email;
    std::string repoUrl;
    std::string commit;      // 40 hex digits; "" when there is none (missing, or a fetch error)
    std::string commitTime;  // ISO 8601 UTC, "" when no commit
    bool late = false;
    std::int64_t lateSeconds = 0;
    std::int64_t lateCommits = 0;   // commits after the deadline (recorded, not graded)
    double penaltyFraction = 0;     // 0..1 taken off the earned points
    SubmissionStatus status = SubmissionStatus::Graded;
    std::string error;              // for error: what went wrong, for the student and the instructor
    std::string gradedAt;           // ISO 8601 UTC
    GradeRun run;                   // the checks (graded only)
    double score = 0;               // earned after the late penalty (filled in by the gradebook)
    double points = 0;              // points available (filled in by the gradebook)
};

// Who regraded and why; when set, recording over a finished submission replaces it and logs every check
// whose outcome or earned points changed.
struct RegradeBy {
    std::string grader;  // $USER or --grader
    std::string at;      // ISO 8601 UTC
    std::string reason;
};

struct RegradeEntry {
    std::string student;
    std::string commit;
    std::string checkId;  // "" for the submission's score (after the late penalty): outcomes "score"
    std::string grader;
    std::string at;
    std::string reason;
    std::string oldOutcome, newOutcome;
    double oldEarned = 0, newEarned = 0;
};

enum class RecordOutcome {
    Inserted,     // first finished write for this key
    Updated,      // replaced an error row
    KeptExisting, // the key was already final and this was not a regrade: nothing written
    Regraded,     // a regrade over an earlier final result of the student (any commit), audit written
};

class Gradebook {
public:
    // Opens or creates the file and migrates it (PRAGMA user_version). A file from a newer kubeclass is refused.
    static Result<std::unique_ptr<Gradebook>> open(const std::string& path);

    // Resumes the batch with this lab, deadline and mode (returning the late rule it was started with), or starts
    // one at `now`.
    Result<BatchRecord> openBatch(const BatchSpec& spec, const std::string& now);
    Status setLateRule(std::int64_t batchId, const std::string& lateRule);
    Status finishBatch(std::int64_t batchId, const std::string& now);
    Result<std::vector<BatchRecord>> batches();

    // Students with a final (graded or missing) submission in the batch: a resumed batch skips them.
    Result<std::set<std::string>> finishedStudents(std::int64_t batchId);

    // Saves one submission in one transaction (row, check results, audit). Thread-safe: writers are serialised.
    Result<RecordOutcome> record(std::int64_t batchId, const SubmissionRecord& submission,
                                 const std::optional<RegradeBy>& regrade = std::nullopt);

    // Changes one check's earned points by hand (an instructor's judgement), audited.
    Status overrideCheck(std::int64_t batchId, const std::string& student, const std::string& checkId,
                         double earned, const RegradeBy& by);

    // Copies one audit entry from another gradebook (batch merge) onto this batch's row of the same student and
    // commit. An identical entry already there is not written again, so merging twice adds nothing.
    // NotFound when the batch has no submission of that student and commit.
    Result<bool> importRegrade(std::int64_t batchId, const RegradeEntry& entry);

    // One row per student, by student id: the newest final submission, else the newest error.
    Result<std::vector<SubmissionRecord>> latest(std::int64_t batchId);
    Result<std::vector<RegradeEntry>> regrades(std::int64_t batchId);
    // All submission rows of the batch (tests use it to prove there are no duplicates).
    Result<std::int64_t> submissionRowCount(std::int64_t batchId);

private:
    explicit Gradebook(sqlite::Database db) : db_(std::move(db)) {}
    Result<RecordOutcome> recordLocked(std::int64_t batchId, const SubmissionRecord& submission,
                                       const std::optional<RegradeBy>& regrade);

    std::mutex mutex_;
    sqlite::Database db_;
};

const std::vector<std::string>& gradebookMigrations();

}  // namespace kc::grader
