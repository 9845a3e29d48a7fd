// The quiz question model shared by the bank loader, validator, scoring and draw.
// Plain data: everything that checks or interprets a Question lives in its own file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kc::quiz {

enum class QuestionType { Single, Multiple, Short, Numeric };
enum class Difficulty { Easy, Medium, Hard };

struct Option {
    std::string id;
    std::string text;
};

struct Question {
    std::string id;
    int topic = 0;  // 1..8, the lecture number in the course outline
    Difficulty difficulty = Difficulty::Medium;
    QuestionType type = QuestionType::Single;
    std::string stem;

    // Single and multiple choice: the options, and the ids of the correct ones.
    std::vector<Option> options;
    std::vector<std::string> correctOptions;

    // Short answer: the canonical answer first, then the accepted alternatives.
    std::vector<std::string> answers;
    std::optional<std::string> regex;  // matched against the whole answer after whitespace normalisation
    bool caseSensitive = false;
    bool kubernetesAware = false;  // compare as kubectl commands / resource names / quantities

    // Numeric: accepted when |given - value| <= tolerance.
    double numericValue = 0.0;
    double tolerance = 0.0;

    std::string explanation;
    std::string reference;  // lecture-notes/NN-name.md#anchor

    // Where the question was defined, for error messages.
    std::string sourceFile;
    int line = 0;
    int column = 0;
};

}  // namespace kc::quiz
