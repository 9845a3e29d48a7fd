// The libgit2 plumbing the Submit page's core shares: one process-wide init, owning pointers, the last error as
// text, and opening (creating) the local submissions repository. Internal to app/submit_*.cc.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "clusters/result.h"
#include "grader/libgit2_support.h"

namespace kc::app::git {

using grader::ensureLibgit2;
template <typename T, void (*Free)(T*)>
using Ptr = grader::GitPtr<T, Free>;

using RepoPtr = Ptr<git_repository, git_repository_free>;
using IndexPtr = Ptr<git_index, git_index_free>;
using CommitPtr = Ptr<git_commit, git_commit_free>;
using TreePtr = Ptr<git_tree, git_tree_free>;
using RemotePtr = Ptr<git_remote, git_remote_free>;
using ReferencePtr = Ptr<git_reference, git_reference_free>;

// libgit2's message for the last failure on this thread, or "unknown libgit2 error".
std::string lastErrorText();
int lastErrorClass();

std::string oidHex(const git_oid& oid);

// Opens the bare repository at repoDir, creating it (and its parents) when missing. A non-empty workdir is set in
// memory only, so .gitignore files there are honoured without writing anything into the student's folder.
Result<RepoPtr> openSubmissionRepository(const std::string& repoDir, const std::string& workdir = {});

}  // namespace kc::app::git
