// Exec credential plugins as client-go runs them: validation, the interactive decision, the request in
// KUBERNETES_EXEC_INFO, parsing the answer, and a cache that lives until expiry or a 401.
#include "clusters/exec_credential.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>

#include "clusters/base64.h"
#include "clusters/redact.h"

namespace kc {
namespace {

bool supportedExecApi(const std::string& apiVersion) {
    return apiVersion == kExecApiV1 || apiVersion == kExecApiV1beta1;
}

int digits(std::string_view s, size_t pos, size_t count) {
    if (pos + count > s.size()) return -1;
    int v = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// Tokens, keys and certificates the plugin printed, so an error can scrub them even from stderr.
std::vector<std::string> secretsInOutput(const std::string& stdoutText) {
    std::vector<std::string> secrets;
    Json parsed = Json::parse(stdoutText, nullptr, false);
    if (parsed.is_object() && parsed.contains("status") && parsed["status"].is_object())
        for (const auto& [key, value] : parsed["status"].items())
            if (value.is_string()) secrets.push_back(value.get<std::string>());
    return secrets;
}

class ExecCredentialSource final : public CredentialSource {
public:
    ExecCredentialSource(ExecConfig exec, ExecClusterInfo cluster, std::shared_ptr<ProcessRunner> runner,
                         std::shared_ptr<Clock> clock, std::function<bool()> isTerminal, ExecLimits limits)
        : exec_(std::move(exec)), cluster_(std::move(cluster)), runner_(std::move(runner)), clock_(std::move(clock)),
          isTerminal_(std::move(isTerminal)), limits_(limits) {
        if (!isTerminal_) isTerminal_ = [] { return ::isatty(STDIN_FILENO) == 1; };
        if (!clock_) clock_ = systemClock();
        if (!runner_) runner_ = posixProcessRunner();
    }

    Result<Credentials> current() override {
        // One plugin run at a time: concurrent requests wait for the same fresh credential.
        std::lock_guard<std::mutex> lock(mutex_);
        if (cached_ && (!cached_->expiry || clock_->now() < *cached_->expiry)) return *cached_;
        cached_.reset();
        auto fresh = runPlugin();
        if (!fresh) return fail(fresh.error());
        cached_ = *fresh;
        return *cached_;
    }

    bool invalidateAfterUnauthorized() override {
        std::lock_guard<std::mutex> lock(mutex_);
        cached_.reset();
        return true;
    }

private:
    std::string hintSuffix() const {
        return exec_.installHint.empty() ? std::string() : "\n\n" + exec_.installHint;
    }

    Result<Credentials> runPlugin() {
        if (auto valid = validateExecConfig(exec_, "exec plugin " + exec_.command); !valid) return fail(valid.error());
        auto interactive = execInteractive(exec_, isTerminal_());
        if (!interactive) return fail(interactive.error());

        ProcessSpec spec;
        spec.program = exec_.command;
        spec.args = exec_.args;
        spec.extraEnv = exec_.env;
        spec.extraEnv.emplace_back("KUBERNETES_EXEC_INFO", execCredentialRequest(exec_, cluster_, *interactive).dump());
        spec.inheritStdin = *interactive;
        spec.timeout = limits_.timeout;
        spec.maxOutputBytes = limits_.maxOutputBytes;
        if (limits_.onStderrLine) {
            // Shown live, so scrubbed line by line like the stderr an error quotes.
            spec.onStderrLine = [hook = limits_.onStderrLine](std::string_view line) {
                hook(redactTokenLike(boundedForMessage(line, 1024)));
            };
        }

        auto ran = runner_->run(spec);
        if (!ran) {
            Error error = ran.error();
            if (error.kind == ErrorKind::NotFound)
                return fail(ErrorKind::NotFound, "exec plugin: executable " + exec_.command + " not found" + hintSuffix());
            // The runner's own messages name the program and the limit, never the output.
            error.message = "exec plugin: " + error.message + hintSuffix();
            return fail(error);
        }
        if (ran->exitCode != 0) {
            std::string stderrText = redactKnownSecrets(
                redactTokenLike(boundedForMessage(ran->stderrText, limits_.maxStderrInMessage)),
                secretsInOutput(ran->stdoutText));
            std::string message = "exec plugin: executable " + exec_.command + " failed with exit code " +
                                  std::to_string(ran->exitCode);
            if (!stderrText.empty()) message += "; its stderr:\n" + stderrText;
            return fail(ErrorKind::Other, message + hintSuffix());
        }
        auto parsed = parseExecCredential(ran->stdoutText, exec_.apiVersion);
        if (!parsed) {
            Error error = parsed.error();
            error.message = "exec plugin " + exec_.command + ": " + error.message;
            return fail(error);
        }
        return parsed;
    }

    ExecConfig exec_;
    ExecClusterInfo cluster_;
    std::shared_ptr<ProcessRunner> runner_;
    std::shared_ptr<Clock> clock_;
    std::function<bool()> isTerminal_;
    ExecLimits limits_;
    std::mutex mutex_;
    std::optional<Credentials> cached_;
};

}  // namespace

Status validateExecConfig(const ExecConfig& exec, const std::string& owner) {
    const std::string& who = owner;
    if (exec.command.empty())
        return fail(ErrorKind::Invalid, "command must be specified for " + who + " to use an exec authentication plugin");
    if (exec.apiVersion.empty())
        return fail(ErrorKind::Invalid, "apiVersion must be specified for " + who + " to use an exec authentication plugin");
    if (!supportedExecApi(exec.apiVersion))
        return fail(ErrorKind::Invalid, "exec plugin of " + who + ": apiVersion \"" + exec.apiVersion +
                                            "\" is not supported (use " + std::string(kExecApiV1) + " or " +
                                            std::string(kExecApiV1beta1) + ")");
    for (const auto& [name, value] : exec.env)
        if (name.empty())
            return fail(ErrorKind::Invalid, "env variable name must be specified for " + who +
                                                " to use an exec authentication plugin");
    if (exec.interactiveMode.empty())
        return fail(ErrorKind::Invalid, "interactiveMode must be specified for " + who +
                                            " to use an exec authentication plugin");
    if (exec.interactiveMode != "Never" && exec.interactiveMode != "IfAvailable" && exec.interactiveMode != "Always")
        return fail(ErrorKind::Invalid, "invalid interactiveMode for " + who + ": \"" + exec.interactiveMode +
                                            "\" (use Never, IfAvailable or Always)");
    return {};
}

Result<bool> execInteractive(const ExecConfig& exec, bool stdinIsTerminal) {
    if (exec.interactiveMode == "Never") return false;
    if (exec.interactiveMode == "IfAvailable") return stdinIsTerminal;
    if (exec.interactiveMode == "Always") {
        if (!stdinIsTerminal)
            return fail(ErrorKind::Invalid, "exec plugin " + exec.command +
                                                " needs an interactive terminal (interactiveMode: Always), but "
                                                "standard input is not a terminal");
        return true;
    }
    return fail(ErrorKind::Invalid, "unknown interactiveMode \"" + exec.interactiveMode + "\"");
}

Json execCredentialRequest(const ExecConfig& exec, const ExecClusterInfo& cluster, bool interactive) {
    Json spec = Json::object();
    spec["interactive"] = interactive;
    if (exec.provideClusterInfo) {
        Json c = Json::object();
        c["server"] = cluster.server;
        if (!cluster.tlsServerName.empty()) c["tls-server-name"] = cluster.tlsServerName;
        if (cluster.insecureSkipTlsVerify) c["insecure-skip-tls-verify"] = true;
        if (!cluster.caPem.empty()) c["certificate-authority-data"] = base64Encode(cluster.caPem);
        if (!cluster.proxyUrl.empty()) c["proxy-url"] = cluster.proxyUrl;
        if (cluster.disableCompression) c["disable-compression"] = true;
        if (cluster.config && !cluster.config->is_null()) c["config"] = *cluster.config;
        spec["cluster"] = c;
    }
    Json request = Json::object();
    request["apiVersion"] = exec.apiVersion;
    request["kind"] = "ExecCredential";
    request["spec"] = spec;
    return request;
}

Result<Credentials> parseExecCredential(std::string_view stdoutText, const std::string& expectedApiVersion) {
    Json parsed;
    try {
        parsed = Json::parse(stdoutText);
    } catch (const Json::parse_error& e) {
        // e.what() can quote the text it choked on, which may be a token: report only the position.
        return fail(ErrorKind::Invalid, "output is not a JSON ExecCredential (parse error at byte " +
                                            std::to_string(e.byte) + ")");
    }
    if (!parsed.is_object()) return fail(ErrorKind::Invalid, "output is not a JSON object");
    std::string apiVersion = parsed.contains("apiVersion") && parsed["apiVersion"].is_string()
                                 ? parsed["apiVersion"].get<std::string>() : std::string();
    if (apiVersion != expectedApiVersion)
        return fail(ErrorKind::Invalid, "exec plugin is configured to use API version " + expectedApiVersion +
                                            ", plugin returned version \"" + redactTokenLike(boundedForMessage(apiVersion, 100)) + "\"");
    if (parsed.contains("kind") && parsed["kind"] != "ExecCredential")
        return fail(ErrorKind::Invalid, "exec plugin returned kind other than ExecCredential");
    if (!parsed.contains("status") || !parsed["status"].is_object())
        return fail(ErrorKind::Invalid, "exec plugin didn't return a status field");
    const Json& status = parsed["status"];
    auto field = [&](const char* name) -> Result<std::string> {
        if (!status.contains(name) || status[name].is_null()) return std::string();
        if (!status[name].is_string())
            return fail(ErrorKind::Invalid, std::string("exec plugin returned status.") + name + " that is not a string");
        return status[name].get<std::string>();
    };
    auto token = field("token");
    auto cert = field("clientCertificateData");
    auto key = field("clientKeyData");
    auto expiry = field("expirationTimestamp");
    for (auto* r : {&token, &cert, &key, &expiry})
        if (!*r) return fail(r->error());
    if (token->empty() && cert->empty() && key->empty())
        return fail(ErrorKind::Invalid, "exec plugin didn't return a token or cert/key pair");
    if (cert->empty() != key->empty())
        return fail(ErrorKind::Invalid, "exec plugin returned only certificate or key, not both");
    if (!cert->empty() && (cert->find("-----BEGIN") == std::string::npos || key->find("-----BEGIN") == std::string::npos))
        return fail(ErrorKind::Invalid, "exec plugin returned a client certificate or key that is not PEM");
    Credentials credentials;
    credentials.bearerToken = *token;
    credentials.clientCertPem = *cert;
    credentials.clientKeyPem = *key;
    if (!expiry->empty()) {
        auto when = parseRfc3339(*expiry);
        if (!when)
            return fail(ErrorKind::Invalid, "exec plugin returned a status.expirationTimestamp that is not an RFC 3339 time");
        credentials.expiry = *when;
    }
    return credentials;
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
    int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
    if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    if (month > 12 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    using namespace std::chrono;
    year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                        std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    size_t pos = 19;
    nanoseconds fraction{0};
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        long long scale = 100000000;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            fraction += nanoseconds((s[pos] - '0') * scale);
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    if (pos >= s.size()) return std::nullopt;
    minutes offset{0};
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (oh < 0 || om < 0 || s[pos + 3] != ':' || oh > 23 || om > 59) return std::nullopt;
        offset = hours(oh) + minutes(om);
        if (s[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    auto local = sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
    return time_point_cast<system_clock::duration>(local - offset + fraction);
}

std::shared_ptr<CredentialSource> execCredentials(ExecConfig exec, ExecClusterInfo cluster,
                                                  std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                                                  std::function<bool()> isTerminal, ExecLimits limits) {
    return std::make_shared<ExecCredentialSource>(std::move(exec), std::move(cluster), std::move(runner),
                                                  std::move(clock), std::move(isTerminal), limits);
}

}  // namespace kc
