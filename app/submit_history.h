// The list of past pushes the Submit page shows ("what did I send, when, where"), kept in progress.db as one
// key/value record so no migration is needed. Newest first, at most kMaxPushesKept. Qt-free.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/progress_store.h"
#include "clusters/result.h"

namespace kc::app {

struct PushRecord {
    std::string labId;
    std::string sha;
    std::string branch;
    std::string remote;  // as displayRemote() shows it: never with credentials
    std::chrono::system_clock::time_point at{};
    std::size_t files = 0;
    std::uint64_t bytes = 0;
};

inline constexpr std::size_t kMaxPushesKept = 50;

// Adds the push (committed before returning) and drops the oldest beyond kMaxPushesKept.
Status recordPush(ProgressStore& store, const PushRecord& push);
// Newest first. A damaged record reads as an empty list rather than stopping the page.
std::vector<PushRecord> pushHistory(ProgressStore& store);

// The folder last submitted for a lab, so the page offers it again.
Status rememberSubmitFolder(ProgressStore& store, const std::string& labId, const std::string& folder);
std::string rememberedSubmitFolder(ProgressStore& store, const std::string& labId);

}  // namespace kc::app
