// A student's quiz answers file (YAML or JSON, format in quiz/README.md "Answers file"): reading it, bounded, and
// checking it against the bank, with every problem reported as FILE:LINE:COL: message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clusters/result.h"
#include "quiz/attempt_store.h"
#include "quiz/question.h"
#include "quiz/quiz_result.h"

namespace kc::grader {

// An answers file is a few kilobytes; anything near this is not one.
inline constexpr std::size_t kMaxAnswersFileBytes = 256 * 1024;
inline constexpr std::size_t kMaxAnswersPerFile = 1000;

struct QuizAnswersFile {
    std::string path;
    std::string student;
    std::optional<std::uint64_t> seed;  // with a seed, the questions asked are that seed's draw
    quiz::AttemptKind kind = quiz::AttemptKind::Module;
    // Question id → response, in the order written; nullopt for a question written with a null (blank) answer,
    // which was asked and scores 0.
    std::vector<std::pair<std::string, std::optional<quiz::Response>>> answers;
};

// Reads and checks one file. The error message holds every problem found, one "FILE:LINE:COL: message" a line.
Result<QuizAnswersFile> readQuizAnswers(const std::string& path, const std::vector<quiz::Question>& bank);
// The same from text already in memory (`path` names it in messages).
Result<QuizAnswersFile> parseQuizAnswers(const std::string& text, const std::string& path,
                                         const std::vector<quiz::Question>& bank);

// The questions the file is graded on, in order: the seed's draw when it has a seed (unanswered ones score 0),
// otherwise the questions it answers. Option orders come from the draw, else the bank's order.
Result<quiz::QuizResult> gradeQuizAnswers(const QuizAnswersFile& answers, const std::vector<quiz::Question>& bank);

}  // namespace kc::grader
