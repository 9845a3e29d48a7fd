// Scoring rules for each question type; see scoring.h for the documented partial-credit rule.
#include "quiz/scoring.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>

#include "quiz/answer_text.h"
#include "quiz/kubectl_equivalence.h"

namespace kc::quiz {

double scoreSingleChoice(const Question& q, const std::vector<std::string>& chosen) {
    std::set<std::string> unique(chosen.begin(), chosen.end());
    if (unique.size() != 1 || q.correctOptions.size() != 1) return 0.0;
    return *unique.begin() == q.correctOptions.front() ? 1.0 : 0.0;
}

double scoreMultipleChoice(const Question& q, const std::vector<std::string>& chosen) {
    if (q.options.empty()) return 0.0;
    std::set<std::string> picked(chosen.begin(), chosen.end());
    std::set<std::string> correct(q.correctOptions.begin(), q.correctOptions.end());
    int right = 0;
    int wrong = 0;
    bool anyPicked = false;
    for (const auto& o : q.options) {
        bool isCorrect = correct.count(o.id) > 0;
        bool isPicked = picked.count(o.id) > 0;
        (isCorrect == isPicked ? right : wrong) += 1;
        anyPicked = anyPicked || isPicked;
    }
    if (!anyPicked) return 0.0;  // unanswered, see scoring.h
    double score = static_cast<double>(right - wrong) / static_cast<double>(q.options.size());
    return std::max(0.0, score);
}

double scoreShortAnswer(const Question& q, const std::string& text) {
    const CaseRule rule = q.caseSensitive ? CaseRule::Keep : CaseRule::Ignore;
    const std::string given = normalizeAnswerText(text, rule);
    if (given.empty()) return 0.0;
    for (const auto& accepted : q.answers) {
        if (normalizeAnswerText(accepted, rule) == given) return 1.0;
        if (q.kubernetesAware && kubernetesEquivalent(accepted, text)) return 1.0;
    }
    if (q.regex) {
        try {
            auto flags = std::regex::ECMAScript;
            if (!q.caseSensitive) flags |= std::regex::icase;
            // The whitespace-normalised text keeps case so the regex's icase flag decides, not the lower-casing.
            if (std::regex_match(normalizeAnswerText(text, CaseRule::Keep), std::regex(*q.regex, flags))) return 1.0;
        } catch (const std::regex_error&) {
            // The loader rejects patterns that do not compile; a Question built elsewhere just gets no regex credit.
        }
    }
    return 0.0;
}

double scoreNumeric(const Question& q, const std::string& text) {
    std::string t = normalizeAnswerText(text, CaseRule::Keep);
    if (t.empty()) return 0.0;
    if (t.front() == '+') {
        t.erase(0, 1);  // from_chars does not take a leading '+'
        if (t.empty() || t.front() == '-') return 0.0;
    }
    double v = 0.0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return 0.0;
    // A little slack for binary floating point, so 0.1 + 0.2 style answers at the tolerance edge still count.
    return std::fabs(v - q.numericValue) <= q.tolerance + 1e-9 ? 1.0 : 0.0;
}

double scoreResponse(const Question& q, const Response& response) {
    switch (q.type) {
        case QuestionType::Single: return scoreSingleChoice(q, response.chosenOptions);
        case QuestionType::Multiple: return scoreMultipleChoice(q, response.chosenOptions);
        case QuestionType::Short: return scoreShortAnswer(q, response.text);
        case QuestionType::Numeric: return scoreNumeric(q, response.text);
    }
    return 0.0;
}

}  // namespace kc::quiz
