// Short-answer normalisation.
#include "quiz/answer_text.h"

#include <cctype>

namespace kc::quiz {

std::string normalizeAnswerText(std::string_view text) { return normalizeAnswerText(text, CaseRule::Ignore); }

std::string normalizeAnswerText(std::string_view text, CaseRule rule) {
    std::string out;
    out.reserve(text.size());
    bool pendingSpace = false;
    for (unsigned char c : text) {
        if (std::isspace(c)) {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace) out += ' ';
        pendingSpace = false;
        out += rule == CaseRule::Ignore ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
    }
    while (!out.empty() && out.back() == '.') out.pop_back();
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace kc::quiz
