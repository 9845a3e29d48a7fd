// Reading a cluster profile (clusters/profiles/README.md has the schema) into a Profile, reporting every problem
// at once as "FILE:LINE:COL: field: message" lines.
#pragma once

#include <string>
#include <string_view>

#include "clusters/profile.h"
#include "clusters/result.h"

namespace kc {

// Profiles are small; anything bigger is refused before parsing.
inline constexpr size_t kMaxProfileBytes = 1024 * 1024;

// Errors are Invalid (NotFound when the file is missing); the message holds one line per problem.
Result<Profile> loadProfileFile(const std::string& path);
// sourcePath names the file in messages, and relative manifest paths resolve against its folder.
Result<Profile> parseProfile(std::string_view text, const std::string& sourcePath);

}  // namespace kc
