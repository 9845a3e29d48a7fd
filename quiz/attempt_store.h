// What the attempt engine saves and where: the record of one attempt, and the store interface it writes through
// on every answer. SqliteAttemptStore (progress.db) is the real one; tests may substitute their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/result.h"
#include "quiz/draw.h"
#include "quiz/scoring.h"

namespace kc::quiz {

// The module quiz (25 questions over topics 1..8) or the prerequisites self-check (every topic-0 question).
enum class AttemptKind { Module, Prerequisites };
// in_progress until submitted by the student (submitted) or by the timer (expired).
enum class AttemptState { InProgress, Submitted, Expired };

const char* attemptKindName(AttemptKind kind);    // "module", "prerequisites"
const char* attemptStateName(AttemptState state);  // "in_progress", "submitted", "expired"
std::optional<AttemptKind> parseAttemptKind(const std::string& name);
std::optional<AttemptState> parseAttemptState(const std::string& name);

struct SavedAnswer {
    Response response;
    std::chrono::system_clock::time_point answeredAt;
};

struct AttemptRecord {
    std::int64_t id = 0;
    AttemptKind kind = AttemptKind::Module;
    std::uint64_t seed = 0;
    std::vector<DrawnQuestion> questions;  // ids and option orders as shown; rebuildable from the seed
    std::chrono::system_clock::time_point startedAt;  // wall clock, for resuming in a later run
    std::chrono::milliseconds timeLimit{0};
    std::chrono::milliseconds remainingAtLastSave{0};  // a resumed attempt never gets more than this
    std::chrono::system_clock::time_point savedAt;     // wall clock at the last save
    AttemptState state = AttemptState::InProgress;
    std::optional<std::chrono::system_clock::time_point> finishedAt;
    std::map<std::string, SavedAnswer> answers;  // question id → the latest response
    std::set<std::string> flagged;               // question ids
};

// Every call commits before it returns: a kill right after loses nothing it reported as saved.
class AttemptStore {
public:
    virtual ~AttemptStore() = default;
    // Saves a new attempt (record.id is ignored) and returns its id.
    virtual Result<std::int64_t> create(const AttemptRecord& record) = 0;
    // Replaces the question's response and records the time left, in one transaction.
    virtual Status saveAnswer(std::int64_t attempt, const std::string& questionId, const SavedAnswer& answer,
                              std::chrono::milliseconds remaining) = 0;
    virtual Status saveFlag(std::int64_t attempt, const std::string& questionId, bool flagged,
                            std::chrono::system_clock::time_point at, std::chrono::milliseconds remaining) = 0;
    // A heartbeat: how much time is left, so a resume after a crash never gives back time already used.
    virtual Status saveRemaining(std::int64_t attempt, std::chrono::system_clock::time_point at,
                                 std::chrono::milliseconds remaining) = 0;
    virtual Status finish(std::int64_t attempt, AttemptState state, std::chrono::system_clock::time_point at,
                          std::chrono::milliseconds remaining) = 0;
    // NotFound when there is no such attempt.
    virtual Result<AttemptRecord> load(std::int64_t attempt) = 0;
    // The most recent attempt of this kind still in progress, if any: what the app offers to resume.
    virtual Result<std::optional<std::int64_t>> latestInProgress(AttemptKind kind) = 0;
};

}  // namespace kc::quiz
