// When and how long to wait before sending a request again: 429 (honouring Retry-After), 5xx and
// connection errors, a bounded number of times, with jittered exponential backoff.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "clusters/result.h"
#include "clusters/transport.h"

namespace kc {

struct RetrySettings {
    int maxAttempts = 5;  // including the first
    std::chrono::milliseconds baseDelay{100};
    std::chrono::milliseconds maxDelay{5000};
    std::chrono::milliseconds maxRetryAfter{30000};  // a longer Retry-After is capped to this
};

class RetryPolicy {
public:
    explicit RetryPolicy(RetrySettings settings = {}, unsigned seed = std::random_device{}());

    // The delay before attempt number `attempt + 1` (attempt counts from 1), or nullopt to give up.
    // `method` matters: a POST is only resent when the server cannot have acted on it (429, refused).
    std::optional<std::chrono::milliseconds> delayAfter(int attempt, const std::string& method,
                                                        const Result<HttpResponse>& outcome);

    const RetrySettings& settings() const { return settings_; }

private:
    std::chrono::milliseconds backoff(int attempt);

    RetrySettings settings_;
    std::mutex mutex_;
    std::mt19937 random_;
};

}  // namespace kc
