// Profile lookup. The id is checked before any path is built from it, so "../x" is never treated as an id.
#include "clusters/profile_locator.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "clusters/data_roots.h"

namespace fs = std::filesystem;

namespace kc {

namespace {

bool isProfileId(const std::string& s) {
    if (s.empty() || s.size() > 100) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

Result<std::string> locateProfile(const std::string& idOrPath, const std::vector<std::string>& dataRoots) {
    if (idOrPath.empty()) return fail(ErrorKind::Invalid, "no profile given");
    std::error_code ec;
    if (fs::is_regular_file(idOrPath, ec)) return idOrPath;
    if (!isProfileId(idOrPath)) return fail(ErrorKind::NotFound, "no such profile file: " + idOrPath);
    std::string tried;
    for (const auto& root : dataRoots) {
        fs::path folder = fs::path(root) / "clusters" / "profiles";
        if (!fs::is_directory(folder, ec)) {
            tried += (tried.empty() ? "" : ", ") + folder.string();
            continue;
        }
        fs::path file = folder / (idOrPath + ".yaml");
        if (fs::is_regular_file(file, ec)) return file.string();
        std::vector<std::string> known;
        for (const auto& entry : fs::directory_iterator(folder, ec))
            if (entry.path().extension() == ".yaml") known.push_back(entry.path().stem().string());
        std::sort(known.begin(), known.end());
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return fail(ErrorKind::NotFound, "no profile \"" + idOrPath + "\" in " + folder.string() +
                                             (list.empty() ? "" : " (profiles there: " + list + ")"));
    }
    return fail(ErrorKind::NotFound, "no profile \"" + idOrPath + "\": no clusters/profiles folder found (tried " +
                                         tried + "; set KUBECLASS_DATA_DIR)");
}

Result<std::string> locateProfile(const std::string& idOrPath) { return locateProfile(idOrPath, dataRootCandidates()); }

}  // namespace kc
