// Writing an untrusted git tree: plan and check everything from the object database, then write.
#include "grader/submission_tree.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

namespace kc::grader {
namespace {

constexpr size_t kMaxReportedProblems = 20;

enum class EntryKind { Directory, File, Executable, Symlink };

struct PlannedEntry {
    std::string path;
    EntryKind kind = EntryKind::File;
    git_oid oid{};
    std::string linkTarget;
};

std::string shortId(const git_oid* oid) {
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, oid);
    return std::string(hex).substr(0, 12);
}

// Shows a name from the repository without letting control characters into a message.
std::string shown(std::string_view path) {
    std::string out;
    for (char c : path.substr(0, 200)) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (path.size() > 200) out += "...";
    return "'" + out + "'";
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

class TreePlanner {
public:
    TreePlanner(git_repository* repo, git_odb* odb, const SubmissionLimits& limits)
        : repo_(repo), odb_(odb), limits_(limits) {}

    // Returns false when planning stopped early (too many files): nothing after that point was looked at.
    bool walk(const git_tree* tree, const std::string& prefix, size_t depth) {
        size_t count = git_tree_entrycount(tree);
        for (size_t i = 0; i < count; ++i) {
            const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
            std::string name = git_tree_entry_name(entry);
            std::string path = prefix.empty() ? name : prefix + "/" + name;
            // Crafted trees can hold names git itself would never write; any of these would escape or confuse.
            if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
                problem("path " + shown(path) + " is refused: a name that leaves its folder or is empty");
                continue;
            }
            if (equalsIgnoringCase(name, ".git")) {
                problem("path " + shown(path) + " is refused: a .git entry inside a commit");
                continue;
            }
            if (path.size() > limits_.maxPathBytes) {
                problem("path " + shown(path) + " is longer than the limit of " +
                        std::to_string(limits_.maxPathBytes) + " bytes");
                continue;
            }
            const git_oid* oid = git_tree_entry_id(entry);
            switch (git_tree_entry_filemode(entry)) {
                case GIT_FILEMODE_TREE: {
                    if (depth + 1 > limits_.maxDepth) {
                        problem("folder " + shown(path) + " is nested deeper than the limit of " +
                                std::to_string(limits_.maxDepth) + " levels");
                        continue;
                    }
                    git_tree* subtree = nullptr;
                    if (git_tree_lookup(&subtree, repo_, oid) != 0) {
                        problem("folder " + shown(path) + " cannot be read from the repository");
                        continue;
                    }
                    entries_.push_back({path, EntryKind::Directory, *oid, {}});
                    bool more = walk(subtree, path, depth + 1);
                    git_tree_free(subtree);
                    if (!more) return false;
                    break;
                }
                case GIT_FILEMODE_BLOB:
                case GIT_FILEMODE_BLOB_EXECUTABLE:
                case GIT_FILEMODE_LINK: {
                    if (++files_ > limits_.maxFiles) {
                        problem("the submission has more than the limit of " + std::to_string(limits_.maxFiles) +
                                " files");
                        return false;
                    }
                    size_t size = 0;
                    git_object_t type = GIT_OBJECT_INVALID;
                    // The header gives the size without inflating the blob, so a huge one costs nothing here.
                    if (git_odb_read_header(&size, &type, odb_, oid) != 0 || type != GIT_OBJECT_BLOB) {
                        problem("file " + shown(path) + " cannot be read from the repository");
                        continue;
                    }
                    if (size > limits_.maxFileBytes) {
                        problem("file " + shown(path) + " is " + std::to_string(size) +
                                " bytes, more than the limit of " + std::to_string(limits_.maxFileBytes));
                        continue;
                    }
                    totalBytes_ += size;
                    if (totalBytes_ > limits_.maxTotalBytes && !reportedTotal_) {
                        reportedTotal_ = true;
                        problem("the submission's files add up to more than the limit of " +
                                std::to_string(limits_.maxTotalBytes) + " bytes");
                    }
                    PlannedEntry planned{path, EntryKind::File, *oid, {}};
                    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE)
                        planned.kind = EntryKind::Executable;
                    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
                        planned.kind = EntryKind::Symlink;
                        if (size > limits_.maxPathBytes) {
                            problem("symlink " + shown(path) + " has a target longer than the limit of " +
                                    std::to_string(limits_.maxPathBytes) + " bytes");
                            continue;
                        }
                        git_blob* blob = nullptr;
                        if (git_blob_lookup(&blob, repo_, oid) != 0) {
                            problem("symlink " + shown(path) + " cannot be read from the repository");
                            continue;
                        }
                        planned.linkTarget.assign(static_cast<const char*>(git_blob_rawcontent(blob)),
                                                  static_cast<size_t>(git_blob_rawsize(blob)));
                        git_blob_free(blob);
                        symlinkPaths_.insert(path);
                    }
                    entries_.push_back(std::move(planned));
                    break;
                }
                case GIT_FILEMODE_COMMIT:
                    notes_.push_back("submodule at " + shown(path) + " (commit " + shortId(oid) +
                                     ") was not fetched: only files committed in this repository are graded");
                    break;
                default:
                    problem("entry " + shown(path) + " has an unsupported file mode");
                    break;
            }
        }
        return true;
    }

    // Symlinks may point anywhere inside the submission, never out of it. Targets are resolved by name, and a
    // target that walks through another symlink is refused, since the name alone no longer says where it lands.
    void checkSymlinks() {
        for (const auto& entry : entries_) {
            if (entry.kind != EntryKind::Symlink) continue;
            const std::string& target = entry.linkTarget;
            std::string prefix = "symlink " + shown(entry.path) + " -> " + shown(target);
            if (target.empty() || target.find('\0') != std::string::npos) {
                problem(prefix + " is refused: an empty or binary target");
                continue;
            }
            if (target.front() == '/') {
                problem(prefix + " is refused: it points outside the submission (an absolute path)");
                continue;
            }
            std::vector<std::string> parts;
            size_t slash = entry.path.rfind('/');
            std::string dir = slash == std::string::npos ? "" : entry.path.substr(0, slash);
            for (size_t start = 0; start < dir.size();) {
                size_t end = dir.find('/', start);
                if (end == std::string::npos) end = dir.size();
                parts.push_back(dir.substr(start, end - start));
                start = end + 1;
            }
            std::string failure;
            std::vector<std::string> targetParts;
            for (size_t start = 0; start <= target.size();) {
                size_t end = target.find('/', start);
                if (end == std::string::npos) end = target.size();
                targetParts.push_back(target.substr(start, end - start));
                start = end + 1;
            }
            for (size_t i = 0; i < targetParts.size() && failure.empty(); ++i) {
                const std::string& part = targetParts[i];
                if (part.empty() || part == ".") continue;
                if (part == "..") {
                    if (parts.empty()) failure = "it points outside the submission";
                    else parts.pop_back();
                    continue;
                }
                parts.push_back(part);
                bool last = i + 1 == targetParts.size();
                if (!last && symlinkPaths_.count(joined(parts)))
                    failure = "it goes through another symlink";
            }
            if (!failure.empty()) problem(prefix + " is refused: " + failure);
        }
    }

    const std::vector<PlannedEntry>& entries() const { return entries_; }
    const std::vector<std::string>& problems() const { return problems_; }
    size_t problemCount() const { return problemCount_; }
    std::vector<std::string> takeNotes() { return std::move(notes_); }

