// A minimal HTTP/1.1-over-TLS server for tests (the transport under the API test double): one thread per
// connection, keep-alive, Content-Length and chunked responses, bounded requests, clean shutdown. Not for production.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kc::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;
    std::string version;  // "HTTP/1.1" or "HTTP/1.0"
    std::string target;   // as sent: path and query
    std::string path;    // percent-decoded path without the query
    std::string query;   // raw query string without '?'
    HeaderList headers;  // names lower-cased
    std::string body;
    std::string clientCertCn;  // CN of a client certificate that verified against the client CA; empty otherwise

    std::string header(std::string_view lowerName) const;
};

// The answer side of one request. Exactly one of respond / startStream / resetConnection / abandon is used.
class HttpExchange {
public:
    virtual ~HttpExchange() = default;
    virtual void respond(int status, const HeaderList& headers, const std::string& body) = 0;
    // Starts a Transfer-Encoding: chunked response; every writeChunk is flushed to the socket at once.
    virtual bool startStream(int status, const HeaderList& headers) = 0;
    virtual bool writeChunk(std::string_view data) = 0;  // false when the client is gone
    virtual void endStream() = 0;
    virtual void resetConnection() = 0;  // close with SO_LINGER 0 (TCP RST), no answer
    virtual void abandon() = 0;          // close without an answer
    virtual bool clientGone() = 0;       // the peer closed or reset its side
    virtual bool stopping() const = 0;   // the server is shutting down
    virtual int status() const = 0;      // 0 when no answer was sent
};

using HttpHandler = std::function<void(const HttpRequest&, HttpExchange&)>;

struct HttpsServerConfig {
    std::string certPem, keyPem;  // the server's chain and key
    std::string clientCaPem;      // client certificates are requested and checked against this CA
    size_t maxHeaderBytes = 64 * 1024;
    size_t maxBodyBytes = 16 * 1024 * 1024;
};

class HttpsServer {
public:
    // Listens on 127.0.0.1 with an ephemeral port; throws std::runtime_error when it cannot.
    HttpsServer(HttpsServerConfig config, HttpHandler handler);
    ~HttpsServer();  // stop()
    HttpsServer(const HttpsServer&) = delete;
    HttpsServer& operator=(const HttpsServer&) = delete;

    int port() const;
    bool stopping() const;
    // Closes the listener and every connection, and joins every thread. Handlers must return once stopping()
    // is true (streams see their writes fail, waits should poll stopping()).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

const char* httpReasonPhrase(int status);

}  // namespace kc::testing
