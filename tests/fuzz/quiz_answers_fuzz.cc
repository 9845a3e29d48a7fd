// libFuzzer target "quiz_answers": see fuzzQuizAnswers in fuzz_entries.h for what it feeds and where.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)kc::fuzz::fuzzQuizAnswers(data, size);
    return 0;
}
