// GitSubmissionFetcher: fetch into a reused bare repository, pick the graded commit, lay out its tree.
#include "grader/submission_fetcher.h"

#include <git2.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "clusters/redact.h"
#include "grader/libgit2_support.h"
#include "grader/submission_tree.h"

namespace fs = std::filesystem;

namespace kc::grader {
namespace {

using RepoPtr = GitPtr<git_repository, git_repository_free>;
using RemotePtr = GitPtr<git_remote, git_remote_free>;
using RevwalkPtr = GitPtr<git_revwalk, git_revwalk_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;
using TreeEntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;

constexpr int kMaxCredentialAttempts = 2;
constexpr size_t kMaxSummaryBytes = 200;

// What the libgit2 callbacks need; they run on the fetching thread.
struct FetchContext {
    GitCredentialProvider* credentials = nullptr;
    uint64_t maxFetchBytes = 0;
    int credentialAttempts = 0;
    bool overFetchLimit = false;
    bool credentialsOffered = false;
};

int acquireCredential(git_credential** out, const char* url, const char* usernameFromUrl, unsigned int allowed,
                      void* payload) {
    auto* context = static_cast<FetchContext*>(payload);
    // libgit2 asks again after a rejected answer; the same answer would be rejected forever.
    if (context->credentials == nullptr || ++context->credentialAttempts > kMaxCredentialAttempts)
        return GIT_PASSTHROUGH;
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
        auto found = context->credentials->forUrl(url);
        if (!found) return GIT_PASSTHROUGH;
        context->credentialsOffered = true;
        return git_credential_userpass_plaintext_new(out, found->username.c_str(), found->password.c_str());
    }
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0 && context->credentials->allowSshAgent()) {
        context->credentialsOffered = true;
        return git_credential_ssh_key_from_agent(out, usernameFromUrl != nullptr ? usernameFromUrl : "git");
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME) != 0)
        return git_credential_username_new(out, usernameFromUrl != nullptr ? usernameFromUrl : "git");
    return GIT_PASSTHROUGH;
}

int watchTransfer(const git_indexer_progress* stats, void* payload) {
    auto* context = static_cast<FetchContext*>(payload);
    if (stats->received_bytes > context->maxFetchBytes) {
        context->overFetchLimit = true;
        return -1;  // aborts the transfer
    }
    return 0;
}

bool isLocalPath(const std::string& url) {
    if (url.find("://") != std::string::npos) return false;
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    return colon == std::string::npos || (slash != std::string::npos && slash < colon);
}

std::string oidHex(const git_oid* oid) {
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, oid);
    return hex;
}

SubmissionCommit describeCommit(const git_commit* commit) {
    SubmissionCommit described;
    described.sha = oidHex(git_commit_id(commit));
    described.committedAt =
        std::chrono::system_clock::time_point(std::chrono::seconds(git_commit_committer(commit)->when.time));
    const char* summary = git_commit_summary(const_cast<git_commit*>(commit));
    described.summary = summary != nullptr ? std::string(summary).substr(0, kMaxSummaryBytes) : "";
    return described;
}

class StudentFetch {
public:
    StudentFetch(const GitFetcherConfig& config, const RosterEntry& student, const SubmissionWindow& window)
        : config_(config), student_(student), window_(window) {
        context_.credentials = config.credentials.get();
        context_.maxFetchBytes = config.limits.maxFetchBytes;
    }

    Result<FetchedSubmission> run() {
        if (auto status = checkStudentId(); !status) return fail(status.error());
        result_.studentId = student_.studentId;
        fs::path root(config_.workDir);
        repoDir_ = (root / "repos" / (student_.studentId + ".git")).string();
        treeDir_ = (root / "trees" / student_.studentId).string();

        if (auto status = openOrInitRepository(); !status) return fail(status.error());
        if (auto status = fetchBranch(); !status) return fail(status.error());
        if (auto status = chooseCommit(); !status) return fail(status.error());
        if (auto status = layOutTree(); !status) return fail(status.error());
        return std::move(result_);
    }

private:
    tl::unexpected<Error> failWith(ErrorKind kind, const std::string& what) const {
        std::string message = "student " + student_.studentId + " (" + urlWithoutUserinfo(student_.repoUrl) + "): " + what;
        if (config_.credentials) message = redactKnownSecrets(message, config_.credentials->knownSecrets());
        return fail(kind, message);
    }

