// The Moodle grade import CSV; see batch_export.h. On import the instructor maps "ID number" or
// "Email address" to the user field and the assignment column to the grade item.
#include "grader/batch_export.h"
#include "grader/csv_field.h"

namespace kc::grader {

std::string exportMoodleCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::string out = "ID number,Email address," + csvField(context.assignmentName) + ",Feedback\n";
    for (const auto& s : rows) {
        std::string feedback;
        if (s.status != SubmissionStatus::Graded) feedback = s.error;
        else if (s.late) feedback = "late by " + std::to_string(s.lateSeconds) + " s; penalty " +
                                    csvNumber(s.penaltyFraction * 100) + "%";
        out += csvField(s.student) + "," + csvField(s.email) + "," + exportedScore(s) + "," + csvField(feedback) + "\n";
    }
    return out;
}

}  // namespace kc::grader
