// Tests for the quiz bank loader: the sample bank loads, and every structural mistake is reported with its place.
// Expected lines/columns are counted from the YAML literals written in each test.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "quiz/bank_loader.h"

using namespace kc::quiz;

namespace {

const std::filesystem::path kBank = std::filesystem::path(KUBECLASS_TEST_FIXTURES) / "quiz" / "bank";

const std::string kGood = R"(- id: q1
  topic: 2
  difficulty: easy
  type: single
  stem: Pick b.
  options:
    - {id: a, text: A}
    - {id: b, text: B}
  answer: b
  explanation: Because.
  reference: lecture-notes/02-scheduling.md#gpu-sharing
)";

bool hasError(const QuizErrors& errors, int line, int column, const std::string& fragment) {
    for (const auto& e : errors)
        if (e.line == line && e.column == column && e.message.find(fragment) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("the sample bank loads with every type and field") {
    auto bank = loadBank(kBank);
    REQUIRE(bank);
    // Two questions per course topic in two files, and three prerequisites questions in a third.
    REQUIRE(bank->size() == 19);
    // Files load in name order, so topics 1-4 come first and the first question is the reconcile one.
    const Question& first = bank->front();
    CHECK(first.id == "t1-reconcile-trigger");
    CHECK(first.topic == 1);
    CHECK(first.type == QuestionType::Single);
    CHECK(first.difficulty == Difficulty::Easy);
    REQUIRE(first.options.size() == 3);
    CHECK(first.options[1].id == "b");
    CHECK(first.options[1].text == "Level-triggered");
    CHECK(first.correctOptions == std::vector<std::string>{"b"});
    CHECK(first.reference == "lecture-notes/01-operators.md#reconciliation-loops");
    CHECK(first.line == 2);
    CHECK(first.column == 3);

    auto find = [&](const std::string& id) -> const Question& {
        for (const auto& q : *bank)
            if (q.id == id) return q;
        FAIL("missing " << id);
        throw;
    };
    CHECK(find("t1-finalizer-purpose").correctOptions == std::vector<std::string>{"a", "b"});
    const Question& pc = find("t2-priorityclass-short");
    CHECK(pc.type == QuestionType::Short);
    CHECK(pc.answers == std::vector<std::string>{"PriorityClass", "pc", "priority class"});
    CHECK(pc.kubernetesAware);
    CHECK_FALSE(pc.caseSensitive);
    CHECK(find("t3-headless-service").caseSensitive);
    CHECK(find("t4-mtls-short").regex == std::optional<std::string>("^mutual[ -]tls$"));
    const Question& rpo = find("t6-rpo");
    CHECK(rpo.type == QuestionType::Numeric);
    CHECK(rpo.numericValue == Approx(4.5));
    CHECK(rpo.tolerance == Approx(0.01));
}

TEST_CASE("a well-formed single question parses") {
    auto parsed = parseBankYaml(kGood, "good.yaml");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 1);
    CHECK((*parsed)[0].sourceFile == "good.yaml");
}

TEST_CASE("unknown keys and keys of another type are errors at their own position") {
    std::string text = kGood + "  tolerence: 1\n  regex: x\n";
    auto parsed = parseBankYaml(text, "bad.yaml");
    REQUIRE_FALSE(parsed);
    // The two extra keys are on lines 12 and 13, indented two spaces.
    CHECK(hasError(parsed.error(), 12, 3, "unknown key 'tolerence'"));
    CHECK(hasError(parsed.error(), 13, 3, "'regex' does not apply to a single question"));
    CHECK(parsed.error().size() == 2);
    CHECK(parsed.error()[0].toString().rfind("bad.yaml:12:3: ", 0) == 0);
}

TEST_CASE("every problem in a file is reported at once") {
    const std::string text = R"(- id: q1
  topic: 9
  difficulty: trivial
  type: numeric
  stem: How many?
  answer: lots
  tolerance: -1
  explanation: x
  reference: r
- id: q2
  type: essay
  topic: 1
)";
    auto parsed = parseBankYaml(text, "many.yaml");
    REQUIRE_FALSE(parsed);
    const auto& e = parsed.error();
    CHECK(hasError(e, 2, 10, "'topic' must be 1 to 8 or prerequisites, not '9'"));
    CHECK(hasError(e, 3, 15, "'difficulty' must be easy, medium or hard"));
    CHECK(hasError(e, 6, 11, "'answer' must be a number"));
    CHECK(hasError(e, 7, 14, "'tolerance' must not be negative"));
    CHECK(hasError(e, 11, 9, "'type' must be single, multiple, short or numeric"));
    // q2 lacks difficulty, stem, answer, explanation and reference; those are reported at the question's start.
    CHECK(hasError(e, 10, 3, "missing 'stem'"));
    CHECK(hasError(e, 10, 3, "missing 'difficulty'"));
    CHECK(hasError(e, 10, 3, "missing 'answer'"));
}

