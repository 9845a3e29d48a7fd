// A tiny blocking HTTPS client on OpenSSL for driving the API test double in tests, independent of the
// project's own transport (which is tested against the double, so must not be what tests the double).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kc::testing {

using RawHeaders = std::vector<std::pair<std::string, std::string>>;

struct RawTls {
    std::string caPem;             // trust only this CA
    std::string certPem, keyPem;   // client certificate (optional)
    std::string bearerToken;       // sent as Authorization: Bearer (optional)
};

struct RawResponse {
    int status = 0;
    RawHeaders headers;  // names lower-cased
    std::string body;
    std::string header(const std::string& lowerName) const;
};

// One TLS connection; requests on it reuse the connection (keep-alive). Throws std::runtime_error when the
// connection, the handshake or a read fails (reset, closed without an answer).
class RawHttpsConnection {
public:
    RawHttpsConnection(const std::string& url, const RawTls& tls);
    ~RawHttpsConnection();
    RawHttpsConnection(const RawHttpsConnection&) = delete;
    RawHttpsConnection& operator=(const RawHttpsConnection&) = delete;

    RawResponse request(const std::string& method, const std::string& target, const RawHeaders& headers = {},
                        const std::string& body = {});

    // Streaming: send, read the status line and headers, then read the body line by line (chunked or not).
    void send(const std::string& method, const std::string& target, const RawHeaders& headers = {},
              const std::string& body = {});
    RawResponse readHead();
    // The next '\n'-terminated line of the body (without '\n'); nullopt at the end of the body or on timeout
    // (timedOut() tells which).
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    bool timedOut() const { return timedOut_; }
    void setReadTimeout(std::chrono::milliseconds timeout);  // for request(); default 10 s

private:
    bool fillSome(std::chrono::milliseconds timeout);  // false on EOF/error/timeout
    bool readBodyBytes(std::string& out, std::chrono::milliseconds timeout);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool timedOut_ = false;
    std::string lineBuffer_;
};

// One request on a fresh connection.
RawResponse rawHttpsRequest(const std::string& url, const std::string& method, const std::string& target,
                            const RawHeaders& headers, const std::string& body, const RawTls& tls);

}  // namespace kc::testing
