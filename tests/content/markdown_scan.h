// Just enough Markdown reading for the lecture-notes checks: fenced code blocks, links and headings, each with
// the 1-based line it sits on so a finding can name file:line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kc::content {

struct FencedBlock {
    std::string info;   // the info string after the opening fence, lower-cased first word ("yaml", "console")
    int firstLine = 0;  // the line of the block's first content line (the one after the opening fence)
    std::string text;   // the content, without the fences
    bool closed = true; // false when the file ends inside the block
};

struct Link {
    std::string target;  // as written, without an optional "title"
    int line = 0;
};

struct Heading {
    int level = 0;
    std::string text;
    int line = 0;
};

// Fenced blocks opened by ``` or ~~~ (up to three spaces of indent), closed by the same marker.
std::vector<FencedBlock> fencedBlocks(std::string_view markdown);

// Inline links and images [text](target) outside fenced blocks and `code spans`. Autolinks and bare URLs are
// not returned: they are always absolute.
std::vector<Link> markdownLinks(std::string_view markdown);

// ATX headings outside fenced blocks, in order.
std::vector<Heading> markdownHeadings(std::string_view markdown);

// Whitespace-separated words of the whole file, the way `wc -w` counts them.
int wordCount(std::string_view text);

}  // namespace kc::content
