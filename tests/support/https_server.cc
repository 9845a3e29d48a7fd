// The TLS/HTTP plumbing of the API test double, on OpenSSL and POSIX sockets. Every limit here exists so that
// garbage or hostile input ends one connection with an error instead of hanging or crashing the test process.
#include "tests/support/https_server.h"

#include "clusters/json.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace kc::testing {

const char* httpReasonPhrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Entity";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Status";
    }
}

std::string HttpRequest::header(std::string_view lowerName) const {
    for (const auto& [name, value] : headers)
        if (name == lowerName) return value;
    return {};
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct SslCtxFree { void operator()(SSL_CTX* c) const { SSL_CTX_free(c); } };

std::string certCommonName(X509* cert) {
    char buf[256] = {0};
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Thrown inside a connection when it must end (client gone, protocol error already answered, server stopping).
struct ConnectionEnd {};

}  // namespace

struct HttpsServer::Impl {
    HttpsServerConfig config;
    HttpHandler handler;
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx;
    int listenFd = -1;
    int wakePipe[2] = {-1, -1};
    int port = 0;
    std::atomic<bool> stopping{false};
    std::thread acceptThread;

    struct Connection {
        int fd = -1;
        std::thread thread;
        std::atomic<bool> done{false};
    };
    std::mutex connectionsMutex;
    std::list<std::shared_ptr<Connection>> connections;

    void setupTls();
    void acceptLoop();
    void reapFinished();
    void serve(const std::shared_ptr<Connection>& connection);
};

namespace {

// One TLS connection: buffered reads, full writes, and the per-request HttpExchange.
class TlsConnection {
public:
    TlsConnection(SSL* ssl, int fd, const HttpsServerConfig& config, std::atomic<bool>& stopping)
        : ssl_(ssl), fd_(fd), config_(config), stopping_(stopping) {}

    bool readMore() {
        char chunk[16384];
        int n = SSL_read(ssl_, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
    }

    bool writeAll(std::string_view data) {
        while (!data.empty()) {
            int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 20)));
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    bool peerClosed() {
        if (SSL_pending(ssl_) > 0) return false;
        pollfd p{fd_, POLLIN | POLLRDHUP, 0};
        if (::poll(&p, 1, 0) <= 0) return false;
        return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
    }

    std::string& buffer() { return buffer_; }
    SSL* ssl() const { return ssl_; }
    int fd() const { return fd_; }
    const HttpsServerConfig& config() const { return config_; }
    bool stopping() const { return stopping_.load(); }

private:
    SSL* ssl_;
    int fd_;
    const HttpsServerConfig& config_;
    std::atomic<bool>& stopping_;
    std::string buffer_;
};

enum class After { KeepAlive, Close, Reset };

class Exchange : public HttpExchange {
public:
    Exchange(TlsConnection& conn, bool keepAliveRequested) : conn_(conn), keepAlive_(keepAliveRequested) {}

    void respond(int status, const HeaderList& headers, const std::string& body) override {
        if (status_ != 0 || after_ != After::KeepAlive) return;
        status_ = status;
        std::string head = statusLine(status);
        for (const auto& [n, v] : headers) head += n + ": " + v + "\r\n";
        head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        head += keepAlive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
        if (!conn_.writeAll(head + body)) after_ = After::Close;
        if (!keepAlive_) after_ = After::Close;
    }

    bool startStream(int status, const HeaderList& headers) override {
        if (status_ != 0 || after_ != After::KeepAlive) return false;
        status_ = status;
        streaming_ = true;
        std::string head = statusLine(status);
        for (const auto& [n, v] : headers) head += n + ": " + v + "\r\n";
        head += "Transfer-Encoding: chunked\r\n";
        head += keepAlive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
        if (!conn_.writeAll(head)) {
            after_ = After::Close;
            return false;
        }
        return true;
    }

    bool writeChunk(std::string_view data) override {
        if (!streaming_ || after_ != After::KeepAlive) return false;
        if (data.empty()) return true;  // an empty chunk would end the stream
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        std::string frame = size;
        frame.append(data);
        frame += "\r\n";
        if (!conn_.writeAll(frame)) {
            after_ = After::Close;
            return false;
        }
        return true;
    }

    void endStream() override {
        if (!streaming_) return;
        streaming_ = false;
        if (after_ == After::KeepAlive && !conn_.writeAll("0\r\n\r\n")) after_ = After::Close;
        if (!keepAlive_) after_ = After::Close;
    }

    void resetConnection() override { after_ = After::Reset; }
    void abandon() override { after_ = After::Close; }
    bool clientGone() override { return conn_.peerClosed(); }
    bool stopping() const override { return conn_.stopping(); }
    int status() const override { return status_; }

    After after() const { return after_; }
    bool streaming() const { return streaming_; }

private:
    static std::string statusLine(int status) {
        return "HTTP/1.1 " + std::to_string(status) + " " + httpReasonPhrase(status) + "\r\n";
    }

    TlsConnection& conn_;
    bool keepAlive_;
    int status_ = 0;
    bool streaming_ = false;
    After after_ = After::KeepAlive;
};

// Errors the server itself answers are Kubernetes Status objects too, so clients parse every non-2xx alike.
std::string statusJson(int status, const std::string& message) {
    const char* reason = status == 413   ? "RequestEntityTooLarge"
                         : status >= 500 ? "InternalError"
                                         : "BadRequest";
    return kc::Json{{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", kc::Json::object()},
                    {"status", "Failure"}, {"message", message}, {"reason", reason},
                    {"code", status}}
        .dump();
}

// Answers a protocol error and ends the connection.
[[noreturn]] void protocolError(TlsConnection& conn, int status, const std::string& message) {
    std::string body = statusJson(status, message);
    conn.writeAll("HTTP/1.1 " + std::to_string(status) + " " + httpReasonPhrase(status) +
                  "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
    throw ConnectionEnd{};
}

// Reads until the buffer holds at least `size` bytes.
void fill(TlsConnection& conn, size_t size) {
    while (conn.buffer().size() < size)
        if (!conn.readMore()) throw ConnectionEnd{};
}

std::string readLine(TlsConnection& conn, size_t limit) {
    for (;;) {
        size_t pos = conn.buffer().find("\r\n");
        if (pos != std::string::npos) {
            std::string line = conn.buffer().substr(0, pos);
            conn.buffer().erase(0, pos + 2);
            return line;
        }
        if (conn.buffer().size() > limit) protocolError(conn, 400, "line too long");
        if (!conn.readMore()) throw ConnectionEnd{};
    }
}

// Parses one request; returns false at a clean end of the connection (nothing buffered).
bool readRequest(TlsConnection& conn, HttpRequest& request) {
    const auto& cfg = conn.config();
    size_t headerEnd;
    for (;;) {
        headerEnd = conn.buffer().find("\r\n\r\n");
        if (headerEnd != std::string::npos) break;
        if (conn.buffer().size() > cfg.maxHeaderBytes) protocolError(conn, 431, "request headers too large");
        if (!conn.readMore()) {
            if (conn.buffer().empty()) return false;
            throw ConnectionEnd{};
        }
    }
    if (headerEnd > cfg.maxHeaderBytes) protocolError(conn, 431, "request headers too large");
    std::string head = conn.buffer().substr(0, headerEnd);
    conn.buffer().erase(0, headerEnd + 4);

    size_t lineEnd = head.find("\r\n");
    std::string requestLine = head.substr(0, lineEnd);
    size_t sp1 = requestLine.find(' ');
    size_t sp2 = requestLine.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) protocolError(conn, 400, "malformed request line");
    request.method = requestLine.substr(0, sp1);
    request.target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string version = requestLine.substr(sp2 + 1);
    request.version = version;
    if (version.rfind("HTTP/1.", 0) != 0 || request.method.empty() || request.target.empty() ||
        request.target[0] != '/')
        protocolError(conn, 400, "malformed request line");
    for (char c : request.method)
        if (!std::isupper(static_cast<unsigned char>(c))) protocolError(conn, 400, "malformed method");
    size_t q = request.target.find('?');
    request.path = percentDecode(request.target.substr(0, q));
    request.query = q == std::string::npos ? "" : request.target.substr(q + 1);

    size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        pos = end + 2;
        size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0) protocolError(conn, 400, "malformed header");
        request.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }

    if (lower(request.header("expect")) == "100-continue") conn.writeAll("HTTP/1.1 100 Continue\r\n\r\n");
    std::string transferEncoding = lower(request.header("transfer-encoding"));
    std::string contentLength = request.header("content-length");
    if (transferEncoding.find("chunked") != std::string::npos) {
        for (;;) {
            std::string sizeLine = readLine(conn, 1024);
            size_t size = 0;
            size_t i = 0;
            for (; i < sizeLine.size() && hexValue(sizeLine[i]) >= 0; ++i) {
                size = size * 16 + static_cast<size_t>(hexValue(sizeLine[i]));
                if (size > cfg.maxBodyBytes) protocolError(conn, 413, "request body too large");
            }
            if (i == 0) protocolError(conn, 400, "malformed chunk size");
            if (size == 0) {
                while (!readLine(conn, cfg.maxHeaderBytes).empty()) {}  // trailers
                break;
            }
            if (request.body.size() + size > cfg.maxBodyBytes) protocolError(conn, 413, "request body too large");
            fill(conn, size + 2);
            request.body.append(conn.buffer(), 0, size);
            conn.buffer().erase(0, size + 2);
        }
    } else if (!contentLength.empty()) {
        size_t length = 0;
        for (char c : contentLength) {
            if (!std::isdigit(static_cast<unsigned char>(c))) protocolError(conn, 400, "bad Content-Length");
            length = length * 10 + static_cast<size_t>(c - '0');
            if (length > cfg.maxBodyBytes) protocolError(conn, 413, "request body too large");
        }
        fill(conn, length);
        request.body = conn.buffer().substr(0, length);
        conn.buffer().erase(0, length);
    }
    return true;
}

}  // namespace

