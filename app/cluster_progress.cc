// Stage rows from kind's stage events and the lifecycle's step events.
#include "app/cluster_progress.h"

#include <cctype>
#include <cstdio>

namespace kc::app {

namespace {

std::string capitalised(std::string text) {
    if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

std::string kindKey(KindStage stage) { return std::string("kind:") + kindStageName(stage); }

std::string kindTitle(KindStage stage) {
    // kind's closing "Ready after 25s" is the whole create succeeding, not a stage of its own.
    if (stage == KindStage::Ready) return "Kind cluster ready";
    return capitalised(kindStageName(stage));
}

}  // namespace

std::string formatElapsed(std::chrono::milliseconds elapsed) {
    long long ms = std::max<long long>(0, elapsed.count());
    char buffer[32];
    if (ms < 60'000) {
        std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    } else {
        long long seconds = ms / 1000;
        std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", seconds / 60, seconds % 60);
    }
    return buffer;
}

std::string stepTitle(const std::string& step) {
    if (step == "preflight") return "Check the host";
    if (step == "kubeconfig") return "Connect to the API server";
    if (step == "nodes") return "Nodes Ready";
    if (step == "gpu") return "Set up GPU nodes";
    if (step == "post-create") return "Post-create step";
    if (step == "addon") return "Install addon";
    if (step == "routes") return "Route pod networks between clusters";
    if (step == "delete") return "Delete kind cluster";
    return capitalised(step);
}

void OperationProgress::start(SteadyTime now) {
    rows_.clear();
    outcome_ = OperationOutcome::Running;
    started_ = now;
    ended_ = {};
}

StageRow* OperationProgress::running(const std::string& cluster, const std::string& key) {
    for (auto it = rows_.rbegin(); it != rows_.rend(); ++it)
        if (it->cluster == cluster && it->key == key && it->state == StageState::Running) return &*it;
    return nullptr;
}

StageRow& OperationProgress::add(const std::string& cluster, const std::string& key, const std::string& title,
                                 SteadyTime now) {
    StageRow row;
    row.cluster = cluster;
    row.key = key;
    row.title = title;
    row.started = now;
    rows_.push_back(row);
    return rows_.back();
}

void OperationProgress::end(StageRow& row, StageState state, SteadyTime now,
                            std::optional<std::chrono::milliseconds> elapsed) {
    row.state = state;
    row.elapsed = elapsed ? *elapsed : std::chrono::duration_cast<std::chrono::milliseconds>(now - row.started);
}

void OperationProgress::onKindEvent(const std::string& cluster, const KindProgressEvent& event, SteadyTime now) {
    const std::string key = kindKey(event.stage);
    StageRow* row = running(cluster, key);
    if (!row) {
        // A finish with no start (kind on a terminal) still gets its row; its start is reconstructed.
        row = &add(cluster, key, kindTitle(event.stage), now - event.elapsed);
    }
    row->detail = event.detail;
    switch (event.type) {
        case KindProgressEvent::Type::Started: break;
        case KindProgressEvent::Type::Succeeded: end(*row, StageState::Done, now, event.elapsed); break;
        case KindProgressEvent::Type::Failed: end(*row, StageState::Failed, now, event.elapsed); break;
    }
}

void OperationProgress::onLifecycleEvent(const LifecycleEvent& event, SteadyTime now) {
    if (event.step == "kind") return;
    StageRow* row = running(event.cluster, event.step);
    if (event.elapsed.count() > 0) {
        if (!row) row = &add(event.cluster, event.step, stepTitle(event.step), now - event.elapsed);
        row->detail = event.message;
        end(*row, StageState::Done, now, event.elapsed);
        return;
    }
    if (!row) row = &add(event.cluster, event.step, stepTitle(event.step), now);
    row->detail = event.message;
}

void OperationProgress::beginStep(const std::string& cluster, const std::string& key, const std::string& title,
                                  SteadyTime now) {
    if (!running(cluster, key)) add(cluster, key, title, now);
}

void OperationProgress::finishStep(const std::string& cluster, const std::string& key, SteadyTime now) {
    if (StageRow* row = running(cluster, key)) end(*row, StageState::Done, now);
}

void OperationProgress::finish(OperationOutcome outcome, SteadyTime now) {
    if (outcome_ != OperationOutcome::Running) return;
    outcome_ = outcome;
    ended_ = now;
    StageRow* lastRunning = nullptr;
    for (auto& row : rows_)
        if (row.state == StageState::Running) lastRunning = &row;
    for (auto& row : rows_) {
        if (row.state != StageState::Running) continue;
        switch (outcome) {
            case OperationOutcome::Succeeded: end(row, StageState::Done, now); break;
            case OperationOutcome::Failed:
                end(row, &row == lastRunning ? StageState::Failed : StageState::Cancelled, now);
                break;
            default: end(row, StageState::Cancelled, now); break;
        }
    }
    // A step that reported its end and then turned out to have failed (preflight with failures): the last row.
    if (outcome == OperationOutcome::Failed && !lastRunning && !failedRow() && !rows_.empty())
        rows_.back().state = StageState::Failed;
}

const StageRow* OperationProgress::failedRow() const {
    for (const auto& row : rows_)
        if (row.state == StageState::Failed) return &row;
    return nullptr;
}

std::chrono::milliseconds OperationProgress::totalElapsed(SteadyTime now) const {
    SteadyTime end = outcome_ == OperationOutcome::Running ? now : ended_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(end - started_);
}

std::chrono::milliseconds OperationProgress::rowElapsed(const StageRow& row, SteadyTime now) {
    if (row.state == StageState::Running)
        return std::chrono::duration_cast<std::chrono::milliseconds>(now - row.started);
    return row.elapsed;
}

}  // namespace kc::app
