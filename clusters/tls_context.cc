// TLS material from a kubeconfig, parsed from memory with OpenSSL and installed on each new SSL_CTX.
// Nothing here writes a certificate or key to disk, and no message ever quotes PEM content.
#include "clusters/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <vector>

namespace kc {

void TlsHandshakeProbe::noteFailure(std::string why) {
    std::lock_guard<std::mutex> lock(mutex_);
    // The first complaint is the cause; later ones (our alert, then the close) are consequences.
    if (failure_.empty()) failure_ = std::move(why);
}

std::string TlsHandshakeProbe::failure() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
}

namespace {

// OpenSSL keeps per-thread error queues; a parse that stops at end of input leaves "no start line" behind,
// and a stale entry there can make a later, unrelated TLS operation on this thread report a bogus error.
struct ClearOpenSslErrors {
    ~ClearOpenSslErrors() { ERR_clear_error(); }
};

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memoryBio(const std::string& pem) { return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))); }

// Every certificate in a PEM bundle, in order. Non-certificate blocks and text between blocks are skipped, as
// client-go does; an empty result is the caller's to judge.
std::vector<X509*> readCertificates(const std::string& pem) {
    std::vector<X509*> certs;
    BioPtr bio = memoryBio(pem);
    if (!bio) return certs;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.push_back(cert);
    return certs;
}

// Encrypted keys are not part of kubeconfig; refusing the passphrase keeps OpenSSL from prompting on a terminal.
int refusePassphrase(char*, int, int, void*) { return 0; }

void freeCertificates(std::vector<X509*>& certs) {
    for (X509* cert : certs) X509_free(cert);
    certs.clear();
}

// Runs when the SSL_CTX of a connection is freed, i.e. when the connection is destroyed.
void freeProbeSlot(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    auto* slot = static_cast<std::shared_ptr<TlsHandshakeProbe>*>(ptr);
    if (slot == nullptr) return;
    if (*slot) (*slot)->markReleased();
    delete slot;
}

int probeIndex() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, freeProbeSlot);
    return index;
}

TlsHandshakeProbe* probeOf(const SSL* ssl) {
    SSL_CTX* ctx = SSL_get_SSL_CTX(ssl);
    if (ctx == nullptr || probeIndex() < 0) return nullptr;
    auto* slot = static_cast<std::shared_ptr<TlsHandshakeProbe>*>(SSL_CTX_get_ex_data(ctx, probeIndex()));
    return slot ? slot->get() : nullptr;
}

// Runs on the connection's I/O thread at handshake milestones and alerts; it only records, never blocks.
void onTlsEvent(const SSL* ssl, int where, int value) {
    TlsHandshakeProbe* probe = probeOf(ssl);
    if (probe == nullptr) return;
    if (where & SSL_CB_HANDSHAKE_START) probe->markStarted();
    if (where & SSL_CB_HANDSHAKE_DONE) probe->markDone();
    if ((where & SSL_CB_ALERT) && (value & 0xff) != SSL_AD_CLOSE_NOTIFY) {
        if (where & SSL_CB_WRITE) {
            long verify = SSL_get_verify_result(ssl);
            if (verify != X509_V_OK) {
                probe->noteFailure(std::string("server certificate rejected: ") +
                                   X509_verify_cert_error_string(verify));
            } else {
                probe->noteFailure(std::string("TLS alert sent to server: ") + SSL_alert_desc_string_long(value));
            }
        } else {
            probe->noteFailure(std::string("server sent TLS alert: ") + SSL_alert_desc_string_long(value));
        }
    }
}

