// Transport over cpprestsdk's http_client: builds requests, waits for pplx tasks on the caller's thread with
// deadlines and cancellation polling, and maps every cpprestsdk/Boost/OpenSSL failure to a kc::Error.
#include "clusters/cpprest_transport.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include "clusters/tls_context.h"
#include "kubeclass_version.h"

namespace kc {
namespace {

using Clock = std::chrono::steady_clock;
using web::http::client::http_client;
using web::http::client::http_client_config;

// How often a waiting caller looks at its Cancellation flag; it bounds how late a cancel takes effect.
constexpr std::chrono::milliseconds kPollInterval{20};
// cpprestsdk's own timer closes a connection after this much inactivity at any step. All real deadlines are
// enforced by this file, so the library's timer is only a backstop for a stuck request nobody waits for.
constexpr std::chrono::hours kLibraryInactivityLimit{24};
// Largest single read from a body buffer; reads never ask for more than is already there (see readSome).
constexpr std::size_t kReadChunk = 64 * 1024;
// After cancelling, how long the caller lets cpprestsdk finish tearing the request down before walking away.
constexpr std::chrono::milliseconds kTeardownGrace{200};

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool sameHeaderName(const std::string& a, const char* b) { return lowerCase(a) == lowerCase(b); }

// The outcome of one pplx task, handed from a continuation to the waiting caller. The continuation is
// task-based, so it runs once the antecedent has finished: its get() only rethrows or returns, never waits,
// and calling it marks a failure as observed (pplx terminates the process on unobserved task exceptions).
template <typename T>
class Handoff {
public:
    void deliver(pplx::task<T> finished) {
        std::optional<T> value;
        std::exception_ptr error;
        try {
            value.emplace(finished.get());
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        value_ = std::move(value);
        error_ = error;
        ready_ = true;
        changed_.notify_all();
    }

    // Attaches the hand-off to a task; the continuation keeps this object (and whatever `keepAlive` owns,
    // such as a read buffer) alive even when the caller has stopped waiting.
    template <typename KeepAlive>
    static std::shared_ptr<Handoff> follow(pplx::task<T>& task, KeepAlive keepAlive) {
        auto handoff = std::make_shared<Handoff>();
        task.then([handoff, keepAlive](pplx::task<T> finished) { handoff->deliver(std::move(finished)); });
        return handoff;
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    bool ready_ = false;
    std::optional<T> value_;
    std::exception_ptr error_;
};

enum class WaitEnd { Ready, Deadline, ConnectDeadline, Cancelled };

// What bounds one wait: a deadline, the caller's cancel flag, and for a new connection its connect deadline.
struct WaitLimits {
    Clock::time_point deadline = Clock::time_point::max();
    const Cancellation* cancel = nullptr;
    const TlsHandshakeProbe* probe = nullptr;
    Clock::time_point connectDeadline = Clock::time_point::max();
};

template <typename T>
WaitEnd waitFor(Handoff<T>& handoff, const WaitLimits& limits) {
    std::unique_lock<std::mutex> lock(handoff.mutex_);
    while (!handoff.ready_) {
        if (limits.cancel && limits.cancel->cancelled()) return WaitEnd::Cancelled;
        const Clock::time_point now = Clock::now();
        if (now >= limits.deadline) return WaitEnd::Deadline;
        // The connect phase ends with the TLS handshake; only a connection made for this request has a probe.
        if (limits.probe && limits.probe->attached() && !limits.probe->done() && !limits.probe->released() &&
            now >= limits.connectDeadline) {
            return WaitEnd::ConnectDeadline;
        }
        Clock::time_point wake = std::min({limits.deadline, limits.connectDeadline, now + kPollInterval});
        handoff.changed_.wait_until(lock, wake);
    }
    return WaitEnd::Ready;
}

Clock::time_point deadlineAfter(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) return Clock::time_point::max();
    return Clock::now() + timeout;
}

std::string seconds(std::chrono::milliseconds duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(duration.count()) / 1000.0);
    return text;
}

// The probe a request on this thread wants tied to any connection cpprestsdk creates for it. http_client's
// request() builds the connection (and calls the SSL context callback) synchronously on the calling thread, so
// a thread-local is how the callback learns which request it serves; connections made later on I/O threads
// (cpprestsdk's retry after a stale pooled connection) simply go unprobed.
thread_local std::shared_ptr<TlsHandshakeProbe>* t_requestProbe = nullptr;

class ProbeBinding {
public:
    explicit ProbeBinding(std::shared_ptr<TlsHandshakeProbe>& probe) { t_requestProbe = &probe; }
    ~ProbeBinding() { t_requestProbe = nullptr; }
    ProbeBinding(const ProbeBinding&) = delete;
    ProbeBinding& operator=(const ProbeBinding&) = delete;
};

// One request in flight: the token that aborts it in cpprestsdk (which closes its socket) and its TLS probe.
struct Exchange {
    pplx::cancellation_token_source abort;
    std::shared_ptr<TlsHandshakeProbe> probe = std::make_shared<TlsHandshakeProbe>();
    bool aborted = false;

