// libgit2 init and URL display shared by the fetcher and the app's Submit page.
#include "grader/libgit2_support.h"

namespace kc::grader {

void ensureLibgit2() {
    static const int initialised = git_libgit2_init();
    (void)initialised;
}

std::string urlWithoutUserinfo(const std::string& url) {
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    size_t hostStart = scheme + 3;
    size_t slash = url.find('/', hostStart);
    size_t at = url.rfind('@', slash == std::string::npos ? std::string::npos : slash);
    if (at == std::string::npos || at < hostStart) return url;
    return url.substr(0, hostStart) + url.substr(at + 1);
}

}  // namespace kc::grader
