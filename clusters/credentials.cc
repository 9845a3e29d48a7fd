// The simple CredentialSources (none, static token, token file) and the choice of source for a RestConfig.
// Exec plugins live in exec_credential.cc; this file only picks them.
#include "clusters/credentials.h"

#include <cctype>
#include <mutex>

#include "clusters/bounded_file.h"
#include "clusters/clock.h"
#include "clusters/exec_credential.h"
#include "clusters/kubeconfig.h"
#include "clusters/process_runner.h"

namespace kc {
namespace {

constexpr size_t kMaxTokenFileBytes = 64 * 1024;
// client-go's cached file token source re-reads this often; a rotated projected token is picked up in time.
constexpr std::chrono::minutes kTokenFileRereadPeriod{1};

std::string trimmed(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

class NoCredentials final : public CredentialSource {
public:
    Result<Credentials> current() override { return Credentials{}; }
    bool invalidateAfterUnauthorized() override { return false; }
};

class StaticToken final : public CredentialSource {
public:
    explicit StaticToken(std::string token) { credentials_.bearerToken = std::move(token); }
    Result<Credentials> current() override { return credentials_; }
    bool invalidateAfterUnauthorized() override { return false; }  // the same token would fail again

private:
    Credentials credentials_;
};

class TokenFile final : public CredentialSource {
public:
    TokenFile(std::string path, std::shared_ptr<Clock> clock) : path_(std::move(path)), clock_(std::move(clock)) {
        if (!clock_) clock_ = systemClock();
    }

    Result<Credentials> current() override {
        std::lock_guard<std::mutex> lock(mutex_);
        auto now = clock_->monotonicNow();
        if (!token_.empty() && !stale_ && now - readAt_ < kTokenFileRereadPeriod) return credentials();
        auto read = readFileBounded(path_, kMaxTokenFileBytes);
        std::string token = read ? trimmed(*read) : std::string();
        if (token.empty()) {
            // Keep serving the last good token when a rotation leaves the file briefly missing or empty
            // (client-go does the same); the next call tries the file again.
            if (!token_.empty()) return credentials();
            Error error = read ? Error{ErrorKind::Invalid, "token file " + path_ + " is empty"} : read.error();
            if (!read) error.context("reading token file");
            return fail(error);
        }
        token_ = token;
        readAt_ = now;
        stale_ = false;
        return credentials();
    }

    bool invalidateAfterUnauthorized() override {
        std::lock_guard<std::mutex> lock(mutex_);
        stale_ = true;
        return true;
    }

private:
    Credentials credentials() const {
        Credentials c;
        c.bearerToken = token_;
        return c;
    }

    std::string path_;
    std::shared_ptr<Clock> clock_;
    std::mutex mutex_;
    std::string token_;
    std::chrono::steady_clock::time_point readAt_{};
    bool stale_ = false;
};

}  // namespace

std::shared_ptr<CredentialSource> noCredentials() { return std::make_shared<NoCredentials>(); }

std::shared_ptr<CredentialSource> staticToken(std::string token) {
    return std::make_shared<StaticToken>(std::move(token));
}

std::shared_ptr<CredentialSource> tokenFileCredentials(std::string path, std::shared_ptr<Clock> clock) {
    return std::make_shared<TokenFile>(std::move(path), std::move(clock));
}

Result<std::shared_ptr<CredentialSource>> makeCredentialSource(const RestConfig& config,
                                                               std::shared_ptr<ProcessRunner> runner,
                                                               std::shared_ptr<Clock> clock) {
    if (!config.token.empty()) return staticToken(config.token);
    if (!config.tokenFile.empty()) return tokenFileCredentials(config.tokenFile, std::move(clock));
    if (config.exec) {
        if (auto valid = validateExecConfig(*config.exec, "user \"" + config.userName + "\""); !valid) return fail(valid.error());
        return execCredentials(*config.exec, config.execClusterInfo(), std::move(runner), std::move(clock));
    }
    if (!config.username.empty() || !config.password.empty())
        return fail(ErrorKind::Invalid, "user \"" + config.userName + "\" (" + config.sourceFile +
                                            ") uses basic authentication (username/password), which kubeclass "
                                            "does not support; use a token, a client certificate or an exec plugin");
    return noCredentials();
}

}  // namespace kc
