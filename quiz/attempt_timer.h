// The quiz time limit, from a stored start time. Within a run it counts on the monotonic clock, so changing the
// system clock mid-attempt changes nothing; across runs it counts on the wall clock from the stored start, and
// never gives back more than was left at the last save, so setting the clock back between runs gains nothing.
#pragma once

#include <chrono>
#include <memory>

#include "clusters/clock.h"

namespace kc::quiz {

inline constexpr std::chrono::minutes kQuizTimeLimit{90};

class AttemptTimer {
public:
    // A new attempt: the whole limit is left.
    AttemptTimer(std::shared_ptr<const Clock> clock, std::chrono::milliseconds limit);

    // An attempt started in an earlier run at wallStart, with `remainingAtLastSave` left when last saved:
    // left = min(limit - (wall now - wallStart), remainingAtLastSave), at least 0.
    static AttemptTimer resumed(std::shared_ptr<const Clock> clock, std::chrono::milliseconds limit,
                                std::chrono::system_clock::time_point wallStart,
                                std::chrono::milliseconds remainingAtLastSave);

    std::chrono::milliseconds remaining() const;  // never negative
    bool expired() const { return remaining().count() <= 0; }
    const Clock& clock() const { return *clock_; }

private:
    AttemptTimer(std::shared_ptr<const Clock> clock, std::chrono::milliseconds left, int);

    std::shared_ptr<const Clock> clock_;
    std::chrono::steady_clock::time_point monotonicBase_;
    std::chrono::milliseconds remainingAtBase_;
};

}  // namespace kc::quiz
