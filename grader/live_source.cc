// Live source: a per-pass cache of LISTs keyed by apiVersion/kind/namespace. A namespaced query is served from an
// all-namespaces LIST already in the cache, cluster-scoped kinds ignore the namespace, and waits watch from the
// resourceVersion of the list the caller last saw, so no change between that list and the wait is missed.
#include "grader/live_source.h"

#include <mutex>
#include <set>

namespace kc::grader {

namespace {

struct CachedList {
    std::shared_ptr<const std::vector<Json>> items;
    std::string resourceVersion;
};

class LiveSource final : public ObjectSource {
public:
    LiveSource(KubeClient& client, std::string description) : client_(client), description_(std::move(description)) {}

    bool isLive() const override { return true; }
    std::string describe() const override { return description_; }

    std::string clusterVersion() override {
        if (!version_.empty()) return version_;
        auto v = client_.serverVersion();
        if (v && v->is_object()) version_ = v->value("gitVersion", "");
        return version_;
    }

    Result<std::shared_ptr<const std::vector<Json>>> list(const SourceQuery& query) override {
        auto normalized = normalize(query);
        if (!normalized) return fail(normalized.error());
        const SourceQuery& q = normalized->first;
        if (!normalized->second) return std::make_shared<const std::vector<Json>>();  // kind not served
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(key(q)); it != cache_.end()) return it->second.items;
        if (!q.namespace_.empty()) {
            // An all-namespaces LIST of the kind already holds this namespace's objects.
            if (auto all = cache_.find(key({q.apiVersion, q.kind, ""})); all != cache_.end()) {
                auto subset = std::make_shared<std::vector<Json>>();
                for (const auto& item : *all->second.items)
                    if (objectNamespace(item) == q.namespace_) subset->push_back(item);
                CachedList entry{subset, all->second.resourceVersion};
                cache_[key(q)] = entry;
                lastVersion_[key(q)] = entry.resourceVersion;
                return entry.items;
            }
        }
        ++lists_;
        auto listed = client_.list({q.apiVersion, q.kind, q.namespace_, ""});
        CachedList entry;
        if (!listed) {
            if (listed.error().kind != ErrorKind::NotFound) return fail(listed.error());
            entry.items = std::make_shared<const std::vector<Json>>();  // a namespace or kind that is not there
        } else {
            entry.items = std::make_shared<const std::vector<Json>>(std::move(listed->items));
            entry.resourceVersion = listed->resourceVersion;
        }
        cache_[key(q)] = entry;
        lastVersion_[key(q)] = entry.resourceVersion;
        return entry.items;
    }

    Result<std::string> podLogs(const std::string& ns, const std::string& pod, const std::string& container,
                                bool previous) override {
        LogOptions options;
        options.container = container;
        options.previous = previous;
        auto text = client_.podLogs(ns, pod, options);
        if (!text) {
            // A container still waiting to start (400) or a pod deleted since the LIST: nothing to read yet.
            if (text.error().kind == ErrorKind::Invalid || text.error().kind == ErrorKind::NotFound) return std::string();
            return fail(text.error());
        }
        return text;
    }

    Result<std::vector<ClusterEvent>> events(const std::string& ns) override {
        std::lock_guard lock(mutex_);
        if (auto it = events_.find(ns); it != events_.end()) return it->second;
        auto got = client_.events(ns);
        if (!got) {
            if (got.error().kind != ErrorKind::NotFound) return fail(got.error());
            got = std::vector<ClusterEvent>();
        }
        events_[ns] = *got;
        return got;
    }

    void newPass() override {
        std::lock_guard lock(mutex_);
        cache_.clear();
        events_.clear();
        unserved_.clear();
    }

    Status waitForChange(const SourceQuery& query, Duration timeout,
                         const std::shared_ptr<Cancellation>& cancel) override {
        auto normalized = normalize(query);
        if (!normalized) return fail(normalized.error());
        const SourceQuery& q = normalized->first;
        if (!normalized->second) {
            // The kind is not served (a CRD not installed yet): watch CRDs instead, since installing one is the change.
            return waitOn({"apiextensions.k8s.io/v1", "CustomResourceDefinition", ""}, "", timeout, cancel);
        }
        std::string from;
        {
            std::lock_guard lock(mutex_);
            if (auto it = lastVersion_.find(key(q)); it != lastVersion_.end()) from = it->second;
        }
        return waitOn(q, from, timeout, cancel);
    }

    KubeClient* client() override { return &client_; }

    size_t lists() const {
        std::lock_guard lock(mutex_);
        return lists_;
    }

private:
    static std::string key(const SourceQuery& q) { return q.apiVersion + "|" + q.kind + "|" + q.namespace_; }

    // The query with the namespace dropped for cluster-scoped kinds, and whether the kind is served at all.
    Result<std::pair<SourceQuery, bool>> normalize(const SourceQuery& query) {
        const std::string type = query.apiVersion + "|" + query.kind;
        {
            // A miss makes discovery read everything again; once per pass is enough.
            std::lock_guard lock(mutex_);
            if (unserved_.count(type)) return std::make_pair(query, false);
        }
        auto info = client_.resolve(query.apiVersion, query.kind);
        if (!info) {
            if (info.error().kind == ErrorKind::NotFound) {
                std::lock_guard lock(mutex_);
                unserved_.insert(type);
                return std::make_pair(query, false);
            }
            return fail(info.error());
        }
        SourceQuery q = query;
        if (!info->namespaced) q.namespace_.clear();
        return std::make_pair(q, true);
    }

    Status waitOn(const SourceQuery& q, const std::string& from, Duration timeout,
                  const std::shared_ptr<Cancellation>& cancel) {
        WatchOptions options;
        options.resourceVersion = from;
        options.timeout = timeout;
        options.cancel = cancel;
        bool changed = false;
        bool sawInitial = from.empty();  // without a version the watch lists first; that state is not a change
        auto status = client_.watch({q.apiVersion, q.kind, q.namespace_, ""}, options, [&](const WatchEvent& event) {
            if (event.type == "BOOKMARK") return true;
            if (event.type == "RESYNC" && sawInitial) {
                sawInitial = false;
                return true;
            }
            changed = true;
            return false;
        });
        if (changed) return {};
        if (!status) return status;
        return fail(ErrorKind::Timeout, "no change within the timeout");
    }

    KubeClient& client_;
    std::string description_;
    std::string version_;
    mutable std::mutex mutex_;
    std::map<std::string, CachedList> cache_;
    std::map<std::string, std::string> lastVersion_;  // survives newPass: waits start where the caller last looked
    std::map<std::string, std::vector<ClusterEvent>> events_;
    std::set<std::string> unserved_;  // "apiVersion|kind" discovery did not find this pass
    size_t lists_ = 0;
};

}  // namespace

std::unique_ptr<ObjectSource> liveSource(KubeClient& client, std::string description) {
    return std::make_unique<LiveSource>(client, std::move(description));
}

size_t liveListCount(const ObjectSource& source) {
    auto* live = dynamic_cast<const LiveSource*>(&source);
    return live ? live->lists() : 0;
}

}  // namespace kc::grader
