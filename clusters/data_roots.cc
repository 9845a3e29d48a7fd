// Data root candidates: an explicit KUBECLASS_DATA_DIR, the build's source tree, or an install beside the binary.
#include "clusters/data_roots.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "kubeclass_version.h"

namespace fs = std::filesystem;

namespace kc {

namespace {

std::string executableDir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

std::vector<std::string> dataRootCandidates() {
    // An explicit data directory is the only one: falling back would use some other copy of a lab or profile.
    if (const char* env = std::getenv("KUBECLASS_DATA_DIR"); env && *env) return {env};
    std::vector<std::string> roots{KUBECLASS_SOURCE_DIR};
    if (std::string dir = executableDir(); !dir.empty()) {
        roots.push_back((fs::path(dir) / ".." / "share" / "kubeclass").lexically_normal().string());
        roots.push_back((fs::path(dir) / "..").lexically_normal().string());
    }
    return roots;
}

}  // namespace kc
