// Clock: the seam for time, so expiry, backoff and timeouts are testable without sleeping.
#pragma once

#include <chrono>
#include <memory>

namespace kc {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
    virtual std::chrono::steady_clock::time_point monotonicNow() const = 0;
    virtual void sleepFor(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
    std::chrono::steady_clock::time_point monotonicNow() const override { return std::chrono::steady_clock::now(); }
    void sleepFor(std::chrono::milliseconds duration) override;
};

// One process-wide real clock for callers that are not handed one.
std::shared_ptr<Clock> systemClock();

}  // namespace kc