void HttpsServer::Impl::setupTls() {
    ctx.reset(SSL_CTX_new(TLS_server_method()));
    if (!ctx) throw std::runtime_error("SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // No session resumption: every connection does a full handshake, so the client certificate is always checked.
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);

    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(BIO_new_mem_buf(config.certPem.data(),
                                                                     static_cast<int>(config.certPem.size())),
                                                      BIO_free);
    X509* cert = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr);
    if (!cert || SSL_CTX_use_certificate(ctx.get(), cert) != 1) throw std::runtime_error("bad server certificate");
    X509_free(cert);
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(BIO_new_mem_buf(config.keyPem.data(),
                                                                    static_cast<int>(config.keyPem.size())),
                                                     BIO_free);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr);
    if (!key || SSL_CTX_use_PrivateKey(ctx.get(), key) != 1) throw std::runtime_error("bad server key");
    EVP_PKEY_free(key);

    if (!config.clientCaPem.empty()) {
        std::unique_ptr<BIO, decltype(&BIO_free)> caBio(BIO_new_mem_buf(config.clientCaPem.data(),
                                                                       static_cast<int>(config.clientCaPem.size())),
                                                        BIO_free);
        X509* ca = PEM_read_bio_X509(caBio.get(), nullptr, nullptr, nullptr);
        if (!ca) throw std::runtime_error("bad client CA");
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca);
        SSL_CTX_add_client_CA(ctx.get(), ca);
        X509_free(ca);
        // Like kube-apiserver: ask for a certificate but accept the handshake without one or with one that does
        // not verify; the authenticator then decides (401), instead of failing the TLS handshake.
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    }
}

