// Tests for summing up a quiz: marks per question, the 80% pass mark, the topic breakdown and topics to revisit.
// Expected figures are worked out by hand from the rules in quiz_result.h and scoring.h.
#include <catch2/catch.hpp>

#include "quiz/quiz_result.h"
#include "quiz_test_bank.h"

using namespace kc::quiz;

namespace {

Response pick(std::string option) { return Response{{std::move(option)}, ""}; }

// The first `total` questions of the bank, the first `right` of them answered right and the rest wrong.
std::vector<AskedQuestion> askedFrom(const std::vector<Question>& bank, int right, int total) {
    std::vector<AskedQuestion> asked;
    for (int i = 0; i < total; ++i) {
        const Question* q = &bank[static_cast<std::size_t>(i)];
        asked.push_back({q, {"a", "b", "c", "d"}, pick(i < right ? "a" : "b"), false});
    }
    return asked;
}

}  // namespace

TEST_CASE("twenty of twenty-five passes and nineteen does not") {
    const auto bank = testing::engineBank(4);  // ids t1-q0..t8-q3, topic-major order
    auto pass = gradeQuiz(askedFrom(bank, 20, 25));
    CHECK(pass.questions == 25);
    CHECK(pass.earned == 20.0);
    CHECK(pass.percent == Approx(80.0));
    CHECK(pass.passed);
    auto fail = gradeQuiz(askedFrom(bank, 19, 25));
    CHECK(fail.percent == Approx(76.0));
    CHECK_FALSE(fail.passed);
}

TEST_CASE("partial credit adds up and an exact 80 percent from fractions still passes") {
    // One multiple-choice question with 5 options, 2 correct; picking one correct and nothing else is 4 right
    // decisions and 1 wrong: (4 - 1) / 5 = 0.6. Four such questions plus one full mark: 3.4 of 5 = 68%.
    Question m;
    m.id = "m";
    m.topic = 2;
    m.type = QuestionType::Multiple;
    m.options = {{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}, {"e", ""}};
    m.correctOptions = {"a", "b"};
    Question s;
    s.id = "s";
    s.topic = 3;
    s.type = QuestionType::Numeric;
    s.numericValue = 7;
    std::vector<AskedQuestion> asked;
    for (int i = 0; i < 4; ++i) asked.push_back({&m, {}, pick("a"), false});
    asked.push_back({&s, {}, Response{{}, "7"}, false});
    auto r = gradeQuiz(asked);
    CHECK(r.earned == Approx(3.4));
    CHECK(r.percent == Approx(68.0));
    CHECK_FALSE(r.passed);
    REQUIRE(r.topics.size() == 2);
    CHECK(r.topics[0].topic == 2);
    CHECK(r.topics[0].questions == 4);
    CHECK(r.topics[0].percent() == Approx(60.0));
    CHECK(r.topics[1].percent() == Approx(100.0));
    CHECK(r.topicsToRevisit == std::vector<int>{2});


    // Exactly 80% built from fractions: five full marks and five 0.6 marks are 8 of 10. 0.6 is not exact in
    // binary, so the sum may land a hair under 8; it must still pass.
    std::vector<AskedQuestion> edge;
    for (int i = 0; i < 5; ++i) edge.push_back({&m, {}, Response{{"a", "b"}, ""}, false});  // 1.0 each
    for (int i = 0; i < 5; ++i) edge.push_back({&m, {}, pick("a"), false});                // 0.6 each
    auto boundary = gradeQuiz(edge);
    CHECK(boundary.earned == Approx(8.0));
    CHECK(boundary.percent == Approx(80.0));
    CHECK(boundary.passed);
    // Choosing a and c: a right, b wrong, c wrong, d and e right: (3 - 2) / 5 = 0.2.
    edge.back() = {&m, {}, Response{{"a", "c"}, ""}, false};
    auto under = gradeQuiz(edge);
    CHECK(under.earned == Approx(7.6));
    CHECK_FALSE(under.passed);
}

TEST_CASE("unanswered questions score zero and are told apart from wrong ones") {
    const auto bank = testing::engineBank(1);
    std::vector<AskedQuestion> asked = {{&bank[0], {"a", "b", "c", "d"}, std::nullopt, true},
                                        {&bank[1], {"d", "c", "b", "a"}, pick("a"), false}};
    auto r = gradeQuiz(asked);
    CHECK(r.answered() == 1);
    CHECK(r.earned == 1.0);
    CHECK(r.review[0].score == 0.0);
    CHECK(r.review[0].flagged);
    CHECK_FALSE(r.review[0].response);
    CHECK(r.review[1].optionOrder == std::vector<std::string>{"d", "c", "b", "a"});
    CHECK(r.review[1].question.explanation == "Why t2-q0");
    CHECK(r.review[1].question.reference == "lecture-notes/02-x.md#t2-q0");
    CHECK(r.topicsToRevisit == std::vector<int>{1});
    CHECK(describeResponse(bank[0], std::nullopt) == "(no answer)");
    CHECK(describeResponse(bank[0], Response{{"b", "c"}, ""}) == "b, c");
    CHECK(describeExpected(bank[0]) == "a");
}

TEST_CASE("an empty quiz neither passes nor divides by zero") {
    auto r = gradeQuiz({});
    CHECK(r.questions == 0);
    CHECK(r.percent == 0.0);
    CHECK_FALSE(r.passed);
}
