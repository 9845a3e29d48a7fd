// Quiz attempts in progress.db (DESIGN.md "Storage"): one row per attempt, one per answer, one per flag, each
// committed before the call returns. The schema is versioned with PRAGMA user_version (progressDbMigrations).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "quiz/attempt_store.h"
#include "quiz/sqlite_db.h"

namespace kc::quiz {

// progress.db's migrations, oldest first: entry i takes the schema from user_version i to i + 1. Other parts of
// the app that keep data in progress.db add their tables here, at the end, so the file has one version number.
const std::vector<std::string>& progressDbMigrations();

class SqliteAttemptStore final : public AttemptStore {
public:
    // Opens (creating) the database file and brings its schema up to date.
    static Result<std::unique_ptr<SqliteAttemptStore>> open(const std::string& path);

    Result<std::int64_t> create(const AttemptRecord& record) override;
    Status saveAnswer(std::int64_t attempt, const std::string& questionId, const SavedAnswer& answer,
                      std::chrono::milliseconds remaining) override;
    Status saveFlag(std::int64_t attempt, const std::string& questionId, bool flagged,
                    std::chrono::system_clock::time_point at, std::chrono::milliseconds remaining) override;
    Status saveRemaining(std::int64_t attempt, std::chrono::system_clock::time_point at,
                         std::chrono::milliseconds remaining) override;
    Status finish(std::int64_t attempt, AttemptState state, std::chrono::system_clock::time_point at,
                  std::chrono::milliseconds remaining) override;
    Result<AttemptRecord> load(std::int64_t attempt) override;
    Result<std::optional<std::int64_t>> latestInProgress(AttemptKind kind) override;

private:
    explicit SqliteAttemptStore(sqlite::Database db) : db_(std::move(db)) {}
    // Updates the attempt's remaining time inside the caller's transaction; fails when the attempt is not in
    // progress, so nothing is written to a finished attempt.
    Status touch(std::int64_t attempt, std::chrono::system_clock::time_point at, std::chrono::milliseconds remaining);

    sqlite::Database db_;
};

}  // namespace kc::quiz
