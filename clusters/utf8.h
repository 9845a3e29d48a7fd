// Checks that untrusted text is UTF-8 without NUL bytes before it is parsed: a YAML or CSV reader would
// otherwise carry invalid bytes into names and reports (where JSON output refuses them) or cut a value at a NUL.
// Header-only so that the quiz library, which links nothing else of kubeclass, can use it too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kc {

struct TextProblem {
    int line = 1;    // 1-based
    int column = 1;  // 1-based, counted in bytes
    std::string what;  // "invalid UTF-8 byte 0xff", "a NUL byte"
};

// The first invalid UTF-8 sequence (overlong forms, surrogates and code points above U+10FFFF included) or NUL
// byte in text, with its position; nullopt when the text is clean.
inline std::optional<TextProblem> findTextProblem(std::string_view text) {
    static const char* hex = "0123456789abcdef";
    int line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        auto problem = [&](const char* what) {
            std::string w = what;
            if (c != 0) w += std::string(" 0x") + hex[c >> 4] + hex[c & 15];
            return TextProblem{line, static_cast<int>(i - lineStart) + 1, w + " (the file must be UTF-8 text)"};
        };
        if (c == 0) return problem("a NUL byte");
        if (c == '\n') {
            ++line;
            lineStart = ++i;
            continue;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        unsigned min = 0;
        if (c >= 0xc2 && c <= 0xdf) length = 2, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef) length = 3, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4) length = 4, min = 0x10000;
        else return problem("invalid UTF-8 byte");
        if (i + length > text.size()) return problem("truncated UTF-8 sequence at byte");
        unsigned code = c & (0xff >> (length + 1));
        for (size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return problem("invalid UTF-8 sequence at byte");
            code = (code << 6) | (next & 0x3f);
        }
        if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return problem("invalid UTF-8 sequence at byte");
        i += length;
    }
    return std::nullopt;
}

}  // namespace kc