    void cancel() {
        if (aborted) return;
        aborted = true;
        try {
            abort.cancel();
        } catch (...) {
            // Cancelling only runs cpprestsdk's registered callback (a socket close); nothing to report.
        }
    }
};

class CpprestTransport final : public Transport {
public:
    CpprestTransport(TransportConfig config, std::unique_ptr<http_client> client, std::string hostHeader)
        : config_(std::move(config)), client_(std::move(client)), hostHeader_(std::move(hostHeader)) {}

    Result<HttpResponse> send(const HttpRequest& request) override {
        try {
            return sendImpl(request);
        } catch (...) {
            return fail(describeException(std::current_exception(), request));
        }
    }

    Result<HttpResponse> stream(const HttpRequest& request,
                                const std::function<bool(std::string_view line)>& onLine) override {
        try {
            return streamImpl(request, onLine);
        } catch (...) {
            return fail(describeException(std::current_exception(), request));
        }
    }

private:
    struct Started {
        web::http::http_response response;
        HttpResponse head;
    };

    Result<HttpResponse> sendImpl(const HttpRequest& request) {
        Exchange exchange;
        const Clock::time_point deadline = deadlineAfter(request.timeout);
        auto started = start(request, exchange, deadline);
        if (!started) return fail(started.error());

        auto body = readWhole(started->response, request, exchange, deadline);
        if (!body) return fail(body.error());
        started->head.body = std::move(*body);
        return std::move(started->head);
    }

    Result<HttpResponse> streamImpl(const HttpRequest& request,
                                    const std::function<bool(std::string_view line)>& onLine) {
        Exchange exchange;
        auto started = start(request, exchange, deadlineAfter(request.timeout));
        if (!started) return fail(started.error());

        const int status = started->head.status;
        if (status < 200 || status > 299) {
            // An error answer is small and finite; the caller wants it whole to parse it as a Status.
            auto body = readWhole(started->response, request, exchange, deadlineAfter(request.timeout));
            if (!body) return fail(body.error());
            started->head.body = std::move(*body);
            return std::move(started->head);
        }

        // However the loop ends early (onLine says stop, an error, or onLine throwing, which stream() turns into an
        // error), the half-read connection must be dropped, not pooled.
        struct AbortOnExit {
            Exchange& exchange;
            bool armed = true;
            ~AbortOnExit() {
                if (armed) exchange.cancel();
            }
        };
        AbortOnExit abortOnExit{exchange};

        concurrency::streams::streambuf<uint8_t> body = started->response.body().streambuf();
        auto buffer = std::make_shared<std::vector<uint8_t>>(kReadChunk);
        std::string pending;  // bytes of the line not yet ended by '\n'
        for (;;) {
            // The timeout is the longest silence: every byte that arrives restarts it.
            const Clock::time_point deadline = deadlineAfter(request.timeout);
            auto got = readSome(body, buffer, request, exchange, deadline, "stream");
            if (!got) return fail(got.error());
            if (*got == 0) break;  // the server ended the body

            const char* data = reinterpret_cast<const char*>(buffer->data());
            std::size_t from = 0;
            for (std::size_t i = 0; i < *got; ++i) {
                if (data[i] != '\n') continue;
                pending.append(data + from, i - from);
                from = i + 1;
                if (!deliverLine(pending, onLine)) {
                    // Stopping early leaves unread bytes on the connection: abortOnExit closes it rather than
                    // returning it to the pool, and no cpprestsdk thread stays behind on it.
                    return std::move(started->head);
                }
                pending.clear();
            }
            pending.append(data + from, *got - from);
            if (pending.size() > kMaxStreamLineBytes) {
                return fail(ErrorKind::Server, what(request) + ": a line of the response is longer than " +
                                                   std::to_string(kMaxStreamLineBytes >> 20) + " MiB");
            }
        }
        // The body was read to its end, so the connection may go back to the pool.
        abortOnExit.armed = false;
        // A last line without a newline still counts.
        if (!pending.empty()) deliverLine(pending, onLine);
        return std::move(started->head);
    }

