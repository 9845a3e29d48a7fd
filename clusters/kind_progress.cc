// kind's stage lines, matched by the words kind prints (the marks and emoji around them vary by terminal).
#include "clusters/kind_progress.h"

#include <utility>

namespace kc {

const char* kindStageName(KindStage stage) {
    switch (stage) {
        case KindStage::EnsuringImage: return "ensuring node image";
        case KindStage::PreparingNodes: return "preparing nodes";
        case KindStage::ConfiguringLoadBalancer: return "configuring the external load balancer";
        case KindStage::WritingConfiguration: return "writing configuration";
        case KindStage::StartingControlPlane: return "starting control plane";
        case KindStage::InstallingCni: return "installing CNI";
        case KindStage::InstallingStorageClass: return "installing storage class";
        case KindStage::JoiningControlPlanes: return "joining more control-plane nodes";
        case KindStage::JoiningWorkers: return "joining worker nodes";
        case KindStage::WaitingForReady: return "waiting for ready";
        case KindStage::Ready: return "ready";
    }
    return "unknown";
}

namespace {

constexpr std::string_view kStartMark = "\xE2\x80\xA2";  // •
constexpr std::string_view kDoneMark = "\xE2\x9C\x93";   // ✓
constexpr std::string_view kFailMark = "\xE2\x9C\x97";   // ✗

std::optional<KindStage> stageOf(std::string_view text) {
    struct Known {
        std::string_view words;
        KindStage stage;
    };
    static constexpr Known kKnown[] = {
        {"Ensuring node image", KindStage::EnsuringImage},
        {"Preparing nodes", KindStage::PreparingNodes},
        {"Configuring the external load balancer", KindStage::ConfiguringLoadBalancer},
        {"Writing configuration", KindStage::WritingConfiguration},
        {"Starting control-plane", KindStage::StartingControlPlane},
        {"Installing CNI", KindStage::InstallingCni},
        {"Installing StorageClass", KindStage::InstallingStorageClass},
        {"Joining more control-plane nodes", KindStage::JoiningControlPlanes},
        {"Joining worker nodes", KindStage::JoiningWorkers},
        {"Ready after", KindStage::Ready},
        {"Waiting", KindStage::WaitingForReady},
    };
    for (const auto& k : kKnown)
        if (text.rfind(k.words, 0) == 0) return k.stage;
    return std::nullopt;
}

std::string trimmed(std::string_view s) {
    const char* spaces = " \t\r";
    auto b = s.find_first_not_of(spaces);
    if (b == std::string_view::npos) return "";
    auto e = s.find_last_not_of(spaces);
    return std::string(s.substr(b, e - b + 1));
}

// kind ends a started stage's line with " ..." and decorates with an emoji; keep the words and the parenthesis.
std::string detailOf(std::string_view rest) {
    std::string text = trimmed(rest);
    if (text.size() >= 3 && text.compare(text.size() - 3, 3, "...") == 0) text = trimmed(text.substr(0, text.size() - 3));
    // Drop trailing non-ASCII decoration (emoji and variation selectors) and the spaces before it.
    size_t end = text.size();
    while (end > 0) {
        size_t space = text.rfind(' ', end - 1);
        std::string_view word(text.data() + (space == std::string::npos ? 0 : space + 1),
                              end - (space == std::string::npos ? 0 : space + 1));
        bool decoration = !word.empty();
        for (unsigned char c : word)
            if (c < 0x80) decoration = false;
        if (!decoration || space == std::string::npos) break;
        end = space;
        while (end > 0 && text[end - 1] == ' ') --end;
    }
    return text.substr(0, end);
}

}  // namespace

std::optional<KindStageLine> parseKindStageLine(std::string_view line) {
    std::string text = trimmed(line);
    KindProgressEvent::Type type;
    std::string_view rest(text);
    if (rest.rfind(kStartMark, 0) == 0) type = KindProgressEvent::Type::Started;
    else if (rest.rfind(kDoneMark, 0) == 0) type = KindProgressEvent::Type::Succeeded;
    else if (rest.rfind(kFailMark, 0) == 0) type = KindProgressEvent::Type::Failed;
    else return std::nullopt;
    rest.remove_prefix(3);
    std::string detail = detailOf(rest);
    auto stage = stageOf(detail);
    if (!stage) return std::nullopt;
    // "• Ready after 25s" is kind's closing line, not the start of a stage.
    if (*stage == KindStage::Ready) type = KindProgressEvent::Type::Succeeded;
    return KindStageLine{type, *stage, detail};
}

KindProgressTracker::KindProgressTracker(std::shared_ptr<Clock> clock, Listener listener, size_t keepLines)
    : clock_(clock ? std::move(clock) : systemClock()), listener_(std::move(listener)), keepLines_(keepLines) {
    stageStart_ = clock_->monotonicNow();
}

void KindProgressTracker::emit(KindProgressEvent::Type type, KindStage stage, const std::string& detail,
                               bool startsNow) {
    auto now = clock_->monotonicNow();
    KindProgressEvent event{type, stage, detail, {}};
    if (type == KindProgressEvent::Type::Started) {
        if (startsNow) stageStart_ = now;
        current_ = stage;
    } else {
        event.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - stageStart_);
        // The next stage starts when this one ends, whether or not kind prints a start line for it.
        stageStart_ = now;
        current_.reset();
        if (type == KindProgressEvent::Type::Failed) failed_ = stage;
        else lastDone_ = stage;
    }
    if (listener_) listener_(event);
}

void KindProgressTracker::onLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lastLines_.emplace_back(line);
    while (lastLines_.size() > keepLines_) lastLines_.pop_front();
    auto parsed = parseKindStageLine(line);
    if (!parsed) return;
    // kind ends its wait with "• Ready after 25s" and no "✓" for the wait itself: a new stage closes the old one.
    if (current_ && current_ != parsed->stage) emit(KindProgressEvent::Type::Succeeded, *current_, kindStageName(*current_));
    // A stage that finishes without a start line (kind on a terminal rewrites one line) still gets its start.
    if (parsed->type != KindProgressEvent::Type::Started && current_ != parsed->stage)
        emit(KindProgressEvent::Type::Started, parsed->stage, parsed->detail, /*startsNow=*/false);
    emit(parsed->type, parsed->stage, parsed->detail);
}

void KindProgressTracker::finishSucceeded() {
    if (current_) emit(KindProgressEvent::Type::Succeeded, *current_, kindStageName(*current_));
    if (lastDone_ != KindStage::Ready) {
        emit(KindProgressEvent::Type::Started, KindStage::Ready, "cluster created");
        emit(KindProgressEvent::Type::Succeeded, KindStage::Ready, "cluster created");
    }
}

}  // namespace kc
