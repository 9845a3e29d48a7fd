// Texts and decisions of the Quiz page; see quiz_format.h.
#include "app/quiz_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "clusters/bounded_file.h"

namespace kc::app {

std::string formatCountdown(std::chrono::milliseconds left) {
    long long total = std::max<long long>(0, (left.count() + 999) / 1000);
    long long hours = total / 3600, minutes = total / 60 % 60, seconds = total % 60;
    char text[32];
    if (hours > 0) std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", hours, minutes, seconds);
    else std::snprintf(text, sizeof text, "%lld:%02lld", minutes, seconds);
    return text;
}

bool hasAnswer(const std::optional<quiz::Response>& response) {
    if (!response) return false;
    if (!response->chosenOptions.empty()) return true;
    return std::any_of(response->text.begin(), response->text.end(),
                       [](unsigned char c) { return !std::isspace(c); });
}

AttemptProgress attemptProgress(const std::vector<std::optional<quiz::Response>>& responses,
                                const std::vector<bool>& flags) {
    AttemptProgress progress;
    progress.questions = responses.size();
    for (std::size_t i = 0; i < responses.size(); ++i) {
        if (!hasAnswer(responses[i])) progress.unanswered.push_back(i + 1);
        if (i < flags.size() && flags[i]) progress.flagged.push_back(i + 1);
    }
    return progress;
}

std::string joinNumbers(const std::vector<std::size_t>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (i > 0) out += i + 1 == numbers.size() ? " and " : ", ";
        out += std::to_string(numbers[i]);
    }
    return out;
}

std::string lectureItemForReference(const std::string& reference) {
    static const std::regex shape(R"(^lecture-notes/([0-9]{2}-[A-Za-z0-9._-]+)\.md(#[A-Za-z0-9._-]+)?$)");
    std::smatch m;
    if (!std::regex_match(reference, m, shape)) return {};
    return m[1].str() + m[2].str();
}

std::string topicTitleFromHeading(const std::string& heading) {
    static const std::regex prefix(R"(^#\s*((Lecture|Topic)\s+[0-9]+\s*:\s*)?)", std::regex::icase);
    std::string title = std::regex_replace(heading, prefix, "", std::regex_constants::format_first_only);
    while (!title.empty() && std::isspace(static_cast<unsigned char>(title.back()))) title.pop_back();
    return title;
}

std::vector<TopicLecture> topicLectures(const std::string& dataRoot) {
    namespace fs = std::filesystem;
    std::vector<TopicLecture> out;
    std::error_code ec;
    fs::directory_iterator it(fs::path(dataRoot) / "lecture-notes", ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.size() < 6 || !std::isdigit(static_cast<unsigned char>(name[0])) ||
            !std::isdigit(static_cast<unsigned char>(name[1])) || name[2] != '-' || it->path().extension() != ".md")
            continue;
        const int topic = (name[0] - '0') * 10 + (name[1] - '0');
        if (topic > 8) continue;
        // The heading is on the first line; a lecture is never near this bound.
        auto text = readFileBounded(it->path().string(), 2 * 1024 * 1024);
        if (!text) continue;
        const auto firstLine = text->substr(0, text->find('\n'));
        out.push_back({topic, it->path().stem().string(), topicTitleFromHeading(firstLine)});
    }
    std::sort(out.begin(), out.end(), [](const TopicLecture& a, const TopicLecture& b) { return a.topic < b.topic; });
    return out;
}

}  // namespace kc::app
