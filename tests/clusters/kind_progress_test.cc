// kind's stage lines as kind prints them when stderr is not a terminal (a start line "•" and an end line "✓"/"✗"
// per stage), turned into named stages with elapsed times.
#include <catch2/catch.hpp>

#include "clusters/kind_progress.h"
#include "tests/support/fake_clock.h"

using kc::KindProgressEvent;
using kc::KindStage;

TEST_CASE("kind stage lines are recognised by their words, whatever the decoration", "[kind]") {
    auto start = kc::parseKindStageLine(" \xE2\x80\xA2 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC  ...");
    REQUIRE(start.has_value());
    CHECK(start->type == KindProgressEvent::Type::Started);
    CHECK(start->stage == KindStage::EnsuringImage);
    CHECK(start->detail == "Ensuring node image (kindest/node:v1.31.2)");

    auto done = kc::parseKindStageLine(" \xE2\x9C\x93 Preparing nodes \xF0\x9F\x93\xA6 \xF0\x9F\x93\xA6 \xF0\x9F\x93\xA6  ");
    REQUIRE(done.has_value());
    CHECK(done->type == KindProgressEvent::Type::Succeeded);
    CHECK(done->stage == KindStage::PreparingNodes);
    CHECK(done->detail == "Preparing nodes");

    auto failed = kc::parseKindStageLine(" \xE2\x9C\x97 Joining worker nodes \xF0\x9F\x9A\x9C ");
    REQUIRE(failed.has_value());
    CHECK(failed->type == KindProgressEvent::Type::Failed);
    CHECK(failed->stage == KindStage::JoiningWorkers);

    auto ready = kc::parseKindStageLine(" \xE2\x80\xA2 Ready after 25s \xF0\x9F\x92\x9A");
    REQUIRE(ready.has_value());
    CHECK(ready->stage == KindStage::Ready);
    CHECK(ready->type == KindProgressEvent::Type::Succeeded);

    CHECK(kc::parseKindStageLine(" \xE2\x9C\x93 Starting control-plane \xF0\x9F\x95\xB9\xEF\xB8\x8F")->stage == KindStage::StartingControlPlane);
    CHECK(kc::parseKindStageLine(" \xE2\x9C\x93 Installing CNI \xF0\x9F\x94\x8C")->stage == KindStage::InstallingCni);
    CHECK(kc::parseKindStageLine(" \xE2\x9C\x93 Installing StorageClass \xF0\x9F\x92\xBE")->stage == KindStage::InstallingStorageClass);
    CHECK(kc::parseKindStageLine(" \xE2\x9C\x93 Writing configuration \xF0\x9F\x93\x9C")->stage == KindStage::WritingConfiguration);
    CHECK(kc::parseKindStageLine(" \xE2\x80\xA2 Waiting \xE2\x89\xA4 5m0s for control-plane = Ready \xE2\x8F\xB3  ...")->stage == KindStage::WaitingForReady);

    CHECK_FALSE(kc::parseKindStageLine("Creating cluster \"lab-01\" ...").has_value());
    CHECK_FALSE(kc::parseKindStageLine("ERROR: failed to create cluster: boom").has_value());
    CHECK_FALSE(kc::parseKindStageLine(" \xE2\x9C\x93 Something kind never prints").has_value());
    CHECK_FALSE(kc::parseKindStageLine("").has_value());
}

