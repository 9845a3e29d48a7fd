// What the export formats share: the list of kinds, the exported score and a run for every row; see batch_export.h.
#include "grader/batch_export.h"

#include "grader/csv_field.h"

namespace kc::grader {

namespace {
constexpr ExportKind kAllKinds[] = {ExportKind::Canvas,     ExportKind::Moodle, ExportKind::Classroom,
                                    ExportKind::Gradescope, ExportKind::Junit,  ExportKind::Markdown,
                                    ExportKind::Html};
}

const char* exportKindName(ExportKind kind) {
    switch (kind) {
        case ExportKind::Canvas: return "canvas";
        case ExportKind::Moodle: return "moodle";
        case ExportKind::Classroom: return "classroom";
        case ExportKind::Gradescope: return "gradescope";
        case ExportKind::Junit: return "junit";
        case ExportKind::Markdown: return "markdown";
        case ExportKind::Html: return "html";
    }
    return "html";
}

Result<std::vector<ExportKind>> parseExportList(const std::string& text) {
    std::vector<ExportKind> out;
    if (text == "all") return std::vector<ExportKind>(std::begin(kAllKinds), std::end(kAllKinds));
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        bool known = false;
        for (ExportKind k : kAllKinds)
            if (name == exportKindName(k)) {
                known = true;
                if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
            }
        if (!known)
            return fail(ErrorKind::Invalid, "--export: unknown export \"" + name +
                                                "\"; expected a comma-separated list of canvas, moodle, classroom, "
                                                "gradescope, junit, markdown, html (or all)");
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string exportedScore(const SubmissionRecord& s) {
    if (s.status == SubmissionStatus::Error) return "";
    return csvNumber(s.status == SubmissionStatus::Graded ? s.score : 0.0);
}

GradeRun runForExport(const SubmissionRecord& s, const ExportContext& context) {
    if (s.status == SubmissionStatus::Graded) return s.run;
    GradeRun run;
    run.lab = context.lab;
    run.title = context.assignmentName;
    run.mode = "batch";
    run.source = s.repoUrl;
    run.startedAt = s.gradedAt;
    CheckResult c;
    c.id = "submission";
    c.title = "Submission received and graded";
    c.points = s.points > 0 ? s.points : context.pointsAvailable;
    c.outcome = s.status == SubmissionStatus::Missing ? Outcome::Fail : Outcome::Error;
    c.messages.push_back(s.error);
    run.checks.push_back(std::move(c));
    return run;
}

std::vector<ExportFile> renderExports(const std::vector<ExportKind>& kinds, const std::vector<SubmissionRecord>& rows,
                                      const ExportContext& context) {
    std::vector<ExportFile> files;
    auto append = [&files](std::vector<ExportFile> more) {
        for (auto& f : more) files.push_back(std::move(f));
    };
    for (ExportKind kind : kinds) switch (kind) {
            case ExportKind::Canvas: files.push_back({"canvas.csv", exportCanvasCsv(rows, context)}); break;
            case ExportKind::Moodle: files.push_back({"moodle.csv", exportMoodleCsv(rows, context)}); break;
            case ExportKind::Classroom: files.push_back({"grades.csv", exportClassroomCsv(rows, context)}); break;
            case ExportKind::Gradescope: append(exportGradescope(rows, context)); break;
            case ExportKind::Junit: append(exportJunit(rows, context)); break;
            case ExportKind::Markdown: append(exportMarkdown(rows, context)); break;
            case ExportKind::Html: files.push_back({"summary.html", exportHtmlSummary(rows, context)}); break;
        }
    return files;
}

}  // namespace kc::grader
