// libgit2 push and fetch with credentials from the usual places, and errors a student can act on.
#include "app/submit_push.h"

#include <cstdlib>
#include <filesystem>

#include "app/submit_git.h"
#include "clusters/redact.h"

namespace kc::app {
namespace {

constexpr int kMaxCredentialAttempts = 2;

// What libgit2's callbacks share with the pushing thread.
struct TransferState {
    const PushRequest* request = nullptr;
    const Cancellation* cancel = nullptr;
    int credentialAttempts = 0;
    bool credentialsOffered = false;
    std::string rejectedStatus;  // a remote's reason for refusing the ref update
};

int acquireCredential(git_credential** out, const char* url, const char* usernameFromUrl, unsigned int allowed,
                      void* payload) {
    auto* state = static_cast<TransferState*>(payload);
    auto* credentials = state->request->credentials.get();
    // libgit2 asks again after a refusal; the same answer would be refused forever.
    if (credentials == nullptr || ++state->credentialAttempts > kMaxCredentialAttempts) return GIT_PASSTHROUGH;
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
        auto found = credentials->forUrl(displayRemote(url));
        if (!found) return GIT_PASSTHROUGH;
        state->credentialsOffered = true;
        return git_credential_userpass_plaintext_new(out, found->username.c_str(), found->password.c_str());
    }
    const char* user = usernameFromUrl != nullptr ? usernameFromUrl : "git";
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0 && credentials->allowSshAgent()) {
        state->credentialsOffered = true;
        return git_credential_ssh_key_from_agent(out, user);
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME) != 0) return git_credential_username_new(out, user);
    return GIT_PASSTHROUGH;
}

int onPushProgress(unsigned int current, unsigned int total, size_t bytes, void* payload) {
    auto* state = static_cast<TransferState*>(payload);
    if (state->cancel->cancelled()) return -1;
    if (state->request->progress && total > 0)
        state->request->progress("Sending " + std::to_string(current) + " of " + std::to_string(total) +
                                 " objects (" + formatByteSize(bytes) + ")");
    return 0;
}

int onFetchProgress(const git_indexer_progress* stats, void* payload) {
    auto* state = static_cast<TransferState*>(payload);
    if (state->cancel->cancelled()) return -1;
    if (state->request->progress && stats->total_objects > 0)
        state->request->progress("Receiving " + std::to_string(stats->received_objects) + " of " +
                                 std::to_string(stats->total_objects) + " objects");
    return 0;
}

int onPackProgress(int, uint32_t, uint32_t, void* payload) {
    return static_cast<TransferState*>(payload)->cancel->cancelled() ? -1 : 0;
}

int onReferenceUpdate(const char*, const char* status, void* payload) {
    if (status != nullptr) static_cast<TransferState*>(payload)->rejectedStatus = status;
    return 0;
}

git_remote_callbacks callbacksFor(TransferState& state) {
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    callbacks.credentials = acquireCredential;
    callbacks.push_transfer_progress = onPushProgress;
    callbacks.transfer_progress = onFetchProgress;
    callbacks.pack_progress = onPackProgress;
    callbacks.push_update_reference = onReferenceUpdate;
    callbacks.payload = &state;
    return callbacks;
}

bool isSshUrl(const std::string& url) {
    if (url.rfind("ssh://", 0) == 0 || url.rfind("git+ssh://", 0) == 0) return true;
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    return url.find("://") == std::string::npos && colon != std::string::npos &&
           (slash == std::string::npos || colon < slash) && colon > 1;  // user@host:path (not C:\ style)
}

bool isLocalPath(const std::string& url) {
    return url.find("://") == std::string::npos && !isSshUrl(url);
}

class Transfer {
public:
    Transfer(const PushRequest& request, const Cancellation& cancel) : request_(request) {
        state_.request = &request_;
        state_.cancel = &cancel;
    }

