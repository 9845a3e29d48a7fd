// KubeClient: the Kubernetes REST operations kubeclass needs (get, list, watch, server-side apply, create,
// delete, status patch, logs, events), over one Transport, with auth, discovery and bounded retries.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clusters/clock.h"
#include "clusters/cluster_event.h"
#include "clusters/credentials.h"
#include "clusters/discovery.h"
#include "clusters/json.h"
#include "clusters/result.h"
#include "clusters/retry_policy.h"
#include "clusters/transport.h"

namespace kc {

// Names one object or one collection: apiVersion + kind, and namespace/name where they apply.
struct ObjectRef {
    std::string apiVersion;
    std::string kind;
    std::string ns;    // empty: all namespaces (for lists) or cluster-scoped
    std::string name;  // empty: the collection
};

struct ListOptions {
    std::string labelSelector;
    std::string fieldSelector;
    int pageSize = 500;  // limit per request; continue tokens carry on
    int maxItems = 100000;  // a bound on what one list may gather
};

struct ObjectList {
    std::vector<Json> items;
    std::string resourceVersion;  // of the list, to start a watch from
    int pages = 0;
    int restarts = 0;  // how often an expired continue token made the list start over
};

struct WatchEvent {
    // ADDED, MODIFIED, DELETED, BOOKMARK, or RESYNC: the watch had to start over (410 Gone), and `list`
    // holds the whole current state, which replaces whatever the caller had.
    std::string type;
    Json object;
    ObjectList list;
};

struct WatchOptions {
    std::string resourceVersion;  // empty: list first, then watch from the list's version
    std::string labelSelector;
    std::string fieldSelector;
    std::chrono::milliseconds timeout{60000};  // the whole watch, across reconnects
    int serverTimeoutSeconds = 30;             // each request's timeoutSeconds
    std::shared_ptr<Cancellation> cancel;
};

struct ApplyOptions {
    std::string fieldManager = "kubeclass";
    bool force = false;
    std::string defaultNamespace = "default";
    std::chrono::milliseconds crdEstablishTimeout{30000};
};

struct ApplyResult {
    std::vector<Json> objects;  // as the server returned them, in manifest order
};

enum class Propagation { Background, Foreground, Orphan };

struct DeleteOptions {
    Propagation propagation = Propagation::Background;
    bool waitUntilGone = true;
    std::chrono::milliseconds timeout{60000};
};

struct LogOptions {
    std::string container;
    int tailLines = -1;           // -1: all
    long long limitBytes = 4 << 20;  // logs are bounded
    bool previous = false;
};

struct KubeClientOptions {
    RetrySettings retry;
    std::chrono::milliseconds requestTimeout{30000};
    std::shared_ptr<Clock> clock;  // default: the system clock
    unsigned retrySeed = 0;        // 0: random
};

class KubeClient {
public:
    KubeClient(TransportConfig transportConfig, TransportFactory factory, std::shared_ptr<CredentialSource> credentials,
               KubeClientOptions options = {});

    // The raw request path every operation uses: adds credentials and Accept, retries per RetryPolicy, asks the
    // credential source for fresh credentials once after a 401.
    Result<HttpResponse> send(HttpRequest request);

    Result<Json> serverVersion();
    Discovery& discovery() { return discovery_; }
    Result<ResourceInfo> resolve(const std::string& apiVersion, const std::string& kind);

    // nullopt when the object does not exist.
    Result<std::optional<Json>> get(const ObjectRef& ref);
    Result<ObjectList> list(const ObjectRef& ref, const ListOptions& options = {});
    // Calls onEvent for each event until it returns false, the timeout passes (→ Timeout) or cancel is set
    // (→ Cancelled). Reconnects when the server ends a stream; never takes a resourceVersion from an ERROR.
    Status watch(const ObjectRef& ref, const WatchOptions& options,
                 const std::function<bool(const WatchEvent&)>& onEvent);
    // Waits (by watch, not polling) until the named object exists and satisfies `ready`; returns it.
    Result<Json> waitFor(const ObjectRef& ref, const std::function<bool(const Json&)>& ready,
                         std::chrono::milliseconds timeout);
    // Waits until the named object is gone (or replaced by one with another uid when `uid` is given).
    Status waitUntilGone(const ObjectRef& ref, const std::string& uid, std::chrono::milliseconds timeout);

    // Server-side apply of every document in a YAML stream, in order. A CRD applied earlier in the stream is
    // waited for (Established) before its custom resources are applied.
    Result<ApplyResult> applyManifests(const std::string& yamlText, const std::string& sourceName,
                                       const ApplyOptions& options = {});
    Result<Json> apply(const Json& object, const ApplyOptions& options = {});
    Result<Json> create(const Json& object, const std::string& defaultNamespace = "default");
    // Deleting what is already absent succeeds.
    Status remove(const ObjectRef& ref, const DeleteOptions& options = {});
    // RFC 6902 JSON patch on the status subresource.
    Result<Json> patchStatus(const ObjectRef& ref, const Json& jsonPatch);
    // RFC 6902 JSON patch on the object itself (labels, taints): touches only the paths it names, and a "test"
    // operation makes it fail instead of overwriting a concurrent change.
    Result<Json> patch(const ObjectRef& ref, const Json& jsonPatch, const std::string& fieldManager = "kubeclass");
    Result<std::string> podLogs(const std::string& ns, const std::string& pod, const LogOptions& options = {});
    // Events from both APIs, oldest first, optionally only those about one object.
    Result<std::vector<ClusterEvent>> events(const std::string& ns, const std::string& involvedName = "");

    // How many requests this client has sent (retries included) — for "one LIST per type" budgets.
    size_t requestCount() const;

private:
    Result<std::shared_ptr<Transport>> transportFor(const Credentials& credentials);
    HttpRequest withCredentials(HttpRequest request, const Credentials& credentials) const;
    // Streams a request with credentials (one fresh try after a 401); no other retries: callers reconnect.
    Result<HttpResponse> streamLines(HttpRequest request, const std::function<bool(std::string_view)>& onLine);
    Result<Json> sendForJson(HttpRequest request, const std::string& what);
    Result<Json> applyOne(const Json& object, const ApplyOptions& options, const std::string& where);

    TransportConfig transportConfig_;
    TransportFactory factory_;
    std::shared_ptr<CredentialSource> credentials_;
    KubeClientOptions options_;
    std::shared_ptr<Clock> clock_;
    RetryPolicy retry_;
    Discovery discovery_;

    mutable std::mutex mutex_;
    std::shared_ptr<Transport> transport_;
    std::string transportCertPem_;  // the client certificate the transport was built with
    size_t requestCount_ = 0;
};

// Percent-encodes a query parameter value.
std::string encodeQueryValue(const std::string& value);

}  // namespace kc
