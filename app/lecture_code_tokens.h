// Tokens for highlighting the code blocks of the lecture notes (yaml, console/bash/shell, go, python, json):
// one line at a time, which is all the notes need (no multi-line strings or block comments there). Works on UTF-16
// so the positions are QString positions without Qt being included here.
#pragma once

#include <string_view>
#include <vector>

namespace kc::app {

enum class CodeToken {
    Keyword,   // go/python keywords, yaml booleans and null
    String,    // quoted text
    Comment,   // "# ..." or "// ..."
    Number,
    Key,       // a yaml or json key
    Prompt,    // "$ " at the start of a console line
    Variable,  // $VAR, ${VAR}
    Output,    // a console line without a prompt: what the command printed
};

struct CodeSpan {
    int start = 0;
    int length = 0;
    CodeToken kind = CodeToken::Keyword;
};

// The spans to colour in `line` of a block whose fence said `language` ("yaml", "console", ...); languages not
// listed above get no spans. Spans do not overlap and are in order. `continuesCommand`: the line before ended with
// a backslash, so a console line without a prompt is still part of a command, not output.
std::vector<CodeSpan> tokenizeCodeLine(std::u16string_view language, std::u16string_view line,
                                       bool continuesCommand = false);

// True when the line ends with a backslash: the command goes on in the next line.
bool continuesOnNextLine(std::u16string_view line);

}  // namespace kc::app
