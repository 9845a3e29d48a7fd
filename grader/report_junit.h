// The JUnit XML report as Jenkins and GitLab read it: one <testsuite> per lab, one <testcase> per check, with
// <failure>, <error> or <skipped> (skipped and blocked checks). Instructor format: studentView filters.
#pragma once

#include <string>

#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

std::string renderJunitReport(const GradeRun& run, const ReportOptions& options);

// Escapes text for XML 1.0 attribute values and character data; characters XML 1.0 cannot hold at all (most
// C0 controls) become U+FFFD, and invalid UTF-8 bytes too.
std::string xmlEscape(const std::string& text);

}  // namespace kc::grader