    // The last libgit2 error, with the kind a batch can act on.
    tl::unexpected<Error> gitFailure(int code, const std::string& doing) const {
        const git_error* error = git_error_last();
        std::string detail = error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
        ErrorKind kind = ErrorKind::Other;
        if (context_.overFetchLimit) {
            return failWith(ErrorKind::Invalid, doing + ": the repository sent more than the limit of " +
                                                    std::to_string(config_.limits.maxFetchBytes) + " bytes");
        }
        if (code == GIT_ENOTFOUND) kind = ErrorKind::NotFound;
        else if (code == GIT_EAUTH || (context_.credentialsOffered && error != nullptr &&
                                       (error->klass == GIT_ERROR_HTTP || error->klass == GIT_ERROR_SSH) &&
                                       detail.find("auth") != std::string::npos))
            kind = ErrorKind::Unauthorized;
        else if (code == GIT_ECERTIFICATE || (error != nullptr && (error->klass == GIT_ERROR_NET ||
                                                                    error->klass == GIT_ERROR_SSL ||
                                                                    error->klass == GIT_ERROR_HTTP ||
                                                                    error->klass == GIT_ERROR_SSH)))
            kind = ErrorKind::Unreachable;
        return failWith(kind, doing + ": " + boundedForMessage(detail, 400));
    }

