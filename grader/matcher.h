// Matching a rubric's expected pattern against an observed Kubernetes object: partial maps, unordered arrays,
// $operators and quantities by value. Pure functions over JSON; every grading mode shares them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc::grader {

// One place where the observed value differs from the pattern. path reads like ".spec.containers[name=web].image"
// (keys that are not plain identifiers are quoted: .metadata.labels["app.kubernetes.io/name"]; "." is the root).
// expected says what the pattern wanted ("> 1000", "\"nginx:1.27\"", "matches /gpu-.*/"), observed what was
// there ("500", "<missing>"); both compact JSON cut to about 120 characters.
struct Mismatch {
    std::string path;
    std::string expected;
    std::string observed;
};

struct MatchResult {
    bool ok = true;
    std::vector<Mismatch> mismatches;  // empty when ok; at most kMaxMismatches, then truncated is set
    bool truncated = false;
    // Set when the pattern itself is unusable (unknown $operator, bad operand, regex that does not compile):
    // the answer is then neither pass nor fail, and ok is false.
    std::string error;
};

inline constexpr size_t kMaxMismatches = 50;

// Matches and explains every difference found (bounded by kMaxMismatches).
MatchResult match(const Json& expected, const Json& observed);

// Only whether it matches, without building paths or messages: the fast path for choosing candidates.
// An invalid pattern does not match.
bool matches(const Json& expected, const Json& observed);

// Equality as the matcher applies it to scalars (see grader/README.md, "Scalars and quantities"): strings by
// text unless both are quantities and one has a suffix; numbers by value; a number and a quantity string by
// value; booleans and null only to themselves.
bool scalarsEqual(const Json& expected, const Json& observed);

// A problem in a pattern found before any matching: pointer is a JSON pointer inside the pattern.
struct PatternIssue {
    std::string pointer;
    std::string message;
    bool aboutKey = false;  // the problem is the last key of pointer itself (an unknown $operator), not its value
};

// Every problem in the pattern: unknown operators, operands of the wrong type, regexes that do not compile,
// maps that mix $operators with field names. The loader runs this on every pattern in a rubric.
std::vector<PatternIssue> validatePattern(const Json& pattern);

// True for a map whose keys start with '$' (an operator map such as {$gt: 3}).
bool isOperatorMap(const Json& value);

// The operator names the matcher knows, for validation and suggestions.
const std::vector<std::string>& knownOperators();

// What a pattern looks for, in a line a student can read: {value: {$gt: 1000}, policy: Never} →
// "value > 1000, policy = \"Never\"".
std::string describePattern(const Json& pattern);

// Compact JSON of a value, cut to maxChars (at a UTF-8 boundary) with "…".
std::string renderValue(const Json& value, size_t maxChars = 120);

// How many candidates must match: `count: {min: 1}`, `{max: 0}`, `{exactly: 2}` (min and max may combine).
struct CountConstraint {
    std::optional<int> min;
    std::optional<int> max;
    std::optional<int> exactly;

    bool satisfied(int n) const;
    // "at least 1", "at most 0", "exactly 2", "between 1 and 3", "any number".
    std::string describe() const;
    bool empty() const { return !min && !max && !exactly; }
};

}  // namespace kc::grader
