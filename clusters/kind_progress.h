// Turning `kind create cluster` stderr into named progress stages with elapsed times. kind prints one line per
// stage: " • Ensuring node image (...) 🖼  ..." when it starts (when stderr is not a terminal), " ✓ ..." when it
// is done and " ✗ ..." when it failed, then "ERROR: failed to create cluster: ..." and kind's details.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/clock.h"

namespace kc {

enum class KindStage {
    EnsuringImage,
    PreparingNodes,
    ConfiguringLoadBalancer,
    WritingConfiguration,
    StartingControlPlane,
    InstallingCni,
    InstallingStorageClass,
    JoiningControlPlanes,
    JoiningWorkers,
    WaitingForReady,
    Ready,
};

// Lowercase words for people ("installing CNI").
const char* kindStageName(KindStage stage);

struct KindProgressEvent {
    enum class Type { Started, Succeeded, Failed };
    Type type = Type::Started;
    KindStage stage = KindStage::EnsuringImage;
    std::string detail;                   // the text kind printed, without the mark ("Ensuring node image (...)")
    std::chrono::milliseconds elapsed{0};  // Succeeded/Failed: how long the stage took
};

// Recognises a stage line; nullopt for anything else (kubeadm output, "Creating cluster", hints).
struct KindStageLine {
    KindProgressEvent::Type type;
    KindStage stage;
    std::string detail;
};
std::optional<KindStageLine> parseKindStageLine(std::string_view line);

// Feeds on kind's stderr lines in order; reports stage events and keeps the last lines for failure reports.
class KindProgressTracker {
public:
    using Listener = std::function<void(const KindProgressEvent&)>;
    KindProgressTracker(std::shared_ptr<Clock> clock, Listener listener, size_t keepLines = 20);

    void onLine(std::string_view line);
    // kind exited 0: the last running stage (if any) succeeded, and "ready" is reported.
    void finishSucceeded();

    std::optional<KindStage> currentStage() const { return current_; }  // started, not yet done
    std::optional<KindStage> failedStage() const { return failed_; }
    std::optional<KindStage> lastCompletedStage() const { return lastDone_; }
    const std::deque<std::string>& lastLines() const { return lastLines_; }

private:
    // startsNow=false: the stage began when the previous one ended (no start line was printed for it).
    void emit(KindProgressEvent::Type type, KindStage stage, const std::string& detail, bool startsNow = true);

    std::shared_ptr<Clock> clock_;
    Listener listener_;
    size_t keepLines_;
    std::deque<std::string> lastLines_;
    std::optional<KindStage> current_;
    std::optional<KindStage> failed_;
    std::optional<KindStage> lastDone_;
    std::chrono::steady_clock::time_point stageStart_;
};

}  // namespace kc
