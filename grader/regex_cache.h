// Compiled regular expressions shared by every match, so grading a thousand submissions compiles each rubric
// pattern once instead of once per object. Safe to use from several grading threads at the same time.
#pragma once

#include <memory>
#include <regex>
#include <string>

#include "clusters/result.h"

namespace kc::grader {

// The pattern compiled as ECMAScript, from a process-wide LRU cache (a few thousand entries). An invalid
// pattern is an Invalid error naming the pattern and what std::regex objected to; failures are not cached.
// Patterns with a repeat nested in a repeat ((a+)+, .*+) are refused too: std::regex backtracks exponentially on them.
Result<std::shared_ptr<const std::regex>> compiledRegex(const std::string& pattern);

// Number of patterns currently cached, for tests.
size_t regexCacheSize();

}  // namespace kc::grader
