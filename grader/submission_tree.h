// Lays out one git tree of an untrusted submission on disk, after checking all of it against the limits.
// Internal to the git fetcher (it exposes libgit2 types); the fetcher's tests use it through the fetcher.
#pragma once

#include <string>
#include <vector>

#include "clusters/result.h"
#include "grader/submission_source.h"

struct git_repository;
struct git_tree;

namespace kc::grader {

// Checks every entry first (names, depth, path length, file count, blob sizes from object headers, symlink
// targets) and writes nothing when any check fails: the error (Invalid) lists the problems found. destDir must
// not exist. Submodules (gitlinks) are not followed; each is returned as a note for the student.
Result<std::vector<std::string>> writeSubmissionTree(git_repository* repo, const git_tree* root,
                                                     const std::string& destDir, const SubmissionLimits& limits);

}  // namespace kc::grader
