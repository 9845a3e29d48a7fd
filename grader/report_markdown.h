// Markdown feedback a student can act on, for a pull-request comment: the score, a table of checks, then per
// check that did not pass what was expected, what was found and a hint. Student-facing.
#pragma once

#include <string>

#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

std::string renderMarkdownReport(const GradeRun& run, const ReportOptions& options);

// Inline code that survives any content: backticks inside pick a longer fence, newlines become spaces.
std::string markdownCode(const std::string& text);
// Plain text safe in a table cell and outside code: | < > & ` escaped, newlines as spaces, controls dropped.
std::string markdownText(const std::string& text);

}  // namespace kc::grader
