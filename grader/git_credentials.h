// Credentials for fetching student repositories over https and ssh, kept out of every message.
// A token from the environment wins; otherwise `git credential fill` (the user's configured helper) is asked.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/process_runner.h"

namespace kc::grader {

struct GitUserPass {
    std::string username;
    std::string password;  // a token for forges
};

class GitCredentialProvider {
public:
    virtual ~GitCredentialProvider() = default;
    // Credentials for an https URL (no userinfo in it), or nullopt when none are known.
    virtual std::optional<GitUserPass> forUrl(const std::string& url) = 0;
    // Whether ssh URLs may use the ssh-agent (libgit2 supports it when built with ssh).
    virtual bool allowSshAgent() const = 0;
    // Every secret handed out so far, for scrubbing messages before they leave the fetcher.
    virtual std::vector<std::string> knownSecrets() const = 0;
};

struct GitCredentialConfig {
    std::optional<std::string> token;          // e.g. from $KUBECLASS_GIT_TOKEN
    std::string tokenUsername = "x-access-token";  // what GitHub and Gitea accept beside a token
    bool useCredentialHelper = true;           // run `git credential fill` when no token is set
    bool allowSshAgent = true;
    std::shared_ptr<ProcessRunner> runner;     // for the helper; nullptr: posixProcessRunner()
};

// Reads KUBECLASS_GIT_TOKEN (when set and non-empty) into config.token.
GitCredentialConfig gitCredentialConfigFromEnvironment();

std::shared_ptr<GitCredentialProvider> makeGitCredentialProvider(GitCredentialConfig config);

}  // namespace kc::grader
