// Pushing the lab's branch of the local submissions repository to the course remote, and the one way out of a
// rejected push: a new commit of the same files on top of what the remote has. Errors are written for the student
// (what happened, what to do) and never contain a credential. Qt-free; runs on a worker thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/submit_commit.h"
#include "clusters/cancellation.h"
#include "clusters/result.h"
#include "grader/git_credentials.h"

namespace kc::app {

struct PushRequest {
    std::string repoDir;    // the local submissions repository (bare)
    std::string remoteUrl;  // https://, ssh://, git@host:path, file:// or a path
    std::string branch;     // pushed as refs/heads/<branch> to the same name
    std::shared_ptr<grader::GitCredentialProvider> credentials;  // nullptr: anonymous (local remotes)
    std::function<void(const std::string&)> progress;            // "Sending 3 of 10 objects", from the worker
};

// The remote as it may be shown: without any user:password@ part.
std::string displayRemote(const std::string& url);

// Token from $KUBECLASS_GIT_TOKEN, else $GIT_TOKEN; then the git credential helper; ssh-agent for ssh remotes.
grader::GitCredentialConfig submitCredentialConfigFromEnvironment();

// Error kinds: Invalid (no remote set, bad URL), Unauthorized, Conflict (rejected: the remote has commits this
// repository lacks), NotFound (no such repository), Unreachable, Cancelled, Other.
Status pushSubmission(const PushRequest& request, const Cancellation& cancel);

// After a Conflict: fetches the remote's branch and commits the local branch's files again with the remote's tip
// as first parent (and the local tip as second), so the next push is a fast-forward and nothing on the remote is
// lost. Returns the new commit; the caller pushes it.
Result<SubmitCommit> submitOnTopOfRemote(const PushRequest& request, const std::string& labId,
                                         const SubmitAuthor& author, std::chrono::system_clock::time_point at,
                                         const Cancellation& cancel);

}  // namespace kc::app
