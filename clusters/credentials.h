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

class Clock;
class ProcessRunner;
struct RestConfig;

// A bearer token read from a file (kubeconfig tokenFile), like client-go: re-read at most once a minute, and
// on the next request after a 401; a failed re-read keeps the last good token. clock: nullptr = system clock.
std::shared_ptr<CredentialSource> tokenFileCredentials(std::string path, std::shared_ptr<Clock> clock = nullptr);

// The source a RestConfig calls for: token, else tokenFile, else exec plugin (client-go sends a static token
// and skips the plugin when both are set), else none. Basic auth (username/password) is refused with a clear
// Invalid error: kubeclass only speaks bearer tokens and client certificates. nullptr runner/clock = the real ones.
Result<std::shared_ptr<CredentialSource>> makeCredentialSource(const RestConfig& config,
                                                               std::shared_ptr<ProcessRunner> runner = nullptr,
                                                               std::shared_ptr<Clock> clock = nullptr);

}  // namespace kc
