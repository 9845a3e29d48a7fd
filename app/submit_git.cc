// libgit2 plumbing for the Submit page's core.
#include "app/submit_git.h"

#include <filesystem>
#include <system_error>

namespace kc::app::git {

std::string lastErrorText() {
    const git_error* error = git_error_last();
    return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

int lastErrorClass() {
    const git_error* error = git_error_last();
    return error != nullptr ? error->klass : GIT_ERROR_NONE;
}

std::string oidHex(const git_oid& oid) {
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &oid);
    return hex;
}

Result<RepoPtr> openSubmissionRepository(const std::string& repoDir, const std::string& workdir) {
    ensureLibgit2();
    std::error_code ec;
    git_repository* raw = nullptr;
    if (std::filesystem::exists(std::filesystem::path(repoDir) / "HEAD", ec)) {
        if (git_repository_open_bare(&raw, repoDir.c_str()) != 0)
            return fail(ErrorKind::Invalid, "cannot open the submissions repository " + repoDir + ": " +
                                                lastErrorText() + "; move it aside and submit again to start a new one");
    } else {
        std::filesystem::create_directories(repoDir, ec);
        if (ec || git_repository_init(&raw, repoDir.c_str(), 1) != 0)
            return fail(ErrorKind::Invalid, "cannot create the submissions repository " + repoDir + ": " +
                                                (ec ? ec.message() : lastErrorText()) +
                                                "; check that the data folder (Settings) is writable");
    }
    RepoPtr repo(raw);
    if (!workdir.empty() && git_repository_set_workdir(repo.get(), workdir.c_str(), 0) != 0)
        return fail(ErrorKind::Invalid, "cannot read the folder " + workdir + ": " + lastErrorText());
    return repo;
}

}  // namespace kc::app::git
