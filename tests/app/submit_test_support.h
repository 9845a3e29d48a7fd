// What the Submit tests share: a bare "course remote" read back with libgit2 (branch tip, its files and modes,
// author, parents), a student folder builder, and a plain-HTTP git server that refuses every credential.
#pragma once

#include <arpa/inet.h>
#include <git2.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kc::testing {

// The state of one branch of a bare repository, as libgit2 reads it.
struct RemoteBranch {
    bool exists = false;
    std::string sha;
    std::string message;
    std::string authorName;
    std::string authorEmail;
    std::vector<std::string> parents;
    std::map<std::string, std::string> files;  // path → content (a symlink's content is its target)
    std::map<std::string, unsigned> modes;     // path → git file mode
};

inline void collectTree(git_repository* repo, const git_tree* tree, const std::string& prefix, RemoteBranch& out) {
    for (size_t i = 0; i < git_tree_entrycount(tree); ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
        std::string path = prefix + git_tree_entry_name(entry);
        git_object* object = nullptr;
        if (git_tree_entry_to_object(&object, repo, entry) != 0) continue;
        if (git_object_type(object) == GIT_OBJECT_TREE) {
            collectTree(repo, reinterpret_cast<git_tree*>(object), path + "/", out);
        } else if (git_object_type(object) == GIT_OBJECT_BLOB) {
            auto* blob = reinterpret_cast<git_blob*>(object);
            out.files[path] = std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                                          static_cast<size_t>(git_blob_rawsize(blob)));
            out.modes[path] = git_tree_entry_filemode(entry);
        }
        git_object_free(object);
    }
}

inline RemoteBranch readBranch(const std::string& bareRepo, const std::string& branch) {
    git_libgit2_init();
    RemoteBranch out;
    git_repository* repo = nullptr;
    if (git_repository_open_bare(&repo, bareRepo.c_str()) != 0) return out;
    git_oid tip{};
    if (git_reference_name_to_id(&tip, repo, ("refs/heads/" + branch).c_str()) == 0) {
        git_commit* commit = nullptr;
        if (git_commit_lookup(&commit, repo, &tip) == 0) {
            out.exists = true;
            char hex[GIT_OID_HEXSZ + 1] = {};
            out.sha = git_oid_tostr(hex, sizeof hex, &tip);
            out.message = git_commit_message(commit);
            out.authorName = git_commit_author(commit)->name;
            out.authorEmail = git_commit_author(commit)->email;
            for (unsigned i = 0; i < git_commit_parentcount(commit); ++i)
                out.parents.push_back(git_oid_tostr(hex, sizeof hex, git_commit_parent_id(commit, i)));
            git_tree* tree = nullptr;
            if (git_commit_tree(&tree, commit) == 0) {
                collectTree(repo, tree, "", out);
                git_tree_free(tree);
            }
            git_commit_free(commit);
        }
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return out;
}

inline bool initBareRepository(const std::string& path) {
    git_libgit2_init();
    git_repository* repo = nullptr;
    bool ok = git_repository_init(&repo, path.c_str(), 1) == 0;
    git_repository_free(repo);
    git_libgit2_shutdown();
    return ok;
}

// A git "smart HTTP" server on 127.0.0.1 that answers 401 to everything, counting requests that carried an
// Authorization header (so a test knows the credentials were really offered before being refused). A silent one
// reads requests and never answers, until it is destroyed (a remote that hangs).
class RefusingGitServer {
public:
    explicit RefusingGitServer(bool silent = false) : silent_(silent) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(listener_, 16);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~RefusingGitServer() {
        stop_ = true;
        thread_.join();
        for (int held : held_) ::close(held);
        ::close(listener_);
    }
    RefusingGitServer(const RefusingGitServer&) = delete;
    RefusingGitServer& operator=(const RefusingGitServer&) = delete;

    std::string url(const std::string& path = "/course/student.git") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int requestsWithCredentials() const { return withCredentials_.load(); }
    int requests() const { return requests_.load(); }

private:
    void serve() {
        while (!stop_) {
            pollfd ready{listener_, POLLIN, 0};
            if (::poll(&ready, 1, 50) <= 0) continue;
            int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                pollfd readable{client, POLLIN, 0};
                if (::poll(&readable, 1, 2000) <= 0) break;
                ssize_t n = ::read(client, buffer, sizeof buffer);
                if (n <= 0) break;
                request.append(buffer, static_cast<size_t>(n));
            }
            ++requests_;
            if (request.find("\nAuthorization:") != std::string::npos ||
                request.find("\nauthorization:") != std::string::npos)
                ++withCredentials_;
            if (silent_) {
                held_.push_back(client);
                continue;
            }
            const std::string reply =
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"course\"\r\nContent-Length: 0\r\n"
                "Connection: close\r\n\r\n";
            ssize_t written = ::write(client, reply.data(), reply.size());
            (void)written;
            ::close(client);
        }
    }

    bool silent_ = false;
    std::vector<int> held_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::atomic<int> withCredentials_{0};
    std::thread thread_;
};

}  // namespace kc::testing