bool isIpLiteral(const std::string& name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

struct TlsMaterial::Impl {
    std::vector<X509*> authorities;  // empty: system store
    X509* leaf = nullptr;
    std::vector<X509*> chain;  // intermediates sent after the leaf
    EVP_PKEY* key = nullptr;
    bool insecure = false;
    std::string verifyName;

    ~Impl() {
        freeCertificates(authorities);
        freeCertificates(chain);
        if (leaf) X509_free(leaf);
        if (key) EVP_PKEY_free(key);
    }
};

TlsMaterial::~TlsMaterial() = default;

Result<std::shared_ptr<const TlsMaterial>> TlsMaterial::load(const TlsSettings& settings) {
    ClearOpenSslErrors clearErrors;
    std::shared_ptr<TlsMaterial> material(new TlsMaterial());
    material->impl_ = std::make_unique<Impl>();
    Impl& impl = *material->impl_;
    impl.insecure = settings.insecureSkipTlsVerify;
    impl.verifyName = settings.verifyName;
    // "[::1]" is how a URL spells an IPv6 host; certificates hold the bare address.
    if (impl.verifyName.size() > 2 && impl.verifyName.front() == '[' && impl.verifyName.back() == ']') {
        impl.verifyName = impl.verifyName.substr(1, impl.verifyName.size() - 2);
    }

    if (!settings.caPem.empty()) {
        impl.authorities = readCertificates(settings.caPem);
        if (impl.authorities.empty()) {
            return fail(ErrorKind::Invalid, "certificate-authority data holds no PEM certificate");
        }
    }

    const bool haveCert = !settings.clientCertPem.empty();
    const bool haveKey = !settings.clientKeyPem.empty();
    if (haveCert != haveKey) {
        return fail(ErrorKind::Invalid, haveCert ? "client certificate given without a client key"
                                                 : "client key given without a client certificate");
    }
    if (haveCert) {
        std::vector<X509*> certs = readCertificates(settings.clientCertPem);
        if (certs.empty()) return fail(ErrorKind::Invalid, "client-certificate data holds no PEM certificate");
        impl.leaf = certs.front();
        impl.chain.assign(certs.begin() + 1, certs.end());

        BioPtr bio = memoryBio(settings.clientKeyPem);
        impl.key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr) : nullptr;
        if (impl.key == nullptr) {
            return fail(ErrorKind::Invalid,
                        "client-key data is not a PEM private key (encrypted keys are not supported)");
        }
        if (X509_check_private_key(impl.leaf, impl.key) != 1) {
            return fail(ErrorKind::Invalid, "client key does not match the client certificate");
        }
    }
    return std::shared_ptr<const TlsMaterial>(std::move(material));
}

bool TlsMaterial::apply(SSL_CTX* ctx) const {
    ClearOpenSslErrors clearErrors;
    const Impl& impl = *impl_;
    bool ok = true;

    // Handshake milestones and alerts feed the probe, when the transport attached one.
    SSL_CTX_set_info_callback(ctx, onTlsEvent);

    if (!impl.authorities.empty()) {
        // A new store instead of adding to the default one: the kubeconfig CA must be the only trust anchor,
        // so a certificate that the system trusts, but the cluster CA did not sign, is refused.
        X509_STORE* store = X509_STORE_new();
        if (store == nullptr) return false;
        for (X509* authority : impl.authorities) {
            if (X509_STORE_add_cert(store, authority) != 1) ok = false;
        }
        SSL_CTX_set_cert_store(ctx, store);  // takes ownership, frees the system store
        // Like Go's x509 pool: a CA given by the kubeconfig is an anchor even when it is an intermediate.
        X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
    }

    if (!impl.insecure && !impl.verifyName.empty()) {
        // OpenSSL checks the name itself while it verifies the chain, whatever name the HTTP library checks on
        // top; every SSL made from this context inherits the parameter.
        X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
        if (isIpLiteral(impl.verifyName)) {
            if (X509_VERIFY_PARAM_set1_ip_asc(param, impl.verifyName.c_str()) != 1) ok = false;
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (X509_VERIFY_PARAM_set1_host(param, impl.verifyName.c_str(), impl.verifyName.size()) != 1) ok = false;
        }
    }

    if (impl.leaf != nullptr) {
        if (SSL_CTX_use_certificate(ctx, impl.leaf) != 1) ok = false;
        for (X509* intermediate : impl.chain) {
            // add_extra_chain_cert takes ownership, and the material keeps its own reference.
            X509_up_ref(intermediate);
            if (SSL_CTX_add_extra_chain_cert(ctx, intermediate) != 1) {
                X509_free(intermediate);
                ok = false;
            }
        }
        if (SSL_CTX_use_PrivateKey(ctx, impl.key) != 1) ok = false;
    }

    if (!ok) {
        // A half-configured context must not be able to trust anything.
        SSL_CTX_set_cert_store(ctx, X509_STORE_new());
    }
    return ok;
}

void TlsMaterial::attachProbe(SSL_CTX* ctx, std::shared_ptr<TlsHandshakeProbe> probe) {
    if (probeIndex() < 0 || !probe) return;
    probe->markAttached();
    auto* previous = static_cast<std::shared_ptr<TlsHandshakeProbe>*>(SSL_CTX_get_ex_data(ctx, probeIndex()));
    auto* slot = new std::shared_ptr<TlsHandshakeProbe>(std::move(probe));
    if (SSL_CTX_set_ex_data(ctx, probeIndex(), slot) == 1) {
        delete previous;
    } else {
        delete slot;
    }
}

}  // namespace kc
