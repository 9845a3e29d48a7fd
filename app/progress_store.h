// The app's own records in progress.db (DESIGN.md "Storage"): lectures read, lab check runs with their results,
// hints revealed and where the student left off. Qt-free so it is tested without a display. Quiz attempts live in
// the same file through quiz::SqliteAttemptStore; both share one migration list (quiz::progressDbMigrations).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/result.h"
#include "quiz/sqlite_db.h"

namespace kc::app {

using TimePoint = std::chrono::system_clock::time_point;

// One press of "Check" on a lab page (or of "Check all"): what ran and what it earned.
struct LabCheckRun {
    std::int64_t id = 0;
    std::string labId;       // "lab-01"
    std::string scope;       // the step's id, "all", or "snapshot" (a capture graded offline: not the lab's score)
    TimePoint at{};
    double earned = 0;
    double points = 0;
    std::string outcome;     // "graded", or "error: <cause>" when the cluster could not be reached
    std::string reportJson;  // the grade run as grader/report_json writes it (visible checks only)
};

// Where "continue where you left off" takes the student: a page id and an item on it (a lecture, a lab step).
struct Location {
    std::string page;
    std::string item;
};

class ProgressStore {
public:
    // Opens (creating) progress.db and brings its schema up to date. Every write below is committed before it
    // returns, so whatever the app shows as saved survives a kill.
    static Result<std::unique_ptr<ProgressStore>> open(const std::string& path);

    const std::string& path() const { return db_.path(); }

    Status setLectureRead(const std::string& lectureId, bool read, TimePoint at);
    Result<std::set<std::string>> lecturesRead();

    // Hints are revealed one tier at a time (0 nudge, 1 command, 2 solution); revealing a tier records it with
    // its time so the instructor can see which hints were used. Returns how many tiers are now revealed.
    Result<int> revealHint(const std::string& labId, const std::string& checkId, int tier, TimePoint at);
    Result<int> hintsRevealed(const std::string& labId, const std::string& checkId);

    Result<std::int64_t> recordCheckRun(const LabCheckRun& run);
    // Newest first, at most `limit`.
    Result<std::vector<LabCheckRun>> checkRuns(const std::string& labId, int limit = 50);
    // The newest run of scope "all", else the newest step run (never a snapshot run): what the lab's score shows.
    Result<std::optional<LabCheckRun>> latestCheckRun(const std::string& labId);

    Status setLastLocation(const Location& location, TimePoint at);
    Result<std::optional<Location>> lastLocation();

    // For the app's other records that are not worth a table each (the cluster profile last used, ...).
    Status setValue(const std::string& key, const std::string& value);
    Result<std::optional<std::string>> value(const std::string& key);

private:
    explicit ProgressStore(sqlite::Database db) : db_(std::move(db)) {}
    sqlite::Database db_;
};

}  // namespace kc::app
