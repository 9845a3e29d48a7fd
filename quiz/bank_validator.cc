// Bank-wide validation rules; each failure names the question and where it is defined.
#include "quiz/bank_validator.h"

#include <cctype>
#include <cstdint>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "quiz/answer_text.h"

namespace kc::quiz {
namespace {

// Lecture notes are project files of a few pages; anything larger is not a lecture and is not read whole.
constexpr std::uintmax_t kMaxLectureBytes = 4 * 1024 * 1024;

QuizError at(const Question& q, std::string message) {
    return {q.sourceFile, q.line, q.column, "question '" + q.id + "': " + std::move(message)};
}

void checkAnswers(const Question& q, QuizErrors& errors) {
    if (q.type == QuestionType::Single || q.type == QuestionType::Multiple) {
        if (q.options.size() < 2) errors.push_back(at(q, "a choice question needs at least two options"));
        std::set<std::string> ids;
        for (const auto& o : q.options) {
            if (!ids.insert(o.id).second) errors.push_back(at(q, "option id '" + o.id + "' is used twice"));
        }
        std::set<std::string> correct;
        for (const auto& c : q.correctOptions) {
            if (!ids.count(c)) errors.push_back(at(q, "answer '" + c + "' is not one of the option ids"));
            if (!correct.insert(c).second) errors.push_back(at(q, "answer '" + c + "' is listed twice"));
        }
        if (q.type == QuestionType::Single && q.correctOptions.size() != 1)
            errors.push_back(at(q, "a single-choice question needs exactly one correct option, not " +
                                       std::to_string(q.correctOptions.size())));
        if (q.type == QuestionType::Multiple && q.correctOptions.empty())
            errors.push_back(at(q, "a multiple-choice question needs at least one correct option"));
    } else if (q.type == QuestionType::Short) {
        if (q.answers.empty()) errors.push_back(at(q, "a short-answer question needs an answer"));
        for (const auto& a : q.answers)
            if (normalizeAnswerText(a).empty()) errors.push_back(at(q, "an accepted answer is empty"));
    } else if (q.type == QuestionType::Numeric) {
        if (!std::isfinite(q.numericValue) || !std::isfinite(q.tolerance) || q.tolerance < 0)
            errors.push_back(at(q, "numeric answer and tolerance must be finite and the tolerance not negative"));
    }
}

class ReferenceChecker {
public:
    explicit ReferenceChecker(std::optional<std::filesystem::path> root) : root_(std::move(root)) {}

    void check(const Question& q, QuizErrors& errors) {
        static const std::regex form(R"(^lecture-notes/(0[0-8])-[a-z0-9][a-z0-9-]*\.md#([^\s#]+)$)");
        std::smatch m;
        if (!std::regex_match(q.reference, m, form)) {
            errors.push_back(at(q, "reference '" + q.reference + "' is not of the form lecture-notes/NN-name.md#anchor"));
            return;
        }
        // Lecture NN teaches topic NN (00 the prerequisites), so a reference to another lecture points the
        // student at the wrong notes.
        if (std::stoi(m[1].str()) != q.topic)
            errors.push_back(at(q, "reference '" + q.reference + "' is not in lecture " +
                                       (q.topic < 10 ? "0" : "") + std::to_string(q.topic) + " (" +
                                       topicLabel(q.topic) + ")"));
        if (!root_) return;
        const std::string file = q.reference.substr(std::string("lecture-notes/").size(),
                                                    q.reference.find('#') - std::string("lecture-notes/").size());
        const auto* anchors = anchorsOf(file);
        if (!anchors) {
            errors.push_back(at(q, "reference '" + q.reference + "': no readable file " + (*root_ / file).string()));
            return;
        }
        if (!anchors->count(m[2].str()))
            errors.push_back(at(q, "reference '" + q.reference + "': " + file + " has no heading with anchor #" +
                                       m[2].str()));
    }

private:
    const std::set<std::string>* anchorsOf(const std::string& file) {
        auto it = cache_.find(file);
        if (it == cache_.end()) {
            std::optional<std::set<std::string>> anchors;
            std::error_code ec;
            auto path = *root_ / file;
            auto size = std::filesystem::file_size(path, ec);
            if (!ec && size <= kMaxLectureBytes) {
                std::ifstream in(path, std::ios::binary);
                std::ostringstream text;
                text << in.rdbuf();
                if (in || in.eof()) {
                    auto list = markdownAnchors(text.str());
                    anchors.emplace(list.begin(), list.end());
                }
            }
            it = cache_.emplace(file, std::move(anchors)).first;
        }
        return it->second ? &*it->second : nullptr;
    }

