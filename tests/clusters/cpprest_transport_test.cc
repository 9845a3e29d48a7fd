// Tests of the cpprestsdk Transport over real TLS sockets on 127.0.0.1: against the API test double, and against
// a scripted HTTPS server (the double's transport) where a test needs byte-level control of the answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clusters/cpprest_transport.h"
#include "clusters/json.h"
#include "kubeclass_version.h"
#include "tests/support/api_double.h"
#include "tests/support/https_server.h"
#include "tests/support/test_pki.h"

using namespace std::chrono_literals;
using kc::ErrorKind;
using kc::Json;
using kc::Transport;
using kc::TransportConfig;
using kc::testing::ApiDouble;
using kc::testing::ApiDoubleOptions;
using kc::testing::FaultKind;
using kc::testing::FaultRule;
using kc::testing::HttpExchange;
using kc::testing::HttpsServer;
using kc::testing::HttpsServerConfig;
using kc::testing::TestPki;

namespace {

using Clock = std::chrono::steady_clock;

long long msSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

const TestPki& pki() { return TestPki::shared(); }

// Trusts the test CA only; no client identity.
TransportConfig trusting(const std::string& server) {
    TransportConfig config;
    config.server = server;
    config.caPem = pki().caPem;
    return config;
}

TransportConfig withClientCert(const std::string& server) {
    TransportConfig config = trusting(server);
    config.clientCertPem = pki().clientCertPem;
    config.clientKeyPem = pki().clientKeyPem;
    return config;
}

std::unique_ptr<Transport> makeTransport(const TransportConfig& config) {
    auto transport = kc::makeCpprestTransport(config);
    REQUIRE(transport);
    return std::move(*transport);
}

kc::HttpRequest get(const std::string& target, std::chrono::milliseconds timeout = 10s) {
    kc::HttpRequest request;
    request.target = target;
    request.timeout = timeout;
    return request;
}

template <typename T>
kc::Error expectError(const kc::Result<T>& result) {
    REQUIRE_FALSE(result);
    return result.error();
}

// An HTTPS server whose answers the test scripts; it presents the double's server certificate (or the one from
// the unrelated CA) and asks for client certificates signed by the test CA.
class ScriptedServer {
public:
    explicit ScriptedServer(kc::testing::HttpHandler handler)
        : server_(HttpsServerConfig{pki().serverCertPem, pki().serverKeyPem, pki().caPem}, std::move(handler)) {}
    std::string url() const { return "https://127.0.0.1:" + std::to_string(server_.port()); }

private:
    HttpsServer server_;
};

// Waits (bounded) for the client to go away or the server to stop, as a handler that never answers must.
void holdUntilClientLeaves(HttpExchange& exchange, std::chrono::milliseconds limit = 20s) {
    const auto start = Clock::now();
    while (!exchange.clientGone() && !exchange.stopping() && Clock::now() - start < limit) {
        std::this_thread::sleep_for(5ms);
    }
}

// Answers with what it received, so tests can see exactly what went over the wire.
void echo(const kc::testing::HttpRequest& request, HttpExchange& exchange) {
    Json headers = Json::object();
    for (const auto& [name, value] : request.headers) headers[name] = value;
    Json answer = {{"method", request.method},
                   {"target", request.target},
                   {"headers", headers},
                   {"body", request.body},
                   {"clientCertCn", request.clientCertCn}};
    exchange.respond(200, {{"Content-Type", "application/json"}, {"X-Mixed-Case", "Yes"}}, answer.dump());
}

// A port on 127.0.0.1 that nothing listens on (it was free a moment ago).
int closedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t length = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// A listener that completes TCP connections (the kernel does that) but never reads or answers: a TLS handshake
// with it never finishes.
class SilentListener {
public:
    SilentListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t length = sizeof addr;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
        port_ = ntohs(addr.sin_port);
    }
    ~SilentListener() { ::close(fd_); }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

private:
    int fd_ = -1;
    int port_ = 0;
};

