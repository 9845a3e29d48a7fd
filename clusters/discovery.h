// Discovery and the REST mapper: which resource serves a kind, whether it is namespaced, and which
// subresources it has. Reads aggregated discovery (apidiscovery.k8s.io/v2) and falls back to the legacy
// per-group lists on servers without it.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clusters/json.h"
#include "clusters/result.h"
#include "clusters/transport.h"

namespace kc {

struct ResourceInfo {
    std::string group;     // "" for the core group
    std::string version;   // "v1"
    std::string kind;      // "Deployment"
    std::string resource;  // "deployments"
    std::string singular;  // "deployment"
    bool namespaced = false;
    std::vector<std::string> verbs;
    std::vector<std::string> shortNames;
    std::vector<std::string> subresources;  // "status", "log", "scale"

    std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
    bool hasSubresource(const std::string& name) const;
    // "/api/v1/namespaces/NS/pods/NAME/log"; namespace ignored for cluster-scoped resources; name and
    // subresource may be empty.
    std::string path(const std::string& ns, const std::string& name = "", const std::string& subresource = "") const;
};

// Splits "apps/v1" into {"apps", "v1"} and "v1" into {"", "v1"}.
std::pair<std::string, std::string> splitApiVersion(const std::string& apiVersion);

class Discovery {
public:
    // `get` sends one GET with the given Accept header (the client adds auth and retries).
    using Getter = std::function<Result<HttpResponse>(const std::string& target, const std::string& accept)>;

    explicit Discovery(Getter get);

    // The resource serving apiVersion+kind. On a miss the cache is reset and discovery read once more, so a
    // CRD created since the last read is found.
    Result<ResourceInfo> resolveKind(const std::string& apiVersion, const std::string& kind);
    // A resource by plural, singular or short name ("deploy", "pods"), optionally within a group.
    Result<ResourceInfo> resolveResource(const std::string& name, const std::string& group = "");
    // Everything the server serves (reads discovery if not cached).
    Result<std::vector<ResourceInfo>> all();
    // Forget what was read; the next lookup reads again.
    void reset();
    // Whether the last read used aggregated discovery (for tests and diagnostics).
    bool usedAggregated() const;

private:
    Status ensureLoaded();
    Status loadAggregated(bool& served);
    Status loadLegacy();
    std::optional<ResourceInfo> findKind(const std::string& apiVersion, const std::string& kind) const;

    Getter get_;
    mutable std::mutex mutex_;
    bool loaded_ = false;
    bool aggregated_ = false;
    std::vector<ResourceInfo> resources_;
};

}  // namespace kc
