// "Did you mean" suggestions for misspelt rubric keys and operators, so a typo like `visiblity` or `$regx`
// names the intended word instead of only being rejected.
#pragma once

#include <string>
#include <vector>

namespace kc::grader {

// " (did you mean \"visibility\"?)" when one of the options is within a small edit distance of word, else "".
std::string didYouMean(const std::string& word, const std::vector<std::string>& options);

}  // namespace kc::grader