// A bare TLS endpoint for what the HTTPS server cannot do: it completes one handshake with the double's server
// certificate, records the server name (SNI) the client sent, answers the request head with `reply` verbatim
// (if any), and hangs up once the client does (or after a few seconds).
class RawTlsServer {
public:
    explicit RawTlsServer(std::string reply = {}) : reply_(std::move(reply)) {
        ctx_ = SSL_CTX_new(TLS_server_method());
        REQUIRE(ctx_ != nullptr);
        BIO* certBio = BIO_new_mem_buf(pki().serverCertPem.data(), static_cast<int>(pki().serverCertPem.size()));
        X509* cert = PEM_read_bio_X509(certBio, nullptr, nullptr, nullptr);
        BIO_free(certBio);
        BIO* keyBio = BIO_new_mem_buf(pki().serverKeyPem.data(), static_cast<int>(pki().serverKeyPem.size()));
        EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
        BIO_free(keyBio);
        REQUIRE(SSL_CTX_use_certificate(ctx_, cert) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(ctx_, key) == 1);
        X509_free(cert);
        EVP_PKEY_free(key);

        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 4) == 0);
        socklen_t length = sizeof addr;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serveOne(); });
    }
    ~RawTlsServer() {
        thread_.join();
        ::close(fd_);
        SSL_CTX_free(ctx_);
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    // Valid once the client's request has returned (the handshake is over by then).
    std::string serverName() {
        std::lock_guard<std::mutex> lock(mutex_);
        return serverName_;
    }

private:
    static bool readable(int fd, int timeoutMs) {
        pollfd ready{fd, POLLIN, 0};
        return ::poll(&ready, 1, timeoutMs) == 1;
    }

    void serveOne() {
        if (!readable(fd_, 5000)) return;  // never wait forever, even if the client never comes
        int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        SSL* ssl = SSL_new(ctx_);
        SSL_set_fd(ssl, client);
        if (SSL_accept(ssl) == 1 && !reply_.empty()) {
            std::string head;
            char buffer[4096];
            while (head.find("\r\n\r\n") == std::string::npos && readable(client, 5000)) {
                int got = SSL_read(ssl, buffer, sizeof buffer);
                if (got <= 0) break;
                head.append(buffer, static_cast<size_t>(got));
            }
            SSL_write(ssl, reply_.data(), static_cast<int>(reply_.size()));
            while (readable(client, 5000) && SSL_read(ssl, buffer, sizeof buffer) > 0) {
            }
        }
        if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
            std::lock_guard<std::mutex> lock(mutex_);
            serverName_ = name;
        }
        SSL_free(ssl);
        ::close(client);
    }

    std::string reply_;
    SSL_CTX* ctx_ = nullptr;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::string serverName_;
};

Json configMap(const std::string& name) {
    return Json{{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"data", {{"k", "v"}}}};
}

}  // namespace

TEST_CASE("a GET with client certificate authentication reaches the double as the certificate's user", "[transport]") {
    auto double_ = ApiDouble::start();
    auto transport = makeTransport(withClientCert(double_->url()));

    auto response = transport->send(get("/version"));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(Json::parse(response->body)["gitVersion"] == "v1.32.4");
    CHECK(response->header("content-type").find("application/json") == 0);

    auto requests = double_->requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests.back().user == "student");
}

TEST_CASE("a bearer token header passes through to the double unchanged", "[transport]") {
    auto double_ = ApiDouble::start();
    auto transport = makeTransport(trusting(double_->url()));

    // /version is open to anonymous users; a list needs an authenticated one.
    kc::HttpRequest request = get("/api/v1/namespaces/default/configmaps");
    request.headers = {{"Authorization", "Bearer double-token"}};
    auto response = transport->send(request);
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(double_->requests().back().user == "token-user");

    request.headers = {{"Authorization", "Bearer not-a-valid-token"}};
    auto refused = transport->send(request);
    REQUIRE(refused);  // an HTTP status is an answer, not a transport error
    CHECK(refused->status == 401);
}

TEST_CASE("without a client certificate or token the double answers 401 as a status", "[transport]") {
    auto double_ = ApiDouble::start();
    auto transport = makeTransport(trusting(double_->url()));
    auto response = transport->send(get("/api/v1/namespaces/default/configmaps"));
    REQUIRE(response);
    CHECK(response->status == 401);
    CHECK_FALSE(response->body.empty());
}