HttpsServer::HttpsServer(HttpsServerConfig config, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
    // Writes to a socket the peer has closed must fail with EPIPE, not kill the test process.
    ::signal(SIGPIPE, SIG_IGN);
    impl_->config = std::move(config);
    impl_->handler = std::move(handler);
    impl_->setupTls();

    impl_->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (impl_->listenFd < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(impl_->listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(impl_->listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(impl_->listenFd, 64) != 0) {
        ::close(impl_->listenFd);
        throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(impl_->listenFd, reinterpret_cast<sockaddr*>(&addr), &len);
    impl_->port = ntohs(addr.sin_port);
    if (::pipe2(impl_->wakePipe, O_CLOEXEC) != 0) {
        ::close(impl_->listenFd);
        throw std::runtime_error("pipe failed");
    }
    impl_->acceptThread = std::thread([impl = impl_.get()] { impl->acceptLoop(); });
}

HttpsServer::~HttpsServer() { stop(); }

int HttpsServer::port() const { return impl_->port; }
bool HttpsServer::stopping() const { return impl_->stopping.load(); }

void HttpsServer::stop() {
    if (impl_->stopping.exchange(true)) {
        if (impl_->acceptThread.joinable()) impl_->acceptThread.join();
        return;
    }
    char byte = 1;
    [[maybe_unused]] auto ignored = ::write(impl_->wakePipe[1], &byte, 1);
    if (impl_->acceptThread.joinable()) impl_->acceptThread.join();
    std::list<std::shared_ptr<Impl::Connection>> connections;
    {
        std::lock_guard lock(impl_->connectionsMutex);
        // Shutting the sockets down wakes every SSL_read/SSL_write blocked on them.
        for (auto& c : impl_->connections)
            if (!c->done) ::shutdown(c->fd, SHUT_RDWR);
        connections = impl_->connections;
    }
    for (auto& c : connections)
        if (c->thread.joinable()) c->thread.join();
    {
        std::lock_guard lock(impl_->connectionsMutex);
        impl_->connections.clear();
    }
    ::close(impl_->listenFd);
    ::close(impl_->wakePipe[0]);
    ::close(impl_->wakePipe[1]);
}

void HttpsServer::Impl::reapFinished() {
    std::list<std::shared_ptr<Connection>> finished;
    {
        std::lock_guard lock(connectionsMutex);
        for (auto it = connections.begin(); it != connections.end();) {
            if ((*it)->done) {
                finished.push_back(*it);
                it = connections.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : finished)
        if (c->thread.joinable()) c->thread.join();
}

void HttpsServer::Impl::acceptLoop() {
    while (!stopping) {
        pollfd fds[2] = {{listenFd, POLLIN, 0}, {wakePipe[0], POLLIN, 0}};
        int n = ::poll(fds, 2, 500);
        reapFinished();
        if (n <= 0 || stopping) continue;
        if (!(fds[0].revents & POLLIN)) continue;
        int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto connection = std::make_shared<Connection>();
        connection->fd = fd;
        std::lock_guard lock(connectionsMutex);
        if (stopping) {
            ::close(fd);
            break;
        }
        connections.push_back(connection);
        connection->thread = std::thread([this, connection] { serve(connection); });
    }
}

void HttpsServer::Impl::serve(const std::shared_ptr<Connection>& connection) {
    int fd = connection->fd;
    SSL* ssl = SSL_new(ctx.get());
    bool reset = false;
    if (ssl) {
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1) {
            std::string cn;
            if (X509* peer = SSL_get1_peer_certificate(ssl)) {
                if (SSL_get_verify_result(ssl) == X509_V_OK) cn = certCommonName(peer);
                X509_free(peer);
            }
            TlsConnection conn(ssl, fd, config, stopping);
            try {
                while (!stopping) {
                    HttpRequest request;
                    if (!readRequest(conn, request)) break;
                    request.clientCertCn = cn;
                    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked to.
                    std::string connectionHeader = lower(request.header("connection"));
                    bool keepAlive = request.version == "HTTP/1.0" ? connectionHeader == "keep-alive"
                                                                   : connectionHeader != "close";
                    Exchange exchange(conn, keepAlive);
                    try {
                        handler(request, exchange);
                    } catch (const std::exception& e) {
                        if (exchange.status() == 0 && exchange.after() == After::KeepAlive)
                            exchange.respond(500, {{"Content-Type", "application/json"}},
                                             statusJson(500, std::string("test double handler threw: ") + e.what()));
                    }
                    if (exchange.streaming()) exchange.endStream();
                    if (exchange.after() == After::Reset) {
                        reset = true;
                        break;
                    }
                    if (exchange.status() == 0 && exchange.after() == After::KeepAlive)
                        exchange.respond(500, {{"Content-Type", "application/json"}},
                                         statusJson(500, "test double gave no answer"));
                    if (exchange.after() != After::KeepAlive) break;
                }
            } catch (const ConnectionEnd&) {
            }
            if (!reset) SSL_shutdown(ssl);
        }
        SSL_free(ssl);
    }
    ERR_clear_error();
    {
        std::lock_guard lock(connectionsMutex);
        if (reset) {
            linger l{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        ::close(fd);
        connection->done = true;
    }
}

}  // namespace kc::testing
