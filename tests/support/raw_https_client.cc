// Blocking OpenSSL client used by the API test double's own tests (status, headers, Content-Length and chunked
// bodies, line-by-line reading for watch streams).
#include "tests/support/raw_https_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace kc::testing {

std::string RawResponse::header(const std::string& lowerName) const {
    for (const auto& [n, v] : headers)
        if (n == lowerName) return v;
    return {};
}

struct RawHttpsConnection::Impl {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    int fd = -1;
    std::string buffer;
    std::string host;
    std::string bearer;
    bool chunked = false;
    long long remaining = -1;   // Content-Length bytes left, or bytes left in the current chunk
    bool bodyDone = true;
    bool untilClose = false;
    std::chrono::milliseconds readTimeout{10000};

    ~Impl() {
        if (ssl) {
            SSL_shutdown(ssl);
            SSL_free(ssl);
        }
        if (fd >= 0) ::close(fd);
        if (ctx) SSL_CTX_free(ctx);
    }
};

namespace {

[[noreturn]] void failWith(const std::string& what) {
    unsigned long e = ERR_get_error();
    char buf[256] = {0};
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error(what + (e ? std::string(": ") + buf : std::string()));
}

X509* readCert(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return c;
}

std::string lowerCase(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

}  // namespace

RawHttpsConnection::RawHttpsConnection(const std::string& url, const RawTls& tls) : impl_(std::make_unique<Impl>()) {
    const std::string prefix = "https://";
    if (url.rfind(prefix, 0) != 0) throw std::runtime_error("not an https URL: " + url);
    std::string hostPort = url.substr(prefix.size());
    hostPort = hostPort.substr(0, hostPort.find('/'));
    size_t colon = hostPort.rfind(':');
    std::string host = hostPort.substr(0, colon);
    int port = colon == std::string::npos ? 443 : std::stoi(hostPort.substr(colon + 1));
    impl_->host = hostPort;
    impl_->bearer = tls.bearerToken;

    impl_->ctx = SSL_CTX_new(TLS_client_method());
    if (!impl_->ctx) failWith("SSL_CTX_new");
    X509_STORE* store = X509_STORE_new();  // only the given CA, never the system store
    if (!tls.caPem.empty()) {
        X509* ca = readCert(tls.caPem);
        if (!ca) failWith("bad CA PEM");
        X509_STORE_add_cert(store, ca);
        X509_free(ca);
    }
    SSL_CTX_set_cert_store(impl_->ctx, store);
    SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
    if (!tls.certPem.empty()) {
        X509* cert = readCert(tls.certPem);
        BIO* kb = BIO_new_mem_buf(tls.keyPem.data(), static_cast<int>(tls.keyPem.size()));
        EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
        BIO_free(kb);
        if (!cert || !key || SSL_CTX_use_certificate(impl_->ctx, cert) != 1 ||
            SSL_CTX_use_PrivateKey(impl_->ctx, key) != 1)
            failWith("bad client certificate or key");
        X509_free(cert);
        EVP_PKEY_free(key);
    }

    impl_->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1)
        throw std::runtime_error("only IPv4 literals are supported: " + host);
    if (::connect(impl_->fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect to " + url + " failed");
    impl_->ssl = SSL_new(impl_->ctx);
    SSL_set_fd(impl_->ssl, impl_->fd);
    X509_VERIFY_PARAM* param = SSL_get0_param(impl_->ssl);
    if (host == "127.0.0.1" || host == "localhost")
        X509_VERIFY_PARAM_set1_ip_asc(param, "127.0.0.1");
    else
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (SSL_connect(impl_->ssl) != 1) failWith("TLS handshake with " + url + " failed");
    SSL_set_mode(impl_->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    ::fcntl(impl_->fd, F_SETFL, ::fcntl(impl_->fd, F_GETFL) | O_NONBLOCK);
}

RawHttpsConnection::~RawHttpsConnection() = default;

void RawHttpsConnection::setReadTimeout(std::chrono::milliseconds timeout) { impl_->readTimeout = timeout; }

bool RawHttpsConnection::fillSome(std::chrono::milliseconds timeout) {
    // The socket is non-blocking: readable bytes may be TLS records without application data (session
    // tickets), and a blocking SSL_read would then wait past the timeout.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        char chunk[16384];
        int n = SSL_read(impl_->ssl, chunk, sizeof chunk);
        if (n > 0) {
            impl_->buffer.append(chunk, static_cast<size_t>(n));
            return true;
        }
        int err = SSL_get_error(impl_->ssl, n);
        ERR_clear_error();
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return false;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut_ = true;
            return false;
        }
        pollfd p{impl_->fd, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
        int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready == 0) {
            timedOut_ = true;
            return false;
        }
        if (ready < 0) return false;
    }
}

void RawHttpsConnection::send(const std::string& method, const std::string& target, const RawHeaders& headers,
                              const std::string& body) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + impl_->host + "\r\n";
    bool hasAuth = false;
    for (const auto& [n, v] : headers) {
        req += n + ": " + v + "\r\n";
        if (lowerCase(n) == "authorization") hasAuth = true;
    }
    if (!impl_->bearer.empty() && !hasAuth) req += "Authorization: Bearer " + impl_->bearer + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    std::string_view data = req;
    while (!data.empty()) {
        int n = SSL_write(impl_->ssl, data.data(), static_cast<int>(data.size()));
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        int err = SSL_get_error(impl_->ssl, n);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) failWith("write failed");
        ERR_clear_error();
        pollfd p{impl_->fd, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
        if (::poll(&p, 1, 10000) <= 0) throw std::runtime_error("write timed out");
    }
}

