// libFuzzer target "matcher": see fuzzMatcher in fuzz_entries.h for what it feeds and where.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)kc::fuzz::fuzzMatcher(data, size);
    return 0;
}
