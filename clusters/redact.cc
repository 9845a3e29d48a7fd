// Secret scrubbing for messages. Regular expressions run only on bounded text (callers cut it first), so their
// cost stays small; known secrets are replaced by plain search, which cannot miss an exact value.
#include "clusters/redact.h"

#include <algorithm>
#include <regex>

namespace kc {

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
    static const std::regex longRun(R"([A-Za-z0-9+/=_.-]{32,})");
    text = std::regex_replace(text, pem, mark);
    text = std::regex_replace(text, jwt, mark);
    text = std::regex_replace(text, bearer, "$1 " + mark);
    text = std::regex_replace(text, named, "$1" + mark);
    text = std::regex_replace(text, longRun, mark);
    return text;
}

std::string boundedForMessage(std::string_view text, size_t maxBytes) {
    if (text.size() <= maxBytes) return std::string(text);
    std::string_view head = text.substr(0, maxBytes);
    size_t lastBreak = head.rfind('\n');
    if (lastBreak != std::string_view::npos && lastBreak > maxBytes / 2) head = head.substr(0, lastBreak);
    return std::string(head) + "\n… (" + std::to_string(text.size() - head.size()) + " more bytes not shown)";
}

}  // namespace kc
