// Tests for answers-file parsing and the quiz report mapping, on the sample bank (tests/fixtures/quiz/bank).
#include <catch2/catch.hpp>

#include <filesystem>

#include "grader/quiz_answers.h"
#include "grader/quiz_report.h"
#include "quiz/bank_loader.h"

using namespace kc::grader;

namespace {

std::vector<kc::quiz::Question> sampleBank() {
    auto bank = kc::quiz::loadBank(std::filesystem::path(KUBECLASS_TEST_FIXTURES) / "quiz" / "bank");
    REQUIRE(bank);
    return *bank;
}

}  // namespace

TEST_CASE("answers parse from yaml and json alike") {
    const auto bank = sampleBank();
    auto yaml = parseQuizAnswers("student: s1\nanswers:\n  t1-reconcile-trigger: b\n  t2-mig-slices: 7\n"
                                 "  t1-finalizer-purpose: a\n",
                                 "s1.yaml", bank);
    auto json = parseQuizAnswers(R"({"student": "s1", "answers": {"t1-reconcile-trigger": "b", "t2-mig-slices": 7,
                                    "t1-finalizer-purpose": "a"}})",
                                 "s1.json", bank);
    REQUIRE(yaml);
    REQUIRE(json);
    for (const auto* a : {&*yaml, &*json}) {
        CHECK(a->student == "s1");
        CHECK_FALSE(a->seed);
        REQUIRE(a->answers.size() == 3);
        CHECK(a->answers[0].first == "t1-reconcile-trigger");
        CHECK(a->answers[0].second->chosenOptions == std::vector<std::string>{"b"});
        CHECK(a->answers[1].second->text == "7");
        // One option id alone is a one-item choice.
        CHECK(a->answers[2].second->chosenOptions == std::vector<std::string>{"a"});
    }
    // b is right (1), 7 is right (1), finalizers [a] of [a, b] in 4 options: (3 - 1) / 4 = 0.5.
    auto result = gradeQuizAnswers(*yaml, bank);
    REQUIRE(result);
    CHECK(result->earned == Approx(2.5));
    CHECK(result->questions == 3);
}

TEST_CASE("a seed above the signed range must be quoted and then reads whole") {
    const auto bank = sampleBank();
    auto quoted = parseQuizAnswers("student: s\nseed: '18446744073709551615'\nkind: prerequisites\nanswers: {}\n",
                                   "q.yaml", bank);
    REQUIRE(quoted);
    CHECK(*quoted->seed == 18446744073709551615ULL);
    CHECK(quoted->kind == kc::quiz::AttemptKind::Prerequisites);
    auto negative = parseQuizAnswers("student: s\nseed: -4\nanswers: {}\n", "n.yaml", bank);
    REQUIRE_FALSE(negative);
    CHECK_THAT(negative.error().message, Catch::StartsWith("n.yaml:2:7: 'seed' must be a whole number"));
    auto badKind = parseQuizAnswers("student: s\nkind: final\nanswers: {}\n", "k.yaml", bank);
    REQUIRE_FALSE(badKind);
    CHECK(badKind.error().message == "k.yaml:2:7: 'kind' must be module or prerequisites");
}

TEST_CASE("every problem in an answers file is reported at once with its line") {
    const auto bank = sampleBank();
    auto bad = parseQuizAnswers("answers:\n  nope: a\n  t2-mig-slices: {x: 1}\n  t1-finalizer-purpose: [a, q]\n"
                                "colour: blue\n",
                                "bad.yaml", bank);
    REQUIRE_FALSE(bad);
    const std::string& m = bad.error().message;
    CHECK_THAT(m, Catch::Contains("bad.yaml:1:1: missing 'student'"));
    CHECK_THAT(m, Catch::Contains("bad.yaml:2:9: no question 'nope' in the bank"));
    CHECK_THAT(m, Catch::Contains("bad.yaml:3:18: answer to 't2-mig-slices' must be a single value"));
    CHECK_THAT(m, Catch::Contains("bad.yaml:4:29: 'q' is not an option of 't1-finalizer-purpose'"));
    CHECK_THAT(m, Catch::Contains("bad.yaml:5:") && Catch::Contains("unknown key 'colour'"));
    auto control = parseQuizAnswers("student: \"a\\tb\"\nanswers: {}\n", "c.yaml", bank);
    REQUIRE_FALSE(control);
    CHECK_THAT(control.error().message, Catch::Contains("must not contain control characters"));
}

TEST_CASE("the quiz run has one check per question and the csv is safe for spreadsheets") {
    const auto bank = sampleBank();
    auto answers = parseQuizAnswers("student: '=HYPERLINK(\"x\")'\nanswers:\n  t1-reconcile-trigger: a\n"
                                    "  t2-mig-slices: 7\n",
                                    "evil, name.yaml", bank);
    REQUIRE(answers);
    auto result = gradeQuizAnswers(*answers, bank);
    REQUIRE(result);
    GradedQuiz graded{*answers, *result};
    auto run = quizGradeRun(graded, "bank", std::chrono::system_clock::time_point{});
    REQUIRE(run.checks.size() == 2);
    CHECK(run.startedAt == "1970-01-01T00:00:00Z");
    CHECK(run.checks[0].id == "t1-reconcile-trigger");
    CHECK(run.checks[0].objective == "topic 1");
    CHECK(run.checks[0].outcome == Outcome::Fail);
    CHECK(run.checks[0].earned == 0.0);
    CHECK(run.checks[0].messages.front() == "answered a; expected b");
    CHECK(run.checks[1].outcome == Outcome::Pass);
    CHECK(run.points() == 2.0);
    CHECK(run.earned() == 1.0);

    const std::string csv = renderQuizCsv({graded});
    // The id gets a leading apostrophe and, holding a quote, is quoted with the quote doubled; the file name
    // holds a comma and is quoted too.
    CHECK_THAT(csv, Catch::Contains("\n\"'=HYPERLINK(\"\"x\"\")\",\"evil, name.yaml\",1,2,50,no,topic 1,,0,100,"));
}
