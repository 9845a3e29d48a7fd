// Quiz bank loading: YAML → Question with every structural problem reported at once, located by file:line:col.
#include "quiz/bank_loader.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "clusters/utf8.h"

namespace kc::quiz {
namespace {

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    void error(const YAML::Mark& mark, std::string message) {
        // yaml-cpp marks are 0-based; editors count from 1. A null mark (-1) means "unknown".
        int line = mark.line >= 0 ? mark.line + 1 : 0;
        int col = mark.column >= 0 ? mark.column + 1 : 0;
        errors_.push_back({file_, line, col, std::move(message)});
    }

    std::optional<std::string> scalar(const YAML::Node& node, const char* key) {
        if (!node.IsScalar()) {
            error(node.Mark(), std::string("'") + key + "' must be a single value");
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<int> integer(const YAML::Node& node, const char* key) {
        auto s = scalar(node, key);
        if (!s) return std::nullopt;
        try {
            std::size_t used = 0;
            int v = std::stoi(*s, &used);
            if (used == s->size()) return v;
        } catch (const std::exception&) {
        }
        error(node.Mark(), std::string("'") + key + "' must be an integer, not '" + *s + "'");
        return std::nullopt;
    }

    std::optional<double> number(const YAML::Node& node, const char* key) {
        auto s = scalar(node, key);
        if (!s) return std::nullopt;
        try {
            std::size_t used = 0;
            double v = std::stod(*s, &used);
            if (used == s->size()) return v;
        } catch (const std::exception&) {
        }
        error(node.Mark(), std::string("'") + key + "' must be a number, not '" + *s + "'");
        return std::nullopt;
    }

    std::optional<bool> boolean(const YAML::Node& node, const char* key) {
        auto s = scalar(node, key);
        if (!s) return std::nullopt;
        if (*s == "true") return true;
        if (*s == "false") return false;
        error(node.Mark(), std::string("'") + key + "' must be true or false, not '" + *s + "'");
        return std::nullopt;
    }

    // A scalar or a sequence of scalars, so `answer: b` and `answer: [a, c]` both read naturally.
    std::vector<std::string> strings(const YAML::Node& node, const char* key) {
        std::vector<std::string> out;
        if (node.IsScalar()) {
            out.push_back(node.Scalar());
        } else if (node.IsSequence()) {
            for (const auto& item : node) {
                if (auto s = scalar(item, key)) out.push_back(*s);
            }
        } else {
            error(node.Mark(), std::string("'") + key + "' must be a value or a list of values");
        }
        return out;
    }

    void question(const YAML::Node& node, std::vector<Question>& out);

    QuizErrors& errors() { return errors_; }

private:
    std::string file_;
    QuizErrors errors_;
};

const std::set<std::string>& knownKeys() {
    static const std::set<std::string> keys = {
        "id",          "topic",         "difficulty",       "type",       "stem",      "options",
        "answer",      "alternatives",  "regex",            "case_sensitive", "kubernetes_aware", "tolerance",
        "explanation", "reference"};
    return keys;
}

// Keys that only make sense for some types: a `tolerance` on a choice question is an authoring mistake.
bool keyAllowedFor(const std::string& key, QuestionType type) {
    bool choice = type == QuestionType::Single || type == QuestionType::Multiple;
    if (key == "options") return choice;
    if (key == "alternatives" || key == "regex" || key == "case_sensitive" || key == "kubernetes_aware")
        return type == QuestionType::Short;
    if (key == "tolerance") return type == QuestionType::Numeric;
    return true;
}

void Reader::question(const YAML::Node& node, std::vector<Question>& out) {
    if (!node.IsMap()) {
        error(node.Mark(), "each question must be a mapping");
        return;
    }
    std::size_t errorsBefore = errors_.size();
    Question q;
    q.sourceFile = file_;
    q.line = node.Mark().line + 1;
    q.column = node.Mark().column + 1;

    std::optional<QuestionType> type;
    if (const auto t = node["type"]) {
        auto s = scalar(t, "type");
        if (s == "single") type = QuestionType::Single;
        else if (s == "multiple") type = QuestionType::Multiple;
        else if (s == "short") type = QuestionType::Short;
        else if (s == "numeric") type = QuestionType::Numeric;
        else if (s) error(t.Mark(), "'type' must be single, multiple, short or numeric, not '" + *s + "'");
    } else {
        error(node.Mark(), "missing 'type'");
    }
    if (type) q.type = *type;

    std::set<std::string> seenKeys;
    for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        // yaml-cpp keeps both copies of a repeated key and lookups see only the first, so the second would be
        // silently ignored.
        if (!seenKeys.insert(key).second) {
            error(kv.first.Mark(), "key '" + key + "' appears twice");
        } else if (!knownKeys().count(key)) {
            error(kv.first.Mark(), "unknown key '" + key + "'");
        } else if (type && !keyAllowedFor(key, *type)) {
            error(kv.first.Mark(), "'" + key + "' does not apply to a " + node["type"].Scalar() + " question");
        }
    }

    auto requireString = [&](const char* key, std::string& target) {
        if (const auto n = node[key]) {
            if (auto s = scalar(n, key)) {
                if (s->empty()) error(n.Mark(), std::string("'") + key + "' must not be empty");
                target = *s;
            }
        } else {
            error(node.Mark(), std::string("missing '") + key + "'");
        }
    };
    requireString("id", q.id);
    requireString("stem", q.stem);
    requireString("explanation", q.explanation);
    requireString("reference", q.reference);

    if (const auto n = node["topic"]) {
        if (n.IsScalar() && n.Scalar() == "prerequisites") {
            q.topic = kPrerequisitesTopic;
        } else if (!n.IsScalar()) {
            error(n.Mark(), "'topic' must be 1 to 8 or prerequisites");
        } else {
            int v = 0;
            std::size_t used = 0;
            const std::string& s = n.Scalar();
            try {
                v = std::stoi(s, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != s.size() || used == 0 || !isCourseTopic(v))
                error(n.Mark(), "'topic' must be 1 to 8 or prerequisites, not '" + s + "'");
            else
                q.topic = v;
        }
    } else {
        error(node.Mark(), "missing 'topic'");
    }

    if (const auto n = node["difficulty"]) {
        auto s = scalar(n, "difficulty");
        if (s == "easy") q.difficulty = Difficulty::Easy;
        else if (s == "medium") q.difficulty = Difficulty::Medium;
        else if (s == "hard") q.difficulty = Difficulty::Hard;
        else if (s) error(n.Mark(), "'difficulty' must be easy, medium or hard, not '" + *s + "'");
    } else {
        error(node.Mark(), "missing 'difficulty'");
    }

    const auto answer = node["answer"];
    if (!answer) error(node.Mark(), "missing 'answer'");

    if (type == QuestionType::Single || type == QuestionType::Multiple) {
        if (const auto opts = node["options"]; opts && opts.IsSequence()) {
            for (const auto& o : opts) {
                if (!o.IsMap() || !o["id"] || !o["text"] || o.size() != 2) {
                    error(o.Mark(), "each option must be a mapping with exactly 'id' and 'text'");
                    continue;
                }
                auto id = scalar(o["id"], "id");
                auto text = scalar(o["text"], "text");
                if (id && text) q.options.push_back({*id, *text});
            }
        } else {
            error(opts ? opts.Mark() : node.Mark(), "a choice question needs a list of 'options'");
        }
        if (answer) q.correctOptions = strings(answer, "answer");
    } else if (type == QuestionType::Short) {
        if (answer) {
            if (auto s = scalar(answer, "answer")) q.answers.push_back(*s);
        }
        if (const auto alts = node["alternatives"]) {
            if (!alts.IsSequence()) error(alts.Mark(), "'alternatives' must be a list");
            else
                for (auto& a : strings(alts, "alternatives")) q.answers.push_back(a);
        }
        if (const auto re = node["regex"]) {
            if (auto s = scalar(re, "regex")) {
                // Compile now so a broken pattern is an authoring error, not a grading-time surprise.
                try {
                    std::regex compiled(*s, std::regex::ECMAScript);
                    q.regex = *s;
                } catch (const std::regex_error& e) {
                    error(re.Mark(), "'regex' does not compile: " + std::string(e.what()));
                }
            }
        }
        if (const auto n = node["case_sensitive"]) {
            if (auto b = boolean(n, "case_sensitive")) q.caseSensitive = *b;
        }
        if (const auto n = node["kubernetes_aware"]) {
            if (auto b = boolean(n, "kubernetes_aware")) q.kubernetesAware = *b;
        }
    } else if (type == QuestionType::Numeric) {
        if (answer) {
            if (auto v = number(answer, "answer")) q.numericValue = *v;
        }
        if (const auto n = node["tolerance"]) {
            if (auto v = number(n, "tolerance")) {
                if (*v < 0) error(n.Mark(), "'tolerance' must not be negative");
                q.tolerance = *v;
            }
        }
    }

    if (errors_.size() == errorsBefore) out.push_back(std::move(q));
}

}  // namespace

tl::expected<std::vector<Question>, QuizErrors> parseBankYaml(const std::string& text, const std::string& fileName) {
    Reader reader(fileName);
    std::vector<Question> out;
    // Stems and options end up in JSON reports and GIFT exports, which need UTF-8; a NUL would cut them short.
    if (auto problem = findTextProblem(text)) {
        YAML::Mark at;
        at.line = problem->line - 1;
        at.column = problem->column - 1;
        reader.error(at, problem->what);
        return tl::unexpected(std::move(reader.errors()));
    }
    try {
        YAML::Node root = YAML::Load(text);
        if (!root.IsDefined() || root.IsNull()) {
            // An empty file adds no questions; that is not an error on its own.
        } else if (!root.IsSequence()) {
            reader.error(root.Mark(), "a bank file must be a list of questions");
        } else {
            for (const auto& node : root) reader.question(node, out);
        }
    } catch (const YAML::Exception& e) {
        reader.error(e.mark, e.msg);
    }
    if (!reader.errors().empty()) return tl::unexpected(std::move(reader.errors()));
    return out;
}

tl::expected<std::vector<Question>, QuizErrors> loadBank(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    QuizErrors errors;
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".yaml" && it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) return tl::unexpected(QuizErrors{{dir.string(), 0, 0, "cannot read bank directory: " + ec.message()}});
    std::sort(files.begin(), files.end());
    if (files.empty()) return tl::unexpected(QuizErrors{{dir.string(), 0, 0, "no *.yaml files in bank directory"}});

    std::vector<Question> questions;
    for (const auto& path : files) {
        const std::string name = path.string();
        auto size = fs::file_size(path, ec);
        if (ec) {
            errors.push_back({name, 0, 0, "cannot read: " + ec.message()});
            continue;
        }
        if (size > kMaxBankFileBytes) {
            errors.push_back({name, 0, 0, "file is " + std::to_string(size) + " bytes; a bank file may be at most " +
                                              std::to_string(kMaxBankFileBytes)});
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in && !in.eof()) {
            errors.push_back({name, 0, 0, "cannot read file"});
            continue;
        }
        auto parsed = parseBankYaml(text.str(), name);
        if (!parsed) {
            errors.insert(errors.end(), parsed.error().begin(), parsed.error().end());
            continue;
        }
        for (auto& q : *parsed) questions.push_back(std::move(q));
    }
    if (!errors.empty()) return tl::unexpected(std::move(errors));
    return questions;
}

}  // namespace kc::quiz
