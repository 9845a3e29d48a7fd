// The JSON report, schema "kubeclass.grade/v1": every field of a GradeRun, for tools and the gradebook.
// Documented in grader/README.md ("Reports"). Instructor format: studentView leaves out what students may not see.
#pragma once

#include <string>

#include "clusters/json.h"
#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

inline constexpr const char* kGradeJsonSchema = "kubeclass.grade/v1";

Json gradeRunToJson(const GradeRun& run, const ReportOptions& options);
// Pretty-printed (two spaces), ending in a newline.
std::string renderJsonReport(const GradeRun& run, const ReportOptions& options);

}  // namespace kc::grader
