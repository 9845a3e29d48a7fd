// The walk of the student's folder: git's ignore rules through libgit2, our limits and the symlink rule.
#include "app/submit_plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "app/submit_git.h"

namespace fs = std::filesystem;

namespace kc::app {
namespace {

// Whether `target` (as written in the link at linkPath) names something inside root, following every link on the
// way. A link that dangles is judged by where it points.
bool symlinkStaysInside(const fs::path& root, const fs::path& linkPath, const std::string& target) {
    fs::path targetPath(target);
    if (targetPath.is_absolute()) return false;
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(linkPath.parent_path() / targetPath, ec);
    if (ec) return false;
    auto rel = resolved.lexically_relative(root);
    if (rel.empty()) return false;
    auto first = rel.begin();
    return first != rel.end() && *first != "..";
}

class FolderWalk {
public:
    FolderWalk(git_repository* repo, fs::path root, const SubmitLimits& limits, SubmitPlan& plan)
        : repo_(repo), root_(std::move(root)), limits_(limits), plan_(plan) {}

    void walk(const fs::path& dir, const std::string& relDir, std::size_t depth) {
        if (depth > limits_.maxDepth) {
            problem(relDir, "folders nest deeper than " + std::to_string(limits_.maxDepth) + " levels");
            return;
        }
        std::error_code ec;
        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            problem(relDir.empty() ? "." : relDir, "cannot be read: " + ec.message());
            return;
        }
        std::vector<fs::directory_entry> entries;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) break;
            entries.push_back(*it);
        }
        std::sort(entries.begin(), entries.end(),
                  [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
        for (const auto& entry : entries) visit(entry, relDir, depth);
    }

private:
    void visit(const fs::directory_entry& entry, const std::string& relDir, std::size_t depth) {
        const std::string name = entry.path().filename().string();
        if (name == ".git") return;  // the student's own repository, if any: its history stays theirs
        const std::string rel = relDir.empty() ? name : relDir + "/" + name;
        if (rel.size() > limits_.maxPathBytes) {
            problem(rel.substr(0, 120) + "…", "the path is longer than " + std::to_string(limits_.maxPathBytes) +
                                                   " bytes; shorten it or add it to .gitignore");
            return;
        }
        std::error_code ec;
        fs::file_status status = entry.symlink_status(ec);
        if (ec) {
            problem(rel, "cannot be read: " + ec.message());
            return;
        }
        const bool isDir = fs::is_directory(status);
        if (ignored(isDir ? rel + "/" : rel)) {
            ++plan_.ignoredEntries;
            return;
        }
        if (isDir) {
            walk(entry.path(), rel, depth + 1);
            return;
        }
        if (fs::is_symlink(status)) {
            std::string target = fs::read_symlink(entry.path(), ec).string();
            if (ec) {
                problem(rel, "the link cannot be read: " + ec.message());
                return;
            }
            if (!symlinkStaysInside(root_, entry.path(), target)) {
                problem(rel, "is a symbolic link to " + target +
                                 ", outside the folder; copy what it points to into the folder, or add the link to "
                                 ".gitignore");
                return;
            }
            add(SubmitFile{rel, target.size(), false, true, target});
            return;
        }
        if (!fs::is_regular_file(status)) {
            problem(rel, "is not a regular file (a socket, pipe or device); remove it or add it to .gitignore");
            return;
        }
        std::uint64_t bytes = fs::file_size(entry.path(), ec);
        if (ec) {
            problem(rel, "cannot be read: " + ec.message());
            return;
        }
        if (bytes > limits_.maxFileBytes) {
            problem(rel, formatByteSize(bytes) + " is over the limit of " + formatByteSize(limits_.maxFileBytes) +
                             " per file; leave build outputs, data sets and images out with .gitignore");
            return;
        }
        const bool executable = (static_cast<unsigned>(status.permissions()) & S_IXUSR) != 0;
        add(SubmitFile{rel, bytes, executable, false, {}});
    }

    bool ignored(const std::string& rel) {
        int isIgnored = 0;
        if (git_ignore_path_is_ignored(&isIgnored, repo_, rel.c_str()) != 0) return false;
        return isIgnored != 0;
    }

    void add(SubmitFile file) {
        if (plan_.files.size() == limits_.maxFiles) {
            problem(file.path, "more than " + std::to_string(limits_.maxFiles) +
                                   " files; leave generated files out with .gitignore");
        }
        plan_.totalBytes += file.bytes;
        plan_.files.push_back(std::move(file));
    }

    void problem(const std::string& path, const std::string& reason) {
        if (plan_.problems.size() < 100) plan_.problems.push_back(SubmitProblem{path, reason});
    }

    git_repository* repo_;
    fs::path root_;
    const SubmitLimits& limits_;
    SubmitPlan& plan_;
};

}  // namespace

Result<SubmitPlan> planSubmission(const std::string& repoDir, const std::string& folder, const SubmitLimits& limits) {
    std::error_code ec;
    if (folder.empty()) return fail(ErrorKind::Invalid, "choose the folder that holds your lab work");
    fs::path root = fs::canonical(folder, ec);
    if (ec || !fs::is_directory(root, ec))
        return fail(ErrorKind::NotFound, "the folder " + folder + " does not exist or is not a folder");
    auto repo = git::openSubmissionRepository(repoDir, root.string());
    if (!repo) return fail(repo.error());
    SubmitPlan plan;
    plan.folder = root.string();
    FolderWalk(repo->get(), root, limits, plan).walk(root, "", 0);
    if (plan.totalBytes > limits.maxTotalBytes)
        plan.problems.push_back(SubmitProblem{".", "the files add up to " + formatByteSize(plan.totalBytes) +
                                                       ", over the limit of " + formatByteSize(limits.maxTotalBytes) +
                                                       "; leave large files out with .gitignore"});
    if (plan.files.empty() && plan.problems.empty())
        plan.problems.push_back(SubmitProblem{".", "there are no files to submit (all are ignored, or the folder "
                                                   "is empty)"});
    return plan;
}

std::string formatByteSize(std::uint64_t bytes) {
    char text[32];
    if (bytes < 1024) std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024ull * 1024) std::snprintf(text, sizeof text, "%.1f KB", static_cast<double>(bytes) / 1024);
    else if (bytes < 1024ull * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024));
    else std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return text;
}

}  // namespace kc::app
