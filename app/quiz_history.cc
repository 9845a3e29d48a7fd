// Finished quiz attempts; see quiz_history.h.
#include "app/quiz_history.h"

#include "quiz/attempt.h"
#include "quiz/sqlite_db.h"

namespace kc::app {

Result<std::vector<std::int64_t>> finishedAttemptIds(const std::string& progressDbPath, int limit) {
    auto db = sqlite::Database::open(progressDbPath);
    if (!db) return fail(db.error());
    auto statement =
        db->prepare("SELECT id FROM quiz_attempts WHERE state != 'in_progress' ORDER BY id DESC LIMIT ?1");
    if (!statement) return fail(statement.error());
    if (auto s = statement->bind({static_cast<std::int64_t>(limit)}); !s) return fail(s.error());
    std::vector<std::int64_t> ids;
    for (;;) {
        auto row = statement->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        ids.push_back(statement->integer(0));
    }
    return ids;
}

Result<std::vector<PastAttempt>> pastAttempts(const std::string& progressDbPath, const std::vector<quiz::Question>& bank,
                                              quiz::AttemptStore& store, std::shared_ptr<const Clock> clock,
                                              int limit) {
    auto ids = finishedAttemptIds(progressDbPath, limit);
    if (!ids) return fail(ids.error());
    std::vector<PastAttempt> out;
    for (auto id : *ids) {
        auto attempt = quiz::Attempt::resume(bank, id, store, clock);
        if (!attempt) continue;
        const auto result = attempt->result();
        const auto& record = attempt->record();
        out.push_back({id, record.kind, record.state, record.startedAt, record.finishedAt, result.percent,
                       result.passed, result.questions, result.earned});
    }
    return out;
}

}  // namespace kc::app
