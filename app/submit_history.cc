// Push history as a JSON array under one progress.db key.
#include "app/submit_history.h"

#include <nlohmann/json.hpp>

namespace kc::app {
namespace {

constexpr const char* kHistoryKey = "submit.pushes";

std::string folderKey(const std::string& labId) { return "submit.folder." + labId; }

nlohmann::json toJson(const PushRecord& push) {
    return {{"lab", push.labId},
            {"sha", push.sha},
            {"branch", push.branch},
            {"remote", push.remote},
            {"at", std::chrono::duration_cast<std::chrono::seconds>(push.at.time_since_epoch()).count()},
            {"files", push.files},
            {"bytes", push.bytes}};
}

}  // namespace

Status recordPush(ProgressStore& store, const PushRecord& push) {
    auto history = pushHistory(store);
    history.insert(history.begin(), push);
    if (history.size() > kMaxPushesKept) history.resize(kMaxPushesKept);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& entry : history) list.push_back(toJson(entry));
    return store.setValue(kHistoryKey, list.dump());
}

std::vector<PushRecord> pushHistory(ProgressStore& store) {
    std::vector<PushRecord> history;
    auto stored = store.value(kHistoryKey);
    if (!stored || !*stored) return history;
    auto list = nlohmann::json::parse(**stored, nullptr, false);
    if (!list.is_array()) return history;
    for (const auto& item : list) {
        if (!item.is_object()) continue;
        PushRecord push;
        push.labId = item.value("lab", "");
        push.sha = item.value("sha", "");
        push.branch = item.value("branch", "");
        push.remote = item.value("remote", "");
        push.at = std::chrono::system_clock::time_point(std::chrono::seconds(item.value("at", std::int64_t{0})));
        push.files = item.value("files", std::size_t{0});
        push.bytes = item.value("bytes", std::uint64_t{0});
        if (!push.sha.empty()) history.push_back(std::move(push));
    }
    return history;
}

Status rememberSubmitFolder(ProgressStore& store, const std::string& labId, const std::string& folder) {
    return store.setValue(folderKey(labId), folder);
}

std::string rememberedSubmitFolder(ProgressStore& store, const std::string& labId) {
    auto stored = store.value(folderKey(labId));
    return stored && *stored ? **stored : std::string();
}

}  // namespace kc::app
