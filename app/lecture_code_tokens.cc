// A small hand-written lexer per language: good enough for teaching snippets, never a parser.
#include "app/lecture_code_tokens.h"

#include <algorithm>
#include <array>

namespace kc::app {

namespace {

using View = std::u16string_view;

bool isDigit(char16_t c) { return c >= u'0' && c <= u'9'; }
bool isIdentStart(char16_t c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_'; }
bool isIdent(char16_t c) { return isIdentStart(c) || isDigit(c); }
bool isSpace(char16_t c) { return c == u' ' || c == u'\t'; }

bool oneOf(View word, std::initializer_list<View> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

bool isGoKeyword(View w) {
    return oneOf(w, {u"break", u"case", u"chan", u"const", u"continue", u"default", u"defer", u"else", u"fallthrough",
                     u"for", u"func", u"go", u"goto", u"if", u"import", u"interface", u"map", u"package", u"range",
                     u"return", u"select", u"struct", u"switch", u"type", u"var", u"nil", u"true", u"false", u"err"});
}

bool isPythonKeyword(View w) {
    return oneOf(w, {u"and", u"as", u"assert", u"async", u"await", u"break", u"class", u"continue", u"def", u"del",
                     u"elif", u"else", u"except", u"finally", u"for", u"from", u"global", u"if", u"import", u"in",
                     u"is", u"lambda", u"nonlocal", u"not", u"or", u"pass", u"raise", u"return", u"try", u"while",
                     u"with", u"yield", u"None", u"True", u"False"});
}

bool isShellKeyword(View w) {
    return oneOf(w, {u"if", u"then", u"else", u"elif", u"fi", u"for", u"in", u"do", u"done", u"while", u"case",
                     u"esac", u"export", u"function", u"return", u"until"});
}

// Length of a quoted string starting at `at` (which holds the quote); to the end of the line when unterminated.
int quotedLength(View line, size_t at) {
    char16_t quote = line[at];
    size_t i = at + 1;
    while (i < line.size() && line[i] != quote) {
        if (line[i] == u'\\' && quote != u'\'' && i + 1 < line.size()) ++i;
        ++i;
    }
    return static_cast<int>(std::min(line.size(), i + 1) - at);
}

int numberLength(View line, size_t at) {
    size_t i = at;
    while (i < line.size() && (isDigit(line[i]) || line[i] == u'.' || line[i] == u'_' || line[i] == u'x' ||
                               (line[i] >= u'a' && line[i] <= u'f') || (line[i] >= u'A' && line[i] <= u'F')))
        ++i;
    return static_cast<int>(i - at);
}

void add(std::vector<CodeSpan>& spans, size_t start, size_t length, CodeToken kind) {
    if (length > 0) spans.push_back({static_cast<int>(start), static_cast<int>(length), kind});
}

// Go and Python: keywords, strings, numbers, line comments.
std::vector<CodeSpan> lexProgram(View line, View commentStart, bool (*keyword)(View)) {
    std::vector<CodeSpan> spans;
    size_t i = 0;
    while (i < line.size()) {
        char16_t c = line[i];
        if (line.substr(i, commentStart.size()) == commentStart) {
            add(spans, i, line.size() - i, CodeToken::Comment);
            break;
        }
        if (c == u'"' || c == u'\'' || c == u'`') {
            int n = quotedLength(line, i);
            add(spans, i, n, CodeToken::String);
            i += n;
        } else if (isDigit(c) && (i == 0 || !isIdent(line[i - 1]))) {
            int n = numberLength(line, i);
            add(spans, i, n, CodeToken::Number);
            i += n;
        } else if (isIdentStart(c)) {
            size_t j = i;
            while (j < line.size() && isIdent(line[j])) ++j;
            if (keyword(line.substr(i, j - i))) add(spans, i, j - i, CodeToken::Keyword);
            i = j;
        } else {
            ++i;
        }
    }
    return spans;
}

// A yaml scalar after "key:" or "- ": strings, numbers, booleans; then a trailing comment.
void lexYamlValue(View line, size_t i, std::vector<CodeSpan>& spans) {
    while (i < line.size() && isSpace(line[i])) ++i;
    if (i >= line.size()) return;
    if (line[i] == u'#') {
        add(spans, i, line.size() - i, CodeToken::Comment);
        return;
    }
    if (line[i] == u'"' || line[i] == u'\'') {
        int n = quotedLength(line, i);
        add(spans, i, n, CodeToken::String);
        i += n;
    } else {
        size_t end = line.find(u" #", i);
        size_t valueEnd = end == View::npos ? line.size() : end;
        View value = line.substr(i, valueEnd - i);
        while (!value.empty() && isSpace(value.back())) value.remove_suffix(1);
        bool numeric = !value.empty() && std::all_of(value.begin(), value.end(), [](char16_t ch) {
            return isDigit(ch) || ch == u'.' || ch == u'-';
        }) && isDigit(value.front() == u'-' && value.size() > 1 ? value[1] : value.front());
        if (numeric) add(spans, i, value.size(), CodeToken::Number);
        else if (oneOf(value, {u"true", u"false", u"null", u"yes", u"no", u"~"}))
            add(spans, i, value.size(), CodeToken::Keyword);
        i = valueEnd;
    }
    size_t comment = line.find(u" #", i);
    if (comment != View::npos) add(spans, comment + 1, line.size() - comment - 1, CodeToken::Comment);
}

std::vector<CodeSpan> lexYaml(View line) {
    std::vector<CodeSpan> spans;
    size_t i = 0;
    while (i < line.size() && isSpace(line[i])) ++i;
    if (i < line.size() && line[i] == u'#') {
        add(spans, i, line.size() - i, CodeToken::Comment);
        return spans;
    }
    if (line.substr(i, 3) == u"---") return spans;
    while (i + 1 < line.size() && line[i] == u'-' && line[i + 1] == u' ') i += 2;  // "- - key: v"
    // "key: value": the key runs to the first ": " (or a final ':') outside quotes.
    size_t keyStart = i;
    size_t j = i;
    if (j < line.size() && (line[j] == u'"' || line[j] == u'\'')) j += quotedLength(line, j);
    while (j < line.size() && !(line[j] == u':' && (j + 1 == line.size() || isSpace(line[j + 1]))) && line[j] != u'#')
        ++j;
    if (j < line.size() && line[j] == u':') {
        add(spans, keyStart, j - keyStart, CodeToken::Key);
        lexYamlValue(line, j + 1, spans);
    } else {
        lexYamlValue(line, keyStart, spans);
    }
    return spans;
}

std::vector<CodeSpan> lexJson(View line) {
    std::vector<CodeSpan> spans;
    size_t i = 0;
    while (i < line.size()) {
        char16_t c = line[i];
        if (c == u'"') {
            int n = quotedLength(line, i);
            size_t after = i + n;
            while (after < line.size() && isSpace(line[after])) ++after;
            add(spans, i, n, after < line.size() && line[after] == u':' ? CodeToken::Key : CodeToken::String);
            i += n;
        } else if (isDigit(c) || (c == u'-' && i + 1 < line.size() && isDigit(line[i + 1]))) {
            int n = numberLength(line, i + (c == u'-' ? 1 : 0)) + (c == u'-' ? 1 : 0);
            add(spans, i, n, CodeToken::Number);
            i += n;
        } else if (isIdentStart(c)) {
            size_t j = i;
            while (j < line.size() && isIdent(line[j])) ++j;
            if (oneOf(line.substr(i, j - i), {u"true", u"false", u"null"})) add(spans, i, j - i, CodeToken::Keyword);
            i = j;
        } else {
            ++i;
        }
    }
    return spans;
}

// A shell command: strings, $variables, comments and a few keywords; `from` skips a prompt.
void lexShellCommand(View line, size_t from, std::vector<CodeSpan>& spans) {
    size_t i = from;
    bool wordStart = true;
    while (i < line.size()) {
        char16_t c = line[i];
        if (c == u'#' && wordStart) {
            add(spans, i, line.size() - i, CodeToken::Comment);
            return;
        }
        if (c == u'"' || c == u'\'') {
            int n = quotedLength(line, i);
            add(spans, i, n, CodeToken::String);
            i += n;
            wordStart = false;
        } else if (c == u'$' && i + 1 < line.size() && (line[i + 1] == u'{' || isIdentStart(line[i + 1]))) {
            size_t j = i + 1;
            if (line[j] == u'{') {
                size_t close = line.find(u'}', j);
                j = close == View::npos ? line.size() : close + 1;
            } else {
                while (j < line.size() && isIdent(line[j])) ++j;
            }
            add(spans, i, j - i, CodeToken::Variable);
            i = j;
            wordStart = false;
        } else if (isIdentStart(c) && wordStart) {
            size_t j = i;
            while (j < line.size() && isIdent(line[j])) ++j;
            bool wholeWord = j == line.size() || isSpace(line[j]) || line[j] == u';';
            if (wholeWord && isShellKeyword(line.substr(i, j - i))) add(spans, i, j - i, CodeToken::Keyword);
            i = j;
            wordStart = false;
        } else {
            wordStart = isSpace(c) || c == u';' || c == u'|' || c == u'&' || c == u'(';
            ++i;
        }
    }
}

std::vector<CodeSpan> lexConsole(View line, bool continuesCommand) {
    std::vector<CodeSpan> spans;
    if (continuesCommand) {
        lexShellCommand(line, 0, spans);
        return spans;
    }
    size_t i = 0;
    while (i < line.size() && isSpace(line[i])) ++i;
    if (line.substr(i, 2) == u"$ " || line.substr(i, 2) == u"# " || line.substr(i, 2) == u"> ") {
        // "# " as a prompt would be root's; in the notes a leading "# " is a comment, so only "$ " and "> ".
        if (line[i] == u'#') {
            add(spans, i, line.size() - i, CodeToken::Comment);
            return spans;
        }
        add(spans, i, 1, CodeToken::Prompt);
        lexShellCommand(line, i + 2, spans);
        return spans;
    }
    if (i < line.size() && line[i] == u'#') {
        add(spans, i, line.size() - i, CodeToken::Comment);
        return spans;
    }
    if (!line.empty()) add(spans, 0, line.size(), CodeToken::Output);
    return spans;
}

std::vector<CodeSpan> lexShell(View line) {
    std::vector<CodeSpan> spans;
    size_t i = 0;
    while (i < line.size() && isSpace(line[i])) ++i;
    if (line.substr(i, 2) == u"$ ") {
        add(spans, i, 1, CodeToken::Prompt);
        i += 2;
    }
    lexShellCommand(line, i, spans);
    return spans;
}

}  // namespace

bool continuesOnNextLine(View line) {
    while (!line.empty() && isSpace(line.back())) line.remove_suffix(1);
    return !line.empty() && line.back() == u'\\';
}

std::vector<CodeSpan> tokenizeCodeLine(View language, View line, bool continuesCommand) {
    if (language == u"yaml" || language == u"yml") return lexYaml(line);
    if (language == u"json") return lexJson(line);
    if (language == u"go") return lexProgram(line, u"//", isGoKeyword);
    if (language == u"python" || language == u"py") return lexProgram(line, u"#", isPythonKeyword);
    if (language == u"console") return lexConsole(line, continuesCommand);
    if (language == u"bash" || language == u"sh" || language == u"shell") return lexShell(line);
    return {};
}

}  // namespace kc::app
