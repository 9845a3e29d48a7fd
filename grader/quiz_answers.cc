// Answers files: bounded read, YAML→JSON through the project's converter (so line and column survive), then
// checks against the bank. Every problem is collected before failing so a student fixes a file in one go.
#include "grader/quiz_answers.h"

#include <map>
#include <set>

#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "quiz/draw.h"

namespace kc::grader {

namespace {

using quiz::Question;
using quiz::QuestionType;
using quiz::Response;

// An answers file is a flat map of short lists; deeper or larger is hostile.
YamlLimits answersLimits() {
    YamlLimits limits;
    limits.maxBytes = kMaxAnswersFileBytes;
    limits.maxDepth = 8;
    limits.maxNodes = 20000;
    limits.maxDocuments = 1;
    return limits;
}

constexpr std::size_t kMaxStudentIdBytes = 200;

class Checker {
public:
    Checker(const std::string& path, const YamlDocument& doc) : path_(path), doc_(doc) {}

    void error(const std::string& pointer, const std::string& message) {
        errors_.push_back(formatLocation(path_, doc_.locate(pointer)) + ": " + message);
    }
    bool ok() const { return errors_.empty(); }
    std::string message() const {
        std::string out;
        for (const auto& e : errors_) out += (out.empty() ? "" : "\n") + e;
        return out;
    }

private:
    std::string path_;
    const YamlDocument& doc_;
    std::vector<std::string> errors_;
};

// A scalar answer as text: strings as written, numbers as JSON writes them, booleans as true/false.
std::optional<std::string> scalarText(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
}

std::optional<Response> readResponse(const Question& q, const Json& v, const std::string& pointer, Checker& check) {
    Response r;
    const bool choice = q.type == QuestionType::Single || q.type == QuestionType::Multiple;
    if (choice) {
        std::vector<std::pair<std::string, std::string>> ids;  // id, pointer
        if (v.is_array()) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                auto s = scalarText(v[i]);
                if (!s) {
                    check.error(pointer + "/" + std::to_string(i), "an option id must be a single value");
                    return std::nullopt;
                }
                ids.emplace_back(*s, pointer + "/" + std::to_string(i));
            }
        } else if (auto s = scalarText(v)) {
            ids.emplace_back(*s, pointer);
        } else {
            check.error(pointer, "answer to '" + q.id + "' must be an option id or a list of option ids");
            return std::nullopt;
        }
        bool good = true;
        for (const auto& [id, at] : ids) {
            bool known = false;
            for (const auto& o : q.options) known = known || o.id == id;
            if (!known) {
                std::string names;
                for (const auto& o : q.options) names += (names.empty() ? "" : ", ") + o.id;
                check.error(at, "'" + id + "' is not an option of '" + q.id + "' (options: " + names + ")");
                good = false;
            }
            r.chosenOptions.push_back(id);
        }
        if (!good) return std::nullopt;
        return r;
    }
    auto s = scalarText(v);
    if (!s) {
        check.error(pointer, "answer to '" + q.id + "' must be a single value (text or a number)");
        return std::nullopt;
    }
    r.text = *s;
    return r;
}

}  // namespace

