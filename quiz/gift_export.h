// Writes a quiz bank in Moodle's GIFT import format, so a school can run the same questions in Moodle.
// The mapping (and what GIFT cannot say) is documented in quiz/README.md, "GIFT export".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "quiz/question.h"

namespace kc::quiz {

// Backslash before each of ~ = # { } : and \ itself; a newline becomes the two characters \n.
std::string giftEscape(std::string_view text);

// Moodle's weight for one option of a multiple-choice question with `correct` correct options out of `total`:
// +100/correct % for a correct option, -100/(total - correct) % for an incorrect one (see quiz/README.md).
double giftOptionWeight(bool isCorrect, int correct, int total);

// The whole bank: one $CATEGORY per topic (prerequisites first), questions in id order within it.
std::string exportGift(const std::vector<Question>& bank);

}  // namespace kc::quiz