TEST_CASE("a regex that does not compile is an authoring error") {
    const std::string text = R"(- id: q1
  topic: 1
  difficulty: easy
  type: short
  stem: s
  answer: a
  regex: '(unclosed'
  explanation: x
  reference: r
)";
    auto parsed = parseBankYaml(text, "re.yaml");
    REQUIRE_FALSE(parsed);
    CHECK(hasError(parsed.error(), 7, 10, "'regex' does not compile"));
}

TEST_CASE("yaml syntax errors carry the parser's position") {
    auto parsed = parseBankYaml("- id: q1\n  stem: [unclosed\n", "syntax.yaml");
    REQUIRE_FALSE(parsed);
    REQUIRE(parsed.error().size() == 1);
    CHECK(parsed.error()[0].file == "syntax.yaml");
    CHECK(parsed.error()[0].line >= 2);
}

TEST_CASE("a bank file must be a list of questions") {
    auto parsed = parseBankYaml("id: q1\n", "map.yaml");
    REQUIRE_FALSE(parsed);
    CHECK(hasError(parsed.error(), 1, 1, "must be a list of questions"));
    auto empty = parseBankYaml("", "empty.yaml");
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("bank files over the size limit are refused and other files still report") {
    auto dir = std::filesystem::path(KUBECLASS_BINARY_DIR) / "quiz-loader-test-bank";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        std::ofstream big(dir / "a-big.yaml");
        big << "# " << std::string(kMaxBankFileBytes, 'x') << "\n";
        std::ofstream bad(dir / "b-bad.yaml");
        bad << "- id: q\n  colour: red\n";
        std::ofstream ignored(dir / "notes.txt");
        ignored << "not yaml [";
    }
    auto bank = loadBank(dir);
    REQUIRE_FALSE(bank);
    bool sawBig = false, sawColour = false;
    for (const auto& e : bank.error()) {
        if (e.file == (dir / "a-big.yaml").string() && e.message.find("at most 1048576") != std::string::npos)
            sawBig = true;
        if (e.file == (dir / "b-bad.yaml").string() && e.line == 2 && e.message.find("unknown key 'colour'") != std::string::npos)
            sawColour = true;
    }
    CHECK(sawBig);
    CHECK(sawColour);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a missing or empty bank directory is an error") {
    CHECK_FALSE(loadBank(std::filesystem::path(KUBECLASS_BINARY_DIR) / "no-such-bank-dir"));
}

TEST_CASE("a repeated key is an error at its second occurrence") {
    auto parsed = parseBankYaml(kGood + "  stem: Pick a.\n", "dup.yaml");
    REQUIRE_FALSE(parsed);
    CHECK(hasError(parsed.error(), 12, 3, "key 'stem' appears twice"));
}

TEST_CASE("deeply nested yaml is an error and not a crash") {
    // Small enough for the size limit, deep enough to exhaust a recursive parser's stack without a depth guard.
    std::string text = "- id: " + std::string(100000, '[') + "\n";
    auto parsed = parseBankYaml(text, "deep.yaml");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error()[0].file == "deep.yaml");
}

TEST_CASE("topic prerequisites loads as the prerequisites topic and other words are refused") {
    auto bank = loadBank(kBank);
    REQUIRE(bank);
    int prerequisites = 0;
    for (const auto& q : *bank) {
        if (q.id.rfind("p0-", 0) == 0) {
            CHECK(q.topic == kPrerequisitesTopic);
            ++prerequisites;
        } else {
            CHECK(isCourseTopic(q.topic));
        }
    }
    CHECK(prerequisites == 3);

    const std::string text = R"(- id: q1
  topic: prereqs
  difficulty: easy
  type: numeric
  stem: How many?
  answer: 3
  explanation: x
  reference: r
- id: q2
  topic: 0
  difficulty: easy
  type: numeric
  stem: How many more?
  answer: 3
  explanation: x
  reference: r
- id: q3
  topic: [prerequisites]
  difficulty: easy
  type: numeric
  stem: And now?
  answer: 3
  explanation: x
  reference: r
)";
    auto parsed = parseBankYaml(text, "topics.yaml");
    REQUIRE_FALSE(parsed);
    // The number 0 is not a way to write the prerequisites: only the word is.
    CHECK(hasError(parsed.error(), 2, 10, "'topic' must be 1 to 8 or prerequisites, not 'prereqs'"));
    CHECK(hasError(parsed.error(), 10, 10, "'topic' must be 1 to 8 or prerequisites, not '0'"));
    CHECK(hasError(parsed.error(), 18, 10, "'topic' must be 1 to 8 or prerequisites"));
    CHECK(parsed.error().size() == 3);
}
