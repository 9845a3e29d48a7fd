// What a finished quiz gives back: the score, pass or fail at 80%, a breakdown per topic, a review of every
// question (the response, its mark, the explanation and lecture link) and the topics to revisit.
// Pure: the attempt engine and the instructor's `kubeclass-grade quiz grade` both build results here.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "quiz/question.h"
#include "quiz/scoring.h"

namespace kc::quiz {

// The course's pass mark: 80% of the questions' marks.
inline constexpr double kPassPercent = 80.0;

// One question as it was asked and answered.
struct AskedQuestion {
    const Question* question = nullptr;
    std::vector<std::string> optionOrder;  // option ids in the order shown; empty for short and numeric
    std::optional<Response> response;      // nullopt: not answered
    bool flagged = false;
};

struct QuestionReview {
    Question question;  // a copy, so a review outlives the bank it came from
    std::vector<std::string> optionOrder;
    std::optional<Response> response;
    double score = 0;  // 0..1 from scoreResponse; 0 when not answered
    bool flagged = false;
};

struct TopicScore {
    int topic = 0;
    int questions = 0;
    double earned = 0;
    double percent() const { return questions == 0 ? 0 : 100.0 * earned / questions; }
};

struct QuizResult {
    std::vector<QuestionReview> review;  // in the order asked
    std::vector<TopicScore> topics;      // ascending topic; only topics that were asked
    double earned = 0;                   // sum of the questions' marks
    int questions = 0;
    double percent = 0;  // 100 * earned / questions; 0 with no questions
    bool passed = false;  // percent >= kPassPercent
    // Topics scoring under the pass mark, ascending: what the student should read again.
    std::vector<int> topicsToRevisit;
    int answered() const;
};

// Marks every asked question (each question is worth one mark, partial credit per scoring.h) and sums up.
QuizResult gradeQuiz(const std::vector<AskedQuestion>& asked);

// A response as a person reads it: "b, d" for choices (ids in the order given), the text otherwise;
// "(no answer)" when there is none.
std::string describeResponse(const Question& q, const std::optional<Response>& response);
// The expected answer as a person reads it: "b" / "a, c"; a short answer's canonical form; "7 ± 0.5".
std::string describeExpected(const Question& q);

}  // namespace kc::quiz
