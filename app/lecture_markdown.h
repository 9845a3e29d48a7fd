// What the Lectures page needs to know about a lecture's markdown before Qt renders it: the headings with their
// GitHub-style anchors (the notes link to "#some-heading"), the fenced code blocks exactly as written (what "Copy"
// puts on the clipboard) and how many words of prose there are (reading time). Qt-free, so it is unit-tested alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kc::app {

struct MarkdownHeading {
    int level = 1;      // 1 for "#", 2 for "##", ...
    std::string text;   // inline markup removed: "The `kubectl` tool" -> "The kubectl tool"
    std::string slug;   // the anchor GitHub gives it: "the-kubectl-tool" (repeats get -1, -2, ...)
    int line = 0;       // 1-based
};

struct FencedCode {
    std::string language;  // the info string's first word, lower case ("yaml"); empty when none
    std::string text;      // the block's lines, fence indentation removed, joined by '\n', no final newline
    int line = 0;          // 1-based line of the opening fence
};

struct MarkdownOutline {
    std::vector<MarkdownHeading> headings;
    std::vector<FencedCode> codeBlocks;
    int proseWords = 0;  // words outside fenced code
};

// Reads ATX headings ("## x") and fenced code blocks (``` or ~~~, possibly indented inside list items).
MarkdownOutline outlineMarkdown(std::string_view markdown);

// The plain text of a line of inline markdown: code spans, emphasis markers and link targets removed.
std::string plainInlineText(std::string_view text);

// GitHub's anchor for a heading's plain text: lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
std::string headingSlug(std::string_view plainText);

// Minutes to read `words` at 200 words a minute, rounded up; at least 1 for any text.
int readingMinutes(int words);

}  // namespace kc::app
