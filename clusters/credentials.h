// CredentialSource: where the bearer token (or exec-issued client certificate) for a request comes from.
// The client asks before each request and, after a 401, asks once for fresh credentials and retries.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "clusters/result.h"

namespace kc {

struct Credentials {
    std::string bearerToken;    // empty: none
    std::string clientCertPem;  // from an exec plugin; empty: use the kubeconfig's (in TransportConfig)
    std::string clientKeyPem;
    std::optional<std::chrono::system_clock::time_point> expiry;
};

class CredentialSource {
public:
    virtual ~CredentialSource() = default;
    // Credentials for the next request (cached where the source allows).
    virtual Result<Credentials> current() = 0;
    // Called after a 401: drop whatever is cached. Returns true when fresh credentials may differ, so one
    // retry is worthwhile (exec plugins, token files); false for fixed credentials.
    virtual bool invalidateAfterUnauthorized() = 0;
};

// No credentials beyond the TLS client certificate (or anonymous).
std::shared_ptr<CredentialSource> noCredentials();
// A fixed bearer token from the kubeconfig.
std::shared_ptr<CredentialSource> staticToken(std::string token);

}  // namespace kc
