#include <catch2/catch.hpp>

#include "quiz/answer_text.h"

using kc::quiz::normalizeAnswerText;

TEST_CASE("short answers compare without case or extra spaces or a final full stop") {
    CHECK(normalizeAnswerText("  Pod  Topology\tSpread. ") == "pod topology spread");
    CHECK(normalizeAnswerText("PriorityClass") == "priorityclass");
    CHECK(normalizeAnswerText("") == "");
    CHECK(normalizeAnswerText(" . ") == "");
    CHECK(normalizeAnswerText("a.b") == "a.b");
}

TEST_CASE("the keep-case rule normalises spacing and the full stop but not letters") {
    using kc::quiz::CaseRule;
    CHECK(normalizeAnswerText("  None. ", CaseRule::Keep) == "None");
    CHECK(normalizeAnswerText("Mutual \t TLS", CaseRule::Keep) == "Mutual TLS");
    CHECK(normalizeAnswerText("Mutual TLS", CaseRule::Ignore) == "mutual tls");
}