    Status checkRemote() const {
        if (request_.remoteUrl.empty())
            return fail(ErrorKind::Invalid,
                        "No course remote is set. Enter the course remote URL (from your instructor) on the Settings "
                        "page, then submit again.");
        if (request_.remoteUrl.find_first_of(" \t\r\n") != std::string::npos)
            return fail(ErrorKind::Invalid, "The course remote URL contains spaces or line breaks; correct it on the "
                                            "Settings page.");
        if (isSshUrl(request_.remoteUrl) && (git_libgit2_features() & GIT_FEATURE_SSH) == 0)
            return fail(ErrorKind::Invalid, "This kubeclass was built with a libgit2 that cannot use ssh. Use the "
                                            "https URL of the course remote (with KUBECLASS_GIT_TOKEN) on the "
                                            "Settings page.");
        // libgit2 calls a missing local path an "unsupported URL protocol"; say what it is.
        if (isLocalPath(request_.remoteUrl) && !std::filesystem::exists(request_.remoteUrl))
            return fail(ErrorKind::NotFound, "The course remote " + request_.remoteUrl +
                                                 " does not exist (it is a local path). Check the URL on the Settings "
                                                 "page.");
        return {};
    }

    Result<git::RemotePtr> connect(git_repository* repo) {
        git_remote* raw = nullptr;
        if (git_remote_create_anonymous(&raw, repo, request_.remoteUrl.c_str()) != 0)
            return fail(ErrorKind::Invalid, "The course remote URL " + remote() + " is not one git understands (" +
                                                git::lastErrorText() + "); correct it on the Settings page.");
        return git::RemotePtr(raw);
    }

    Status push(git_repository* repo) {
        if (auto ok = checkRemote(); !ok) return ok;
        auto remoteHandle = connect(repo);
        if (!remoteHandle) return fail(remoteHandle.error());
        if (request_.progress) request_.progress("Connecting to " + remote());
        const std::string spec = "refs/heads/" + request_.branch + ":refs/heads/" + request_.branch;
        char* specs[] = {const_cast<char*>(spec.c_str())};
        git_strarray refspecs{specs, 1};
        git_push_options options = GIT_PUSH_OPTIONS_INIT;
        options.callbacks = callbacksFor(state_);
        int code = git_remote_push(remoteHandle->get(), &refspecs, &options);
        if (code != 0) return failure(code, "pushing");
        if (!state_.rejectedStatus.empty()) return rejected(state_.rejectedStatus);
        return {};
    }

    // Fetches the remote's branch into refs/remotes/course/<branch>; NotFound when the remote lacks it.
    Result<git_oid> fetchBranch(git_repository* repo) {
        if (auto ok = checkRemote(); !ok) return fail(ok.error());
        auto remoteHandle = connect(repo);
        if (!remoteHandle) return fail(remoteHandle.error());
        if (request_.progress) request_.progress("Fetching " + request_.branch + " from " + remote());
        const std::string tracking = "refs/remotes/course/" + request_.branch;
        const std::string spec = "+refs/heads/" + request_.branch + ":" + tracking;
        char* specs[] = {const_cast<char*>(spec.c_str())};
        git_strarray refspecs{specs, 1};
        git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
        options.callbacks = callbacksFor(state_);
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
        int code = git_remote_fetch(remoteHandle->get(), &refspecs, &options, nullptr);
        if (code != 0) return failure(code, "fetching");
        git_oid tip{};
        if (git_reference_name_to_id(&tip, repo, tracking.c_str()) != 0)
            return fail(ErrorKind::NotFound, "The course remote " + remote() + " has no branch " + request_.branch +
                                                 "; submit again normally.");
        return tip;
    }

private:
    std::string remote() const { return displayRemote(request_.remoteUrl); }

