// Storage and event history for the API test double.
#include "tests/support/object_store.h"

namespace kc::testing {
namespace {

std::string nsOf(const Json& object) { return object["metadata"].value("namespace", ""); }
std::string nameOf(const Json& object) { return object["metadata"].value("name", ""); }

}  // namespace

const Json* ObjectStore::find(const std::string& typeKey, const std::string& ns, const std::string& name) const {
    auto type = objects_.find(typeKey);
    if (type == objects_.end()) return nullptr;
    auto it = type->second.find({ns, name});
    return it == type->second.end() ? nullptr : &it->second;
}

std::vector<const Json*> ObjectStore::list(const std::string& typeKey, const std::string& ns) const {
    std::vector<const Json*> out;
    auto type = objects_.find(typeKey);
    if (type == objects_.end()) return out;
    for (const auto& [key, object] : type->second)
        if (ns.empty() || key.first == ns) out.push_back(&object);
    return out;
}

std::vector<std::string> ObjectStore::typeKeys() const {
    std::vector<std::string> keys;
    for (const auto& [key, objects] : objects_) keys.push_back(key);
    return keys;
}

Json ObjectStore::put(const std::string& typeKey, Json object, const std::string& eventType) {
    ++version_;
    object["metadata"]["resourceVersion"] = std::to_string(version_);
    Key key{nsOf(object), nameOf(object)};
    auto& objects = objects_[typeKey];
    Json previous;
    if (auto it = objects.find(key); it != objects.end()) previous = it->second;
    objects[key] = object;
    record({version_, eventType, typeKey, object, previous});
    return object;
}

Json ObjectStore::erase(const std::string& typeKey, const std::string& ns, const std::string& name) {
    auto type = objects_.find(typeKey);
    if (type == objects_.end()) return nullptr;
    auto it = type->second.find({ns, name});
    if (it == type->second.end()) return nullptr;
    Json object = std::move(it->second);
    type->second.erase(it);
    ++version_;
    Json previous = object;
    object["metadata"]["resourceVersion"] = std::to_string(version_);
    record({version_, "DELETED", typeKey, object, previous});
    return object;
}

std::vector<StoredEvent> ObjectStore::eventsAfter(uint64_t resourceVersion) const {
    std::vector<StoredEvent> out;
    // History is ordered; walk back from the newest to the first event not wanted.
    auto it = history_.end();
    while (it != history_.begin() && std::prev(it)->resourceVersion > resourceVersion) --it;
    out.assign(it, history_.end());
    return out;
}

void ObjectStore::compact() {
    // Like an etcd compaction at the current revision: a new watch from any resourceVersion seen so far is
    // too old; watches already running have lost nothing and go on.
    history_.clear();
    compactedThrough_ = version_ + 1;
    trimmedThrough_ = version_;
}

void ObjectStore::record(StoredEvent event) {
    history_.push_back(std::move(event));
    while (history_.size() > historyLimit_) {
        trimmedThrough_ = history_.front().resourceVersion;
        history_.pop_front();
    }
}

}  // namespace kc::testing
