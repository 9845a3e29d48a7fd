// Generates the test PKI with the OpenSSL 3 API: keys, CA-signed certificates with the extensions real
// clients check (SAN for the server, clientAuth/serverAuth usages), so Go, Python and OpenSSL clients accept them.
#include "tests/support/test_pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace kc::testing {
namespace {

struct KeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct CertFree { void operator()(X509* c) const { X509_free(c); } };
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

Key newKey() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    check(key != nullptr, "EC key generation");
    return Key(key);
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "certificate extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

struct Subject {
    std::string cn;
    std::string org;
};

// issuer == nullptr: self-signed CA.
Cert makeCert(const Subject& subject, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey, bool isCa, bool isServer,
              long serial) {
    Cert cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    // Backdated an hour so clock skew between test processes never makes a fresh cert "not yet valid".
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!subject.org.empty())
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(subject.org.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(subject.cn.c_str()),
                               -1, -1, 0);
    X509* signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    if (isCa) {
        addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    } else {
        addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        addExtension(cert.get(), signer, NID_ext_key_usage, isServer ? "serverAuth" : "clientAuth");
        if (isServer)
            addExtension(cert.get(), signer, NID_subject_alt_name,
                         "IP:127.0.0.1,DNS:localhost,DNS:kubeclass-double.test");
    }
    check(X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) > 0, "X509_sign");
    return cert;
}

std::string bioText(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
}

std::string certPem(X509* cert) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
    return bioText(bio.get());
}

std::string keyPem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM key");
    return bioText(bio.get());
}

TestPki generate() {
    TestPki pki;
    Key caKey = newKey();
    Cert ca = makeCert({"kubeclass-double-ca", ""}, caKey.get(), nullptr, nullptr, true, false, 1);
    Key serverKey = newKey();
    Cert server = makeCert({"kube-apiserver", ""}, serverKey.get(), ca.get(), caKey.get(), false, true, 2);
    Key clientKey = newKey();
    Cert client = makeCert({"student", "kubeclass:students"}, clientKey.get(), ca.get(), caKey.get(), false, false, 3);
    Key otherCaKey = newKey();
    Cert otherCa = makeCert({"unrelated-ca", ""}, otherCaKey.get(), nullptr, nullptr, true, false, 4);
    Key otherClientKey = newKey();
    Cert otherClient =
        makeCert({"intruder", "kubeclass:students"}, otherClientKey.get(), otherCa.get(), otherCaKey.get(), false, false, 5);
    Key otherServerKey = newKey();
    Cert otherServer = makeCert({"impostor-apiserver", ""}, otherServerKey.get(), otherCa.get(), otherCaKey.get(),
                                false, true, 6);
    pki.caPem = certPem(ca.get());
    pki.serverCertPem = certPem(server.get());
    pki.serverKeyPem = keyPem(serverKey.get());
    pki.clientCertPem = certPem(client.get());
    pki.clientKeyPem = keyPem(clientKey.get());
    pki.otherCaPem = certPem(otherCa.get());
    pki.otherClientCertPem = certPem(otherClient.get());
    pki.otherClientKeyPem = keyPem(otherClientKey.get());
    pki.otherServerCertPem = certPem(otherServer.get());
    pki.otherServerKeyPem = keyPem(otherServerKey.get());
    return pki;
}

}  // namespace

const TestPki& TestPki::shared() {
    static const TestPki pki = generate();  // magic static: generated once, thread-safe
    return pki;
}

std::string base64Encode(const std::string& data) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i < data.size()) {
        unsigned v = static_cast<unsigned char>(data[i]) << 16;
        if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += (i + 1 < data.size()) ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace kc::testing
