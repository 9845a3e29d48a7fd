// One quiz attempt as the student takes it: start (a seeded stratified draw), answer, flag, move between
// questions, submit; every answer and flag is saved through an AttemptStore before the call returns, and the
// time limit submits the attempt with what was answered when it runs out. Pure logic: the clock and the store
// are handed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/clock.h"
#include "clusters/result.h"
#include "quiz/attempt_store.h"
#include "quiz/attempt_timer.h"
#include "quiz/draw.h"
#include "quiz/question.h"
#include "quiz/quiz_result.h"

namespace kc::quiz {

struct AttemptOptions {
    std::chrono::milliseconds timeLimit = kQuizTimeLimit;
    DrawPlan plan;  // the module quiz: 25 questions, at least 3 per topic; unused for the prerequisites
};

class Attempt {
public:
    // Draws the questions from `seed` (drawQuiz for the module, drawPrerequisites for the self-check), saves the
    // new attempt and starts its clock. `store` must outlive the attempt.
    static Result<Attempt> start(const std::vector<Question>& bank, AttemptKind kind, std::uint64_t seed,
                                 AttemptStore& store, std::shared_ptr<const Clock> clock,
                                 const AttemptOptions& options = {});

    // Reopens a saved attempt. One still in progress gets its remaining time by the timer rule (attempt_timer.h)
    // and is submitted at once, as expired, when none is left; a finished one opens read-only for review.
    // Every saved question must still be in the bank.
    static Result<Attempt> resume(const std::vector<Question>& bank, std::int64_t id, AttemptStore& store,
                                  std::shared_ptr<const Clock> clock);

    std::int64_t id() const { return record_.id; }
    std::uint64_t seed() const { return record_.seed; }
    AttemptKind kind() const { return record_.kind; }
    AttemptState state() const { return record_.state; }
    bool finished() const { return record_.state != AttemptState::InProgress; }

    std::size_t size() const { return questions_.size(); }
    std::size_t current() const { return current_; }
    const Question& question(std::size_t index) const { return questions_.at(index); }
    // The question's options in the order this attempt shows them.
    std::vector<Option> options(std::size_t index) const;
    std::optional<Response> response(std::size_t index) const;
    bool flagged(std::size_t index) const;

    // Navigation never saves anything and works after the attempt finished (for review).
    Status goTo(std::size_t index);
    Status next();
    Status previous();

    // Saves the response to question `index` (then it is the current question). Fails, saving nothing, once the
    // attempt is finished; when the time ran out first, the attempt is submitted as expired and this fails.
    Status answer(std::size_t index, Response response);
    Status setFlag(std::size_t index, bool flagged);

    // Time left; 0 once finished.
    std::chrono::milliseconds remaining() const;
    // For a UI timer: saves the time left and submits as expired when it has run out. Returns the state after.
    Result<AttemptState> tick();
    // Ends the attempt (idempotent) and returns the result.
    Result<QuizResult> submit();
    // The result of the answers saved so far (the final result once finished).
    QuizResult result() const;

    const AttemptRecord& record() const { return record_; }

private:
    Attempt(AttemptRecord record, std::vector<Question> questions, AttemptTimer timer, AttemptStore& store)
        : record_(std::move(record)), questions_(std::move(questions)), timer_(std::move(timer)), store_(&store) {}
    // Submits as expired when the time is up; true when the attempt is (now) finished.
    Result<bool> finishIfExpired();
    Status finishAs(AttemptState state);
    Status checkIndex(std::size_t index) const;

    AttemptRecord record_;
    std::vector<Question> questions_;  // copies, in the order shown
    AttemptTimer timer_;
    AttemptStore* store_;
    std::size_t current_ = 0;
};

}  // namespace kc::quiz
