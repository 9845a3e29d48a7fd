// The staged progress of a cluster create or delete, as the Cluster page shows it: one row per kind stage and
// per harness step (preflight, connect, nodes Ready, GPUs, post-create, addons, routes), each pending, running,
// done, failed or cancelled, with how long it took. Pure: events and the time they arrived in, rows out.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "clusters/cluster_lifecycle.h"
#include "clusters/kind_progress.h"

namespace kc::app {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class StageState { Running, Done, Failed, Cancelled };

struct StageRow {
    std::string cluster;  // empty: profile-wide (preflight, routes)
    std::string key;      // "kind:installing CNI", "nodes", "addon", ...
    std::string title;    // "Installing CNI", "Nodes Ready"
    std::string detail;   // the latest thing the step said ("metrics-server 3.12.2 ...")
    StageState state = StageState::Running;
    SteadyTime started{};
    std::chrono::milliseconds elapsed{0};  // finished rows: as reported (kind) or measured
};

enum class OperationOutcome { Running, Succeeded, Failed, Cancelled };

class OperationProgress {
public:
    void start(SteadyTime now);

    // A kind stage of `cluster` (from kind's own stage lines).
    void onKindEvent(const std::string& cluster, const KindProgressEvent& event, SteadyTime now);
    // A harness step. Step "kind" is skipped: its stages arrive through onKindEvent with kind's own words.
    // An event with an elapsed time finishes the step's running row; one without starts it (or updates it).
    void onLifecycleEvent(const LifecycleEvent& event, SteadyTime now);
    // A row for work that reports no events of its own (deleting a cluster).
    void beginStep(const std::string& cluster, const std::string& key, const std::string& title, SteadyTime now);
    void finishStep(const std::string& cluster, const std::string& key, SteadyTime now);

    // The operation ended: running rows become done (success), failed (the one that was running when the
    // failure came; others cancelled) or cancelled.
    void finish(OperationOutcome outcome, SteadyTime now);

    const std::vector<StageRow>& rows() const { return rows_; }
    OperationOutcome outcome() const { return outcome_; }
    // The row that failed, if any.
    const StageRow* failedRow() const;
    // Time since start; frozen once the operation has ended.
    std::chrono::milliseconds totalElapsed(SteadyTime now) const;
    // A running row's time so far, a finished row's time.
    static std::chrono::milliseconds rowElapsed(const StageRow& row, SteadyTime now);

private:
    StageRow* running(const std::string& cluster, const std::string& key);
    StageRow& add(const std::string& cluster, const std::string& key, const std::string& title, SteadyTime now);
    void end(StageRow& row, StageState state, SteadyTime now, std::optional<std::chrono::milliseconds> elapsed = {});

    std::vector<StageRow> rows_;
    OperationOutcome outcome_ = OperationOutcome::Running;
    SteadyTime started_{};
    SteadyTime ended_{};
};

// "0.4 s", "12.3 s", "2 min 05 s": short enough for a column, precise enough to compare runs.
std::string formatElapsed(std::chrono::milliseconds elapsed);

// Human titles for the harness steps ("nodes" → "Nodes Ready"); an unknown step is shown capitalised.
std::string stepTitle(const std::string& step);

}  // namespace kc::app
