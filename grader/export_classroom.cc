// A grades.csv with the columns GitHub Classroom's grade download uses; see batch_export.h. The roster has no
// GitHub user name, so github_username is left empty and roster_identifier carries the student id.
#include "grader/batch_export.h"
#include "grader/csv_field.h"

namespace kc::grader {

namespace {

// The last path segment of a repository URL without ".git": ".../org/lab-02-ada.git" → "lab-02-ada".
std::string repositoryName(const std::string& url) {
    std::string u = url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    if (u.size() > 4 && u.compare(u.size() - 4, 4, ".git") == 0) u.resize(u.size() - 4);
    auto cut = u.find_last_of("/:");
    return cut == std::string::npos ? u : u.substr(cut + 1);
}

}  // namespace

std::string exportClassroomCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::string out =
        "assignment_name,assignment_url,starter_code_url,github_username,roster_identifier,student_repository_name,"
        "student_repository_url,submission_timestamp,points_awarded,points_available\n";
    for (const auto& s : rows)
        out += csvField(context.assignmentName) + "," + csvField(context.assignmentUrl) + "," +
               csvField(context.starterCodeUrl) + ",," + csvField(s.student) + "," + csvField(repositoryName(s.repoUrl)) +
               "," + csvField(s.repoUrl) + "," + csvField(s.commitTime) + "," + exportedScore(s) + "," +
               csvNumber(s.status == SubmissionStatus::Graded ? s.points : context.pointsAvailable) + "\n";
    return out;
}

}  // namespace kc::grader
