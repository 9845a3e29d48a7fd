// A synthetic bank for the engine tests: `perTopic` single-choice questions per course topic ("t3-q5"), each with
// options a..d where "a" is correct, plus `prerequisites` topic-0 questions ("p0-q1") of the same shape.
#pragma once

#include <string>
#include <vector>

#include "quiz/question.h"

namespace kc::quiz::testing {

inline std::vector<Question> engineBank(int perTopic, int prerequisites = 0) {
    std::vector<Question> bank;
    auto add = [&](const std::string& id, int topic) {
        Question q;
        q.id = id;
        q.topic = topic;
        q.type = QuestionType::Single;
        q.stem = "Stem of " + id;
        q.options = {{"a", "right"}, {"b", "wrong 1"}, {"c", "wrong 2"}, {"d", "wrong 3"}};
        q.correctOptions = {"a"};
        q.explanation = "Why " + id;
        q.reference = "lecture-notes/0" + std::to_string(topic) + "-x.md#" + id;
        bank.push_back(q);
    };
    for (int t = 1; t <= 8; ++t)
        for (int i = 0; i < perTopic; ++i) add("t" + std::to_string(t) + "-q" + std::to_string(i), t);
    for (int i = 0; i < prerequisites; ++i) add("p0-q" + std::to_string(i), kPrerequisitesTopic);
    return bank;
}

}  // namespace kc::quiz::testing
