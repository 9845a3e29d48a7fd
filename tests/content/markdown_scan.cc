// Line-oriented Markdown scanning for the lecture-notes checks.
#include "tests/content/markdown_scan.h"

#include <cctype>

namespace kc::content {
namespace {

// Calls visit(lineText, lineNumber, insideFence) for every line; fence lines themselves report insideFence=true.
template <typename Visit>
void forEachLine(std::string_view markdown, Visit visit) {
    std::string fence;
    std::size_t pos = 0;
    int lineNo = 0;
    while (pos < markdown.size()) {
        std::size_t nl = markdown.find('\n', pos);
        std::string_view line = markdown.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? markdown.size() : nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t indent = line.find_first_not_of(' ');
        std::string_view body = indent == std::string_view::npos ? std::string_view() : line.substr(indent);
        bool isFence = indent != std::string_view::npos && indent <= 3 &&
                       (body.rfind("```", 0) == 0 || body.rfind("~~~", 0) == 0);
        if (isFence) {
            std::string marker(body.substr(0, 3));
            if (fence.empty()) {
                fence = marker;
                visit(line, lineNo, true, true);
                continue;
            }
            if (marker == fence && body.find_first_not_of(marker[0]) == std::string_view::npos) {
                fence.clear();
                visit(line, lineNo, true, true);
                continue;
            }
        }
        visit(line, lineNo, !fence.empty(), false);
    }
}

std::string lowerFirstWord(std::string_view s) {
    std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    std::size_t e = s.find_first_of(" \t{", b);
    std::string out(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::vector<FencedBlock> fencedBlocks(std::string_view markdown) {
    std::vector<FencedBlock> blocks;
    bool open = false;
    forEachLine(markdown, [&](std::string_view line, int lineNo, bool inside, bool isFence) {
        if (isFence) {
            if (!open) {
                std::string_view body = line.substr(line.find_first_not_of(' '));
                std::size_t afterMarker = body.find_first_not_of(body[0]);
                std::string info = afterMarker == std::string_view::npos ? std::string() : lowerFirstWord(body.substr(afterMarker));
                blocks.push_back({info, lineNo + 1, {}, false});
                open = true;
            } else {
                blocks.back().closed = true;
                open = false;
            }
            return;
        }
        if (inside && open) {
            blocks.back().text.append(line);
            blocks.back().text.push_back('\n');
        }
    });
    return blocks;
}

std::vector<Link> markdownLinks(std::string_view markdown) {
    std::vector<Link> links;
    forEachLine(markdown, [&](std::string_view line, int lineNo, bool inside, bool) {
        if (inside) return;
        bool inCode = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '`') {
                inCode = !inCode;
                continue;
            }
            if (inCode || line[i] != ']' || i + 1 >= line.size() || line[i + 1] != '(') continue;
            std::size_t start = i + 2;
            // Balance parentheses so a target such as "a_(b).md" stays whole.
            int depth = 1;
            std::size_t j = start;
            for (; j < line.size() && depth > 0; ++j) {
                if (line[j] == '(') ++depth;
                else if (line[j] == ')') --depth;
            }
            if (depth != 0) continue;
            std::string_view inner = line.substr(start, j - 1 - start);
            std::size_t b = inner.find_first_not_of(' ');
            if (b == std::string_view::npos) {
                links.push_back({"", lineNo});
                continue;
            }
            inner.remove_prefix(b);
            std::string target;
            if (inner.front() == '<') {
                std::size_t close = inner.find('>');
                target = std::string(inner.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
            } else {
                target = std::string(inner.substr(0, inner.find(' ')));
            }
            links.push_back({target, lineNo});
            i = j - 1;
        }
    });
    return links;
}

std::vector<Heading> markdownHeadings(std::string_view markdown) {
    std::vector<Heading> headings;
    forEachLine(markdown, [&](std::string_view line, int lineNo, bool inside, bool) {
        if (inside) return;
        std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string_view::npos || indent > 3) return;
        std::string_view body = line.substr(indent);
        if (body.empty() || body[0] != '#') return;
        std::size_t level = body.find_first_not_of('#');
        if (level == std::string_view::npos || level > 6 || body[level] != ' ') return;
        std::string_view text = body.substr(level + 1);
        while (!text.empty() && (text.back() == ' ' || text.back() == '#')) text.remove_suffix(1);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        headings.push_back({static_cast<int>(level), std::string(text), lineNo});
    });
    return headings;
}

int wordCount(std::string_view text) {
    int words = 0;
    bool inWord = false;
    for (unsigned char c : text) {
        bool space = std::isspace(c) != 0;
        if (!space && !inWord) ++words;
        inWord = !space;
    }
    return words;
}

}  // namespace kc::content
