// SubmissionSource: where a batch gets each student's submitted files from, at the commit that counts.
// The git implementation is GitSubmissionFetcher (submission_fetcher.h); tests substitute their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clusters/result.h"
#include "grader/late_policy.h"
#include "grader/roster.h"

namespace kc::grader {

// Which commit of the branch is graded.
enum class CommitChoice {
    LastOnTime,  // the last commit at or before the deadline (the default; later commits are only recorded)
    BranchTip,   // the newest commit, late or not; its lateness feeds the penalty rule
};

struct SubmissionWindow {
    LatePolicy policy;
    CommitChoice choice = CommitChoice::LastOnTime;
};

struct SubmissionCommit {
    std::string sha;        // 40 hex digits
    TimePoint committedAt;  // committer time, as the student's git recorded it
    std::string summary;    // first line of the message, at most 200 bytes
};

// Commits on the branch after the deadline: recorded, and graded only with CommitChoice::BranchTip.
struct LateCommits {
    size_t count = 0;
    std::optional<SubmissionCommit> latest;  // the newest late commit, when count > 0
};

struct FetchStats {
    bool reusedExistingRepo = false;  // an earlier fetch's repository was opened and fetched into, not recloned
    size_t receivedObjects = 0;       // objects that came over the wire this time
    size_t receivedBytes = 0;
};

struct FetchedSubmission {
    std::string studentId;
    // The graded commit; nullopt when no commit on the branch is at or before the deadline (with LastOnTime):
    // then treeDir is empty and late tells whether the student committed only after it.
    std::optional<SubmissionCommit> graded;
    Lateness lateness;         // of the graded commit against the policy (on time for LastOnTime)
    LateCommits late;
    std::string treeDir;       // clean directory holding the graded commit's files (the roster path's subfolder)
    std::string branch;        // the branch that was read (the remote default resolved when the roster had none)
    std::vector<std::string> notes;  // things not followed that the student should know (submodules)
    FetchStats stats;
};

// What one student's untrusted repository may hold before it is refused. Checked on the git tree before
// anything is written, except maxFetchBytes which stops the transfer itself.
struct SubmissionLimits {
    uint64_t maxFileBytes = 50ull * 1024 * 1024;    // one blob
    uint64_t maxTotalBytes = 200ull * 1024 * 1024;  // all blobs of the graded tree
    size_t maxFiles = 10000;                        // files and symlinks of the graded tree
    size_t maxPathBytes = 1024;                     // one path, relative to the submission root
    size_t maxDepth = 32;                           // directory nesting
    uint64_t maxFetchBytes = 1024ull * 1024 * 1024; // bytes received in one fetch
    size_t maxCommitsWalked = 100000;               // history read to find the graded commit
};

class SubmissionSource {
public:
    virtual ~SubmissionSource() = default;
    // Fetches (or refreshes) the student's repository and lays out the graded commit's files. An error is about
    // this student only (the batch goes on): Invalid for hostile or over-limit content and bad refs, NotFound
    // for a missing repository/branch/path, Unauthorized, Unreachable or Timeout for transport problems.
    // Error messages never contain credentials.
    virtual Result<FetchedSubmission> fetch(const RosterEntry& student, const SubmissionWindow& window) = 0;
};

}  // namespace kc::grader
