// Outcome names and run totals.
#include "grader/grade_result.h"

namespace kc::grader {

const char* outcomeName(Outcome outcome) {
    switch (outcome) {
        case Outcome::Pass: return "pass";
        case Outcome::Fail: return "fail";
        case Outcome::Error: return "error";
        case Outcome::Skipped: return "skipped";
        case Outcome::Blocked: return "blocked";
    }
    return "error";
}

double GradeRun::points() const {
    double total = 0;
    for (const auto& c : checks) total += c.points;
    return total;
}

double GradeRun::earned() const {
    double total = 0;
    for (const auto& c : checks) total += c.earned;
    return total;
}

double GradeRun::percent() const {
    double total = points();
    return total > 0 ? 100.0 * earned() / total : 0.0;
}

}  // namespace kc::grader
