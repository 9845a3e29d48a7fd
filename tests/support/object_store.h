// The API test double's in-memory object store: objects by resource type and namespace/name, one global
// resourceVersion counter, and the bounded event history that watches resume from. Not thread-safe: ApiDouble locks.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

struct StoredEvent {
    uint64_t resourceVersion = 0;
    std::string type;     // ADDED, MODIFIED, DELETED
    std::string typeKey;  // ResourceType::key()
    Json object;          // the object after the change (the last state for DELETED)
    Json previous;        // before the change (null for ADDED): watches with selectors need it
};

class ObjectStore {
public:
    using Key = std::pair<std::string, std::string>;  // namespace ("" for cluster-scoped), name

    explicit ObjectStore(size_t historyLimit) : historyLimit_(historyLimit) {}

    uint64_t currentVersion() const { return version_; }

    const Json* find(const std::string& typeKey, const std::string& ns, const std::string& name) const;
    // Sorted by namespace, then name. ns empty: every namespace.
    std::vector<const Json*> list(const std::string& typeKey, const std::string& ns) const;
    std::vector<std::string> typeKeys() const;

    // Stores the object under a fresh resourceVersion (written into metadata.resourceVersion) and records the
    // event; returns the stored object.
    Json put(const std::string& typeKey, Json object, const std::string& eventType);
    // Removes the object; the returned final state carries the deletion's resourceVersion.
    Json erase(const std::string& typeKey, const std::string& ns, const std::string& name);

    // True when a watch may start from `resourceVersion`: not compacted away, and every later event is kept.
    bool historyCovers(uint64_t resourceVersion) const {
        return resourceVersion >= compactedThrough_ && resourceVersion >= trimmedThrough_;
    }
    // True when a running watch that has seen everything up to `resourceVersion` has lost no event.
    bool stillCovers(uint64_t resourceVersion) const { return resourceVersion >= trimmedThrough_; }
    std::vector<StoredEvent> eventsAfter(uint64_t resourceVersion) const;
    // Forgets all history: a watch from any older resourceVersion now gets 410.
    void compact();

private:
    void record(StoredEvent event);

    size_t historyLimit_;
    uint64_t version_ = 1;
    uint64_t compactedThrough_ = 0;  // watches may not start below this
    uint64_t trimmedThrough_ = 0;    // the newest resourceVersion whose event is no longer kept
    std::map<std::string, std::map<Key, Json>> objects_;
    std::deque<StoredEvent> history_;
};

}  // namespace kc::testing
