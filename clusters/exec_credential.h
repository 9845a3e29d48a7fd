// Exec credential plugins (users[].user.exec in a kubeconfig): run the configured command the way client-go
// does, hand it KUBERNETES_EXEC_INFO, read an ExecCredential from its stdout and cache it until it expires.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clusters/clock.h"
#include "clusters/credentials.h"
#include "clusters/json.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc {

inline constexpr std::string_view kExecApiV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kExecApiV1beta1 = "client.authentication.k8s.io/v1beta1";
// The cluster extension whose value is handed to the plugin as spec.cluster.config.
inline constexpr std::string_view kExecClusterExtension = "client.authentication.k8s.io/exec";

// The exec stanza of a kubeconfig user, with relative command paths already resolved by the loader.
struct ExecConfig {
    std::string apiVersion, command;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
    bool provideClusterInfo = false;
    std::string interactiveMode;  // Never | IfAvailable | Always; v1 requires it, v1beta1 defaults to IfAvailable
    std::string installHint;
};

// What the plugin learns about the cluster when provideClusterInfo is true (spec.cluster of the request).
struct ExecClusterInfo {
    std::string server, caPem, tlsServerName, proxyUrl;
    bool insecureSkipTlsVerify = false;
    bool disableCompression = false;
    std::optional<Json> config;  // the cluster's client.authentication.k8s.io/exec extension
};

struct ExecLimits {
    std::chrono::milliseconds timeout{60000};
    size_t maxOutputBytes = 1024 * 1024;  // stdout and stderr each; a credential is a few KiB
    size_t maxStderrInMessage = 2048;     // how much of stderr an error shows
    // Each stderr line as it arrives (token-looking parts blanked), e.g. to show progress; stderr is captured
    // either way.
    // (A prompt without a trailing newline shows only when the plugin ends the line.)
    std::function<void(std::string_view line)> onStderrLine;
};

// Checks the stanza as client-go's validation does: command and a supported apiVersion, env names,
// a known interactiveMode (required for v1). owner names whose stanza it is in messages: `user "alice"`.
Status validateExecConfig(const ExecConfig& exec, const std::string& owner);

// Whether the plugin runs interactively (stdin passed through): Never → no; IfAvailable → when stdin is a
// terminal; Always → yes, but an error when stdin is not a terminal.
Result<bool> execInteractive(const ExecConfig& exec, bool stdinIsTerminal);

// The ExecCredential handed to the plugin in KUBERNETES_EXEC_INFO; spec.cluster only with provideClusterInfo.
Json execCredentialRequest(const ExecConfig& exec, const ExecClusterInfo& cluster, bool interactive);

// Reads the plugin's stdout. The apiVersion must equal the configured one; status needs a token or a
// certificate and key pair; expirationTimestamp is RFC 3339. Errors never quote the output.
Result<Credentials> parseExecCredential(std::string_view stdoutText, const std::string& expectedApiVersion);

// RFC 3339 timestamp ("2026-11-22T10:00:00Z", fractional seconds and ±hh:mm offsets allowed).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text);

// The CredentialSource for an exec user. isTerminal says whether our stdin is a terminal (default: isatty(0)).
std::shared_ptr<CredentialSource> execCredentials(ExecConfig exec, ExecClusterInfo cluster,
                                                  std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                                                  std::function<bool()> isTerminal = {}, ExecLimits limits = {});

}  // namespace kc