    std::optional<std::filesystem::path> root_;
    std::map<std::string, std::optional<std::set<std::string>>> cache_;
};

}  // namespace

std::string githubAnchor(std::string_view heading) {
    std::string out;
    for (unsigned char c : heading) {
        if (c >= 0x80) out += static_cast<char>(c);  // keep UTF-8 bytes: GitHub keeps non-ASCII letters
        else if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if (c == ' ') out += '-';
        else if (c == '-' || c == '_') out += static_cast<char>(c);
    }
    return out;
}

std::vector<std::string> markdownAnchors(std::string_view markdown) {
    std::vector<std::string> anchors;
    std::map<std::string, int> seen;
    std::string fence;  // the fence that opened the current code block, empty outside one
    std::size_t pos = 0;
    while (pos <= markdown.size()) {
        std::size_t nl = markdown.find('\n', pos);
        std::string_view line = markdown.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = nl == std::string_view::npos ? markdown.size() + 1 : nl + 1;

        std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string_view::npos || indent > 3) continue;
        std::string_view body = line.substr(indent);
        if (body.rfind("```", 0) == 0 || body.rfind("~~~", 0) == 0) {
            std::string marker(body.substr(0, 3));
            if (fence.empty()) fence = marker;
            else if (marker == fence) fence.clear();
            continue;
        }
        if (!fence.empty() || body.empty() || body[0] != '#') continue;
        std::size_t level = body.find_first_not_of('#');
        if (level > 6 || level == std::string_view::npos || body[level] != ' ') continue;
        std::string_view text = body.substr(level + 1);
        // A closing run of '#' is decoration, not part of the title.
        while (!text.empty() && (text.back() == ' ' || text.back() == '#')) text.remove_suffix(1);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        std::string anchor = githubAnchor(text);
        int n = seen[anchor]++;
        anchors.push_back(n == 0 ? anchor : anchor + "-" + std::to_string(n));
    }
    return anchors;
}

QuizErrors validateBank(const std::vector<Question>& bank, const ValidationOptions& options) {
    QuizErrors errors;
    std::map<std::string, const Question*> ids;
    std::map<std::string, const Question*> stems;
    std::map<int, int> perTopic;
    ReferenceChecker references(options.lectureNotesRoot);

    for (const auto& q : bank) {
        if (auto [it, inserted] = ids.emplace(q.id, &q); !inserted)
            errors.push_back(at(q, "id is already used at " + it->second->sourceFile + ":" +
                                       std::to_string(it->second->line)));
        if (!isCourseTopic(q.topic) && q.topic != kPrerequisitesTopic)
            errors.push_back(at(q, "topic must be 1 to 8 or prerequisites"));
        else
            ++perTopic[q.topic];
        if (auto [it, inserted] = stems.emplace(normalizeAnswerText(q.stem), &q); !inserted)
            errors.push_back(at(q, "same stem as question '" + it->second->id + "'"));
        checkAnswers(q, errors);
        references.check(q, errors);
    }
    // The prerequisites self-check has no minimum: it shows all of its questions, however many there are.
    for (int topic = kFirstCourseTopic; topic <= kLastCourseTopic; ++topic) {
        if (perTopic[topic] < options.minQuestionsPerTopic)
            errors.push_back({"", 0, 0, "topic " + std::to_string(topic) + " has " + std::to_string(perTopic[topic]) +
                                            " questions; at least " + std::to_string(options.minQuestionsPerTopic) +
                                            " are needed"});
    }
    return errors;
}

}  // namespace kc::quiz
