// The report formats a grading run can be written in, the options they share (who is reading, what they may
// see) and one entry point that renders a GradeRun in any of them.
#pragma once

#include <string>
#include <vector>

#include "clusters/result.h"
#include "grader/grade_result.h"

namespace kc::grader {

// text and markdown are student-facing; json and junit are for instructors and tools; gradescope is read by
// Gradescope, which enforces each test's visibility itself.
enum class ReportFormat { Text, Json, Junit, Gradescope, Markdown };

const char* reportFormatName(ReportFormat format);  // "text", "json", "junit", "gradescope", "markdown"
// Case-sensitive; the error lists the names that exist.
Result<ReportFormat> parseReportFormat(const std::string& name);
const std::vector<std::string>& reportFormatNames();

struct ReportOptions {
    // Instructor formats (json, junit, gradescope) leave out what a student may not see. Student formats always do.
    bool studentView = false;
    // Student formats show hidden checks too (an instructor reading the text table).
    bool includeHidden = false;
    // The due date has passed: after_due_date checks are shown in student formats.
    bool afterDueDate = false;
    // ANSI colour in the text table; the CLI decides (a TTY and NO_COLOR unset).
    bool color = false;
};

// Renders the run; fails (Invalid) only for a format that cannot hold it. The text ends with a newline.
Result<std::string> renderReport(const GradeRun& run, ReportFormat format, const ReportOptions& options);

// --- shared by the formats --------------------------------------------------------------------------------------

// Whether a student reading a student-facing report may see this check: hidden only with includeHidden,
// after_due_date only with afterDueDate (or includeHidden).
bool shownToStudent(const CheckResult& check, const ReportOptions& options);

// The checks a report lists, in rubric order. studentFacing: the format is read by students (or studentView).
std::vector<const CheckResult*> reportedChecks(const GradeRun& run, const ReportOptions& options, bool studentFacing);

struct ReportTotals {
    double points = 0;
    double earned = 0;
    double percent = 0;  // 0 when there are no points
    int pass = 0, fail = 0, error = 0, skipped = 0, blocked = 0;
};
ReportTotals totalsOf(const std::vector<const CheckResult*>& checks);

// Points the way people write them: 10, 2.5, 0.25 (no trailing zeros, at most two decimals).
std::string formatPoints(double points);
// "62.5%": one decimal at most.
std::string formatPercent(double percent);

// Why a check that did not pass did not, in one line a student can read, never naming a check they cannot see:
// the first message, else the first failed step's summary, else the outcome.
std::string reasonLine(const CheckResult& check, const GradeRun& run, const ReportOptions& options,
                       bool studentFacing);

}  // namespace kc::grader