    std::string scrub(std::string text) const {
        std::vector<std::string> secrets;
        if (request_.credentials) secrets = request_.credentials->knownSecrets();
        // A password written into the URL itself is a secret too.
        const std::string& url = request_.remoteUrl;
        if (size_t scheme = url.find("://"); scheme != std::string::npos) {
            size_t at = url.find('@', scheme + 3);
            size_t colon = url.find(':', scheme + 3);
            if (at != std::string::npos && colon != std::string::npos && colon < at)
                secrets.push_back(url.substr(colon + 1, at - colon - 1));
            if (at != std::string::npos) {
                text = redactKnownSecrets(std::move(text), {url.substr(0, at + 1)});
            }
        }
        return redactKnownSecrets(std::move(text), secrets);
    }

    tl::unexpected<Error> said(ErrorKind kind, const std::string& message) const {
        return fail(kind, scrub(message));
    }

    tl::unexpected<Error> rejected(const std::string& status) const {
        if (status.find("fast") != std::string::npos || status.find("fetch first") != std::string::npos)
            return nonFastForward();
        return said(ErrorKind::Forbidden, "The course remote " + remote() + " refused the update of branch " +
                                              request_.branch + ": " + boundedForMessage(status, 300) +
                                              ". Ask your instructor whether the branch is protected.");
    }

    tl::unexpected<Error> nonFastForward() const {
        return said(ErrorKind::Conflict,
                    "Rejected: branch " + request_.branch + " on " + remote() +
                        " has commits this computer does not have (a submission from another computer, or a change "
                        "by your instructor). Nothing was overwritten. Choose \"Submit on top of the remote\" to add "
                        "this folder as a new commit after them.");
    }

    tl::unexpected<Error> failure(int code, const std::string& doing) const {
        const std::string detail = boundedForMessage(git::lastErrorText(), 300);
        const int klass = git::lastErrorClass();
        if (state_.cancel->cancelled() || code == GIT_EUSER)
            return said(ErrorKind::Cancelled, "Cancelled while " + doing + "; nothing on the remote was changed "
                                                                             "unless the push had finished.");
        if (code == GIT_ENONFASTFORWARD) return nonFastForward();
        const bool authWords = detail.find("auth") != std::string::npos ||
                               detail.find("401") != std::string::npos || detail.find("403") != std::string::npos ||
                               detail.find("credentials") != std::string::npos;
        if (code == GIT_EAUTH || ((klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSH) && authWords)) {
            std::string what = "Authentication failed: " + remote() + " did not accept ";
            if (isSshUrl(request_.remoteUrl))
                what += "your ssh key. Add it to the ssh-agent (ssh-add ~/.ssh/id_ed25519) and register the public "
                        "key with the course's git server.";
            else
                what += std::string(state_.credentialsOffered ? "the credentials offered" : "anonymous access") +
                        ". Set KUBECLASS_GIT_TOKEN (or GIT_TOKEN) to a personal access token with write access before "
                        "starting kubeclass, or store one with your git credential helper.";
            return said(ErrorKind::Unauthorized, what);
        }
        if (code == GIT_ENOTFOUND || detail.find("not found") != std::string::npos ||
            detail.find("does not appear to be a git repository") != std::string::npos ||
            detail.find("could not find repository") != std::string::npos)
            return said(ErrorKind::NotFound, "The course remote " + remote() + " was not found (" + detail +
                                                 "). Check the URL on the Settings page.");
        if (code == GIT_ECERTIFICATE || klass == GIT_ERROR_NET || klass == GIT_ERROR_SSL || klass == GIT_ERROR_SSH ||
            klass == GIT_ERROR_HTTP || klass == GIT_ERROR_OS)
            return said(ErrorKind::Unreachable, "Cannot reach the course remote " + remote() + " (" + detail +
                                                    "). Check your network connection and the URL on the Settings "
                                                    "page; your commit is kept and will be pushed next time.");
        return said(ErrorKind::Other, "Git failed while " + doing + " to " + remote() + ": " + detail);
    }

