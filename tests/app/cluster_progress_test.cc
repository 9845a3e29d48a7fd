// The Cluster page's Qt-free parts: stage rows from kind's and the lifecycle's events, and node table text.
#include <catch2/catch.hpp>

#include "app/cluster_node_text.h"
#include "app/cluster_progress.h"

using namespace kc;
using namespace kc::app;
using namespace std::chrono_literals;

namespace {

const SteadyTime t0{};

KindProgressEvent kindEvent(KindProgressEvent::Type type, KindStage stage, std::chrono::milliseconds elapsed = 0ms) {
    return {type, stage, "", elapsed};
}

}  // namespace

TEST_CASE("kind stages keep kind's own elapsed times and a finish without a start still gets its row", "[app][cluster]") {
    OperationProgress p;
    p.start(t0);
    p.onKindEvent("lab-01", kindEvent(KindProgressEvent::Type::Started, KindStage::EnsuringImage), t0 + 10ms);
    REQUIRE(p.rows().size() == 1);
    CHECK(p.rows()[0].state == StageState::Running);
    CHECK(OperationProgress::rowElapsed(p.rows()[0], t0 + 60ms) == 50ms);  // running: time so far
    p.onKindEvent("lab-01", kindEvent(KindProgressEvent::Type::Succeeded, KindStage::EnsuringImage, 1234ms), t0 + 70ms);
    CHECK(p.rows()[0].state == StageState::Done);
    CHECK(p.rows()[0].elapsed == 1234ms);  // kind's figure, not the page's clock
    CHECK(p.rows()[0].title == "Ensuring node image");
    CHECK(p.rows()[0].cluster == "lab-01");

    p.onKindEvent("lab-01", kindEvent(KindProgressEvent::Type::Succeeded, KindStage::PreparingNodes, 300ms), t0 + 400ms);
    REQUIRE(p.rows().size() == 2);
    CHECK(p.rows()[1].title == "Preparing nodes");
    CHECK(p.rows()[1].state == StageState::Done);
    CHECK(p.rows()[1].started == t0 + 100ms);
}

TEST_CASE("lifecycle steps start without an elapsed time and finish with one; kind's echo is skipped", "[app][cluster]") {
    OperationProgress p;
    p.start(t0);
    p.onLifecycleEvent({"lab-01", "kind", "installing CNI ...", 0ms}, t0 + 1ms);
    CHECK(p.rows().empty());
    p.onLifecycleEvent({"lab-01", "nodes", "waiting for 3 node(s) to be Ready", 0ms}, t0 + 5ms);
    REQUIRE(p.rows().size() == 1);
    CHECK(p.rows()[0].title == "Nodes Ready");
    CHECK(p.rows()[0].state == StageState::Running);
    p.onLifecycleEvent({"lab-01", "nodes", "all nodes Ready", 800ms}, t0 + 805ms);
    REQUIRE(p.rows().size() == 1);
    CHECK(p.rows()[0].state == StageState::Done);
    CHECK(p.rows()[0].detail == "all nodes Ready");
    CHECK(p.rows()[0].elapsed == 800ms);
    // Two addons: each its own row, the second starting after the first is done.
    p.onLifecycleEvent({"lab-01", "addon", "a 1.0 ...", 0ms}, t0 + 900ms);
    p.onLifecycleEvent({"lab-01", "addon", "a 1.0 installed", 100ms}, t0 + 1000ms);
    p.onLifecycleEvent({"lab-01", "addon", "b 2.0 ...", 0ms}, t0 + 1000ms);
    REQUIRE(p.rows().size() == 3);
    CHECK(p.rows()[1].state == StageState::Done);
    CHECK(p.rows()[2].state == StageState::Running);
    CHECK(p.rows()[2].detail == "b 2.0 ...");
}

TEST_CASE("the end of an operation settles running rows by its outcome and freezes the total", "[app][cluster]") {
    SECTION("a failure marks the step that was running failed") {
        OperationProgress p;
        p.start(t0);
        p.onLifecycleEvent({"", "preflight", "ok", 100ms}, t0 + 100ms);
        p.onKindEvent("lab-01", kindEvent(KindProgressEvent::Type::Started, KindStage::InstallingCni), t0 + 200ms);
        p.finish(OperationOutcome::Failed, t0 + 500ms);
        REQUIRE(p.failedRow());
        CHECK(p.failedRow()->title == "Installing CNI");
        CHECK(p.failedRow()->elapsed == 300ms);
        CHECK(p.rows()[0].state == StageState::Done);
        CHECK(p.totalElapsed(t0 + 9000ms) == 500ms);
    }
    SECTION("a failure after the last step reported done marks that step failed (preflight with failures)") {
        OperationProgress p;
        p.start(t0);
        p.onLifecycleEvent({"", "preflight", "failed", 100ms}, t0 + 100ms);
        p.finish(OperationOutcome::Failed, t0 + 120ms);
        REQUIRE(p.failedRow());
        CHECK(p.failedRow()->title == "Check the host");
    }
    SECTION("a cancel marks what was running cancelled and nothing failed") {
        OperationProgress p;
        p.start(t0);
        p.onKindEvent("lab-01", kindEvent(KindProgressEvent::Type::Started, KindStage::StartingControlPlane), t0 + 10ms);
        p.finish(OperationOutcome::Cancelled, t0 + 20ms);
        CHECK(p.rows()[0].state == StageState::Cancelled);
        CHECK_FALSE(p.failedRow());
        CHECK(p.outcome() == OperationOutcome::Cancelled);
    }
    SECTION("success closes steps that reported no end, with the time they ran") {
        OperationProgress p;
        p.start(t0);
        p.beginStep("lab-01", "delete", "Delete kind cluster lab-01", t0 + 5ms);
        p.finish(OperationOutcome::Succeeded, t0 + 705ms);
        CHECK(p.rows()[0].state == StageState::Done);
        CHECK(p.rows()[0].elapsed == 700ms);
    }
}

TEST_CASE("elapsed times read as seconds, then minutes and seconds", "[app][cluster]") {
    CHECK(formatElapsed(0ms) == "0.0 s");
    CHECK(formatElapsed(12345ms) == "12.3 s");
    CHECK(formatElapsed(59940ms) == "59.9 s");
    CHECK(formatElapsed(125000ms) == "2 min 05 s");
}

TEST_CASE("node rows show whole and shared GPUs, taints as kubectl writes them and Ready", "[app][cluster]") {
    CHECK(gpuAmountText({{kGpuResource, 4}}) == "4");
    CHECK(gpuAmountText({{kGpuResource, 4}, {kSharedGpuResource, 8}}) == "4 + 8 shared");
    CHECK(gpuAmountText({{kSharedGpuResource, 8}}) == "8 shared");
    CHECK(gpuAmountText({}) == "\xE2\x80\x94");
    CHECK(taintsText({{"nvidia.com/gpu", "present", "NoSchedule"}, {"dedicated", "", "NoExecute"}}) ==
          "nvidia.com/gpu=present:NoSchedule\ndedicated:NoExecute");

    NodeStatusRow row;
    row.name = "w1";
    row.role = "worker";
    row.ready = "False";
    row.gpuRequested = {{kGpuResource, 2}};
    NodeRowText text = nodeRowText(row);
    CHECK(text.ready == "NotReady");
    CHECK_FALSE(text.readyOk);
    CHECK(text.requested == "2");
    CHECK(text.capacity == "\xE2\x80\x94");
    row.ready = "";
    CHECK(nodeRowText(row).ready == "Unknown");
}
