// Long work (the API server, kind, docker, git) runs off the UI thread. Results come back to the UI thread
// through guarded callbacks: if the widget that asked is gone (its page closed), the result is dropped instead of
// touching a deleted object (the QPointer pattern of Qt Creator).
#pragma once

#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "clusters/cancellation.h"

namespace kc::app {

class BackgroundWork {
public:
    explicit BackgroundWork(int maxThreads = 4);
    // Cancels what is still running and waits for it, so no worker outlives the services it uses.
    ~BackgroundWork();
    BackgroundWork(const BackgroundWork&) = delete;
    BackgroundWork& operator=(const BackgroundWork&) = delete;

    // Runs `work` on a worker thread; `done` then runs on the UI thread with the result, only if `guard` still
    // exists. `work` should poll the Cancellation (kept also by the returned handle) to stop early.
    template <class R>
    std::shared_ptr<Cancellation> run(QObject* guard, std::function<R(const Cancellation&)> work,
                                      std::function<void(R)> done) {
        auto cancel = std::make_shared<Cancellation>();
        track(cancel);
        QPointer<QObject> guarded(guard);
        pool_.start([cancel, guarded, work = std::move(work), done = std::move(done)]() mutable {
            auto result = std::make_shared<R>(work(*cancel));
            post(guarded, [done = std::move(done), result]() mutable { done(std::move(*result)); });
        });
        return cancel;
    }

    // Calls `call` on the UI thread if `guard` still exists; safe from any thread (progress reports).
    static void post(QPointer<QObject> guard, std::function<void()> call);

    // For tests and shutdown: waits until no work is running; false when `ms` passed first.
    bool waitForIdle(int ms);
    void cancelAll();

private:
    void track(const std::shared_ptr<Cancellation>& cancel);

    QThreadPool pool_;
    std::mutex mutex_;
    std::vector<std::weak_ptr<Cancellation>> running_;
};

}  // namespace kc::app
