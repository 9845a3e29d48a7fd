// Link classification for the lecture reader.
#include "app/lecture_links.h"

#include <cctype>
#include <vector>

#include "app/lecture_markdown.h"

namespace kc::app {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "NN-name" with NN two digits.
bool looksNumbered(std::string_view stem) {
    return stem.size() >= 4 && std::isdigit(static_cast<unsigned char>(stem[0])) &&
           std::isdigit(static_cast<unsigned char>(stem[1])) && stem[2] == '-';
}

// Every "](target)" in a line.
std::vector<std::string_view> linkTargets(std::string_view line) {
    std::vector<std::string_view> targets;
    size_t at = 0;
    while ((at = line.find("](", at)) != std::string_view::npos) {
        size_t close = line.find(')', at + 2);
        if (close == std::string_view::npos) break;
        targets.push_back(line.substr(at + 2, close - at - 2));
        at = close;
    }
    return targets;
}

}  // namespace

std::string labIdFromPath(std::string_view path) {
    while (startsWith(path, "./")) path.remove_prefix(2);
    if (startsWith(path, "exercises/")) {
        std::string_view rest = path.substr(10);
        std::string_view name = rest.substr(0, rest.find('/'));
        return name.empty() ? std::string() : "exercises/" + std::string(name);
    }
    std::string_view folder = path.substr(0, path.find('/'));
    // "lab-01-operator" -> "lab-01"
    if (folder.size() >= 6 && startsWith(folder, "lab-") && std::isdigit(static_cast<unsigned char>(folder[4])) &&
        std::isdigit(static_cast<unsigned char>(folder[5])) && (folder.size() == 6 || folder[6] == '-'))
        return std::string(folder.substr(0, 6));
    return {};
}

std::map<std::string, std::string> labAnchorsFromReadme(std::string_view readme) {
    std::map<std::string, std::string> anchors;
    std::string section;  // the slug of the heading we are under
    size_t start = 0;
    while (start < readme.size()) {
        size_t end = readme.find('\n', start);
        if (end == std::string_view::npos) end = readme.size();
        std::string_view line = readme.substr(start, end - start);
        start = end + 1;
        if (startsWith(line, "#")) {
            size_t level = line.find_first_not_of('#');
            section = level == std::string_view::npos ? std::string()
                                                      : headingSlug(plainInlineText(line.substr(level)));
            continue;
        }
        if (section.empty() || anchors.count(section)) continue;
        for (std::string_view target : linkTargets(line)) {
            std::string id = labIdFromPath(target);
            if (!id.empty()) {
                anchors[section] = id;
                break;
            }
        }
    }
    return anchors;
}

std::set<std::string> quizQuestionIds(std::string_view bankYaml) {
    std::set<std::string> ids;
    size_t start = 0;
    while (start < bankYaml.size()) {
        size_t end = bankYaml.find('\n', start);
        if (end == std::string_view::npos) end = bankYaml.size();
        std::string_view line = bankYaml.substr(start, end - start);
        start = end + 1;
        if (!startsWith(line, "- id:")) continue;
        line.remove_prefix(5);
        while (!line.empty() && (line.front() == ' ' || line.front() == '"' || line.front() == '\'')) line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '"' || line.back() == '\''))
            line.remove_suffix(1);
        if (!line.empty()) ids.insert(std::string(line));
    }
    return ids;
}

std::string linkQuestionIds(std::string_view markdown, const std::set<std::string>& questionIds) {
    std::string out;
    out.reserve(markdown.size() + 1024);
    bool inFence = false;
    size_t start = 0;
    while (start < markdown.size()) {
        size_t end = markdown.find('\n', start);
        const bool lastLine = end == std::string_view::npos;
        if (lastLine) end = markdown.size();
        std::string_view line = markdown.substr(start, end - start);
        start = end + 1;
        std::string_view trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
        if (startsWith(trimmed, "```") || startsWith(trimmed, "~~~")) inFence = !inFence;
        if (inFence || line.find('`') == std::string_view::npos) {
            out += line;
        } else {
            size_t i = 0;
            while (i < line.size()) {
                size_t open = line.find('`', i);
                if (open == std::string_view::npos) {
                    out += line.substr(i);
                    break;
                }
                size_t close = line.find('`', open + 1);
                if (close == std::string_view::npos) {
                    out += line.substr(i);
                    break;
                }
                std::string_view code = line.substr(open + 1, close - open - 1);
                // Already a link's text ("[`x`](...)") stays as it is.
                const bool inLink = open > 0 && line[open - 1] == '[';
                out += line.substr(i, open - i);
                if (!inLink && questionIds.count(std::string(code)))
                    out += "[`" + std::string(code) + "`](quiz:" + std::string(code) + ")";
                else
                    out += line.substr(open, close - open + 1);
                i = close + 1;
            }
        }
        if (!lastLine) out += '\n';
    }
    return out;
}

LectureLink classifyLectureLink(std::string_view href, const std::map<std::string, std::string>& labAnchors) {
    LectureLink link;
    if (startsWith(href, "quiz:")) {
        link.kind = LectureLink::Kind::Quiz;
        link.quizItem = std::string(href.substr(5));
        return link;
    }
    if (startsWith(href, "http://") || startsWith(href, "https://") || startsWith(href, "mailto:")) {
        link.kind = LectureLink::Kind::External;
        link.url = std::string(href);
        return link;
    }
    std::string_view path = href;
    std::string_view anchor;
    if (size_t hash = href.find('#'); hash != std::string_view::npos) {
        path = href.substr(0, hash);
        anchor = href.substr(hash + 1);
    }
    while (startsWith(path, "./")) path.remove_prefix(2);
    if (path.empty()) {
        link.kind = LectureLink::Kind::Anchor;
        link.anchor = std::string(anchor);
        return link;
    }
    if (startsWith(path, "../lecture-notes/")) path.remove_prefix(17);
    if (path.find('/') == std::string_view::npos && endsWith(path, ".md")) {
        std::string_view stem = path.substr(0, path.size() - 3);
        if (looksNumbered(stem)) {
            link.kind = LectureLink::Kind::Lecture;
            link.lectureId = std::string(stem);
            link.anchor = std::string(anchor);
            return link;
        }
    }
    if (startsWith(path, "../labs/")) {
        std::string_view inLabs = path.substr(8);
        if (inLabs == "README.md" || inLabs.empty()) {
            auto found = labAnchors.find(std::string(anchor));
            if (found != labAnchors.end()) {
                link.kind = LectureLink::Kind::Lab;
                link.labId = found->second;
            }
            return link;
        }
        std::string id = labIdFromPath(inLabs);
        if (!id.empty()) {
            link.kind = LectureLink::Kind::Lab;
            link.labId = id;
        }
        return link;
    }
    if (startsWith(path, "../quiz/bank/")) {
        std::string_view file = path.substr(13);
        if (looksNumbered(file)) {
            int topic = (file[0] - '0') * 10 + (file[1] - '0');
            link.kind = LectureLink::Kind::Quiz;
            link.quizItem = "topic-" + std::to_string(topic);
        }
        return link;
    }
    return link;
}

}  // namespace kc::app
