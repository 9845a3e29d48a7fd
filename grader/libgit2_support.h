// What every libgit2 user in kubeclass needs (the batch fetcher, the app's Submit page): the one process-wide
// init, owning pointers for libgit2 objects, and a repository URL fit for messages.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace kc::grader {

// libgit2 keeps global state (TLS, allocators); one init for the process, before any thread uses it.
void ensureLibgit2();

template <typename T, void (*Free)(T*)>
struct GitDeleter {
    void operator()(T* object) const {
        if (object != nullptr) Free(object);
    }
};
template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

// The URL without its userinfo (user:token@), so a credential written into a remote never reaches a message.
std::string urlWithoutUserinfo(const std::string& url);

}  // namespace kc::grader
