// Test-only PKI for the API test double: a CA, server and client certificates, and an unrelated CA.
// Generated at runtime with the OpenSSL API (EC P-256, fast), once per process, never written to the repository.
#pragma once

#include <string>

namespace kc::testing {

struct TestPki {
    std::string caPem, serverCertPem, serverKeyPem;  // server cert: SAN IP:127.0.0.1, DNS:localhost, DNS:kubeclass-double.test
    std::string clientCertPem, clientKeyPem;         // CN=student, O=kubeclass:students, signed by caPem
    std::string otherCaPem, otherClientCertPem, otherClientKeyPem;  // an unrelated CA and a client cert it signed
    std::string otherServerCertPem, otherServerKeyPem;  // a server cert for 127.0.0.1 signed by otherCa

    // Generated on first use; thread-safe.
    static const TestPki& shared();
};

// Base64 (standard alphabet, padded), for kubeconfig *-data fields.
std::string base64Encode(const std::string& data);

}  // namespace kc::testing
