// How much slower the code under test runs in this build: 1 normally, 4 under AddressSanitizer (the "asan"
// preset), where every allocation and memory access is checked. Tests whose waits are sized for controllers that
// answer within milliseconds multiply those waits by it, so the sanitizer build checks the same behaviour.
#pragma once

namespace kc::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kSanitizerSlowdown = 4;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

}  // namespace kc::testing
