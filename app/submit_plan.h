// What a submission will hold: the files of the student's folder that git would track (.gitignore honoured, .git
// left out), with sizes, and every reason the folder cannot be submitted as it is. The Submit page shows this
// before pushing, and the commit is built from the same walk so what was shown is what is sent. Qt-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clusters/result.h"

namespace kc::app {

// Kept under the grader's own SubmissionLimits (grader/submission_source.h) so a pushed submission can be graded.
struct SubmitLimits {
    std::uint64_t maxFileBytes = 10ull * 1024 * 1024;
    std::uint64_t maxTotalBytes = 100ull * 1024 * 1024;
    std::size_t maxFiles = 2000;
    std::size_t maxDepth = 32;
    std::size_t maxPathBytes = 1024;
};

struct SubmitFile {
    std::string path;  // relative to the folder, '/'-separated
    std::uint64_t bytes = 0;
    bool executable = false;
    bool symlink = false;
    std::string linkTarget;  // for a symlink: the target as written in the link
};

// A file that blocks the submission, and what to do about it.
struct SubmitProblem {
    std::string path;
    std::string reason;
};

struct SubmitPlan {
    std::string folder;  // absolute
    std::vector<SubmitFile> files;  // sorted by path
    std::uint64_t totalBytes = 0;
    std::size_t ignoredEntries = 0;  // files and folders left out by .gitignore
    std::vector<SubmitProblem> problems;

    bool submittable() const { return problems.empty() && !files.empty(); }
};

// Walks `folder` using the ignore rules of git (its .gitignore files, the user's global excludes), with the
// submissions repository at repoDir (created when missing) as the repository the rules are read through. An error
// only when the folder cannot be read at all; refusals (a file over the limit, a symlink leaving the folder, a
// device or socket, too many files) are problems in the plan.
Result<SubmitPlan> planSubmission(const std::string& repoDir, const std::string& folder,
                                  const SubmitLimits& limits = {});

// "12 files, 34.5 KB" for the page.
std::string formatByteSize(std::uint64_t bytes);

}  // namespace kc::app