TEST_CASE("a server certificate from another CA is refused although it is valid for 127.0.0.1", "[transport]") {
    ApiDoubleOptions options;
    options.useOtherServerCert = true;
    auto double_ = ApiDouble::start(options);
    auto transport = makeTransport(withClientCert(double_->url()));

    auto response = transport->send(get("/version"));
    auto error = expectError(response);
    CHECK(error.kind == ErrorKind::Unreachable);
    CHECK(error.message.find("certificate") != std::string::npos);
    CHECK(error.message.find(double_->url()) != std::string::npos);
}

TEST_CASE("without a kubeconfig CA the system store is used and does not trust the test CA", "[transport]") {
    auto double_ = ApiDouble::start();
    TransportConfig config;
    config.server = double_->url();
    auto transport = makeTransport(config);
    auto error = expectError(transport->send(get("/version")));
    CHECK(error.kind == ErrorKind::Unreachable);
}

TEST_CASE("insecureSkipTlsVerify accepts a server certificate from another CA", "[transport]") {
    ApiDoubleOptions options;
    options.useOtherServerCert = true;
    auto double_ = ApiDouble::start(options);
    TransportConfig config = withClientCert(double_->url());
    config.insecureSkipTlsVerify = true;
    auto transport = makeTransport(config);

    auto response = transport->send(get("/version"));
    REQUIRE(response);
    CHECK(response->status == 200);
}

TEST_CASE("tlsServerName is the name the server certificate is checked against", "[transport]") {
    ScriptedServer server(echo);

    SECTION("a name the certificate carries is accepted and sent instead of the URL host") {
        TransportConfig config = withClientCert(server.url());
        config.tlsServerName = "kubeclass-double.test";
        auto response = makeTransport(config)->send(get("/echo"));
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(Json::parse(response->body)["headers"]["host"] == "kubeclass-double.test");
    }
    SECTION("a name the certificate lacks is refused even though the URL host 127.0.0.1 would match") {
        TransportConfig config = withClientCert(server.url());
        config.tlsServerName = "not-the-double.test";
        auto error = expectError(makeTransport(config)->send(get("/echo")));
        CHECK(error.kind == ErrorKind::Unreachable);
        CHECK(error.message.find("hostname mismatch") != std::string::npos);
    }
    SECTION("insecureSkipTlsVerify skips the name check too") {
        TransportConfig config = withClientCert(server.url());
        config.tlsServerName = "not-the-double.test";
        config.insecureSkipTlsVerify = true;
        auto response = makeTransport(config)->send(get("/echo"));
        REQUIRE(response);
        CHECK(response->status == 200);
    }
}

TEST_CASE("the TLS server name sent as SNI is tlsServerName when set and the URL host otherwise", "[transport]") {
    SECTION("tlsServerName") {
        RawTlsServer recorder;
        TransportConfig config = withClientCert("https://127.0.0.1:" + std::to_string(recorder.port()));
        config.tlsServerName = "kubeclass-double.test";
        auto result = makeTransport(config)->send(get("/version", 5s));
        CHECK_FALSE(result);  // the recorder hangs up without an answer
        CHECK(recorder.serverName() == "kubeclass-double.test");
    }
    SECTION("URL host") {
        RawTlsServer recorder;
        auto result = makeTransport(withClientCert("https://localhost:" + std::to_string(recorder.port())))
                          ->send(get("/version", 5s));
        CHECK_FALSE(result);
        CHECK(recorder.serverName() == "localhost");
    }
}

TEST_CASE("method target headers and body reach the server as given and response header names are lower-cased", "[transport]") {
    ScriptedServer server(echo);
    auto transport = makeTransport(withClientCert(server.url() + "/prefix"));

    kc::HttpRequest request = get("/apis/apps/v1/namespaces/x/deployments/web?fieldManager=kubeclass&force=true");
    request.method = "PATCH";
    request.headers = {{"Content-Type", "application/apply-patch+yaml"},
                       {"Authorization", "Bearer abc"},
                       {"Accept", "application/json"}};
    request.body = "apiVersion: apps/v1\nkind: Deployment\n";
    auto response = transport->send(request);
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->header("x-mixed-case") == "Yes");
    CHECK(response->headers.count("X-Mixed-Case") == 0);

    Json seen = Json::parse(response->body);
    CHECK(seen["method"] == "PATCH");
    CHECK(seen["target"] == "/prefix/apis/apps/v1/namespaces/x/deployments/web?fieldManager=kubeclass&force=true");
    CHECK(seen["body"] == request.body);
    CHECK(seen["headers"]["content-type"] == "application/apply-patch+yaml");
    CHECK(seen["headers"]["authorization"] == "Bearer abc");
    CHECK(seen["headers"]["accept"] == "application/json");
    CHECK(seen["headers"]["user-agent"] == "kubeclass/" KUBECLASS_VERSION);
    CHECK(seen["clientCertCn"] == "student");
}