Result<QuizAnswersFile> parseQuizAnswers(const std::string& text, const std::string& path,
                                         const std::vector<Question>& bank) {
    auto doc = parseYamlDocument(text, path, answersLimits());
    if (!doc) return fail(doc.error());
    Checker check(path, *doc);
    const Json& root = doc->value;
    if (!root.is_object())
        return fail(ErrorKind::Invalid, formatLocation(path, doc->locate("")) +
                                            ": an answers file must be a mapping with student and answers");
    QuizAnswersFile out;
    out.path = path;
    static const std::set<std::string> known = {"student", "seed", "kind", "answers"};
    for (auto it = root.begin(); it != root.end(); ++it)
        if (!known.count(it.key()))
            check.error("/" + jsonPointerToken(it.key()), "unknown key '" + it.key() +
                                                              "' (expected student, seed, kind, answers)");

    if (!root.contains("student")) {
        check.error("", "missing 'student'");
    } else if (auto s = scalarText(root["student"]); !s || s->empty() || s->size() > kMaxStudentIdBytes) {
        check.error("/student", "'student' must be a non-empty id of at most " + std::to_string(kMaxStudentIdBytes) +
                                    " bytes");
    } else {
        bool printable = true;
        for (unsigned char c : *s) printable = printable && c >= 0x20 && c != 0x7f;
        if (!printable) check.error("/student", "'student' must not contain control characters");
        else out.student = *s;
    }

    if (root.contains("kind")) {
        auto k = root["kind"].is_string() ? quiz::parseAttemptKind(root["kind"].get<std::string>()) : std::nullopt;
        if (!k) check.error("/kind", "'kind' must be module or prerequisites");
        else out.kind = *k;
    }
    if (root.contains("seed")) {
        const Json& s = root["seed"];
        if (s.is_number_unsigned()) {
            out.seed = s.get<std::uint64_t>();
        } else if (s.is_number_integer() && s.get<std::int64_t>() >= 0) {
            out.seed = static_cast<std::uint64_t>(s.get<std::int64_t>());
        } else if (s.is_string() && !s.get<std::string>().empty() &&
                   s.get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
                   s.get<std::string>().size() <= 20) {
            try {
                out.seed = std::stoull(s.get<std::string>());
            } catch (const std::exception&) {
                check.error("/seed", "'seed' does not fit in 64 bits");
            }
        } else {
            check.error("/seed", "'seed' must be a whole number from 0 to 18446744073709551615 (quote it above "
                                 "9223372036854775807)");
        }
    }

    std::map<std::string, const Question*> byId;
    for (const auto& q : bank) byId.emplace(q.id, &q);
    if (!root.contains("answers")) {
        check.error("", "missing 'answers'");
    } else if (!root["answers"].is_object()) {
        check.error("/answers", "'answers' must be a mapping of question id to answer");
    } else if (root["answers"].size() > kMaxAnswersPerFile) {
        check.error("/answers", "more than " + std::to_string(kMaxAnswersPerFile) + " answers");
    } else {
        const Json& answers = root["answers"];
        for (auto it = answers.begin(); it != answers.end(); ++it) {
            const std::string pointer = "/answers/" + jsonPointerToken(it.key());
            auto q = byId.find(it.key());
            if (q == byId.end()) {
                check.error(pointer, "no question '" + it.key() + "' in the bank");
                continue;
            }
            if (it.value().is_null()) {  // asked, left blank
                out.answers.emplace_back(it.key(), std::nullopt);
                continue;
            }
            if (auto r = readResponse(*q->second, it.value(), pointer, check)) out.answers.emplace_back(it.key(), *r);
        }
    }

    // With a seed, every answered question must be one the draw asked.
    if (check.ok() && out.seed) {
        auto draw = out.kind == quiz::AttemptKind::Module ? quiz::drawQuiz(bank, *out.seed)
                                                          : quiz::drawPrerequisites(bank, *out.seed);
        if (!draw) {
            check.error("/seed", "the bank cannot make this attempt's draw: " + draw.error().message);
        } else {
            std::set<std::string> asked;
            for (const auto& d : draw->questions) asked.insert(d.questionId);
            for (const auto& [id, r] : out.answers)
                if (!asked.count(id))
                    check.error("/answers/" + jsonPointerToken(id),
                                "question '" + id + "' was not asked in the attempt with seed " +
                                    std::to_string(*out.seed));
        }
    }
    if (!check.ok()) return fail(ErrorKind::Invalid, check.message());
    return out;
}

Result<QuizAnswersFile> readQuizAnswers(const std::string& path, const std::vector<Question>& bank) {
    auto text = readFileBounded(path, kMaxAnswersFileBytes);
    if (!text) return fail(text.error());  // its message names the file
    return parseQuizAnswers(*text, path, bank);
}

Result<quiz::QuizResult> gradeQuizAnswers(const QuizAnswersFile& file, const std::vector<Question>& bank) {
    std::map<std::string, const Question*> byId;
    for (const auto& q : bank) byId.emplace(q.id, &q);
    std::map<std::string, std::optional<Response>> responses(file.answers.begin(), file.answers.end());
    std::vector<quiz::AskedQuestion> asked;
    if (file.seed) {
        auto draw = file.kind == quiz::AttemptKind::Module ? quiz::drawQuiz(bank, *file.seed)
                                                           : quiz::drawPrerequisites(bank, *file.seed);
        if (!draw) return fail(ErrorKind::Invalid, file.path + ": " + draw.error().message);
        for (const auto& d : draw->questions) {
            auto r = responses.find(d.questionId);
            asked.push_back({byId.at(d.questionId), d.optionOrder,
                             r == responses.end() ? std::nullopt : r->second, false});
        }
    } else {
        for (const auto& [id, r] : file.answers) {
            const Question* q = byId.at(id);
            std::vector<std::string> order;
            for (const auto& o : q->options) order.push_back(o.id);
            asked.push_back({q, order, r, false});
        }
    }
    return quiz::gradeQuiz(asked);
}

}  // namespace kc::grader
