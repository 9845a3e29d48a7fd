// Listing the lecture notes.
#include "app/lecture_catalog.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "app/lecture_markdown.h"
#include "clusters/bounded_file.h"

namespace kc::app {

namespace fs = std::filesystem;

namespace {

// "03-statefulsets-and-storage" -> 3; -1 when the name does not start with two digits and a dash.
int lectureNumber(const std::string& stem) {
    if (stem.size() < 4 || !std::isdigit(static_cast<unsigned char>(stem[0])) ||
        !std::isdigit(static_cast<unsigned char>(stem[1])) || stem[2] != '-')
        return -1;
    return (stem[0] - '0') * 10 + (stem[1] - '0');
}

}  // namespace

std::string shortLectureTitle(const std::string& title) {
    for (const char* prefix : {"Lecture ", "Topic "}) {
        std::string p(prefix);
        if (title.rfind(p, 0) != 0) continue;
        size_t i = p.size();
        while (i < title.size() && std::isdigit(static_cast<unsigned char>(title[i]))) ++i;
        if (i == p.size() || i >= title.size() || title[i] != ':') continue;
        ++i;
        while (i < title.size() && title[i] == ' ') ++i;
        return title.substr(i);
    }
    return title;
}

Result<std::string> readLectureText(const std::string& path) {
    auto text = readFileBounded(path, kMaxLectureBytes);
    if (!text) return fail(text.error().context("reading lecture " + path));
    return text;
}

Result<std::vector<LectureInfo>> loadLectureCatalog(const std::string& lectureNotesDir) {
    std::error_code ec;
    if (!fs::is_directory(lectureNotesDir, ec))
        return fail(ErrorKind::NotFound, "the lecture notes folder " + lectureNotesDir + " does not exist");
    std::vector<LectureInfo> lectures;
    for (const auto& entry : fs::directory_iterator(lectureNotesDir, ec)) {
        if (entry.path().extension() != ".md" || !entry.is_regular_file(ec)) continue;
        std::string stem = entry.path().stem().string();
        int number = lectureNumber(stem);
        if (number < 0) continue;
        auto text = readLectureText(entry.path().string());
        if (!text) return fail(text.error());
        MarkdownOutline outline = outlineMarkdown(*text);
        LectureInfo info;
        info.id = stem;
        info.number = number;
        info.path = entry.path().string();
        info.title = outline.headings.empty() ? stem : outline.headings.front().text;
        info.shortTitle = shortLectureTitle(info.title);
        info.words = outline.proseWords;
        info.readingMinutes = readingMinutes(outline.proseWords);
        lectures.push_back(std::move(info));
    }
    if (ec) return fail(ErrorKind::Other, "listing " + lectureNotesDir + ": " + ec.message());
    std::sort(lectures.begin(), lectures.end(), [](const LectureInfo& a, const LectureInfo& b) {
        return a.number != b.number ? a.number < b.number : a.id < b.id;
    });
    return lectures;
}

}  // namespace kc::app
