// Retry decisions and jittered backoff.
#include "clusters/retry_policy.h"

#include <algorithm>
#include <cstdlib>

namespace kc {

RetryPolicy::RetryPolicy(RetrySettings settings, unsigned seed) : settings_(settings), random_(seed) {}

std::chrono::milliseconds RetryPolicy::backoff(int attempt) {
    long long exponential = settings_.baseDelay.count() << std::min(attempt - 1, 20);
    long long capped = std::min<long long>(exponential, settings_.maxDelay.count());
    std::lock_guard lock(mutex_);
    // Full jitter in the upper half keeps clients that failed together from retrying together.
    std::uniform_int_distribution<long long> spread(capped / 2, std::max<long long>(capped, 1));
    return std::chrono::milliseconds(spread(random_));
}

std::optional<std::chrono::milliseconds> RetryPolicy::delayAfter(int attempt, const std::string& method,
                                                                 const Result<HttpResponse>& outcome) {
    if (attempt >= settings_.maxAttempts) return std::nullopt;
    const bool isPost = method == "POST";
    if (!outcome) {
        // A refused or reset connection; a timeout is the caller's deadline and is not retried.
        if (outcome.error().kind != ErrorKind::Unreachable) return std::nullopt;
        if (isPost) return std::nullopt;
        return backoff(attempt);
    }
    const int status = outcome->status;
    if (status == 429) {
        std::string retryAfter = outcome->header("retry-after");
        char* end = nullptr;
        long seconds = retryAfter.empty() ? -1 : std::strtol(retryAfter.c_str(), &end, 10);
        if (seconds >= 0 && end && *end == '\0')
            return std::min(std::chrono::milliseconds(seconds * 1000), settings_.maxRetryAfter);
        return backoff(attempt);
    }
    if (isPost) return std::nullopt;
    if (status == 500 || status == 502 || status == 503 || status == 504) return backoff(attempt);
    return std::nullopt;
}

}  // namespace kc
