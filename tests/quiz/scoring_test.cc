// Tests for per-question scoring: single choice, the partial-credit rule, short-answer rules and numeric tolerance.
// Partial-credit expectations are computed by hand from the rule max(0, (right - wrong) / options).
#include <catch2/catch.hpp>

#include <filesystem>

#include "quiz/bank_loader.h"
#include "quiz/scoring.h"

using namespace kc::quiz;

namespace {

Question choice(QuestionType type, std::vector<std::string> ids, std::vector<std::string> correct) {
    Question q;
    q.type = type;
    for (auto& id : ids) q.options.push_back({id, "text " + id});
    q.correctOptions = std::move(correct);
    return q;
}

Question shortQ(std::vector<std::string> answers) {
    Question q;
    q.type = QuestionType::Short;
    q.answers = std::move(answers);
    return q;
}

}  // namespace

TEST_CASE("single choice needs exactly the one correct option") {
    auto q = choice(QuestionType::Single, {"a", "b", "c"}, {"b"});
    CHECK(scoreSingleChoice(q, {"b"}) == 1.0);
    CHECK(scoreSingleChoice(q, {"b", "b"}) == 1.0);  // a repeated id is one choice
    CHECK(scoreSingleChoice(q, {"a"}) == 0.0);
    CHECK(scoreSingleChoice(q, {"a", "b"}) == 0.0);
    CHECK(scoreSingleChoice(q, {}) == 0.0);
}

TEST_CASE("multiple choice counts every option as a decision floored at zero") {
    // Four options, a and b correct.
    auto q = choice(QuestionType::Multiple, {"a", "b", "c", "d"}, {"a", "b"});
    CHECK(scoreMultipleChoice(q, {"a", "b"}) == Approx(1.0));       // 4 right, 0 wrong
    CHECK(scoreMultipleChoice(q, {"a"}) == Approx(0.5));            // 3 right, 1 wrong: (3-1)/4
    CHECK(scoreMultipleChoice(q, {"a", "b", "c"}) == Approx(0.5));  // 3 right, 1 wrong
    CHECK(scoreMultipleChoice(q, {"a", "c"}) == Approx(0.0));       // 2 right, 2 wrong
    CHECK(scoreMultipleChoice(q, {"c", "d"}) == Approx(0.0));       // 0 right, 4 wrong: floored from -1
    CHECK(scoreMultipleChoice(q, {"a", "b", "c", "d"}) == Approx(0.0));  // ticking all: 2 right, 2 wrong
    CHECK(scoreMultipleChoice(q, {}) == Approx(0.0));                    // unanswered
    CHECK(scoreMultipleChoice(q, {"zz"}) == Approx(0.0));                // no real option chosen: unanswered
    CHECK(scoreMultipleChoice(q, {"a", "b", "zz"}) == Approx(1.0));      // unknown ids are ignored
}

TEST_CASE("multiple choice with three correct of four rewards near misses") {
    auto q = choice(QuestionType::Multiple, {"a", "b", "c", "d"}, {"a", "b", "d"});
    CHECK(scoreMultipleChoice(q, {"a", "b"}) == Approx(0.5));       // 3 right, 1 wrong
    CHECK(scoreMultipleChoice(q, {"a", "b", "c", "d"}) == Approx(0.5));  // 3 right, 1 wrong
    CHECK(scoreMultipleChoice(q, {"c"}) == Approx(0.0));            // 0 right, 4 wrong: floored from -1
}

TEST_CASE("a blank multiple-choice answer earns nothing even when most options are incorrect") {
    // Five options, only a correct. Blank would be 4 right and 1 wrong under the bare rule.
    auto q = choice(QuestionType::Multiple, {"a", "b", "c", "d", "e"}, {"a"});
    CHECK(scoreMultipleChoice(q, {}) == Approx(0.0));
    CHECK(scoreMultipleChoice(q, {"a"}) == Approx(1.0));
    CHECK(scoreMultipleChoice(q, {"b"}) == Approx(0.2));       // 3 right, 2 wrong: (3-2)/5
    CHECK(scoreMultipleChoice(q, {"a", "b"}) == Approx(0.6));  // 4 right, 1 wrong
}

TEST_CASE("short answers accept alternatives with case and whitespace normalised") {
    auto q = shortQ({"Velero", "velero backup"});
    CHECK(scoreShortAnswer(q, "velero") == 1.0);
    CHECK(scoreShortAnswer(q, "  VELERO. ") == 1.0);
    CHECK(scoreShortAnswer(q, "Velero   Backup") == 1.0);
    CHECK(scoreShortAnswer(q, "Restic") == 0.0);
    CHECK(scoreShortAnswer(q, "   ") == 0.0);
}

