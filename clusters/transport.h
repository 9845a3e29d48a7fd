// Transport: the one seam between kubeclass and HTTP. The client speaks in requests and responses;
// how bytes reach the API server (cpprestsdk today) sits behind this interface so it can be swapped or faked.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clusters/cancellation.h"
#include "clusters/result.h"

namespace kc {

struct HttpRequest {
    std::string method = "GET";
    std::string target;  // path and query, already percent-encoded: "/api/v1/namespaces/x/pods?limit=5"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Whole request; for streams, the longest gap between lines. 0: KubeClient fills in its default; a transport
    // used directly treats 0 as no bound.
    std::chrono::milliseconds timeout{0};
    std::shared_ptr<Cancellation> cancel;      // optional
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;                            // empty for a stream that returned 2xx

    std::string header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

// Where and how to connect. Secrets live here only in memory; nothing in this struct is ever logged.
struct TransportConfig {
    std::string server;         // https://host:port[/prefix]
    std::string caPem;          // when set, the only trusted roots
    std::string clientCertPem;  // client certificate chain
    std::string clientKeyPem;
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;  // name to verify (and send as SNI) instead of the URL host
    std::chrono::milliseconds connectTimeout{10000};
};

class Transport {
public:
    virtual ~Transport() = default;

    // Sends a request and reads the whole body.
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

    // Sends a request and hands each line of a 2xx body to onLine as it arrives; onLine returns false to stop.
    // A non-2xx answer is returned with its whole body and onLine is never called.
    // Ends with the response head when the server closes the stream, onLine stops it, or cancel is set.
    virtual Result<HttpResponse> stream(const HttpRequest& request,
                                        const std::function<bool(std::string_view line)>& onLine) = 0;
};

using TransportFactory = std::function<Result<std::unique_ptr<Transport>>(const TransportConfig&)>;

}  // namespace kc
