// Command-line numbers for the benchmarks: "--name N" pairs with a fallback, nothing more.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <string>

namespace kc::bench {

inline int intArgument(int argc, char** argv, const std::string& name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name) return std::max(1, std::atoi(argv[i + 1]));
    return fallback;
}

}  // namespace kc::bench
