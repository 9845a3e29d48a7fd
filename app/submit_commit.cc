// Building the submission commit with an in-memory index, so the student's folder is only read.
#include "app/submit_commit.h"

#include <ctime>
#include <filesystem>

#include "app/submit_git.h"
#include "clusters/bounded_file.h"

namespace fs = std::filesystem;

namespace kc::app {
namespace {

// git refuses '<', '>' and line breaks in a signature; the settings page refuses them too, this is the backstop.
std::string signatureSafe(std::string text) {
    for (char& c : text)
        if (c == '<' || c == '>' || c == '\n' || c == '\r') c = ' ';
    return text;
}

std::string utcText(std::chrono::system_clock::time_point at) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(at);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &parts);
    return text;
}

}  // namespace

std::string submissionBranch(const std::string& labId) { return labId; }

std::string authorEmail(const SubmitAuthor& author) {
    std::string id = signatureSafe(author.studentId);
    return id.find('@') != std::string::npos ? id : id + "@students.kubeclass.invalid";
}

std::string submissionMessage(const std::string& labId, const SubmitAuthor& author, std::size_t files,
                              std::chrono::system_clock::time_point at) {
    std::string message = "Submit " + labId + " (" + utcText(at) + ")\n\n";
    message += "Student: " + signatureSafe(author.name) + "\n";
    message += "Student-Id: " + signatureSafe(author.studentId) + "\n";
    message += "Files: " + std::to_string(files) + "\n";
    return message;
}

Result<SubmitCommit> commitSubmission(const std::string& repoDir, const std::string& labId, const SubmitPlan& plan,
                                      const SubmitAuthor& author, std::chrono::system_clock::time_point at,
                                      const SubmitLimits& limits) {
    if (!plan.submittable()) return fail(ErrorKind::Invalid, "the folder cannot be submitted as it is: " +
                                                                 (plan.problems.empty() ? std::string("it has no files")
                                                                                        : plan.problems.front().path +
                                                                                              " " + plan.problems.front().reason));
    if (author.name.empty() || author.studentId.empty())
        return fail(ErrorKind::Invalid, "your name and student id are not set; enter them on the Settings page");
    auto repo = git::openSubmissionRepository(repoDir);
    if (!repo) return fail(repo.error());
    auto failGit = [](const std::string& doing) {
        return fail(ErrorKind::Other, doing + ": " + git::lastErrorText());
    };

    git_index* rawIndex = nullptr;
    if (git_index_new(&rawIndex) != 0) return failGit("creating the index");
    git::IndexPtr index(rawIndex);
    for (const auto& file : plan.files) {
        git_oid blob{};
        git_index_entry entry{};
        entry.path = file.path.c_str();
        if (file.symlink) {
            if (git_blob_create_from_buffer(&blob, repo->get(), file.linkTarget.data(), file.linkTarget.size()) != 0)
                return failGit("storing " + file.path);
            entry.mode = GIT_FILEMODE_LINK;
        } else {
            auto bytes = readFileBounded((fs::path(plan.folder) / file.path).string(), limits.maxFileBytes);
            if (!bytes) return fail(bytes.error().kind, file.path + ": " + bytes.error().message);
            if (git_blob_create_from_buffer(&blob, repo->get(), bytes->data(), bytes->size()) != 0)
                return failGit("storing " + file.path);
            entry.mode = file.executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
            entry.file_size = static_cast<std::uint32_t>(bytes->size());
        }
        entry.id = blob;
        if (git_index_add(index.get(), &entry) != 0) return failGit("adding " + file.path);
    }
    git_oid treeId{};
    if (git_index_write_tree_to(&treeId, index.get(), repo->get()) != 0) return failGit("writing the tree");

    SubmitCommit result;
    result.branch = submissionBranch(labId);
    result.files = plan.files.size();
    result.bytes = plan.totalBytes;
    const std::string ref = "refs/heads/" + result.branch;

    git::CommitPtr parent;
    git_oid parentId{};
    if (git_reference_name_to_id(&parentId, repo->get(), ref.c_str()) == 0) {
        git_commit* raw = nullptr;
        if (git_commit_lookup(&raw, repo->get(), &parentId) != 0) return failGit("reading the last submission");
        parent.reset(raw);
        if (git_oid_equal(git_commit_tree_id(parent.get()), &treeId)) {
            result.sha = git::oidHex(parentId);
            result.unchanged = true;
            return result;
        }
    }

    git_tree* rawTree = nullptr;
    if (git_tree_lookup(&rawTree, repo->get(), &treeId) != 0) return failGit("reading the tree");
    git::TreePtr tree(rawTree);
    const std::string name = signatureSafe(author.name);
    const std::string email = authorEmail(author);
    git_signature* rawSignature = nullptr;
    if (git_signature_new(&rawSignature, name.c_str(), email.c_str(),
                          static_cast<git_time_t>(std::chrono::system_clock::to_time_t(at)), 0) != 0)
        return failGit("making the author from your name and id");
    std::unique_ptr<git_signature, void (*)(git_signature*)> signature(rawSignature, git_signature_free);
    const std::string message = submissionMessage(labId, author, plan.files.size(), at);
    const git_commit* parents[1] = {parent.get()};
    git_oid commitId{};
    if (git_commit_create(&commitId, repo->get(), ref.c_str(), signature.get(), signature.get(), "UTF-8",
                          message.c_str(), tree.get(), parent ? 1 : 0, parents) != 0)
        return failGit("committing");
    result.sha = git::oidHex(commitId);
    return result;
}

}  // namespace kc::app
