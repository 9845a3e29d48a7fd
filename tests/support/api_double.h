// THE API TEST DOUBLE: a small fake Kubernetes API server over HTTPS on 127.0.0.1 for tests. It is not a
// Kubernetes API server: it imitates the behaviour kubeclass and real clients (kubectl, the Python client) rely on.
// See tests/support/README.md for what it implements and what it simplifies.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/json.h"
#include "tests/support/test_pki.h"

namespace kc::testing {

struct ApiDoubleOptions {
    std::vector<std::string> tokens{"double-token"};  // accepted bearer tokens (user "token-user")
    bool aggregatedDiscovery = true;                  // false: only legacy discovery (to test client fallback)
    std::string gitVersion = "v1.32.4";
    std::chrono::milliseconds crdEstablishDelay{0};  // delay before a new CRD is Established and discoverable
    size_t watchHistory = 1000;                      // events kept for watch resume; older RV → 410
    bool useOtherServerCert = false;                 // serve otherServerCert (untrusted by caPem)
};

// Hang answers nothing; HangMidBody sends a 200 with its headers and the start of a JSON body (chunked), then
// stalls until the client gives up or the double stops: a server that dies mid-response.
enum class FaultKind { Latency, TooManyRequests, InternalError, ConnectionReset, Gone, Hang, HangMidBody };

struct FaultRule {
    FaultKind kind;
    std::string method;        // empty = any
    std::string pathContains;  // empty = any; matched against the target including the query
    int times = 1;             // how many matching requests it hits; -1 = forever
    std::chrono::milliseconds latency{0};
    int retryAfterSeconds = 1;
};

struct RecordedRequest {
    std::string method, target, user, contentType, accept;
    int status = 0;  // 0: no answer (reset, hang)
};

// The service proxy (/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/PATH): what a test's stand-in for
// the service behind it sees, and what it answers.
struct ServiceProxyRequest {
    std::string method, ns, service, scheme, port;  // scheme and port as written in the URL (maybe empty)
    std::string path;  // after /proxy, with the query, as sent: "/api/traces?service=web"; "/" when nothing follows
    std::string user;
};

struct ServiceProxyResponse {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
};

using ServiceProxyHandler = std::function<ServiceProxyResponse(const ServiceProxyRequest&)>;

class ApiDouble {
public:
    static std::unique_ptr<ApiDouble> start(ApiDoubleOptions options = {});
    ~ApiDouble();
    ApiDouble(const ApiDouble&) = delete;
    ApiDouble& operator=(const ApiDouble&) = delete;

    std::string url() const;  // "https://127.0.0.1:PORT"
    int port() const;
    const TestPki& pki() const;
    // Writes a kubeconfig (certificate-authority-data etc.) for real clients; useToken=false → client cert auth.
    // Returns the path.
    std::string writeKubeconfig(const std::string& path, bool useToken = false) const;

    // Direct store access for arranging state (no HTTP). Objects get uid, resourceVersion, creationTimestamp,
    // generation, and events go to watchers and controllers exactly as through HTTP. Unlike HTTP writes, these
    // keep .status as given (tests arrange status directly). Errors throw std::runtime_error.
    Json create(Json object);
    std::optional<Json> get(const std::string& apiVersion, const std::string& kind, const std::string& ns,
                            const std::string& name) const;
    Json update(Json object);  // replace (by apiVersion/kind/ns/name); a resourceVersion, if set, must match
    void remove(const std::string& apiVersion, const std::string& kind, const std::string& ns, const std::string& name);
    void setPodLog(const std::string& ns, const std::string& pod, const std::string& container, const std::string& text);

    // Service proxy routing. A registered handler answers for the Service (which must exist in the store, else
    // 404 as on a real server) on that port; port "" answers for any port. A Service with no handler answers 503
    // "no endpoints available", like one whose pods are not Ready. With denyServiceProxy(true) every proxy request
    // gets the 403 the API server gives a user without `get services/proxy`.
    void setServiceProxy(const std::string& ns, const std::string& service, const std::string& port,
                         ServiceProxyHandler handler);
    void removeServiceProxy(const std::string& ns, const std::string& service, const std::string& port);
    void denyServiceProxy(bool deny);

    void injectFault(FaultRule rule);
    void clearFaults();
    void setTokens(std::vector<std::string> tokens);  // rotate accepted tokens (exec-plugin 401 tests)
    void compactHistory();        // forget watch history: any watch from an older RV gets 410
    void expireContinueTokens();  // outstanding continue tokens now get 410 Expired
    std::vector<RecordedRequest> requests() const;
    void clearRequests();

    // Scripted controllers: called after every stored change ("ADDED"/"MODIFIED"/"DELETED", object), outside the
    // store lock, on the thread that made the change (for HTTP writes: before the response is sent); they may
    // call create/update/remove.
    using Controller = std::function<void(ApiDouble&, const std::string& eventType, const Json& object)>;
    void addController(Controller controller);
    // Runs `action` on the double's scheduler thread after `delay` (for controllers that act later, e.g.
    // "complete the Job after 100 ms"); pending actions are dropped when the double stops.
    void schedule(std::chrono::milliseconds delay, std::function<void(ApiDouble&)> action);

private:
    ApiDouble();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kc::testing