    // Calls onLine for a non-empty line (a trailing '\r' dropped); empty lines are keep-alives.
    static bool deliverLine(std::string& line, const std::function<bool(std::string_view line)>& onLine) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) return true;
        return onLine(std::string_view(line));
    }

    // Sends the request and waits for the response head (status and headers).
    Result<Started> start(const HttpRequest& request, Exchange& exchange, Clock::time_point deadline) {
        if (request.cancel && request.cancel->cancelled()) return fail(cancelledError(request));
        auto message = buildMessage(request);
        if (!message) return fail(message.error());

        const Clock::time_point connectDeadline = deadlineAfter(config_.connectTimeout);
        pplx::task<web::http::http_response> responseTask;
        {
            ProbeBinding binding(exchange.probe);
            responseTask = client_->request(*message, exchange.abort.get_token());
        }
        auto handoff = Handoff<web::http::http_response>::follow(responseTask, 0);

        WaitLimits limits{deadline, request.cancel.get(), exchange.probe.get(), connectDeadline};
        switch (waitFor(*handoff, limits)) {
            case WaitEnd::Ready: break;
            case WaitEnd::Cancelled: return abandon(exchange, *handoff, cancelledError(request));
            case WaitEnd::Deadline:
                return abandon(exchange, *handoff,
                               Error{ErrorKind::Timeout, what(request) + ": no response within " +
                                                             seconds(request.timeout)});
            case WaitEnd::ConnectDeadline:
                return abandon(exchange, *handoff,
                               Error{ErrorKind::Timeout, what(request) + ": could not connect to " + config_.server +
                                                             " within " + seconds(config_.connectTimeout)});
        }
        if (handoff->error_) return fail(describeException(handoff->error_, request, exchange.probe.get()));

        Started started{std::move(*handoff->value_), {}};
        started.head.status = static_cast<int>(started.response.status_code());
        for (const auto& [name, value] : started.response.headers()) {
            started.head.headers[lowerCase(name)] = value;
        }
        return started;
    }

    // Cancels a request the caller stopped waiting for, gives cpprestsdk a moment to tear it down (so the
    // common case leaves no work behind), and returns the reason.
    template <typename T>
    tl::unexpected<Error> abandon(Exchange& exchange, Handoff<T>& handoff, Error reason) {
        exchange.cancel();
        WaitLimits grace{Clock::now() + kTeardownGrace};
        waitFor(handoff, grace);
        return fail(std::move(reason));
    }

    // Reads the rest of the body into a string, failing once it passes kMaxResponseBodyBytes.
    Result<std::string> readWhole(web::http::http_response& response, const HttpRequest& request,
                                  Exchange& exchange, Clock::time_point deadline) {
        const auto& headers = response.headers();
        auto length = headers.find(U("Content-Length"));
        if (length != headers.end()) {
            try {
                if (std::stoull(length->second) > kMaxResponseBodyBytes) {
                    exchange.cancel();
                    return fail(tooLarge(request));
                }
            } catch (const std::exception&) {
                // A malformed length is cpprestsdk's to reject while reading; the bound below still holds.
            }
        }

        concurrency::streams::streambuf<uint8_t> body = response.body().streambuf();
        auto buffer = std::make_shared<std::vector<uint8_t>>(kReadChunk);
        std::string text;
        for (;;) {
            auto got = readSome(body, buffer, request, exchange, deadline, "response");
            if (!got) return fail(got.error());
            if (*got == 0) return text;
            if (text.size() + *got > kMaxResponseBodyBytes) {
                exchange.cancel();
                return fail(tooLarge(request));
            }
            text.append(reinterpret_cast<const char*>(buffer->data()), *got);
        }
    }

