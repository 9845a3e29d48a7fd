// Git credentials: a token from the environment, else the user's git credential helper via `git credential fill`.
#include "grader/git_credentials.h"

#include <cstdlib>
#include <map>
#include <mutex>

namespace kc::grader {
namespace {

struct UrlParts {
    std::string protocol;
    std::string host;
    std::string path;
};

std::optional<UrlParts> splitHttpUrl(const std::string& url) {
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) return std::nullopt;
    UrlParts parts;
    parts.protocol = url.substr(0, scheme);
    if (parts.protocol != "https" && parts.protocol != "http") return std::nullopt;
    size_t hostStart = scheme + 3;
    size_t slash = url.find('/', hostStart);
    parts.host = url.substr(hostStart, slash == std::string::npos ? std::string::npos : slash - hostStart);
    if (slash != std::string::npos) parts.path = url.substr(slash + 1);
    // Helper input is line based: a line break in a value would let a URL inject fields.
    for (const std::string* value : {&parts.host, &parts.path})
        if (value->find_first_of("\r\n") != std::string::npos) return std::nullopt;
    if (parts.host.empty()) return std::nullopt;
    return parts;
}

class DefaultGitCredentialProvider final : public GitCredentialProvider {
public:
    explicit DefaultGitCredentialProvider(GitCredentialConfig config) : config_(std::move(config)) {
        if (!config_.runner) config_.runner = posixProcessRunner();
        if (config_.token) secrets_.push_back(*config_.token);
    }

    std::optional<GitUserPass> forUrl(const std::string& url) override {
        if (config_.token && !config_.token->empty()) return GitUserPass{config_.tokenUsername, *config_.token};
        if (!config_.useCredentialHelper) return std::nullopt;
        auto parts = splitHttpUrl(url);
        if (!parts) return std::nullopt;
        std::lock_guard<std::mutex> lock(mutex_);
        std::string key = parts->protocol + "://" + parts->host;
        if (auto it = cache_.find(key); it != cache_.end()) return it->second;
        std::optional<GitUserPass> found = askHelper(*parts);
        cache_[key] = found;
        if (found) secrets_.push_back(found->password);
        return found;
    }

    bool allowSshAgent() const override { return config_.allowSshAgent; }

    std::vector<std::string> knownSecrets() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return secrets_;
    }

private:
    std::optional<GitUserPass> askHelper(const UrlParts& parts) const {
        ProcessSpec spec;
        spec.program = "git";
        spec.args = {"credential", "fill"};
        spec.stdinData = "protocol=" + parts.protocol + "\nhost=" + parts.host + "\npath=" + parts.path + "\n\n";
        // A batch must never stop to ask for a password on a terminal nobody is watching.
        spec.extraEnv = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_ASKPASS", "true"}, {"SSH_ASKPASS", "true"}};
        spec.timeout = std::chrono::milliseconds(30000);
        spec.maxOutputBytes = 64 * 1024;
        auto result = config_.runner->run(spec);
        if (!result || result->exitCode != 0) return std::nullopt;
        GitUserPass found;
        size_t start = 0;
        const std::string& out = result->stdoutText;
        while (start < out.size()) {
            size_t end = out.find('\n', start);
            if (end == std::string::npos) end = out.size();
            std::string line = out.substr(start, end - start);
            if (line.rfind("username=", 0) == 0) found.username = line.substr(9);
            if (line.rfind("password=", 0) == 0) found.password = line.substr(9);
            start = end + 1;
        }
        if (found.password.empty()) return std::nullopt;
        return found;
    }

    GitCredentialConfig config_;
    mutable std::mutex mutex_;
    std::map<std::string, std::optional<GitUserPass>> cache_;
    std::vector<std::string> secrets_;
};

}  // namespace

GitCredentialConfig gitCredentialConfigFromEnvironment() {
    GitCredentialConfig config;
    if (const char* token = std::getenv("KUBECLASS_GIT_TOKEN"); token != nullptr && *token != '\0')
        config.token = token;
    return config;
}

std::shared_ptr<GitCredentialProvider> makeGitCredentialProvider(GitCredentialConfig config) {
    return std::make_shared<DefaultGitCredentialProvider>(std::move(config));
}

}  // namespace kc::grader
