// TLS material from a kubeconfig (CA bundle, client chain and key), parsed once from memory, and applied
// to each OpenSSL context the HTTP client creates, so that secrets never touch the disk.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "clusters/result.h"

// OpenSSL's context type, declared here so that users of this header need not include OpenSSL.
typedef struct ssl_ctx_st SSL_CTX;

namespace kc {

// What one new TLS connection went through, filled in by OpenSSL callbacks on the connection's thread and
// read by the thread that waits for the request. It lets the transport bound the connect phase and say why a
// handshake failed (which certificate check, or which alert the server sent) instead of a bare "handshake error".
class TlsHandshakeProbe {
public:
    void markAttached() { attached_.store(true); }
    void markReleased() { released_.store(true); }
    void markStarted() { started_.store(true); }
    void markDone() { done_.store(true); }
    bool attached() const { return attached_.load(); }  // a connection was made for this request
    // That connection is gone (failed, or replaced by cpprestsdk's next resolved endpoint, which is not probed).
    bool released() const { return released_.load(); }
    bool started() const { return started_.load(); }
    bool done() const { return done_.load(); }

    void noteFailure(std::string why);
    std::string failure() const;

private:
    std::atomic<bool> attached_{false};
    std::atomic<bool> released_{false};
    std::atomic<bool> started_{false};
    std::atomic<bool> done_{false};
    mutable std::mutex mutex_;
    std::string failure_;
};

struct TlsSettings {
    std::string caPem;          // empty: keep the system store
    std::string clientCertPem;  // leaf first, then intermediates
    std::string clientKeyPem;
    bool insecureSkipTlsVerify = false;
    std::string verifyName;  // host name or IP literal the server certificate must match
};

class TlsMaterial {
public:
    // Parses the PEM blocks; an error names what is wrong without ever quoting key material.
    static Result<std::shared_ptr<const TlsMaterial>> load(const TlsSettings& settings);

    ~TlsMaterial();
    TlsMaterial(const TlsMaterial&) = delete;
    TlsMaterial& operator=(const TlsMaterial&) = delete;

    // Installs trust, client identity and the expected server name on a fresh context.
    // Returns false (and leaves the context unable to verify anything) when OpenSSL refuses a step.
    bool apply(SSL_CTX* ctx) const;

    // Ties a probe to every connection made from this context (until the context is freed).
    static void attachProbe(SSL_CTX* ctx, std::shared_ptr<TlsHandshakeProbe> probe);

private:
    TlsMaterial() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kc
