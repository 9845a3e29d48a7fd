// GitSubmissionFetcher: SubmissionSource over libgit2. Keeps one bare repository per student under a work
// directory (fetched into incrementally on re-runs) and writes the graded commit's tree, checked first.
#pragma once

#include <memory>
#include <string>

#include "grader/git_credentials.h"
#include "grader/submission_source.h"

namespace kc::grader {

struct GitFetcherConfig {
    // Layout: WORKDIR/repos/<studentId>.git (bare, reused) and WORKDIR/trees/<studentId>/ (recreated each fetch).
    std::string workDir;
    SubmissionLimits limits;
    // Supplies https credentials (token from env, then the git credential helper). nullptr: anonymous only.
    std::shared_ptr<GitCredentialProvider> credentials;
};

class GitSubmissionFetcher final : public SubmissionSource {
public:
    explicit GitSubmissionFetcher(GitFetcherConfig config);
    ~GitSubmissionFetcher() override;
    GitSubmissionFetcher(const GitSubmissionFetcher&) = delete;
    GitSubmissionFetcher& operator=(const GitSubmissionFetcher&) = delete;

    // Safe to call from several threads at once for different students.
    Result<FetchedSubmission> fetch(const RosterEntry& student, const SubmissionWindow& window) override;

private:
    GitFetcherConfig config_;
};

}  // namespace kc::grader
