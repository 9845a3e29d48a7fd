// The JSON report, schema "kubeclass.grade/v1": every field of a GradeRun, for tools and the gradebook.
// Documented in grader/README.md ("Reports"). Instructor format: studentView leaves out what students may not see.
#pragma once

#include <string>

#include "clusters/json.h"
#include "clusters/result.h"
#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

inline constexpr const char* kGradeJsonSchema = "kubeclass.grade/v1";

Json gradeRunToJson(const GradeRun& run, const ReportOptions& options);
// Pretty-printed (two spaces), ending in a newline.
std::string renderJsonReport(const GradeRun& run, const ReportOptions& options);

// Reads an instructor-view document back into a GradeRun (the gradebook stores each run this way, so exports
// can render any format later). Step sources come back as text in SourceRef::file. Invalid names the field.
Result<GradeRun> gradeRunFromJson(const Json& document);

}  // namespace kc::grader
