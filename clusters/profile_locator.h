// Finding a cluster profile from what a user typed: an id ("lab-02-gpu-sim") looked up in clusters/profiles/ under
// the data root (clusters/data_roots.h), or a path to a profile file.
#pragma once

#include <string>
#include <vector>

#include "clusters/result.h"

namespace kc {

// An existing file is itself; otherwise an id (lowercase letters, digits, '-') matched to
// <root>/clusters/profiles/<id>.yaml in the first root that has clusters/profiles/. NotFound says what was tried
// and lists the profiles that do exist.
Result<std::string> locateProfile(const std::string& idOrPath, const std::vector<std::string>& dataRoots);
Result<std::string> locateProfile(const std::string& idOrPath);

}  // namespace kc
