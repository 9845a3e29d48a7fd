// Marks one response to one question, in [0, 1], for every question type.
// Pure functions: the engine and the instructor grader both call these, so a student sees the mark an instructor gives.
#pragma once

#include <string>
#include <vector>

#include "quiz/question.h"

namespace kc::quiz {

// What a student gave: option ids for choice questions, text for short and numeric ones.
struct Response {
    std::vector<std::string> chosenOptions;
    std::string text;
};

// Single choice: 1 when exactly one option is chosen and it is the correct one, else 0.
double scoreSingleChoice(const Question& q, const std::vector<std::string>& chosen);

// Multiple choice, partial credit. Every option is one decision: choosing a correct option or leaving an
// incorrect one unchosen is right, anything else is wrong. score = max(0, (right - wrong) / options).
// So all decisions right gives 1, guessing half right gives 0, and ticking everything earns nothing when at
// least half the options are incorrect. Ids that are not options are ignored; a repeated id counts once.
// A response that chooses no option is unanswered and scores 0: otherwise leaving a question with one correct
// option in five blank would earn (4 - 1) / 5. A non-blank wrong pick can still earn a little, e.g. 0.2 there.
double scoreMultipleChoice(const Question& q, const std::vector<std::string>& chosen);

// Short answer: 1 when the text equals any accepted answer (canonical or alternative) after whitespace and
// full-stop normalisation, with case ignored unless q.caseSensitive; or, for a kubernetesAware question, when
// kubernetesEquivalent holds; or when q.regex matches the whole normalised text. Else 0.
double scoreShortAnswer(const Question& q, const std::string& text);

// Numeric: 1 when the text is a number within q.tolerance of q.numericValue, else 0. Surrounding spaces are
// allowed; units and thousands separators are not.
double scoreNumeric(const Question& q, const std::string& text);

// Dispatches on q.type.
double scoreResponse(const Question& q, const Response& response);

}  // namespace kc::quiz