TEST_CASE("a closed port is Unreachable quickly", "[transport]") {
    auto transport = makeTransport(withClientCert("https://127.0.0.1:" + std::to_string(closedPort())));
    const auto start = Clock::now();
    auto error = expectError(transport->send(get("/version")));
    CHECK(error.kind == ErrorKind::Unreachable);
    CHECK(msSince(start) < 1000);
}

TEST_CASE("a connection reset by the server is Unreachable", "[transport]") {
    auto double_ = ApiDouble::start();
    double_->injectFault(FaultRule{FaultKind::ConnectionReset, "", "/version", -1});
    auto transport = makeTransport(withClientCert(double_->url()));
    auto error = expectError(transport->send(get("/version")));
    CHECK(error.kind == ErrorKind::Unreachable);
}

TEST_CASE("a hanging server ends in Timeout within the request timeout", "[transport]") {
    auto double_ = ApiDouble::start();
    double_->injectFault(FaultRule{FaultKind::Hang, "", "/version", -1});
    auto transport = makeTransport(withClientCert(double_->url()));

    const auto start = Clock::now();
    auto error = expectError(transport->send(get("/version", 500ms)));
    const auto elapsed = msSince(start);
    CHECK(error.kind == ErrorKind::Timeout);
    CHECK(elapsed >= 450);
    CHECK(elapsed < 1500);

    // The transport is still usable afterwards.
    double_->clearFaults();
    auto response = transport->send(get("/version"));
    REQUIRE(response);
    CHECK(response->status == 200);
}

TEST_CASE("connectTimeout bounds a TLS handshake that the server never answers", "[transport]") {
    SilentListener listener;
    TransportConfig config = withClientCert(listener.url());
    config.connectTimeout = 300ms;
    auto transport = makeTransport(config);

    const auto start = Clock::now();
    auto error = expectError(transport->send(get("/version", 10s)));
    const auto elapsed = msSince(start);
    CHECK(error.kind == ErrorKind::Timeout);
    CHECK(error.message.find("could not connect") != std::string::npos);
    CHECK(elapsed >= 250);
    CHECK(elapsed < 1500);
}

TEST_CASE("cancelling a hanging send returns Cancelled quickly", "[transport]") {
    auto double_ = ApiDouble::start();
    double_->injectFault(FaultRule{FaultKind::Hang, "", "/version", -1});
    auto transport = makeTransport(withClientCert(double_->url()));

    kc::HttpRequest request = get("/version", 30s);
    request.cancel = std::make_shared<kc::Cancellation>();
    Clock::time_point cancelledAt;
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        cancelledAt = Clock::now();
        request.cancel->cancel();
    });
    auto result = transport->send(request);
    const auto returnedAt = Clock::now();
    canceller.join();
    auto error = expectError(result);
    CHECK(error.kind == ErrorKind::Cancelled);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(returnedAt - cancelledAt).count() < 1000);
}

TEST_CASE("a request whose cancellation is already set is not sent", "[transport]") {
    ScriptedServer server(echo);
    auto transport = makeTransport(withClientCert(server.url()));
    kc::HttpRequest request = get("/echo");
    request.cancel = std::make_shared<kc::Cancellation>();
    request.cancel->cancel();
    CHECK(expectError(transport->send(request)).kind == ErrorKind::Cancelled);
}

TEST_CASE("a watch delivers its first event before the server ends the stream and stops when onLine says so", "[transport]") {
    auto double_ = ApiDouble::start();
    auto transport = makeTransport(withClientCert(double_->url()));
    double_->schedule(200ms, [](ApiDouble& d) { d.create(configMap("first")); });

    std::vector<Json> events;
    const auto start = Clock::now();
    auto result = transport->stream(get("/api/v1/namespaces/default/configmaps?watch=true", 10s),
                                    [&](std::string_view line) {
                                        events.push_back(Json::parse(line));
                                        return false;  // one event is enough: stop the watch here
                                    });
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(result->body.empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0]["type"] == "ADDED");
    CHECK(events[0]["object"]["metadata"]["name"] == "first");
    CHECK(msSince(start) < 5000);

    // The abandoned watch leaves the transport able to serve the next request.
    auto response = transport->send(get("/version"));
    REQUIRE(response);
    CHECK(response->status == 200);
}

