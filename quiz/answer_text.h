// Normalises free-text quiz answers so that grading does not depend on case, spacing or punctuation around words.
#pragma once

#include <string>
#include <string_view>

namespace kc::quiz {

// Lower-cases ASCII letters, turns runs of whitespace into one space, trims both ends and drops a trailing
// full stop: "  Pod  Topology Spread. " → "pod topology spread".
std::string normalizeAnswerText(std::string_view text);

// Whether a short answer's case matters ("None" as a clusterIP value does; "PriorityClass" as a name does not).
enum class CaseRule { Ignore, Keep };

// The same normalisation, keeping letter case when `rule` is Keep.
std::string normalizeAnswerText(std::string_view text, CaseRule rule);

}  // namespace kc::quiz