TEST_CASE("a case-sensitive short answer rejects other casing") {
    auto q = shortQ({"None"});
    q.caseSensitive = true;
    CHECK(scoreShortAnswer(q, " None ") == 1.0);
    CHECK(scoreShortAnswer(q, "none") == 0.0);
    CHECK(scoreShortAnswer(q, "NONE") == 0.0);
}

TEST_CASE("a regex accepts whole normalised answers only") {
    auto q = shortQ({"mTLS"});
    q.regex = "^mutual[ -]tls$";
    CHECK(scoreShortAnswer(q, "Mutual  TLS") == 1.0);  // icase because the question is not case-sensitive
    CHECK(scoreShortAnswer(q, "mutual-tls") == 1.0);
    CHECK(scoreShortAnswer(q, "MTLS") == 1.0);
    CHECK(scoreShortAnswer(q, "not mutual tls") == 0.0);
    q.caseSensitive = true;
    CHECK(scoreShortAnswer(q, "Mutual TLS") == 0.0);
    q.regex = "mutual";  // regex_match needs the whole text, so a bare word does not match a longer answer
    CHECK(scoreShortAnswer(q, "mutual tls") == 0.0);
}

TEST_CASE("kubernetes-aware short answers use kubectl equivalence") {
    auto q = shortQ({"kubectl auth can-i list secrets -n ml"});
    q.kubernetesAware = true;
    CHECK(scoreShortAnswer(q, "kubectl auth can-i list secret --namespace=ml") == 1.0);
    CHECK(scoreShortAnswer(q, "kubectl auth can-i list secrets") == 0.0);
    q.kubernetesAware = false;
    CHECK(scoreShortAnswer(q, "kubectl auth can-i list secret --namespace=ml") == 0.0);
    auto mem = shortQ({"1Gi"});
    mem.kubernetesAware = true;
    CHECK(scoreShortAnswer(mem, "1024Mi") == 1.0);
    CHECK(scoreShortAnswer(mem, "1G") == 0.0);
}

TEST_CASE("numeric answers are accepted within the tolerance") {
    Question q;
    q.type = QuestionType::Numeric;
    q.numericValue = 4.5;
    q.tolerance = 0.1;
    CHECK(scoreNumeric(q, "4.5") == 1.0);
    CHECK(scoreNumeric(q, " 4.6 ") == 1.0);  // exactly at the tolerance edge
    CHECK(scoreNumeric(q, "4.4") == 1.0);
    CHECK(scoreNumeric(q, "+4.5") == 1.0);
    CHECK(scoreNumeric(q, "4.7") == 0.0);
    CHECK(scoreNumeric(q, "4.5 hours") == 0.0);
    CHECK(scoreNumeric(q, "+-4.5") == 0.0);
    CHECK(scoreNumeric(q, "") == 0.0);
    CHECK(scoreNumeric(q, "nan") == 0.0);
    q.tolerance = 0;
    q.numericValue = 6;
    CHECK(scoreNumeric(q, "6") == 1.0);
    CHECK(scoreNumeric(q, "6.0") == 1.0);
    CHECK(scoreNumeric(q, "7") == 0.0);
}

TEST_CASE("scoreResponse dispatches on the question type") {
    auto single = choice(QuestionType::Single, {"a", "b"}, {"a"});
    CHECK(scoreResponse(single, Response{{"a"}, "b"}) == 1.0);
    auto text = shortQ({"pod"});
    CHECK(scoreResponse(text, Response{{"pod"}, "pod"}) == 1.0);
    CHECK(scoreResponse(text, Response{{"pod"}, ""}) == 0.0);
}

TEST_CASE("every sample-bank question gives full marks for its own answers and none for a blank") {
    auto bank = kc::quiz::loadBank(std::filesystem::path(KUBECLASS_TEST_FIXTURES) / "quiz" / "bank");
    REQUIRE(bank);
    for (const auto& q : *bank) {
        INFO(q.id);
        Response blank;
        CHECK(scoreResponse(q, blank) == 0.0);
        switch (q.type) {
            case QuestionType::Single:
            case QuestionType::Multiple: CHECK(scoreResponse(q, Response{q.correctOptions, ""}) == 1.0); break;
            case QuestionType::Short:
                for (const auto& a : q.answers) CHECK(scoreResponse(q, Response{{}, a}) == 1.0);
                break;
            case QuestionType::Numeric:
                CHECK(scoreResponse(q, Response{{}, std::to_string(q.numericValue)}) == 1.0);
                break;
        }
    }
}