TEST_CASE("stopping a stream early drops its connection so the server sees the client leave", "[transport]") {
    std::atomic<bool> serverSawClientLeave{false};
    ScriptedServer server([&](const kc::testing::HttpRequest&, HttpExchange& exchange) {
        exchange.startStream(200, {{"Content-Type", "application/json"}});
        for (int i = 0; !exchange.stopping() && i < 2000; ++i) {
            if (!exchange.writeChunk("{\"n\":" + std::to_string(i) + "}\n") || exchange.clientGone()) break;
            std::this_thread::sleep_for(10ms);
        }
        serverSawClientLeave = exchange.clientGone() || !exchange.writeChunk("{}\n");
        exchange.endStream();
    });
    auto transport = makeTransport(withClientCert(server.url()));

    int seen = 0;
    auto result = transport->stream(get("/watch"), [&](std::string_view) { return ++seen < 3; });
    REQUIRE(result);
    CHECK(seen == 3);
    const auto start = Clock::now();
    while (!serverSawClientLeave && msSince(start) < 3000) std::this_thread::sleep_for(10ms);
    CHECK(serverSawClientLeave);
}

TEST_CASE("an exception from onLine becomes an error and drops the stream", "[transport]") {
    std::atomic<bool> serverSawClientLeave{false};
    ScriptedServer server([&](const kc::testing::HttpRequest&, HttpExchange& exchange) {
        exchange.startStream(200, {{"Content-Type", "application/json"}});
        exchange.writeChunk("{\"n\":1}\n");
        holdUntilClientLeaves(exchange, 5s);
        serverSawClientLeave = exchange.clientGone();
        exchange.endStream();
    });
    auto transport = makeTransport(withClientCert(server.url()));
    auto error = expectError(transport->stream(get("/watch"), [](std::string_view) -> bool {
        throw std::runtime_error("handler broke");
    }));
    CHECK(error.kind == ErrorKind::Other);
    CHECK(error.message.find("handler broke") != std::string::npos);
    const auto start = Clock::now();
    while (!serverSawClientLeave && msSince(start) < 3000) std::this_thread::sleep_for(10ms);
    CHECK(serverSawClientLeave);
}

TEST_CASE("stream splits lines across chunks drops blank keep-alive lines and keeps a last unterminated line", "[transport]") {
    ScriptedServer server([](const kc::testing::HttpRequest&, HttpExchange& exchange) {
        exchange.startStream(200, {{"Content-Type", "application/json"}});
        for (const char* piece : {"{\"a\":1}\n\n{\"b\"", ":2}\r\n", "\n", "\n\n{\"c\":", "3}"}) {
            exchange.writeChunk(piece);
            std::this_thread::sleep_for(20ms);
        }
        exchange.endStream();
    });
    auto transport = makeTransport(withClientCert(server.url()));
    std::vector<std::string> lines;
    auto result = transport->stream(get("/watch"), [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    REQUIRE(result);
    CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
}

TEST_CASE("a stream that stays silent longer than its timeout ends with Timeout", "[transport]") {
    ScriptedServer server([](const kc::testing::HttpRequest& request, HttpExchange& exchange) {
        if (request.path != "/watch") return echo(request, exchange);
        exchange.startStream(200, {{"Content-Type", "application/json"}});
        exchange.writeChunk("{\"type\":\"ADDED\"}\n");
        holdUntilClientLeaves(exchange);
        exchange.endStream();
    });
    auto transport = makeTransport(withClientCert(server.url()));
    // Connect first, so that the short timeout below measures only the stream (slow sanitizer builds included).
    REQUIRE(transport->send(get("/warm-up")));

    int lines = 0;
    const auto start = Clock::now();
    auto error = expectError(transport->stream(get("/watch", 400ms), [&](std::string_view) {
        ++lines;
        return true;
    }));
    INFO(error.message);
    CHECK(error.kind == ErrorKind::Timeout);
    CHECK(lines == 1);
    CHECK(msSince(start) >= 350);
    CHECK(msSince(start) < 2000);
}

TEST_CASE("cancelling an open stream returns Cancelled quickly", "[transport]") {
    auto double_ = ApiDouble::start();
    auto transport = makeTransport(withClientCert(double_->url()));
    kc::HttpRequest request = get("/api/v1/namespaces/default/configmaps?watch=true", 30s);
    request.cancel = std::make_shared<kc::Cancellation>();

    Clock::time_point cancelledAt;
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        cancelledAt = Clock::now();
        request.cancel->cancel();
    });
    auto result = transport->stream(request, [](std::string_view) { return true; });
    const auto returnedAt = Clock::now();
    canceller.join();
    CHECK(expectError(result).kind == ErrorKind::Cancelled);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(returnedAt - cancelledAt).count() < 1000);
}

