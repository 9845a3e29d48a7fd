// Secret scrubbing for messages. Regular expressions run only on bounded text (callers cut it first), so their
// cost stays small; known secrets are replaced by plain search, which cannot miss an exact value.
#include "clusters/redact.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace kc {
namespace {

bool randomRunChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

// A run of 32+ base64/hex characters that mixes digits with upper and lower case (or is all hex) reads as a
// token or key; paths and API versions rarely mix all three, so they stay readable.
bool looksRandom(std::string_view run) {
    bool digit = false, upper = false, lower = false, hexOnly = true;
    for (char c : run) {
        digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
        upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
        lower |= std::islower(static_cast<unsigned char>(c)) != 0;
        hexOnly &= std::isxdigit(static_cast<unsigned char>(c)) != 0;
    }
    return (digit && upper && lower) || hexOnly;
}

std::string blankLongRandomRuns(const std::string& text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        if (!randomRunChar(text[i])) {
            out += text[i++];
            continue;
        }
        size_t start = i;
        while (i < text.size() && randomRunChar(text[i])) ++i;
        std::string_view run(text.data() + start, i - start);
        out += run.size() >= 32 && looksRandom(run) ? std::string(kRedacted) : std::string(run);
    }
    return out;
}

}  // namespace

std::string redactKnownSecrets(std::string text, const std::vector<std::string>& secrets) {
    // Longest first, so a secret that contains a shorter one is blanked whole.
    std::vector<std::string> ordered;
    for (const auto& s : secrets)
        if (s.size() >= 4) ordered.push_back(s);
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& secret : ordered) {
        size_t pos = 0;
        while ((pos = text.find(secret, pos)) != std::string::npos) {
            text.replace(pos, secret.size(), kRedacted);
            pos += kRedacted.size();
        }
    }
    return text;
}

std::string redactTokenLike(std::string_view input) {
    std::string text(input);
    const std::string mark(kRedacted);
    static const std::regex pem(R"(-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$))");
    static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(\.[A-Za-z0-9_-]*)?)");
    static const std::regex bearer(R"(([Bb]earer|[Bb]asic)\s+[^\s"',;]+)");
    // A quoted or unquoted value after a secret-sounding name: token=..., "password": "...", client-key-data: ...
    static const std::regex named(
        R"re(((token|password|passwd|secret|key|data|credential)[A-Za-z0-9_-]*"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}]+))re",
        std::regex::icase);
    text = std::regex_replace(text, pem, mark);
    text = std::regex_replace(text, jwt, mark);
    text = std::regex_replace(text, bearer, "$1 " + mark);
    text = std::regex_replace(text, named, "$1" + mark);
    return blankLongRandomRuns(text);
}

std::string boundedForMessage(std::string_view text, size_t maxBytes) {
    if (text.size() <= maxBytes) return std::string(text);
    std::string_view head = text.substr(0, maxBytes);
    size_t lastBreak = head.rfind('\n');
    if (lastBreak != std::string_view::npos && lastBreak > maxBytes / 2) head = head.substr(0, lastBreak);
    return std::string(head) + "\n… (" + std::to_string(text.size() - head.size()) + " more bytes not shown)";
}

}  // namespace kc
