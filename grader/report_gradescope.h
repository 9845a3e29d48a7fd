// Gradescope's autograder results.json: the score, one test per check with its points, status and output, and
// our visibility mapped to Gradescope's, which then hides tests from students itself.
#pragma once

#include <string>

#include "clusters/json.h"
#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

// visible → "visible", hidden → "hidden", after_due_date → "after_due_date" (Gradescope's own names).
const char* gradescopeVisibility(Visibility visibility);

// Every check becomes a test (studentView drops hidden ones unless includeHidden); the top-level score is the
// sum over the tests listed. The top-level output and the visible tests' output never name hidden or
// after_due_date checks; stdout stays hidden because progress on stderr often ends up there.
Json gradescopeResults(const GradeRun& run, const ReportOptions& options);
std::string renderGradescopeReport(const GradeRun& run, const ReportOptions& options);

}  // namespace kc::grader