    // One read of whatever the body buffer holds (at least one byte, at most kReadChunk): 0 means end of body.
    // cpprestsdk's producer/consumer buffer completes a read only once it can fill all of `count`, so asking
    // for more than is there would hold back lines that already arrived.
    Result<std::size_t> readSome(concurrency::streams::streambuf<uint8_t>& body,
                                 const std::shared_ptr<std::vector<uint8_t>>& buffer, const HttpRequest& request,
                                 Exchange& exchange, Clock::time_point deadline, const char* part) {
        const std::size_t want = std::clamp<std::size_t>(body.in_avail(), 1, buffer->size());
        pplx::task<std::size_t> read = body.getn(buffer->data(), want);
        auto handoff = Handoff<std::size_t>::follow(read, buffer);
        switch (waitFor(*handoff, WaitLimits{deadline, request.cancel.get()})) {
            case WaitEnd::Ready: break;
            case WaitEnd::Cancelled: return abandon(exchange, *handoff, cancelledError(request));
            case WaitEnd::Deadline:
            case WaitEnd::ConnectDeadline:
                return abandon(exchange, *handoff,
                               Error{ErrorKind::Timeout, what(request) + ": no data on the " + part + " for " +
                                                             seconds(request.timeout)});
        }
        if (handoff->error_) return fail(describeException(handoff->error_, request, exchange.probe.get()));
        return *handoff->value_;
    }

    Result<web::http::http_request> buildMessage(const HttpRequest& request) const {
        web::http::http_request message(utility::conversions::to_string_t(request.method));
        try {
            message.set_request_uri(web::uri(utility::conversions::to_string_t(request.target)));
        } catch (const std::exception&) {
            return fail(ErrorKind::Invalid, "request target is not a valid URI path: " + request.target);
        }

        std::string contentType;
        bool haveUserAgent = false;
        for (const auto& [name, value] : request.headers) {
            if (sameHeaderName(name, "Content-Type")) {
                contentType = value;
                continue;
            }
            // cpprestsdk computes the length from the body; the Host header is ours to set (see makeCpprestTransport).
            if (sameHeaderName(name, "Content-Length") || sameHeaderName(name, "Host")) continue;
            if (sameHeaderName(name, "User-Agent")) haveUserAgent = true;
            message.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
        }
        if (!haveUserAgent) message.headers().add(U("User-Agent"), U("kubeclass/" KUBECLASS_VERSION));
        if (!hostHeader_.empty()) message.headers().add(U("Host"), utility::conversions::to_string_t(hostHeader_));

        if (!request.body.empty() || !contentType.empty()) {
            // set_body keeps a Content-Type that is already there (else it says octet-stream); JSON is the API
            // server's native format. The byte-vector overload: cpprest's std::string one reads a char buffer
            // through a uint8_t stream type, which UBSan rightly reports.
            message.headers().add(U("Content-Type"), utility::conversions::to_string_t(
                                                         contentType.empty() ? "application/json" : contentType));
            message.set_body(std::vector<unsigned char>(request.body.begin(), request.body.end()));
        }
        return message;
    }

    std::string what(const HttpRequest& request) const {
        // The query is left out: it is long, and the path says which object was being worked on.
        std::string path = request.target.substr(0, request.target.find('?'));
        return request.method + " " + config_.server + path;
    }

    Error cancelledError(const HttpRequest& request) const {
        return Error{ErrorKind::Cancelled, what(request) + ": cancelled"};
    }

    Error tooLarge(const HttpRequest& request) const {
        return Error{ErrorKind::Server, what(request) + ": response body is larger than " +
                                            std::to_string(kMaxResponseBodyBytes >> 20) + " MiB"};
    }

