// Tests for the seeded stratified draw and its PRNG, over many seeds on a synthetic bank.
// Expected counts follow from the plan: 8 topics x 3 = 24 fixed questions, so 25 leaves exactly one extra.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "quiz/draw.h"
#include "quiz/prng.h"

using namespace kc::quiz;

namespace {

// `perTopic` questions in each topic; every third one is a short answer, the others have four options.
std::vector<Question> syntheticBank(int perTopic) {
    std::vector<Question> bank;
    for (int t = 1; t <= 8; ++t) {
        for (int i = 0; i < perTopic; ++i) {
            Question q;
            q.id = "t" + std::to_string(t) + "-q" + std::to_string(i);
            q.topic = t;
            q.type = i % 3 == 2 ? QuestionType::Short : QuestionType::Single;
            if (q.type == QuestionType::Single) q.options = {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}};
            bank.push_back(q);
        }
    }
    return bank;
}

// Adds `count` prerequisites questions ("p0-q0", ...) with three options each.
void addPrerequisites(std::vector<Question>& bank, int count) {
    for (int i = 0; i < count; ++i) {
        Question q;
        q.id = "p0-q" + std::to_string(i);
        q.topic = kPrerequisitesTopic;
        q.type = QuestionType::Single;
        q.options = {{"x", "X"}, {"y", "Y"}, {"z", "Z"}};
        bank.push_back(q);
    }
}

int topicOf(const std::string& id) { return id[1] - '0'; }

bool sameDraw(const QuizDraw& a, const QuizDraw& b) {
    if (a.seed != b.seed || a.questions.size() != b.questions.size()) return false;
    for (std::size_t i = 0; i < a.questions.size(); ++i) {
        if (a.questions[i].questionId != b.questions[i].questionId) return false;
        if (a.questions[i].optionOrder != b.questions[i].optionOrder) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("splitmix64 gives the reference sequence") {
    // Published splitmix64 outputs for seed 0.
    SplitMix64 rng(0);
    CHECK(rng.next() == 0xE220A8397B1DCDAFULL);
    CHECK(rng.next() == 0x6E789E6AA1B965F4ULL);
}

TEST_CASE("bounded draws stay in range and reach every value") {
    SplitMix64 rng(42);
    std::map<std::uint64_t, int> counts;
    for (int i = 0; i < 7000; ++i) counts[rng.below(7)]++;
    REQUIRE(counts.size() == 7);
    CHECK(counts.rbegin()->first == 6);
    // 1000 expected per value; a fair generator stays well inside 850..1150 for 7000 draws.
    for (const auto& [value, n] : counts) CHECK((n > 850 && n < 1150));
    CHECK(rng.below(1) == 0);
}

TEST_CASE("every draw over many seeds meets the plan") {
    auto bank = syntheticBank(8);
    // Prerequisites in the bank must never be drawn into the module quiz (asserted below: every drawn id is one
    // of the 64 course questions and every topic seen is 1..8).
    addPrerequisites(bank, 10);
    std::map<int, int> extraTopic;  // which topic got the 25th question, per seed
    std::set<std::string> everDrawn;
    for (std::uint64_t seed = 0; seed < 1000; ++seed) {
        auto draw = drawQuiz(bank, seed * 0x9E3779B97F4A7C15ULL + 1);
        REQUIRE(draw);
        REQUIRE(draw->questions.size() == 25);
        std::set<std::string> ids;
        std::map<int, int> perTopic;
        for (const auto& d : draw->questions) {
            ids.insert(d.questionId);
            everDrawn.insert(d.questionId);
            perTopic[topicOf(d.questionId)]++;
            const bool isChoice = d.questionId.back() != '2' && d.questionId.back() != '5';
            if (isChoice) {
                auto order = d.optionOrder;
                std::sort(order.begin(), order.end());
                REQUIRE(order == std::vector<std::string>{"a", "b", "c", "d"});
            } else {
                REQUIRE(d.optionOrder.empty());
            }
        }
        REQUIRE(ids.size() == 25);  // no question twice
        REQUIRE(perTopic.size() == 8);
        REQUIRE(perTopic.count(kPrerequisitesTopic) == 0);
        int fours = 0;
        for (const auto& [topic, n] : perTopic) {
            REQUIRE(n >= 3);
            REQUIRE(n <= 4);
            if (n == 4) {
                ++fours;
                extraTopic[topic]++;
            }
        }
        REQUIRE(fours == 1);
    }
    // Over 1000 seeds every question is drawn at some point and every topic gets the extra question sometimes
    // (125 times each on average).
    CHECK(everDrawn.size() == 64);
    REQUIRE(extraTopic.size() == 8);
    for (const auto& [topic, n] : extraTopic) CHECK((n > 60 && n < 200));
}

TEST_CASE("a seed reproduces the draw whatever the bank order") {
    auto bank = syntheticBank(8);
    auto first = drawQuiz(bank, 20261123);
    REQUIRE(first);
    CHECK(first->seed == 20261123);
    std::reverse(bank.begin(), bank.end());
    auto again = drawQuiz(bank, 20261123);
    REQUIRE(again);
    CHECK(sameDraw(*first, *again));
}

TEST_CASE("different seeds give different attempts") {
    const auto bank = syntheticBank(8);
    int differentQuestionSets = 0;
    auto base = drawQuiz(bank, 1);
    REQUIRE(base);
    std::set<std::string> baseIds;
    for (const auto& d : base->questions) baseIds.insert(d.questionId);
    for (std::uint64_t seed = 2; seed < 102; ++seed) {
        auto other = drawQuiz(bank, seed);
        REQUIRE(other);
        std::set<std::string> ids;
        for (const auto& d : other->questions) ids.insert(d.questionId);
        if (ids != baseIds) ++differentQuestionSets;
    }
    // With 5 of 8 questions left over per topic, two seeds picking the same 25 is very unlikely.
    CHECK(differentQuestionSets >= 99);
}

TEST_CASE("larger plans spread the extra questions over the topics") {
    const auto bank = syntheticBank(8);
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        auto draw = drawQuiz(bank, seed, DrawPlan{30, 3});
        REQUIRE(draw);
        std::map<int, int> perTopic;
        for (const auto& d : draw->questions) perTopic[topicOf(d.questionId)]++;
        // 6 extras over 8 topics one round at a time: no topic gets two.
        for (const auto& [topic, n] : perTopic) REQUIRE((n == 3 || n == 4));
    }
    // 40 = 8 x 5: every topic exactly five.
    auto even = drawQuiz(bank, 7, DrawPlan{40, 3});
    REQUIRE(even);
    std::map<int, int> perTopic;
    for (const auto& d : even->questions) perTopic[topicOf(d.questionId)]++;
    for (const auto& [topic, n] : perTopic) CHECK(n == 5);
}

TEST_CASE("a bank that cannot meet the plan is refused") {
    auto thin = syntheticBank(3);  // 24 questions: enough per topic but not 25 in all
    auto draw = drawQuiz(thin, 1);
    REQUIRE_FALSE(draw);
    CHECK(draw.error().message == "the bank has 24 questions; the draw needs 25");

    auto bank = syntheticBank(4);
    std::erase_if(bank, [](const Question& q) { return q.id == "t5-q0" || q.id == "t5-q1"; });
    auto missing = drawQuiz(bank, 1);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "topic 5 has 2 questions; the draw needs 3");

    CHECK_FALSE(drawQuiz(syntheticBank(8), 1, DrawPlan{20, 3}));  // 8 x 3 = 24 > 20
}

