// progress.db access for the app's records; the schema is migration 2 of quiz::progressDbMigrations.
#include "app/progress_store.h"

#include "quiz/sqlite_attempt_store.h"

namespace kc::app {

namespace {

std::int64_t toMs(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint fromMs(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

const char* kLastPageKey = "last_location.page";
const char* kLastItemKey = "last_location.item";

}  // namespace

Result<std::unique_ptr<ProgressStore>> ProgressStore::open(const std::string& path) {
    auto db = sqlite::Database::open(path);
    if (!db) return fail(db.error());
    if (auto s = db->migrate(quiz::progressDbMigrations()); !s) return fail(s.error());
    return std::unique_ptr<ProgressStore>(new ProgressStore(std::move(*db)));
}

Status ProgressStore::setLectureRead(const std::string& lectureId, bool read, TimePoint at) {
    if (read)
        return db_.run("INSERT INTO lectures_read (lecture_id, read_ms) VALUES (?, ?) "
                       "ON CONFLICT (lecture_id) DO UPDATE SET read_ms = excluded.read_ms",
                       {lectureId, toMs(at)});
    return db_.run("DELETE FROM lectures_read WHERE lecture_id = ?", {lectureId});
}

Result<std::set<std::string>> ProgressStore::lecturesRead() {
    auto stmt = db_.prepare("SELECT lecture_id FROM lectures_read");
    if (!stmt) return fail(stmt.error());
    std::set<std::string> ids;
    while (true) {
        auto row = stmt->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        ids.insert(stmt->text(0));
    }
    return ids;
}

Result<int> ProgressStore::revealHint(const std::string& labId, const std::string& checkId, int tier, TimePoint at) {
    if (tier < 0) return fail(ErrorKind::Invalid, "hint tier must not be negative");
    if (auto s = db_.run("INSERT OR IGNORE INTO hints_revealed (lab_id, check_id, tier, revealed_ms) VALUES (?, ?, ?, ?)",
                         {labId, checkId, static_cast<std::int64_t>(tier), toMs(at)});
        !s)
        return fail(s.error());
    return hintsRevealed(labId, checkId);
}

Result<int> ProgressStore::hintsRevealed(const std::string& labId, const std::string& checkId) {
    auto stmt = db_.prepare("SELECT COALESCE(MAX(tier) + 1, 0) FROM hints_revealed WHERE lab_id = ? AND check_id = ?");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind({labId, checkId}); !s) return fail(s.error());
    auto row = stmt->step();
    if (!row) return fail(row.error());
    return *row ? static_cast<int>(stmt->integer(0)) : 0;
}

Result<std::int64_t> ProgressStore::recordCheckRun(const LabCheckRun& run) {
    if (auto s = db_.run("INSERT INTO lab_check_runs (lab_id, scope, at_ms, earned, points, outcome, report_json) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         {run.labId, run.scope, toMs(run.at), run.earned, run.points, run.outcome, run.reportJson});
        !s)
        return fail(s.error());
    return db_.lastInsertRowId();
}

namespace {

Result<std::vector<LabCheckRun>> readRuns(sqlite::Statement& stmt) {
    std::vector<LabCheckRun> runs;
    while (true) {
        auto row = stmt.step();
        if (!row) return fail(row.error());
        if (!*row) break;
        runs.push_back({.id = stmt.integer(0),
                        .labId = stmt.text(1),
                        .scope = stmt.text(2),
                        .at = fromMs(stmt.integer(3)),
                        .earned = stmt.real(4),
                        .points = stmt.real(5),
                        .outcome = stmt.text(6),
                        .reportJson = stmt.text(7)});
    }
    return runs;
}

constexpr const char* kRunColumns = "SELECT id, lab_id, scope, at_ms, earned, points, outcome, report_json FROM lab_check_runs ";

}  // namespace

Result<std::vector<LabCheckRun>> ProgressStore::checkRuns(const std::string& labId, int limit) {
    auto stmt = db_.prepare(std::string(kRunColumns) + "WHERE lab_id = ? ORDER BY at_ms DESC, id DESC LIMIT ?");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind({labId, static_cast<std::int64_t>(limit)}); !s) return fail(s.error());
    return readRuns(*stmt);
}

Result<std::optional<LabCheckRun>> ProgressStore::latestCheckRun(const std::string& labId) {
    auto stmt = db_.prepare(std::string(kRunColumns) +
                            "WHERE lab_id = ? AND scope != 'snapshot' ORDER BY (scope = 'all') DESC, at_ms DESC, id DESC LIMIT 1");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind({labId}); !s) return fail(s.error());
    auto runs = readRuns(*stmt);
    if (!runs) return fail(runs.error());
    if (runs->empty()) return std::optional<LabCheckRun>();
    return std::optional<LabCheckRun>(std::move(runs->front()));
}

Status ProgressStore::setLastLocation(const Location& location, TimePoint at) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = setValue(kLastPageKey, location.page); !s) return s;
    if (auto s = setValue(kLastItemKey, location.item); !s) return s;
    if (auto s = setValue("last_location.at_ms", std::to_string(toMs(at))); !s) return s;
    return tx->commit();
}

Result<std::optional<Location>> ProgressStore::lastLocation() {
    auto page = value(kLastPageKey);
    if (!page) return fail(page.error());
    if (!*page) return std::optional<Location>();
    auto item = value(kLastItemKey);
    if (!item) return fail(item.error());
    return std::optional<Location>(Location{**page, item->value_or("")});
}

Status ProgressStore::setValue(const std::string& key, const std::string& value) {
    return db_.run("INSERT INTO app_values (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   {key, value});
}

Result<std::optional<std::string>> ProgressStore::value(const std::string& key) {
    auto stmt = db_.prepare("SELECT value FROM app_values WHERE key = ?");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind({key}); !s) return fail(s.error());
    auto row = stmt->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(stmt->text(0));
}

}  // namespace kc::app
