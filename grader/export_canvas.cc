// The Canvas gradebook import CSV; see batch_export.h. Canvas matches rows on its own ID or on SIS User ID; we
// know only the roster id, so ID stays empty and SIS User ID carries it.
#include "grader/batch_export.h"
#include "grader/csv_field.h"

namespace kc::grader {

std::string exportCanvasCsv(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    std::string out = "Student,ID,SIS User ID,SIS Login ID,Section," + csvField(context.assignmentName) + "\n";
    // Canvas's own export puts the points possible in the second row, and its import accepts it there.
    out += "Points Possible,,,,," + csvNumber(context.pointsAvailable) + "\n";
    for (const auto& s : rows)
        out += csvField(s.name) + ",," + csvField(s.student) + ",,," + exportedScore(s) + "\n";
    return out;
}

}  // namespace kc::grader
