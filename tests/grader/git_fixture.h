// Builds student repositories for the submission tests with libgit2: commits at chosen committer times, on chosen
// branches, with trees written object by object so hostile shapes (.., gitlinks, odd symlinks) can be made too.
#pragma once

#include <git2.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kc::testing {

// One entry of a commit's tree, by path ("a/b/c.txt"); every '/' makes a folder, whatever the name.
struct FixtureEntry {
    enum class Kind { File, Executable, Symlink, Gitlink };
    Kind kind = Kind::File;
    std::string content;  // file content, symlink target, or a gitlink's 40-hex commit id
};

using FixtureTree = std::map<std::string, FixtureEntry>;

inline FixtureEntry file(std::string content) { return {FixtureEntry::Kind::File, std::move(content)}; }
inline FixtureEntry symlinkTo(std::string target) { return {FixtureEntry::Kind::Symlink, std::move(target)}; }
inline FixtureEntry gitlink(std::string sha) { return {FixtureEntry::Kind::Gitlink, std::move(sha)}; }

inline void gitCheck(int code, const char* what) {
    if (code != 0) {
        const git_error* error = git_error_last();
        throw std::runtime_error(std::string(what) + ": " + (error != nullptr ? error->message : "?"));
    }
}

inline int64_t epochSeconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// A bare repository standing in for a student's remote.
class FixtureRepo {
public:
    explicit FixtureRepo(const std::string& path) : path_(path) {
        git_libgit2_init();
        gitCheck(git_repository_init(&repo_, path.c_str(), 1), "init fixture repo");
    }
    ~FixtureRepo() {
        git_repository_free(repo_);
        git_libgit2_shutdown();
    }
    FixtureRepo(const FixtureRepo&) = delete;
    FixtureRepo& operator=(const FixtureRepo&) = delete;

    const std::string& path() const { return path_; }

    // Commits the tree on top of the branch (creating it), committer and author time = time. Returns the sha.
    std::string commit(const std::string& branch, const FixtureTree& tree, std::chrono::system_clock::time_point time,
                       const std::string& message = "work") {
        git_oid treeOid = writeTree(tree);
        git_signature* signature = nullptr;
        // A non-zero offset checks that only the instant matters, not the zone it was written in.
        gitCheck(git_signature_new(&signature, "Student", "student@example.edu", epochSeconds(time), 120),
                 "signature");
        git_tree* treeObject = nullptr;
        gitCheck(git_tree_lookup(&treeObject, repo_, &treeOid), "tree lookup");
        std::string ref = "refs/heads/" + branch;
        git_oid parentOid{};
        git_commit* parent = nullptr;
        if (git_reference_name_to_id(&parentOid, repo_, ref.c_str()) == 0)
            gitCheck(git_commit_lookup(&parent, repo_, &parentOid), "parent lookup");
        const git_commit* parents[] = {parent};
        git_oid commitOid{};
        gitCheck(git_commit_create(&commitOid, repo_, ref.c_str(), signature, signature, nullptr, message.c_str(),
                                   treeObject, parent != nullptr ? 1 : 0, parents),
                 "commit");
        git_commit_free(parent);
        git_tree_free(treeObject);
        git_signature_free(signature);
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, &commitOid);
        return hex;
    }

    void setDefaultBranch(const std::string& branch) {
        gitCheck(git_repository_set_head(repo_, ("refs/heads/" + branch).c_str()), "set HEAD");
    }

    bool hasObject(const std::string& sha) const { return hasObjectIn(repo_, sha); }

    static bool hasObjectIn(git_repository* repo, const std::string& sha) {
        git_oid oid{};
        if (git_oid_fromstr(&oid, sha.c_str()) != 0) return false;
        git_odb* odb = nullptr;
        if (git_repository_odb(&odb, repo) != 0) return false;
        bool exists = git_odb_exists(odb, &oid) != 0;
        git_odb_free(odb);
        return exists;
    }

private:
    struct Node {
        std::map<std::string, Node> folders;
        std::map<std::string, FixtureEntry> leaves;
    };

    git_oid writeTree(const FixtureTree& tree) {
        Node root;
        for (const auto& [path, entry] : tree) {
            Node* node = &root;
            size_t start = 0;
            for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', start)) {
                node = &node->folders[path.substr(start, slash - start)];
                start = slash + 1;
            }
            node->leaves[path.substr(start)] = entry;
        }
        return writeNode(root);
    }

    // Writes the tree object byte by byte: libgit2's tree builder rightly refuses names like "..", and the
    // fetcher must be tested against repositories that hold them anyway.
    git_oid writeNode(const Node& node) {
        struct Raw {
            std::string name, mode;
            git_oid oid;
            bool folder;
        };
        std::vector<Raw> raws;
        for (const auto& [name, child] : node.folders) raws.push_back({name, "40000", writeNode(child), true});
        for (const auto& [name, leaf] : node.leaves) {
            git_oid oid{};
            std::string mode;
            switch (leaf.kind) {
                case FixtureEntry::Kind::File: mode = "100644"; break;
                case FixtureEntry::Kind::Executable: mode = "100755"; break;
                case FixtureEntry::Kind::Symlink: mode = "120000"; break;
                case FixtureEntry::Kind::Gitlink: mode = "160000"; break;
            }
            if (leaf.kind == FixtureEntry::Kind::Gitlink) gitCheck(git_oid_fromstr(&oid, leaf.content.c_str()), "oid");
            else gitCheck(git_blob_create_from_buffer(&oid, repo_, leaf.content.data(), leaf.content.size()), "blob");
            raws.push_back({name, mode, oid, false});
        }
        // Git orders entries by name, a folder's name compared as if it ended in '/'.
        std::sort(raws.begin(), raws.end(), [](const Raw& a, const Raw& b) {
            return (a.folder ? a.name + "/" : a.name) < (b.folder ? b.name + "/" : b.name);
        });
        std::string bytes;
        for (const auto& raw : raws) {
            bytes += raw.mode + " " + raw.name;
            bytes += '\0';
            bytes.append(reinterpret_cast<const char*>(raw.oid.id), GIT_OID_RAWSZ);
        }
        git_odb* odb = nullptr;
        gitCheck(git_repository_odb(&odb, repo_), "odb");
        git_oid oid{};
        gitCheck(git_odb_write(&oid, odb, bytes.data(), bytes.size(), GIT_OBJECT_TREE), "write tree");
        git_odb_free(odb);
        return oid;
    }

    std::string path_;
    git_repository* repo_ = nullptr;
};

}  // namespace kc::testing
