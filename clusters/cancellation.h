// Cancellation: a shared flag a caller sets from another thread to abandon a request, a stream or a child process.
#pragma once

#include <atomic>

namespace kc {

class Cancellation {
public:
    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }

private:
    std::atomic<bool> cancelled_{false};
};

}  // namespace kc