    // Maps what cpprestsdk (or anything under it) threw. Messages are the library's own texts, which name the
    // failing step and the system error, never request headers or key material.
    Error describeException(std::exception_ptr error, const HttpRequest& request,
                            const TlsHandshakeProbe* probe = nullptr) const {
        std::string tls = probe ? probe->failure() : std::string();
        try {
            std::rethrow_exception(error);
        } catch (const web::http::http_exception& e) {
            const std::error_code code = e.error_code();
            std::string message = what(request) + ": " + e.what();
            std::string detail = code ? code.message() : std::string();
            // cpprestsdk reports a refused connection as host_unreachable ("No route to host"), which misleads.
            if (code == std::errc::host_unreachable) detail = "connection refused or host unreachable";
            // OpenSSL codes arrive without their category and read "Unknown error N": the probe says more.
            if (detail.rfind("Unknown error", 0) == 0) detail.clear();
            if (!detail.empty() && message.find(detail) == std::string::npos) message += " (" + detail + ")";
            if (!tls.empty()) message += ": " + tls;
            if (code == std::errc::timed_out) return Error{ErrorKind::Timeout, message};
            if (code == std::errc::operation_canceled) return Error{ErrorKind::Cancelled, message};
            // Refused, reset, DNS, TLS handshake and broken framing: the server could not be talked to.
            return Error{ErrorKind::Unreachable, message};
        } catch (const pplx::task_canceled&) {
            return Error{ErrorKind::Cancelled, what(request) + ": cancelled"};
        } catch (const std::bad_alloc&) {
            return Error{ErrorKind::Other, what(request) + ": out of memory"};
        } catch (const std::exception& e) {
            return Error{ErrorKind::Other, what(request) + ": " + e.what()};
        } catch (...) {
            return Error{ErrorKind::Other, what(request) + ": unknown failure"};
        }
    }

    const TransportConfig config_;
    const std::unique_ptr<http_client> client_;
    const std::string hostHeader_;
};

}  // namespace

Result<std::unique_ptr<Transport>> makeCpprestTransport(const TransportConfig& config) {
    try {
        web::uri server;
        try {
            server = web::uri(utility::conversions::to_string_t(config.server));
        } catch (const std::exception&) {
            return fail(ErrorKind::Invalid, "server is not a valid URL: " + config.server);
        }
        const std::string scheme = lowerCase(server.scheme());
        if ((scheme != "https" && scheme != "http") || server.host().empty()) {
            return fail(ErrorKind::Invalid, "server must be an http(s) URL with a host: " + config.server);
        }

        // The name the certificate must carry. cpprestsdk verifies (RFC 2818) and sends as SNI the request's
        // Host header when one is set, else the URL host; so for tls-server-name the Host header carries it,
        // and OpenSSL is told the same name so the check holds whatever the library does.
        const std::string verifyName = config.tlsServerName.empty() ? server.host() : config.tlsServerName;
        auto material = TlsMaterial::load(TlsSettings{config.caPem, config.clientCertPem, config.clientKeyPem,
                                                      config.insecureSkipTlsVerify, verifyName});
        if (!material) return fail(material.error());

        http_client_config clientConfig;
        clientConfig.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(kLibraryInactivityLimit));
        clientConfig.set_validate_certificates(!config.insecureSkipTlsVerify);
        // Redirects would carry the bearer token to wherever Location points; the API server never redirects.
        clientConfig.set_max_redirects(0);
        std::shared_ptr<const TlsMaterial> tls = *material;
        clientConfig.set_ssl_context_callback([tls](boost::asio::ssl::context& context) {
            try {
                SSL_CTX* native = context.native_handle();
                if (t_requestProbe != nullptr && *t_requestProbe) TlsMaterial::attachProbe(native, *t_requestProbe);
                if (!tls->apply(native) && t_requestProbe != nullptr && *t_requestProbe) {
                    (*t_requestProbe)->noteFailure("could not install the kubeconfig TLS material");
                }
            } catch (...) {
                // Only allocation can fail here; the handshake then fails on its own and is reported.
            }
        });

        auto client = std::make_unique<http_client>(server, clientConfig);
        return std::unique_ptr<Transport>(
            std::make_unique<CpprestTransport>(config, std::move(client), config.tlsServerName));
    } catch (const std::exception& e) {
        return fail(ErrorKind::Invalid, "cannot set up HTTP client for " + config.server + ": " + e.what());
    }
}

TransportFactory cpprestTransportFactory() {
    return [](const TransportConfig& config) { return makeCpprestTransport(config); };
}

}  // namespace kc