TEST_CASE("a non-2xx stream answer comes back whole and onLine is never called", "[transport]") {
    const std::string status =
        R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410})" "\n"
        R"({"second":"line"})";
    ScriptedServer server([&](const kc::testing::HttpRequest&, HttpExchange& exchange) {
        exchange.respond(410, {{"Content-Type", "application/json"}}, status);
    });
    auto transport = makeTransport(withClientCert(server.url()));
    bool called = false;
    auto result = transport->stream(get("/watch"), [&](std::string_view) {
        called = true;
        return true;
    });
    REQUIRE(result);
    CHECK(result->status == 410);
    CHECK(result->body == status);
    CHECK_FALSE(called);
}

TEST_CASE("a stream line longer than the bound is an error and not unbounded memory", "[transport]") {
    ScriptedServer server([](const kc::testing::HttpRequest&, HttpExchange& exchange) {
        exchange.startStream(200, {{"Content-Type", "application/json"}});
        const std::string mebibyte(1 << 20, 'x');
        for (int i = 0; i < 20; ++i) {
            if (!exchange.writeChunk(mebibyte)) break;
        }
        exchange.endStream();
    });
    auto transport = makeTransport(withClientCert(server.url()));
    auto error = expectError(transport->stream(get("/watch"), [](std::string_view) { return true; }));
    CHECK(error.kind == ErrorKind::Server);
    CHECK(error.message.find("longer than 16 MiB") != std::string::npos);
}

TEST_CASE("a large body arrives whole with Content-Length and chunked", "[transport]") {
    std::string large(24 << 20, '\0');
    for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    ScriptedServer server([&](const kc::testing::HttpRequest& request, HttpExchange& exchange) {
        if (request.path == "/chunked") {
            exchange.startStream(200, {{"Content-Type", "application/octet-stream"}});
            for (size_t at = 0; at < large.size(); at += 1 << 20) exchange.writeChunk(large.substr(at, 1 << 20));
            exchange.endStream();
        } else {
            exchange.respond(200, {{"Content-Type", "application/octet-stream"}}, large);
        }
    });
    auto transport = makeTransport(withClientCert(server.url()));
    for (const char* target : {"/length", "/chunked"}) {
        INFO(target);
        auto response = transport->send(get(target, 30s));
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->body.size() == large.size());
        CHECK(response->body == large);
    }
}

