// Quiz grades in the grader's reports: a graded answers file as a GradeRun (one check per question, so the text,
// markdown, JUnit and Gradescope reports work unchanged), plus the class-wide CSV and JSON of `quiz grade`.
// Formats documented in grader/README.md, "quiz".
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "grader/grade_result.h"
#include "grader/quiz_answers.h"
#include "quiz/quiz_result.h"

namespace kc::grader {

inline constexpr const char* kQuizGradesJsonSchema = "kubeclass.quiz-grades/v1";

struct GradedQuiz {
    QuizAnswersFile answers;
    quiz::QuizResult result;
};

// A file that could not be graded, and why (every problem, one FILE:LINE:COL line each).
struct QuizFileError {
    std::string path;
    std::string message;
};

// One check per question in the order asked: id = question id, title = the stem (one line), objective = the
// topic ("topic 3", "prerequisites"), 1 point, earned = the question's mark, pass only with the full mark.
// Messages: the answer given and expected, the explanation and the lecture link.
GradeRun quizGradeRun(const GradedQuiz& graded, const std::string& bankDir,
                      std::chrono::system_clock::time_point gradedAt);

// One row per graded file: student,file,earned,questions,percent,passed,revisit,prerequisites,topic_1..topic_8.
// Fields are quoted when needed, and text a spreadsheet would run as a formula gets a leading apostrophe.
std::string renderQuizCsv(const std::vector<GradedQuiz>& graded);

// {"schema": "kubeclass.quiz-grades/v1", "passPercent", "students": [...], "errors": [...]}; each student holds
// the summary and the full kubeclass.grade/v1 run.
std::string renderQuizJson(const std::vector<GradedQuiz>& graded, const std::vector<QuizFileError>& errors,
                           const std::string& bankDir, std::chrono::system_clock::time_point gradedAt);

}  // namespace kc::grader