TEST_CASE("prerequisites questions do not make up for a thin course topic") {
    // 8 x 3 course questions plus 10 prerequisites: 34 questions, but only 24 the module quiz may use.
    auto bank = syntheticBank(3);
    addPrerequisites(bank, 10);
    auto draw = drawQuiz(bank, 5);
    REQUIRE_FALSE(draw);
    CHECK(draw.error().message == "the bank has 24 questions; the draw needs 25");
}

TEST_CASE("the prerequisites self-check draws every prerequisites question and nothing else") {
    auto bank = syntheticBank(8);
    addPrerequisites(bank, 10);
    std::set<std::vector<std::string>> orders;
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        auto draw = drawPrerequisites(bank, seed);
        REQUIRE(draw);
        CHECK(draw->seed == seed);
        REQUIRE(draw->questions.size() == 10);
        std::set<std::string> ids;
        std::vector<std::string> order;
        for (const auto& d : draw->questions) {
            ids.insert(d.questionId);
            order.push_back(d.questionId);
            REQUIRE(d.questionId.rfind("p0-", 0) == 0);
            auto options = d.optionOrder;
            std::sort(options.begin(), options.end());
            REQUIRE(options == std::vector<std::string>{"x", "y", "z"});
        }
        CHECK(ids.size() == 10);
        orders.insert(order);
    }
    // The order is shuffled per seed: 50 seeds over 10! orders all but never repeat.
    CHECK(orders.size() >= 49);

    auto again = drawPrerequisites(bank, 17);
    std::reverse(bank.begin(), bank.end());
    auto reversed = drawPrerequisites(bank, 17);
    REQUIRE(again);
    REQUIRE(reversed);
    CHECK(sameDraw(*again, *reversed));

    auto none = drawPrerequisites(syntheticBank(8), 1);
    REQUIRE_FALSE(none);
    CHECK(none.error().message == "the bank has no prerequisites questions");
}
