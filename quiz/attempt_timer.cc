// The timer rule; see attempt_timer.h.
#include "quiz/attempt_timer.h"

#include <algorithm>

namespace kc::quiz {

using std::chrono::milliseconds;

AttemptTimer::AttemptTimer(std::shared_ptr<const Clock> clock, milliseconds limit)
    : AttemptTimer(std::move(clock), std::max(limit, milliseconds(0)), 0) {}

AttemptTimer::AttemptTimer(std::shared_ptr<const Clock> clock, milliseconds left, int)
    : clock_(std::move(clock)), monotonicBase_(clock_->monotonicNow()), remainingAtBase_(left) {}

AttemptTimer AttemptTimer::resumed(std::shared_ptr<const Clock> clock, milliseconds limit,
                                   std::chrono::system_clock::time_point wallStart, milliseconds remainingAtLastSave) {
    const auto elapsed = std::chrono::duration_cast<milliseconds>(clock->now() - wallStart);
    // A clock set back makes `elapsed` small or negative; the stored remainder caps what that could give.
    milliseconds left = std::min({limit - elapsed, remainingAtLastSave, limit});
    return AttemptTimer(std::move(clock), std::max(left, milliseconds(0)), 0);
}

milliseconds AttemptTimer::remaining() const {
    const auto used = std::chrono::duration_cast<milliseconds>(clock_->monotonicNow() - monotonicBase_);
    return std::max(remainingAtBase_ - used, milliseconds(0));
}

}  // namespace kc::quiz