private:
    static std::string joined(const std::vector<std::string>& parts) {
        std::string path;
        for (const auto& part : parts) path += (path.empty() ? "" : "/") + part;
        return path;
    }

    void problem(std::string text) {
        ++problemCount_;
        if (problems_.size() < kMaxReportedProblems) problems_.push_back(std::move(text));
    }

    git_repository* repo_;
    git_odb* odb_;
    const SubmissionLimits& limits_;
    std::vector<PlannedEntry> entries_;
    std::vector<std::string> problems_;
    std::vector<std::string> notes_;
    std::set<std::string> symlinkPaths_;
    size_t problemCount_ = 0;
    size_t files_ = 0;
    uint64_t totalBytes_ = 0;
    bool reportedTotal_ = false;
};

Status writeAll(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t written = ::write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            return fail(ErrorKind::Other, std::strerror(errno));
        }
        data += written;
        size -= static_cast<size_t>(written);
    }
    return {};
}

Status writeEntry(git_repository* repo, const std::string& destDir, const PlannedEntry& entry) {
    std::string full = destDir + "/" + entry.path;
    auto failed = [&](const std::string& what) {
        return fail(ErrorKind::Other, "writing " + shown(entry.path) + ": " + what);
    };
    switch (entry.kind) {
        case EntryKind::Directory:
            if (::mkdir(full.c_str(), 0755) != 0) return failed(std::strerror(errno));
            return {};
        case EntryKind::Symlink:
            if (::symlink(entry.linkTarget.c_str(), full.c_str()) != 0) return failed(std::strerror(errno));
            return {};
        case EntryKind::File:
        case EntryKind::Executable: {
            git_blob* blob = nullptr;
            if (git_blob_lookup(&blob, repo, &entry.oid) != 0) return failed("cannot read the blob");
            mode_t mode = entry.kind == EntryKind::Executable ? 0755 : 0644;
            // O_EXCL and O_NOFOLLOW: never write through something that appeared in the fresh directory.
            int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
            if (fd < 0) {
                git_blob_free(blob);
                return failed(std::strerror(errno));
            }
            Status status = writeAll(fd, static_cast<const char*>(git_blob_rawcontent(blob)),
                                     static_cast<size_t>(git_blob_rawsize(blob)));
            git_blob_free(blob);
            if (::close(fd) != 0 && status) return failed(std::strerror(errno));
            if (!status) return failed(status.error().message);
            return {};
        }
    }
    return {};
}

}  // namespace

Result<std::vector<std::string>> writeSubmissionTree(git_repository* repo, const git_tree* root,
                                                     const std::string& destDir, const SubmissionLimits& limits) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) != 0) return fail(ErrorKind::Other, "cannot open the object database");
    TreePlanner planner(repo, odb, limits);
    planner.walk(root, "", 0);
    planner.checkSymlinks();
    git_odb_free(odb);
    if (planner.problemCount() > 0) {
        std::string message = "submission refused:";
        for (const auto& problem : planner.problems()) message += "\n  " + problem;
        if (planner.problemCount() > planner.problems().size())
            message += "\n  ... and " + std::to_string(planner.problemCount() - planner.problems().size()) + " more";
        return fail(ErrorKind::Invalid, message);
    }
    if (::mkdir(destDir.c_str(), 0755) != 0)
        return fail(ErrorKind::Other, "creating " + destDir + ": " + std::strerror(errno));
    for (const auto& entry : planner.entries()) {
        if (auto status = writeEntry(repo, destDir, entry); !status) return fail(status.error());
    }
    return planner.takeNotes();
}

}  // namespace kc::grader
