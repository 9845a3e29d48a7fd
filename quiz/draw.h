// Draws the questions of one quiz attempt from the bank: stratified by topic, options shuffled, all from one seed.
// Recording the seed is enough to rebuild the attempt exactly for review or regrading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "quiz/question.h"
#include "quiz/quiz_error.h"

namespace kc::quiz {

struct DrawPlan {
    int questionCount = 25;  // the course assessment: 25 questions
    int minPerTopic = 3;     // every one of the 8 topics at least this often
};

struct DrawnQuestion {
    std::string questionId;
    std::vector<std::string> optionOrder;  // option ids in display order; empty for short and numeric questions
};

struct QuizDraw {
    std::uint64_t seed = 0;
    std::vector<DrawnQuestion> questions;  // in the order they are shown
};

// The module quiz: course topics 1..8 only; prerequisites questions (topic 0) are never drawn.
// Takes minPerTopic questions from every topic, then spreads the rest over the topics one round at a time
// (so no topic gets a second extra before every topic with questions left has had one), then shuffles the
// question order and each choice question's options. The result depends only on the seed and the set of
// questions (not the bank's order), through SplitMix64. Fails when the plan cannot be met by the bank.
tl::expected<QuizDraw, QuizError> drawQuiz(const std::vector<Question>& bank, std::uint64_t seed,
                                           const DrawPlan& plan = {});

// The prerequisites self-check: every prerequisites question, in an order and with options shuffled from the seed
// (the same seed and set of questions give the same draw). Fails when the bank has no prerequisites questions.
tl::expected<QuizDraw, QuizError> drawPrerequisites(const std::vector<Question>& bank, std::uint64_t seed);

}  // namespace kc::quiz