RawResponse RawHttpsConnection::readHead() {
    RawResponse response;
    timedOut_ = false;
    size_t end;
    while ((end = impl_->buffer.find("\r\n\r\n")) == std::string::npos)
        if (!fillSome(impl_->readTimeout)) throw std::runtime_error("connection closed before a response");
    std::string head = impl_->buffer.substr(0, end);
    impl_->buffer.erase(0, end + 4);
    size_t lineEnd = head.find("\r\n");
    std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.size() < 12) throw std::runtime_error("bad status line: " + statusLine);
    response.status = std::stoi(statusLine.substr(9, 3));
    size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string line = head.substr(pos, e - pos);
        pos = e + 2;
        size_t c = line.find(':');
        if (c == std::string::npos) continue;
        std::string value = line.substr(c + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers.emplace_back(lowerCase(line.substr(0, c)), value);
    }
    impl_->chunked = lowerCase(response.header("transfer-encoding")).find("chunked") != std::string::npos;
    impl_->bodyDone = false;
    impl_->untilClose = false;
    if (impl_->chunked) {
        impl_->remaining = -1;
    } else if (!response.header("content-length").empty()) {
        impl_->remaining = std::stoll(response.header("content-length"));
        if (impl_->remaining == 0) impl_->bodyDone = true;
    } else {
        impl_->untilClose = true;
    }
    return response;
}

// Appends the next piece of body to out; false at the end of the body (or timeout).
bool RawHttpsConnection::readBodyBytes(std::string& out, std::chrono::milliseconds timeout) {
    Impl& s = *impl_;
    if (s.bodyDone) return false;
    if (s.chunked) {
        if (s.remaining <= 0) {
            size_t nl;
            while ((nl = s.buffer.find("\r\n")) == std::string::npos)
                if (!fillSome(timeout)) return false;
            std::string sizeLine = s.buffer.substr(0, nl);
            if (sizeLine.empty()) {  // the CRLF after a chunk's data
                s.buffer.erase(0, 2);
                return readBodyBytes(out, timeout);
            }
            s.remaining = std::stoll(sizeLine, nullptr, 16);
            s.buffer.erase(0, nl + 2);
            if (s.remaining == 0) {
                while (s.buffer.find("\r\n") == std::string::npos)
                    if (!fillSome(timeout)) break;
                size_t e = s.buffer.find("\r\n");
                if (e != std::string::npos) s.buffer.erase(0, e + 2);
                s.bodyDone = true;
                return false;
            }
        }
        if (s.buffer.empty() && !fillSome(timeout)) return false;
        size_t take = std::min<size_t>(s.buffer.size(), static_cast<size_t>(s.remaining));
        out.append(s.buffer, 0, take);
        s.buffer.erase(0, take);
        s.remaining -= static_cast<long long>(take);
        if (s.remaining == 0) {
            while (s.buffer.size() < 2)
                if (!fillSome(timeout)) break;
            if (s.buffer.rfind("\r\n", 0) == 0) s.buffer.erase(0, 2);
            s.remaining = -1;
        }
        return true;
    }
    if (s.buffer.empty() && !fillSome(timeout)) {
        if (!timedOut_ && s.untilClose) s.bodyDone = true;
        return false;
    }
    size_t take = s.untilClose ? s.buffer.size() : std::min<size_t>(s.buffer.size(), static_cast<size_t>(s.remaining));
    out.append(s.buffer, 0, take);
    s.buffer.erase(0, take);
    if (!s.untilClose) {
        s.remaining -= static_cast<long long>(take);
        if (s.remaining == 0) s.bodyDone = true;
    }
    return true;
}

RawResponse RawHttpsConnection::request(const std::string& method, const std::string& target, const RawHeaders& headers,
                                        const std::string& body) {
    send(method, target, headers, body);
    RawResponse response = readHead();
    while (readBodyBytes(response.body, impl_->readTimeout)) {}
    if (timedOut_) throw std::runtime_error("timed out reading the response body");
    if (!impl_->bodyDone && !impl_->untilClose) throw std::runtime_error("connection closed inside the body");
    return response;
}

std::optional<std::string> RawHttpsConnection::readLine(std::chrono::milliseconds timeout) {
    timedOut_ = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        size_t nl = lineBuffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = lineBuffer_.substr(0, nl);
            lineBuffer_.erase(0, nl + 1);
            return line;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut_ = true;
            return std::nullopt;
        }
        if (!readBodyBytes(lineBuffer_, left)) {
            if (timedOut_) return std::nullopt;
            if (!lineBuffer_.empty()) {
                std::string rest = std::move(lineBuffer_);
                lineBuffer_.clear();
                return rest;
            }
            return std::nullopt;
        }
    }
}

RawResponse rawHttpsRequest(const std::string& url, const std::string& method, const std::string& target,
                            const RawHeaders& headers, const std::string& body, const RawTls& tls) {
    RawHttpsConnection connection(url, tls);
    return connection.request(method, target, headers, body);
}

}  // namespace kc::testing
