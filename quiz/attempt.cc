// The attempt engine; see attempt.h. Every state change goes to the store first and to memory only once saved,
// so what the student sees as saved is what a restart finds.
#include "quiz/attempt.h"

#include <algorithm>
#include <map>

namespace kc::quiz {

using std::chrono::milliseconds;

const char* attemptKindName(AttemptKind kind) {
    return kind == AttemptKind::Module ? "module" : "prerequisites";
}

const char* attemptStateName(AttemptState state) {
    switch (state) {
        case AttemptState::InProgress: return "in_progress";
        case AttemptState::Submitted: return "submitted";
        case AttemptState::Expired: return "expired";
    }
    return "in_progress";
}

std::optional<AttemptKind> parseAttemptKind(const std::string& name) {
    if (name == "module") return AttemptKind::Module;
    if (name == "prerequisites") return AttemptKind::Prerequisites;
    return std::nullopt;
}

std::optional<AttemptState> parseAttemptState(const std::string& name) {
    for (auto s : {AttemptState::InProgress, AttemptState::Submitted, AttemptState::Expired})
        if (name == attemptStateName(s)) return s;
    return std::nullopt;
}

namespace {

// The bank's copies of the drawn questions, in draw order; fails when one is missing or its options changed.
Result<std::vector<Question>> questionsOf(const std::vector<Question>& bank, const std::vector<DrawnQuestion>& drawn,
                                          std::int64_t attemptId) {
    std::map<std::string, const Question*> byId;
    for (const auto& q : bank) byId.emplace(q.id, &q);
    std::vector<Question> out;
    for (const auto& d : drawn) {
        auto it = byId.find(d.questionId);
        if (it == byId.end())
            return fail(ErrorKind::Invalid, "attempt " + std::to_string(attemptId) + ": question '" + d.questionId +
                                                "' is no longer in the bank");
        for (const auto& optionId : d.optionOrder) {
            const auto& opts = it->second->options;
            if (std::none_of(opts.begin(), opts.end(), [&](const Option& o) { return o.id == optionId; }))
                return fail(ErrorKind::Invalid, "attempt " + std::to_string(attemptId) + ": question '" +
                                                    d.questionId + "' no longer has option '" + optionId + "'");
        }
        out.push_back(*it->second);
    }
    return out;
}

}  // namespace

Result<Attempt> Attempt::start(const std::vector<Question>& bank, AttemptKind kind, std::uint64_t seed,
                               AttemptStore& store, std::shared_ptr<const Clock> clock, const AttemptOptions& options) {
    auto draw = kind == AttemptKind::Module ? drawQuiz(bank, seed, options.plan) : drawPrerequisites(bank, seed);
    if (!draw) return fail(ErrorKind::Invalid, "cannot start a quiz attempt: " + draw.error().message);
    AttemptRecord record;
    record.kind = kind;
    record.seed = seed;
    record.questions = draw->questions;
    record.startedAt = clock->now();
    record.savedAt = record.startedAt;
    record.timeLimit = options.timeLimit;
    record.remainingAtLastSave = options.timeLimit;
    auto questions = questionsOf(bank, record.questions, 0);
    if (!questions) return fail(questions.error());
    // The timer starts before the save so the time the save takes counts against the attempt, not for it.
    AttemptTimer timer(clock, options.timeLimit);
    auto id = store.create(record);
    if (!id) return fail(id.error().context("saving the new quiz attempt"));
    record.id = *id;
    return Attempt(std::move(record), std::move(*questions), std::move(timer), store);
}

Result<Attempt> Attempt::resume(const std::vector<Question>& bank, std::int64_t id, AttemptStore& store,
                                std::shared_ptr<const Clock> clock) {
    auto record = store.load(id);
    if (!record) return fail(record.error());
    auto questions = questionsOf(bank, record->questions, id);
    if (!questions) return fail(questions.error());
    auto timer = AttemptTimer::resumed(clock, record->timeLimit, record->startedAt, record->remainingAtLastSave);
    Attempt attempt(std::move(*record), std::move(*questions), std::move(timer), store);
    if (auto expired = attempt.finishIfExpired(); !expired) return fail(expired.error());
    // Start where the student most likely left off: the first question without an answer.
    for (std::size_t i = 0; i < attempt.size(); ++i) {
        if (!attempt.response(i)) {
            attempt.current_ = i;
            break;
        }
    }
    return attempt;
}

std::vector<Option> Attempt::options(std::size_t index) const {
    const auto& q = questions_.at(index);
    std::vector<Option> out;
    for (const auto& id : record_.questions.at(index).optionOrder)
        for (const auto& o : q.options)
            if (o.id == id) out.push_back(o);
    return out;
}

std::optional<Response> Attempt::response(std::size_t index) const {
    auto it = record_.answers.find(questions_.at(index).id);
    if (it == record_.answers.end()) return std::nullopt;
    return it->second.response;
}

bool Attempt::flagged(std::size_t index) const { return record_.flagged.count(questions_.at(index).id) > 0; }

Status Attempt::checkIndex(std::size_t index) const {
    if (index >= questions_.size())
        return fail(ErrorKind::Invalid, "question " + std::to_string(index + 1) + " does not exist; the attempt has " +
                                            std::to_string(questions_.size()));
    return {};
}

Status Attempt::goTo(std::size_t index) {
    if (auto s = checkIndex(index); !s) return s;
    current_ = index;
    return {};
}

Status Attempt::next() { return goTo(current_ + 1); }

Status Attempt::previous() {
    if (current_ == 0) return fail(ErrorKind::Invalid, "already at the first question");
    return goTo(current_ - 1);
}

milliseconds Attempt::remaining() const { return finished() ? milliseconds(0) : timer_.remaining(); }

Status Attempt::finishAs(AttemptState state) {
    const auto left = timer_.remaining();
    const auto at = timer_.clock().now();
    if (auto s = store_->finish(record_.id, state, at, left); !s) return fail(s.error().context("submitting the attempt"));
    record_.state = state;
    record_.finishedAt = at;
    record_.remainingAtLastSave = left;
    record_.savedAt = at;
    return {};
}

Result<bool> Attempt::finishIfExpired() {
    if (finished()) return true;
    if (!timer_.expired()) return false;
    if (auto s = finishAs(AttemptState::Expired); !s) return fail(s.error());
    return true;
}

Status Attempt::answer(std::size_t index, Response response) {
    if (auto s = checkIndex(index); !s) return s;
    const bool wasFinished = finished();
    auto done = finishIfExpired();
    if (!done) return fail(done.error());
    if (*done)
        return fail(ErrorKind::Invalid, wasFinished ? "the attempt is already submitted; answers can no longer change"
                                                    : "time is up: the attempt was submitted with the answers saved "
                                                      "before, and this answer was not saved");
    SavedAnswer saved{std::move(response), timer_.clock().now()};
    const auto left = timer_.remaining();
    const auto& id = questions_[index].id;
    if (auto s = store_->saveAnswer(record_.id, id, saved, left); !s)
        return fail(s.error().context("saving the answer to question " + std::to_string(index + 1)));
    record_.savedAt = saved.answeredAt;
    record_.remainingAtLastSave = left;
    record_.answers[id] = std::move(saved);
    current_ = index;
    return {};
}

Status Attempt::setFlag(std::size_t index, bool flag) {
    if (auto s = checkIndex(index); !s) return s;
    auto done = finishIfExpired();
    if (!done) return fail(done.error());
    if (*done) return fail(ErrorKind::Invalid, "the attempt is finished; flags can no longer change");
    const auto at = timer_.clock().now();
    const auto left = timer_.remaining();
    if (auto s = store_->saveFlag(record_.id, questions_[index].id, flag, at, left); !s)
        return fail(s.error().context("saving the flag on question " + std::to_string(index + 1)));
    if (flag) record_.flagged.insert(questions_[index].id);
    else record_.flagged.erase(questions_[index].id);
    record_.savedAt = at;
    record_.remainingAtLastSave = left;
    return {};
}

Result<AttemptState> Attempt::tick() {
    auto done = finishIfExpired();
    if (!done) return fail(done.error());
    if (!*done) {
        const auto at = timer_.clock().now();
        const auto left = timer_.remaining();
        if (auto s = store_->saveRemaining(record_.id, at, left); !s) return fail(s.error());
        record_.savedAt = at;
        record_.remainingAtLastSave = left;
    }
    return record_.state;
}

Result<QuizResult> Attempt::submit() {
    auto done = finishIfExpired();
    if (!done) return fail(done.error());
    if (!*done)
        if (auto s = finishAs(AttemptState::Submitted); !s) return fail(s.error());
    return result();
}

QuizResult Attempt::result() const {
    std::vector<AskedQuestion> asked;
    for (std::size_t i = 0; i < questions_.size(); ++i)
        asked.push_back({&questions_[i], record_.questions[i].optionOrder, response(i), flagged(i)});
    return gradeQuiz(asked);
}

}  // namespace kc::quiz
