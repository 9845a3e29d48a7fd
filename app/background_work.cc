// Worker pool and the guarded hop back to the UI thread.
#include "app/background_work.h"

#include <QCoreApplication>
#include <QMetaObject>

namespace kc::app {

BackgroundWork::BackgroundWork(int maxThreads) { pool_.setMaxThreadCount(maxThreads); }

BackgroundWork::~BackgroundWork() {
    cancelAll();
    pool_.waitForDone();
}

void BackgroundWork::post(QPointer<QObject> guard, std::function<void()> call) {
    // The lambda runs on the application's thread, where the QPointer check is race-free with deletion there.
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [guard, call = std::move(call)]() {
            if (guard) call();
        },
        Qt::QueuedConnection);
}

bool BackgroundWork::waitForIdle(int ms) { return pool_.waitForDone(ms); }

void BackgroundWork::cancelAll() {
    std::lock_guard lock(mutex_);
    for (auto& weak : running_)
        if (auto cancel = weak.lock()) cancel->cancel();
    running_.clear();
}

void BackgroundWork::track(const std::shared_ptr<Cancellation>& cancel) {
    std::lock_guard lock(mutex_);
    std::erase_if(running_, [](const std::weak_ptr<Cancellation>& w) { return w.expired(); });
    running_.push_back(cancel);
}

}  // namespace kc::app