    const PushRequest& request_;
    TransferState state_;
};

}  // namespace

std::string displayRemote(const std::string& url) { return grader::urlWithoutUserinfo(url); }

grader::GitCredentialConfig submitCredentialConfigFromEnvironment() {
    auto config = grader::gitCredentialConfigFromEnvironment();
    if (!config.token)
        if (const char* token = std::getenv("GIT_TOKEN"); token != nullptr && *token != '\0') config.token = token;
    return config;
}

Status pushSubmission(const PushRequest& request, const Cancellation& cancel) {
    auto repo = git::openSubmissionRepository(request.repoDir);
    if (!repo) return fail(repo.error());
    Transfer transfer(request, cancel);
    return transfer.push(repo->get());
}

Result<SubmitCommit> submitOnTopOfRemote(const PushRequest& request, const std::string& labId,
                                         const SubmitAuthor& author, std::chrono::system_clock::time_point at,
                                         const Cancellation& cancel) {
    auto repo = git::openSubmissionRepository(request.repoDir);
    if (!repo) return fail(repo.error());
    Transfer transfer(request, cancel);
    auto remoteTip = transfer.fetchBranch(repo->get());
    if (!remoteTip) return fail(remoteTip.error());
    auto failGit = [](const std::string& doing) { return fail(ErrorKind::Other, doing + ": " + git::lastErrorText()); };

    const std::string ref = "refs/heads/" + request.branch;
    git_oid localTip{};
    if (git_reference_name_to_id(&localTip, repo->get(), ref.c_str()) != 0)
        return fail(ErrorKind::NotFound, "there is no local submission of " + labId + " yet; submit it first");
    git_commit* rawLocal = nullptr;
    git_commit* rawRemote = nullptr;
    if (git_commit_lookup(&rawLocal, repo->get(), &localTip) != 0) return failGit("reading your submission");
    git::CommitPtr local(rawLocal);
    if (git_commit_lookup(&rawRemote, repo->get(), &*remoteTip) != 0) return failGit("reading the remote's branch");
    git::CommitPtr remoteCommit(rawRemote);
    git_tree* rawTree = nullptr;
    if (git_commit_tree(&rawTree, local.get()) != 0) return failGit("reading your submission's files");
    git::TreePtr tree(rawTree);

    SubmitCommit result;
    result.branch = request.branch;
    const std::string email = authorEmail(author);
    std::size_t files = 0;
    git_tree_walk(tree.get(), GIT_TREEWALK_PRE, [](const char*, const git_tree_entry* entry, void* payload) {
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) ++*static_cast<std::size_t*>(payload);
        return 0;
    }, &files);
    result.files = files;
    git_signature* rawSignature = nullptr;
    if (git_signature_new(&rawSignature, author.name.empty() ? "student" : author.name.c_str(), email.c_str(),
                          static_cast<git_time_t>(std::chrono::system_clock::to_time_t(at)), 0) != 0)
        return failGit("making the author from your name and id");
    std::unique_ptr<git_signature, void (*)(git_signature*)> signature(rawSignature, git_signature_free);
    const std::string message = submissionMessage(labId, author, files, at) +
                                "On-top-of: " + git::oidHex(*remoteTip) + "\n";
    const git_commit* parents[2] = {remoteCommit.get(), local.get()};
    git_oid commitId{};
    if (git_commit_create(&commitId, repo->get(), nullptr, signature.get(), signature.get(), "UTF-8",
                          message.c_str(), tree.get(), 2, parents) != 0)
        return failGit("committing on top of the remote");
    git_reference* rawRef = nullptr;
    if (git_reference_create(&rawRef, repo->get(), ref.c_str(), &commitId, 1, "submit on top of the remote") != 0)
        return failGit("moving the branch");
    git_reference_free(rawRef);
    result.sha = git::oidHex(commitId);
    return result;
}

}  // namespace kc::app
