// The quiz question model shared by the bank loader, validator, scoring and draw.
// Plain data: everything that checks or interprets a Question lives in its own file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kc::quiz {

// Topics 1..8 are the course's lectures and make up the module quiz. The prerequisites (lecture 00, Kubernetes
// architecture) are topic 0: a self-check the module quiz never draws from. Bank files write `topic: prerequisites`.
inline constexpr int kPrerequisitesTopic = 0;
inline constexpr int kFirstCourseTopic = 1;
inline constexpr int kLastCourseTopic = 8;

inline bool isCourseTopic(int topic) { return topic >= kFirstCourseTopic && topic <= kLastCourseTopic; }

// "prerequisites" or "topic 3", for messages and reports.
inline std::string topicLabel(int topic) {
    return topic == kPrerequisitesTopic ? std::string("prerequisites") : "topic " + std::to_string(topic);
}

enum class QuestionType { Single, Multiple, Short, Numeric };
enum class Difficulty { Easy, Medium, Hard };

struct Option {
    std::string id;
    std::string text;
};

struct Question {
    std::string id;
    int topic = kFirstCourseTopic;  // 1..8, the lecture number in the course outline; or kPrerequisitesTopic
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
    std::string reference;  // lecture-notes/NN-name.md#anchor (NN = 00 for the prerequisites)

    // Where the question was defined, for error messages.
    std::string sourceFile;
    int line = 0;
    int column = 0;
};

}  // namespace kc::quiz
