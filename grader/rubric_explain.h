// A readable account of a rubric for `kubeclass-grade rubric explain`: every check, its points and what each
// step looks for, so students and instructors can see how a lab is graded without reading YAML.
#pragma once

#include <string>

#include "grader/rubric.h"

namespace kc::grader {

// With includeHidden false (the student view) hidden and after_due_date checks are left out and the total counts
// only the checks shown; with true every check is listed and marked with its visibility.
std::string explainRubric(const Rubric& rubric, bool includeHidden);

// One line on what a step checks: "assert: at least 1 v1 Pod \"web\" in namespace \"shop\" where ...".
std::string explainStep(const Step& step);

}  // namespace kc::grader
