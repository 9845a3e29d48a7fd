// progress.db records of the app: each write is readable from a fresh connection (what a restart sees).
#include <catch2/catch.hpp>

#include "app/progress_store.h"
#include "tests/support/temp_dir.h"

using kc::app::LabCheckRun;
using kc::app::ProgressStore;
using namespace std::chrono_literals;

namespace {

kc::app::TimePoint at(int seconds) { return kc::app::TimePoint(std::chrono::seconds(1'800'000'000 + seconds)); }

std::unique_ptr<ProgressStore> openStore(const std::string& path) {
    auto store = ProgressStore::open(path);
    REQUIRE(store);
    return std::move(*store);
}

}  // namespace

TEST_CASE("lectures marked read survive reopening and can be unmarked", "[app][progress]") {
    kc::testing::TempDir dir;
    std::string path = dir.path() + "/progress.db";
    {
        auto store = openStore(path);
        REQUIRE(store->setLectureRead("01-operators", true, at(0)));
        REQUIRE(store->setLectureRead("02-gpu", true, at(1)));
        REQUIRE(store->setLectureRead("02-gpu", false, at(2)));
        REQUIRE(store->setLectureRead("01-operators", true, at(3)));  // again: still one entry
    }
    auto reopened = openStore(path);
    auto read = reopened->lecturesRead();
    REQUIRE(read);
    CHECK(*read == std::set<std::string>{"01-operators"});
}

TEST_CASE("hints are revealed one tier at a time and counted per check", "[app][progress]") {
    kc::testing::TempDir dir;
    auto store = openStore(dir.path() + "/progress.db");
    CHECK(*store->hintsRevealed("lab-01", "crd-installed") == 0);
    CHECK(*store->revealHint("lab-01", "crd-installed", 0, at(0)) == 1);
    CHECK(*store->revealHint("lab-01", "crd-installed", 0, at(5)) == 1);  // revealing the same tier twice
    CHECK(*store->revealHint("lab-01", "crd-installed", 1, at(9)) == 2);
    CHECK(*store->hintsRevealed("lab-01", "rbac") == 0);
    CHECK(*store->hintsRevealed("lab-02", "crd-installed") == 0);
    CHECK_FALSE(store->revealHint("lab-01", "rbac", -1, at(0)));
}

TEST_CASE("check runs are listed newest first and the lab score prefers a full run", "[app][progress]") {
    kc::testing::TempDir dir;
    std::string path = dir.path() + "/progress.db";
    auto store = openStore(path);
    REQUIRE(store->recordCheckRun({.labId = "lab-01", .scope = "all", .at = at(10), .earned = 40, .points = 100,
                                   .outcome = "graded", .reportJson = "{}"}));
    REQUIRE(store->recordCheckRun({.labId = "lab-01", .scope = "crd-installed", .at = at(20), .earned = 5,
                                   .points = 5, .outcome = "graded", .reportJson = "{}"}));
    REQUIRE(store->recordCheckRun({.labId = "lab-03", .scope = "snapshot", .at = at(25), .earned = 90, .points = 100,
                                   .outcome = "graded", .reportJson = "{}"}));
    REQUIRE(store->recordCheckRun({.labId = "lab-02", .scope = "all", .at = at(30), .earned = 0, .points = 100,
                                   .outcome = "error: cluster unreachable", .reportJson = ""}));
    auto reopened = openStore(path);
    auto runs = reopened->checkRuns("lab-01");
    REQUIRE(runs);
    REQUIRE(runs->size() == 2);
    CHECK((*runs)[0].scope == "crd-installed");
    CHECK((*runs)[1].scope == "all");
    CHECK((*runs)[1].at == at(10));
    auto latest = reopened->latestCheckRun("lab-01");
    REQUIRE(latest);
    REQUIRE(latest->has_value());
    CHECK((*latest)->scope == "all");
    CHECK((*latest)->earned == 40);
    auto none = reopened->latestCheckRun("lab-03");  // only a snapshot graded offline: no lab score
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
}

TEST_CASE("the last location and plain values survive reopening", "[app][progress]") {
    kc::testing::TempDir dir;
    std::string path = dir.path() + "/progress.db";
    {
        auto store = openStore(path);
        auto before = store->lastLocation();
        REQUIRE(before);
        CHECK_FALSE(before->has_value());
        REQUIRE(store->setLastLocation({"labs", "lab-02/gpu-request"}, at(0)));
        REQUIRE(store->setValue("cluster.profile", "lab-02-gpu-sim"));
    }
    auto reopened = openStore(path);
    auto location = reopened->lastLocation();
    REQUIRE(location);
    REQUIRE(location->has_value());
    CHECK((*location)->page == "labs");
    CHECK((*location)->item == "lab-02/gpu-request");
    CHECK(reopened->value("cluster.profile")->value_or("") == "lab-02-gpu-sim");
    CHECK_FALSE(reopened->value("missing")->has_value());
}