    Status checkStudentId() const {
        const std::string& id = student_.studentId;
        if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos || id.front() == '.')
            return fail(ErrorKind::Invalid, "student id '" + id.substr(0, 64) + "' cannot name a directory");
        return {};
    }

    Status openOrInitRepository() {
        std::error_code ec;
        if (fs::exists(repoDir_, ec)) {
            git_repository* opened = nullptr;
            if (git_repository_open_bare(&opened, repoDir_.c_str()) == 0) {
                repo_.reset(opened);
                result_.stats.reusedExistingRepo = true;
                return {};
            }
            // A repository broken by an earlier kill is cheaper to refetch than to repair.
            fs::remove_all(repoDir_, ec);
        }
        fs::create_directories(fs::path(repoDir_).parent_path(), ec);
        if (ec) return failWith(ErrorKind::Other, "creating " + repoDir_ + ": " + ec.message());
        git_repository* created = nullptr;
        if (int code = git_repository_init(&created, repoDir_.c_str(), 1); code != 0)
            return gitFailure(code, "creating the local repository " + repoDir_);
        repo_.reset(created);
        return {};
    }

    std::string fetchUrl() const {
        if (!isLocalPath(student_.repoUrl)) return student_.repoUrl;
        std::error_code ec;
        fs::path absolute = fs::absolute(student_.repoUrl, ec);
        return ec ? student_.repoUrl : absolute.lexically_normal().string();
    }

    Status fetchBranch() {
        std::string url = fetchUrl();
        if (isLocalPath(student_.repoUrl) && !fs::exists(url))
            return failWith(ErrorKind::NotFound, "no repository at this path");
        git_remote* rawRemote = nullptr;
        // Anonymous: nothing about the student's remote is written to the local repository's config.
        if (int code = git_remote_create_anonymous(&rawRemote, repo_.get(), url.c_str()); code != 0)
            return gitFailure(code, "preparing the fetch");
        RemotePtr remote(rawRemote);

        git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
        callbacks.credentials = acquireCredential;
        callbacks.transfer_progress = watchTransfer;
        callbacks.payload = &context_;
        if (int code = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr); code != 0)
            return gitFailure(code, "connecting");

        std::string branch = student_.branch;
        if (branch.empty()) {
            git_buf head = GIT_BUF_INIT;
            int code = git_remote_default_branch(&head, remote.get());
            if (code != 0) {
                git_buf_dispose(&head);
                if (code == GIT_ENOTFOUND)
                    return failWith(ErrorKind::NotFound, "the repository has no default branch (is it empty?)");
                return gitFailure(code, "reading the default branch");
            }
            std::string ref(head.ptr, head.size);
            git_buf_dispose(&head);
            constexpr std::string_view kHeads = "refs/heads/";
            branch = ref.rfind(kHeads, 0) == 0 ? ref.substr(kHeads.size()) : ref;
        }
        result_.branch = branch;

        const git_remote_head** heads = nullptr;
        size_t headCount = 0;
        if (int code = git_remote_ls(&heads, &headCount, remote.get()); code != 0)
            return gitFailure(code, "listing the branches");
        std::string wanted = "refs/heads/" + branch;
        bool advertised = false;
        for (size_t i = 0; i < headCount; ++i)
            if (wanted == heads[i]->name) advertised = true;
        if (!advertised) return failWith(ErrorKind::NotFound, "branch '" + branch + "' is not in the repository");

        localRef_ = "refs/remotes/origin/" + branch;
        std::string refspec = "+" + wanted + ":" + localRef_;
        char* refspecs[] = {refspec.data()};
        git_strarray specs{refspecs, 1};
        git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
        options.callbacks = callbacks;
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
        options.update_fetchhead = 0;
        if (int code = git_remote_download(remote.get(), &specs, &options); code != 0)
            return gitFailure(code, "fetching branch '" + branch + "'");
        const git_indexer_progress* stats = git_remote_stats(remote.get());
        result_.stats.receivedObjects = stats->received_objects;
        result_.stats.receivedBytes = stats->received_bytes;
        if (int code = git_remote_update_tips(remote.get(), &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, nullptr);
            code != 0)
            return gitFailure(code, "updating branch '" + branch + "'");
        git_remote_disconnect(remote.get());
        return {};
    }

    Status chooseCommit() {
        git_oid tip{};
        if (int code = git_reference_name_to_id(&tip, repo_.get(), localRef_.c_str()); code != 0)
            return gitFailure(code, "reading the fetched branch");
        git_revwalk* rawWalk = nullptr;
        if (int code = git_revwalk_new(&rawWalk, repo_.get()); code != 0) return gitFailure(code, "walking history");
        RevwalkPtr walk(rawWalk);
        // Children before parents, so among commits with the same time the descendant is met first and wins.
        git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
        if (int code = git_revwalk_push(walk.get(), &tip); code != 0) return gitFailure(code, "walking history");

        std::optional<SubmissionCommit> onTime;
        std::optional<SubmissionCommit> tipCommit;
        size_t walked = 0;
        git_oid oid{};
        while (git_revwalk_next(&oid, walk.get()) == 0) {
            if (++walked > config_.limits.maxCommitsWalked)
                return failWith(ErrorKind::Invalid, "the branch has more than the limit of " +
                                                        std::to_string(config_.limits.maxCommitsWalked) + " commits");
            git_commit* rawCommit = nullptr;
            if (int code = git_commit_lookup(&rawCommit, repo_.get(), &oid); code != 0)
                return gitFailure(code, "reading commit " + oidHex(&oid));
            CommitPtr commit(rawCommit);
            SubmissionCommit described = describeCommit(commit.get());
            if (git_oid_equal(&oid, &tip)) tipCommit = described;
            if (described.committedAt <= window_.policy.deadline) {
                if (!onTime || described.committedAt > onTime->committedAt) onTime = described;
            } else {
                ++result_.late.count;
                if (!result_.late.latest || described.committedAt > result_.late.latest->committedAt)
                    result_.late.latest = described;
            }
        }
        result_.graded = window_.choice == CommitChoice::BranchTip ? tipCommit : onTime;
        if (result_.graded) result_.lateness = assessLateness(result_.graded->committedAt, window_.policy);
        return {};
    }

    Status layOutTree() {
        std::error_code ec;
        fs::remove_all(treeDir_, ec);
        if (ec) return failWith(ErrorKind::Other, "clearing " + treeDir_ + ": " + ec.message());
        if (!result_.graded) return {};  // nothing on time: the batch records the student as missing or late
        fs::create_directories(fs::path(treeDir_).parent_path(), ec);
        if (ec) return failWith(ErrorKind::Other, "creating " + treeDir_ + ": " + ec.message());

        git_oid oid{};
        git_oid_fromstr(&oid, result_.graded->sha.c_str());
        git_commit* rawCommit = nullptr;
        if (int code = git_commit_lookup(&rawCommit, repo_.get(), &oid); code != 0)
            return gitFailure(code, "reading the graded commit");
        CommitPtr commit(rawCommit);
        git_tree* rawTree = nullptr;
        if (int code = git_commit_tree(&rawTree, commit.get()); code != 0)
            return gitFailure(code, "reading the graded commit's files");
        TreePtr tree(rawTree);
        if (!student_.path.empty()) {
            git_tree_entry* rawEntry = nullptr;
            if (git_tree_entry_bypath(&rawEntry, tree.get(), student_.path.c_str()) != 0)
                return failWith(ErrorKind::NotFound, "folder '" + student_.path + "' is not in commit " +
                                                         result_.graded->sha.substr(0, 12));
            TreeEntryPtr entry(rawEntry);
            if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE)
                return failWith(ErrorKind::Invalid, "'" + student_.path + "' in commit " +
                                                        result_.graded->sha.substr(0, 12) + " is not a folder");
            git_tree* rawSubtree = nullptr;
            if (int code = git_tree_lookup(&rawSubtree, repo_.get(), git_tree_entry_id(entry.get())); code != 0)
                return gitFailure(code, "reading folder '" + student_.path + "'");
            tree.reset(rawSubtree);
        }
        auto notes = writeSubmissionTree(repo_.get(), tree.get(), treeDir_, config_.limits);
        if (!notes) {
            fs::remove_all(treeDir_, ec);  // a half-written tree must never be graded
            return failWith(notes.error().kind, notes.error().message);
        }
        result_.notes = std::move(*notes);
        result_.treeDir = treeDir_;
        return {};
    }

    const GitFetcherConfig& config_;
    const RosterEntry& student_;
    const SubmissionWindow& window_;
    FetchContext context_;
    FetchedSubmission result_;
    RepoPtr repo_;
    std::string repoDir_;
    std::string treeDir_;
    std::string localRef_;
};

}  // namespace

GitSubmissionFetcher::GitSubmissionFetcher(GitFetcherConfig config) : config_(std::move(config)) { ensureLibgit2(); }

GitSubmissionFetcher::~GitSubmissionFetcher() = default;

Result<FetchedSubmission> GitSubmissionFetcher::fetch(const RosterEntry& student, const SubmissionWindow& window) {
    return StudentFetch(config_, student, window).run();
}

}  // namespace kc::grader
