// Exports of a batch from the gradebook, for the tools schools use: Canvas and Moodle gradebook CSVs, a
// GitHub-Classroom-style grades.csv, and per student Gradescope results.json, JUnit XML and Markdown feedback,
// plus a self-contained HTML summary. Pure functions of the gradebook rows; batch_command writes the files.
#pragma once

#include <string>
#include <vector>

#include "clusters/result.h"
#include "grader/gradebook.h"

namespace kc::grader {

struct ExportContext {
    std::string lab;             // "lab-02"
    std::string assignmentName;  // the column / assignment title: the rubric title, else the lab id
    double pointsAvailable = 0;  // the rubric's total
    std::string deadline;        // ISO 8601, "" for none
    std::string assignmentUrl;   // classroom export; may be empty
    std::string starterCodeUrl;  // classroom export; may be empty
};

struct ExportFile {
    std::string path;  // relative to the --out directory
    std::string content;
};

enum class ExportKind { Canvas, Moodle, Classroom, Gradescope, Junit, Markdown, Html };
const char* exportKindName(ExportKind kind);  // "canvas", "moodle", ...
// "canvas,moodle,html" or "all"; Invalid names the unknown entry and lists the known ones.
Result<std::vector<ExportKind>> parseExportList(const std::string& text);

// The score a gradebook sends: earned after the late penalty for graded and missing (0) submissions; empty for
// a submission the grader failed on, so an import leaves that student's grade alone.
std::string exportedScore(const SubmissionRecord& submission);

// A GradeRun for every row: the stored run, or one "submission" check explaining why there is none.
GradeRun runForExport(const SubmissionRecord& submission, const ExportContext& context);

// Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column for the assignment
// ("NAME"), a "Points Possible" row first. Students are matched on SIS User ID (the roster id).
std::string exportCanvasCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context);
// Moodle grade import: "ID number", "Email address" (either can be mapped on import), the grade and feedback.
std::string exportMoodleCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context);
// GitHub Classroom's grades.csv columns: assignment_name, assignment_url, starter_code_url, github_username,
// roster_identifier, student_repository_name, student_repository_url, submission_timestamp, points_awarded,
// points_available.
std::string exportClassroomCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context);

// gradescope/<student>/results.json, junit/<student>.xml, feedback/<student>.md.
std::vector<ExportFile> exportGradescope(const std::vector<SubmissionRecord>& rows, const ExportContext& context);
std::vector<ExportFile> exportJunit(const std::vector<SubmissionRecord>& rows, const ExportContext& context);
std::vector<ExportFile> exportMarkdown(const std::vector<SubmissionRecord>& rows, const ExportContext& context);

// summary.html: counts, score histogram (inline SVG), pass rate per check, slowest checks, late submissions and
// failures. Inline CSS only, no scripts and no external URLs; every piece of text is escaped.
std::string exportHtmlSummary(const std::vector<SubmissionRecord>& rows, const ExportContext& context);

// Every file the kinds ask for, with fixed names: canvas.csv, moodle.csv, grades.csv, summary.html and the
// per-student folders above.
std::vector<ExportFile> renderExports(const std::vector<ExportKind>& kinds, const std::vector<SubmissionRecord>& rows,
                                      const ExportContext& context);

}  // namespace kc::grader