TEST_CASE("a body announced larger than the bound fails at once instead of being read", "[transport]") {
    RawTlsServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\n\r\n{");
    auto transport = makeTransport(withClientCert(server.url()));
    const auto start = Clock::now();
    auto error = expectError(transport->send(get("/api/v1/pods", 10s)));
    CHECK(error.kind == ErrorKind::Server);
    CHECK(error.message.find("larger than 256 MiB") != std::string::npos);
    CHECK(msSince(start) < 2000);
}

TEST_CASE("concurrent sends from several threads on one transport all get their own answers", "[transport]") {
    ScriptedServer server(echo);
    auto transport = makeTransport(withClientCert(server.url()));
    constexpr int kThreads = 8;
    constexpr int kRequestsEach = 25;
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRequestsEach; ++i) {
                const std::string id = std::to_string(t) + "-" + std::to_string(i);
                kc::HttpRequest request = get("/echo?id=" + id);
                request.method = "POST";
                request.headers = {{"Content-Type", "application/json"}, {"X-Id", id}};
                request.body = "{\"id\":\"" + id + "\"}";
                auto response = transport->send(request);
                if (!response || response->status != 200) continue;
                Json seen = Json::parse(response->body);
                if (seen["headers"]["x-id"] == id && seen["body"] == request.body) ++good;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(good == kThreads * kRequestsEach);
}

TEST_CASE("unusable server URLs and TLS material are rejected when the transport is made", "[transport]") {
    auto expectInvalid = [](const TransportConfig& config) {
        auto transport = kc::makeCpprestTransport(config);
        auto error = expectError(transport);
        CHECK(error.kind == ErrorKind::Invalid);
        return error.message;
    };
    TransportConfig good = withClientCert("https://127.0.0.1:6443");
    REQUIRE(kc::makeCpprestTransport(good));

    TransportConfig config = good;
    config.server = "not a url";
    expectInvalid(config);
    config.server = "ftp://127.0.0.1";
    expectInvalid(config);

    config = good;
    config.caPem = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
    CHECK(expectInvalid(config).find("certificate-authority") != std::string::npos);

    config = good;
    config.clientKeyPem.clear();
    CHECK(expectInvalid(config).find("without a client key") != std::string::npos);

    config = good;
    config.clientKeyPem = pki().otherClientKeyPem;
    CHECK(expectInvalid(config).find("does not match") != std::string::npos);

    config = good;
    config.clientKeyPem = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
    expectInvalid(config);
}

TEST_CASE("no error message quotes a client key or a bearer token", "[transport]") {
    // One of each failure, with a token and a client key in play.
    std::vector<std::string> messages;
    auto collect = [&](const auto& result) {
        REQUIRE_FALSE(result);
        messages.push_back(result.error().message);
    };
    kc::HttpRequest request = get("/version", 300ms);
    request.headers = {{"Authorization", "Bearer double-token"}};
    auto anyLine = [](std::string_view) { return true; };

    {
        auto double_ = ApiDouble::start(ApiDoubleOptions{.useOtherServerCert = true});
        auto transport = makeTransport(withClientCert(double_->url()));
        collect(transport->send(request));
        collect(transport->stream(request, anyLine));
    }
    {
        auto double_ = ApiDouble::start();
        double_->injectFault(FaultRule{FaultKind::Hang, "", "/version", -1});
        auto transport = makeTransport(withClientCert(double_->url()));
        collect(transport->send(request));
        collect(transport->stream(request, anyLine));
        double_->clearFaults();
        double_->injectFault(FaultRule{FaultKind::ConnectionReset, "", "/version", -1});
        collect(transport->send(request));
        kc::HttpRequest cancelled = request;
        cancelled.cancel = std::make_shared<kc::Cancellation>();
        cancelled.cancel->cancel();
        collect(transport->send(cancelled));

        TransportConfig misnamed = withClientCert(double_->url());
        misnamed.tlsServerName = "not-the-double.test";
        collect(makeTransport(misnamed)->send(request));
    }
    collect(makeTransport(withClientCert("https://127.0.0.1:" + std::to_string(closedPort())))->send(request));

    TransportConfig mismatched = withClientCert("https://127.0.0.1:6443");
    mismatched.clientKeyPem = pki().otherClientKeyPem;
    collect(kc::makeCpprestTransport(mismatched));
    TransportConfig garbled = withClientCert("https://127.0.0.1:6443");
    garbled.clientKeyPem = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
    collect(kc::makeCpprestTransport(garbled));

    std::vector<std::string> secrets = {"double-token", "PRIVATE KEY", "c2VjcmV0LWtleS1tYXRlcmlhbA"};
    for (const std::string* pem : {&pki().clientKeyPem, &pki().otherClientKeyPem}) {
        size_t at = 0;
        while (at < pem->size()) {
            size_t end = pem->find('\n', at);
            if (end == std::string::npos) end = pem->size();
            std::string line = pem->substr(at, end - at);
            if (line.size() >= 16 && line.rfind("-----", 0) != 0) secrets.push_back(line);
            at = end + 1;
        }
    }
    CHECK(messages.size() == 10);
    for (const auto& message : messages) {
        INFO(message);
        CHECK_FALSE(message.empty());
        for (const auto& secret : secrets) CHECK(message.find(secret) == std::string::npos);
    }
}