TEST_CASE("the tracker times each stage from its start line to its end line", "[kind]") {
    auto clock = std::make_shared<kc::testing::FakeClock>();
    std::vector<KindProgressEvent> events;
    kc::KindProgressTracker tracker(clock, [&](const KindProgressEvent& e) { events.push_back(e); });
    tracker.onLine("Creating cluster \"x\" ...");
    tracker.onLine(" \xE2\x80\xA2 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC  ...");
    clock->advance(std::chrono::milliseconds(4200));
    tracker.onLine(" \xE2\x9C\x93 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC");
    tracker.onLine(" \xE2\x80\xA2 Preparing nodes \xF0\x9F\x93\xA6  ...");
    CHECK(tracker.currentStage() == KindStage::PreparingNodes);
    clock->advance(std::chrono::milliseconds(1500));
    tracker.onLine(" \xE2\x9C\x97 Preparing nodes \xF0\x9F\x93\xA6");
    tracker.onLine("ERROR: failed to create cluster: command \"docker run ...\" failed");

    REQUIRE(events.size() == 4);
    CHECK(events[0].type == KindProgressEvent::Type::Started);
    CHECK(events[1].type == KindProgressEvent::Type::Succeeded);
    CHECK(events[1].stage == KindStage::EnsuringImage);
    CHECK(events[1].elapsed == std::chrono::milliseconds(4200));
    CHECK(events[3].type == KindProgressEvent::Type::Failed);
    CHECK(events[3].elapsed == std::chrono::milliseconds(1500));
    CHECK(tracker.failedStage() == KindStage::PreparingNodes);
    CHECK_FALSE(tracker.currentStage().has_value());
    REQUIRE(tracker.lastLines().size() == 6);
    CHECK(tracker.lastLines().back() == "ERROR: failed to create cluster: command \"docker run ...\" failed");
}

TEST_CASE("a stage that ends without a start line is timed from the previous stage's end", "[kind]") {
    auto clock = std::make_shared<kc::testing::FakeClock>();
    std::vector<KindProgressEvent> events;
    kc::KindProgressTracker tracker(clock, [&](const KindProgressEvent& e) { events.push_back(e); });
    clock->advance(std::chrono::seconds(3));
    tracker.onLine(" \xE2\x9C\x93 Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC");
    clock->advance(std::chrono::seconds(2));
    tracker.onLine(" \xE2\x9C\x93 Preparing nodes \xF0\x9F\x93\xA6");
    tracker.finishSucceeded();
    // started+succeeded for each of the two stages, then "ready"
    REQUIRE(events.size() == 6);
    CHECK(events[1].elapsed == std::chrono::seconds(3));
    CHECK(events[3].elapsed == std::chrono::seconds(2));
    CHECK(events[5].stage == KindStage::Ready);
    CHECK(events[5].type == KindProgressEvent::Type::Succeeded);
}

TEST_CASE("the tracker keeps only the last lines", "[kind]") {
    kc::KindProgressTracker tracker(std::make_shared<kc::testing::FakeClock>(), {}, 3);
    for (int i = 0; i < 10; ++i) tracker.onLine("line " + std::to_string(i));
    REQUIRE(tracker.lastLines().size() == 3);
    CHECK(tracker.lastLines().front() == "line 7");
}

TEST_CASE("kind's wait for the control plane ends with its Ready line", "[kind]") {
    auto clock = std::make_shared<kc::testing::FakeClock>();
    std::vector<KindProgressEvent> events;
    kc::KindProgressTracker tracker(clock, [&](const KindProgressEvent& e) { events.push_back(e); });
    tracker.onLine(" \xE2\x80\xA2 Waiting \xE2\x89\xA4 5m0s for control-plane = Ready \xE2\x8F\xB3  ...");
    clock->advance(std::chrono::seconds(25));
    tracker.onLine(" \xE2\x80\xA2 Ready after 25s \xF0\x9F\x92\x9A");
    tracker.finishSucceeded();
    REQUIRE(events.size() == 4);
    CHECK(events[1].stage == KindStage::WaitingForReady);
    CHECK(events[1].type == KindProgressEvent::Type::Succeeded);
    CHECK(events[1].elapsed == std::chrono::seconds(25));
    CHECK(events[3].stage == KindStage::Ready);
    CHECK(tracker.lastCompletedStage() == KindStage::Ready);  // finishSucceeded adds no second "ready"
}
