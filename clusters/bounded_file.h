// Reads files that may come from students or other untrusted places, refusing any over a size limit.
#pragma once

#include <cstddef>
#include <string>

#include "clusters/result.h"

namespace kc {

// Whole file as bytes; NotFound when missing, Invalid when larger than maxBytes or not a regular file.
Result<std::string> readFileBounded(const std::string& path, size_t maxBytes);

}  // namespace kc
