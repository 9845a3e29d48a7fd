// The student's finished quiz attempts, newest first, for the Quiz page's "Previous attempts" and deep links.
// Qt-free. The attempt store answers per attempt only, so the list of ids comes from the same progress.db table
// the store writes (quiz/sqlite_attempt_store.cc); scores are worked out by reopening each attempt for review.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clusters/clock.h"
#include "clusters/result.h"
#include "quiz/attempt_store.h"
#include "quiz/question.h"

namespace kc::app {

struct PastAttempt {
    std::int64_t id = 0;
    quiz::AttemptKind kind = quiz::AttemptKind::Module;
    quiz::AttemptState state = quiz::AttemptState::Submitted;
    std::chrono::system_clock::time_point startedAt;
    std::optional<std::chrono::system_clock::time_point> finishedAt;
    double percent = 0;
    bool passed = false;
    int questions = 0;
    double earned = 0;
};

// Ids of finished (submitted or expired) attempts in progress.db, newest first, at most `limit`.
Result<std::vector<std::int64_t>> finishedAttemptIds(const std::string& progressDbPath, int limit);

// The finished attempts with their scores, newest first. An attempt whose questions left the bank is skipped
// (it can no longer be reviewed); a database error is returned.
Result<std::vector<PastAttempt>> pastAttempts(const std::string& progressDbPath, const std::vector<quiz::Question>& bank,
                                              quiz::AttemptStore& store, std::shared_ptr<const Clock> clock,
                                              int limit = 20);

}  // namespace kc::app
