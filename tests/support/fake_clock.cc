// The manual test clock.
#include "tests/support/fake_clock.h"

namespace kc::testing {

FakeClock::FakeClock(std::chrono::system_clock::time_point start) : wall_(start) {}

std::chrono::system_clock::time_point FakeClock::defaultStart() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 22} + hours(10);
}

std::chrono::system_clock::time_point FakeClock::now() const {
    std::lock_guard lock(mutex_);
    return wall_;
}

std::chrono::steady_clock::time_point FakeClock::monotonicNow() const {
    std::lock_guard lock(mutex_);
    return monotonic_;
}

void FakeClock::sleepFor(std::chrono::milliseconds duration) {
    {
        std::lock_guard lock(mutex_);
        sleeps_.push_back(duration);
    }
    advance(duration);
}

void FakeClock::advance(std::chrono::system_clock::duration duration) {
    std::lock_guard lock(mutex_);
    wall_ += duration;
    monotonic_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
}

std::vector<std::chrono::milliseconds> FakeClock::sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
}

}  // namespace kc::testing
