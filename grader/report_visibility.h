// Keeping checks a student may not see out of the text of checks they may: a visible check can need a hidden
// one, and its messages ("blocked by rbac-review") would otherwise name it.
#pragma once

#include <string>
#include <vector>

#include "grader/grade_result.h"
#include "grader/report.h"

namespace kc::grader {

class Redactor {
public:
    // With studentFacing false nothing is redacted.
    Redactor(const GradeRun& run, const ReportOptions& options, bool studentFacing);

    // Whether a report may name this check id.
    bool mayName(const std::string& checkId) const;
    // The text with every unseen check's id (as a whole word) and title replaced by "another check".
    std::string operator()(const std::string& text) const;

private:
    std::vector<std::string> unseenIds_;
    std::vector<std::string> unseenTitles_;
};

}  // namespace kc::grader
