// The text report: a table of checks (result, points, message) with totals, then what went wrong in each check
// that did not pass. Student-facing: hidden checks appear only with includeHidden.
#pragma once

#include <string>

#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

std::string renderTextReport(const GradeRun& run, const ReportOptions& options);

// Cuts text to at most maxBytes at a UTF-8 boundary, ending in "…" when cut; newlines become spaces.
std::string oneLine(const std::string& text, size_t maxBytes);

}  // namespace kc::grader
