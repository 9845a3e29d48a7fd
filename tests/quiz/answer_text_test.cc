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
