// A Clock whose time moves only when the code under test sleeps or the test advances it, so expiry, backoff
// and timeouts are tested exactly and without waiting.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "clusters/clock.h"

namespace kc::testing {

class FakeClock final : public Clock {
public:
    // Wall time starts at 2026-11-22T10:00:00Z unless given.
    explicit FakeClock(std::chrono::system_clock::time_point start = defaultStart());

    std::chrono::system_clock::time_point now() const override;
    std::chrono::steady_clock::time_point monotonicNow() const override;
    void sleepFor(std::chrono::milliseconds duration) override;  // recorded, then advances

    void advance(std::chrono::system_clock::duration duration);
    std::vector<std::chrono::milliseconds> sleeps() const;

    static std::chrono::system_clock::time_point defaultStart();

private:
    mutable std::mutex mutex_;
    std::chrono::system_clock::time_point wall_;
    std::chrono::steady_clock::time_point monotonic_{};
    std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace kc::testing
