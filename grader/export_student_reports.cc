// Per-student files rendered by the grader's own report formats (Gradescope, JUnit, Markdown); see batch_export.h.
#include "grader/batch_export.h"
#include "grader/report_gradescope.h"
#include "grader/report_junit.h"
#include "grader/report_markdown.h"

namespace kc::grader {

namespace {

// Students read these after the deadline: after_due_date checks are shown, hidden ones never.
ReportOptions studentOptions() {
    ReportOptions o;
    o.studentView = true;
    o.afterDueDate = true;
    return o;
}

std::string lateNote(const SubmissionRecord& s) {
    if (!s.late) return "";
    return "Submitted late (commit " + s.commit.substr(0, 12) + " at " + s.commitTime + "); late penalty " +
           std::to_string(static_cast<int>(s.penaltyFraction * 100 + 0.5)) + "%.";
}

}  // namespace

std::vector<ExportFile> exportGradescope(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::vector<ExportFile> files;
    for (const auto& s : rows) {
        // Gradescope hides tests from students itself by their visibility, so it gets every check (and the
        // score counts hidden ones, as the student's grade must).
        Json results = gradescopeResults(runForExport(s, context), ReportOptions{});
        // The penalty applies to the whole submission, which Gradescope's tests do not know about.
        if (s.status == SubmissionStatus::Graded && s.penaltyFraction > 0) {
            results["score"] = s.score;
            std::string output = results.value("output", "");
            results["output"] = lateNote(s) + (output.empty() ? "" : "\n\n" + output);
        }
        files.push_back({"gradescope/" + s.student + "/results.json",
                         results.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"});
    }
    return files;
}

std::vector<ExportFile> exportJunit(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::vector<ExportFile> files;
    ReportOptions instructor;  // JUnit goes to CI dashboards the instructor reads
    for (const auto& s : rows)
        files.push_back({"junit/" + s.student + ".xml", renderJunitReport(runForExport(s, context), instructor)});
    return files;
}

std::vector<ExportFile> exportMarkdown(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::vector<ExportFile> files;
    for (const auto& s : rows) {
        std::string text = renderMarkdownReport(runForExport(s, context), studentOptions());
        if (s.late) text = markdownText(lateNote(s)) + "\n\n" + text;
        files.push_back({"feedback/" + s.student + ".md", text});
    }
    return files;
}

}  // namespace kc::grader
