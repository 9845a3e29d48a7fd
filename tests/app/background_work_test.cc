// Work off the UI thread: results arrive on the UI thread, and never at a widget that was closed meanwhile.
#include <catch2/catch.hpp>

#include <QThread>
#include <QWidget>
#include <atomic>
#include <thread>

#include "app/background_work.h"
#include "app_test_support.h"

using kc::app::BackgroundWork;

TEST_CASE("a result is delivered on the UI thread to a live guard", "[app][background]") {
    BackgroundWork work(2);
    QWidget guard;
    std::thread::id workerThread;
    bool delivered = false;
    QThread* deliveredOn = nullptr;
    work.run<int>(
        &guard,
        [&](const kc::Cancellation&) {
            workerThread = std::this_thread::get_id();
            return 42;
        },
        [&](int value) {
            delivered = value == 42;
            deliveredOn = QThread::currentThread();
        });
    REQUIRE(kc::testing::waitUntil([&] { return delivered; }));
    CHECK(workerThread != std::this_thread::get_id());
    CHECK(deliveredOn == QThread::currentThread());
}

TEST_CASE("a result for a deleted guard is dropped", "[app][background]") {
    BackgroundWork work(2);
    auto* guard = new QWidget;
    std::atomic<bool> release{false};
    std::atomic<bool> finished{false};
    bool called = false;
    work.run<int>(
        guard,
        [&](const kc::Cancellation&) {
            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            finished = true;
            return 1;
        },
        [&](int) { called = true; });
    delete guard;  // the page closes while the work runs
    release = true;
    REQUIRE(work.waitForIdle(5000));
    CHECK(finished);
    kc::testing::waitUntil([] { return false; }, 100);  // let any queued delivery run
    CHECK_FALSE(called);
}

TEST_CASE("cancelAll reaches running work and the destructor waits for it", "[app][background]") {
    std::atomic<bool> sawCancel{false};
    QWidget guard;
    {
        BackgroundWork work(1);
        auto handle = work.run<int>(
            &guard,
            [&](const kc::Cancellation& cancel) {
                for (int i = 0; i < 5000 && !cancel.cancelled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                sawCancel = cancel.cancelled();
                return 0;
            },
            [](int) {});
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }  // ~BackgroundWork cancels and waits
    CHECK(sawCancel);
}
