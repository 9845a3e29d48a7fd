// Line-based reading of a lecture's markdown: enough of CommonMark for headings and fenced code.
#include "app/lecture_markdown.h"

#include <cctype>
#include <map>

namespace kc::app {

namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == text.size()) break;
        start = end + 1;
    }
    return lines;
}

size_t leadingSpaces(std::string_view line) {
    size_t n = 0;
    while (n < line.size() && line[n] == ' ') ++n;
    return n;
}

// An opening fence after optional list-item markers: "```yaml", "  ```", "- ```"? (CommonMark allows a fence as a
// list item's first line; the notes put fences on their own lines under items, indented.)
struct Fence {
    char marker = 0;
    size_t length = 0;
    size_t indent = 0;
    std::string info;
};

bool readFence(std::string_view line, Fence& fence) {
    size_t indent = leadingSpaces(line);
    std::string_view rest = line.substr(indent);
    if (rest.empty() || (rest[0] != '`' && rest[0] != '~')) return false;
    char marker = rest[0];
    size_t length = 0;
    while (length < rest.size() && rest[length] == marker) ++length;
    if (length < 3) return false;
    std::string_view info = rest.substr(length);
    if (marker == '`' && info.find('`') != std::string_view::npos) return false;
    fence.marker = marker;
    fence.length = length;
    fence.indent = indent;
    size_t b = 0;
    while (b < info.size() && std::isspace(static_cast<unsigned char>(info[b]))) ++b;
    size_t e = b;
    while (e < info.size() && !std::isspace(static_cast<unsigned char>(info[e]))) ++e;
    fence.info.clear();
    for (size_t i = b; i < e; ++i) fence.info += static_cast<char>(std::tolower(static_cast<unsigned char>(info[i])));
    return true;
}

bool closesFence(std::string_view line, const Fence& open) {
    size_t indent = leadingSpaces(line);
    std::string_view rest = line.substr(indent);
    size_t length = 0;
    while (length < rest.size() && rest[length] == open.marker) ++length;
    if (length < open.length) return false;
    for (size_t i = length; i < rest.size(); ++i)
        if (rest[i] != ' ' && rest[i] != '\t') return false;
    return true;
}

int countWords(std::string_view line) {
    int words = 0;
    bool inWord = false;
    for (char c : line) {
        bool wordChar = std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80);
        if (wordChar && !inWord) ++words;
        inWord = wordChar;
    }
    return words;
}

}  // namespace

std::string plainInlineText(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '`' || c == '*') continue;
        if (c == '_' && (i == 0 || i + 1 == text.size() || text[i - 1] == ' ' || text[i + 1] == ' ')) continue;
        if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
            size_t close = text.find(')', i + 2);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        if (c == '[' || c == ']') continue;
        out += c;
    }
    size_t b = out.find_first_not_of(' ');
    size_t e = out.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

std::string headingSlug(std::string_view plainText) {
    std::string slug;
    for (char c : plainText) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) slug += static_cast<char>(std::tolower(u));
        else if (c == ' ') slug += '-';
        else if (c == '-' || c == '_') slug += c;
        else if (u & 0x80) slug += c;  // non-ASCII letters are kept by GitHub
    }
    return slug;
}

int readingMinutes(int words) {
    if (words <= 0) return 0;
    return (words + 199) / 200;
}

MarkdownOutline outlineMarkdown(std::string_view markdown) {
    MarkdownOutline outline;
    std::map<std::string, int> slugUses;
    auto lines = splitLines(markdown);
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        Fence fence;
        if (readFence(line, fence)) {
            FencedCode code;
            code.language = fence.info;
            code.line = static_cast<int>(i) + 1;
            std::string text;
            bool first = true;
            size_t j = i + 1;
            for (; j < lines.size(); ++j) {
                if (closesFence(lines[j], fence)) break;
                std::string_view content = lines[j];
                size_t strip = std::min(fence.indent, leadingSpaces(content));
                content.remove_prefix(strip);
                if (!first) text += '\n';
                text += content;
                first = false;
            }
            code.text = std::move(text);
            outline.codeBlocks.push_back(std::move(code));
            i = j;  // past the closing fence (or the end of the document)
            continue;
        }
        size_t indent = leadingSpaces(line);
        std::string_view rest = line.substr(indent);
        if (indent < 4 && !rest.empty() && rest[0] == '#') {
            size_t level = 0;
            while (level < rest.size() && rest[level] == '#') ++level;
            if (level <= 6 && (level == rest.size() || rest[level] == ' ')) {
                std::string_view title = rest.substr(level);
                while (!title.empty() && (title.back() == '#' || title.back() == ' ')) title.remove_suffix(1);
                MarkdownHeading heading;
                heading.level = static_cast<int>(level);
                heading.text = plainInlineText(title);
                std::string slug = headingSlug(heading.text);
                int& uses = slugUses[slug];
                heading.slug = uses == 0 ? slug : slug + "-" + std::to_string(uses);
                ++uses;
                heading.line = static_cast<int>(i) + 1;
                outline.proseWords += countWords(heading.text);
                outline.headings.push_back(std::move(heading));
                continue;
            }
        }
        outline.proseWords += countWords(plainInlineText(line));
    }
    return outline;
}

}  // namespace kc::app
