// Redaction of unseen checks' ids and titles from student-facing text.
#include "grader/report_visibility.h"

#include <algorithm>

namespace kc::grader {

namespace {

constexpr const char* kReplacement = "another check";

bool idChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

// Replaces needle where it stands as a whole word (ids) or anywhere (titles).
std::string replaceAll(std::string text, const std::string& needle, bool wholeWord) {
    if (needle.empty()) return text;
    size_t pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
        size_t end = pos + needle.size();
        bool bounded = (pos == 0 || !idChar(text[pos - 1])) && (end == text.size() || !idChar(text[end]));
        if (wholeWord && !bounded) {
            pos = end;
            continue;
        }
        text.replace(pos, needle.size(), kReplacement);
        pos += std::char_traits<char>::length(kReplacement);
    }
    return text;
}

}  // namespace

Redactor::Redactor(const GradeRun& run, const ReportOptions& options, bool studentFacing) {
    if (!studentFacing) return;
    for (const auto& check : run.checks) {
        if (shownToStudent(check, options)) continue;
        unseenIds_.push_back(check.id);
        unseenTitles_.push_back(check.title);
    }
    // Longer first, so an id that contains another is replaced whole.
    auto longerFirst = [](const std::string& a, const std::string& b) { return a.size() > b.size(); };
    std::sort(unseenIds_.begin(), unseenIds_.end(), longerFirst);
    std::sort(unseenTitles_.begin(), unseenTitles_.end(), longerFirst);
}

bool Redactor::mayName(const std::string& checkId) const {
    return std::find(unseenIds_.begin(), unseenIds_.end(), checkId) == unseenIds_.end();
}

std::string Redactor::operator()(const std::string& text) const {
    std::string out = text;
    for (const auto& title : unseenTitles_) out = replaceAll(out, title, false);
    for (const auto& id : unseenIds_) out = replaceAll(out, id, true);
    return out;
}

}  // namespace kc::grader
