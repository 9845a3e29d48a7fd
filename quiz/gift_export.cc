// GIFT export; see gift_export.h and quiz/README.md for the mapping.
#include "quiz/gift_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace kc::quiz {

namespace {

// Moodle matches imported weights against its list of grades (33.33333, 16.66667, …): five decimals, no more.
std::string formatWeight(double percent) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.5f", percent);
    std::string s = buffer;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string formatNumber(double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.15g", v);
    return buffer;
}

std::string categoryOf(int topic) {
    if (topic == kPrerequisitesTopic) return "$course$/kubeclass/prerequisites";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "$course$/kubeclass/topic-%02d", topic);
    return buffer;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

void writeQuestion(const Question& q, std::string& out) {
    // A GIFT comment line is dropped by Moodle; it tells a reader what the import could not keep.
    if (q.type == QuestionType::Short && (q.regex || q.kubernetesAware || q.caseSensitive)) {
        out += "// kubeclass grades this answer more loosely or strictly than Moodle will:";
        if (q.caseSensitive) out += " case-sensitive;";
        if (q.kubernetesAware) out += " Kubernetes-aware equivalence;";
        if (q.regex) out += " regex;";
        out += " Moodle accepts only the listed answers, ignoring case\n";
    }
    out += "::" + giftEscape(q.id) + "::" + giftEscape(q.stem) + " {\n";
    switch (q.type) {
        case QuestionType::Single:
            for (const auto& o : q.options)
                out += std::string("\t") + (contains(q.correctOptions, o.id) ? "=" : "~") + giftEscape(o.text) + "\n";
            break;
        case QuestionType::Multiple: {
            const int total = static_cast<int>(q.options.size());
            const int correct = static_cast<int>(q.correctOptions.size());
            for (const auto& o : q.options) {
                const bool right = contains(q.correctOptions, o.id);
                out += "\t~%" + formatWeight(giftOptionWeight(right, correct, total)) + "%" + giftEscape(o.text) + "\n";
            }
            break;
        }
        case QuestionType::Short:
            for (const auto& a : q.answers) out += "\t=" + giftEscape(a) + "\n";
            break;
        case QuestionType::Numeric:
            out += "\t#" + formatNumber(q.numericValue) + ":" + formatNumber(q.tolerance) + "\n";
            break;
    }
    out += "\t####" + giftEscape(q.explanation + " See " + q.reference) + "\n}\n\n";
}

}  // namespace

std::string giftEscape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '~': case '=': case '#': case '{': case '}': case ':': case '\\':
                out += '\\';
                out += c;
                break;
            case '\n': out += "\\n"; break;
            case '\r': break;
            default: out += c;
        }
    }
    return out;
}

double giftOptionWeight(bool isCorrect, int correct, int total) {
    if (isCorrect) return correct > 0 ? 100.0 / correct : 0.0;
    return total > correct ? -100.0 / (total - correct) : 0.0;
}

std::string exportGift(const std::vector<Question>& bank) {
    std::map<int, std::vector<const Question*>> byTopic;
    for (const auto& q : bank) byTopic[q.topic].push_back(&q);
    std::string out = "// kubeclass quiz bank, exported for Moodle (GIFT format). " + std::to_string(bank.size()) +
                      " questions.\n\n";
    for (auto& [topic, questions] : byTopic) {
        std::sort(questions.begin(), questions.end(), [](const Question* a, const Question* b) { return a->id < b->id; });
        out += "$CATEGORY: " + categoryOf(topic) + "\n\n";
        for (const auto* q : questions) writeQuestion(*q, out);
    }
    return out;
}

}  // namespace kc::quiz
