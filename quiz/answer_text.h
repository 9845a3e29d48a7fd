// Normalises free-text quiz answers so that grading does not depend on case, spacing or punctuation around words.
#pragma once

#include <string>
#include <string_view>

namespace kc::quiz {

// Lower-cases ASCII letters, turns runs of whitespace into one space, trims both ends and drops a trailing
// full stop: "  Pod  Topology Spread. " → "pod topology spread".
std::string normalizeAnswerText(std::string_view text);

}  // namespace kc::quiz
