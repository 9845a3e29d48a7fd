// Summing a quiz up; see quiz_result.h.
#include "quiz/quiz_result.h"

#include <map>
#include <sstream>

namespace kc::quiz {

namespace {

// Floating sums of partial marks can land a hair under an exact 80%: 20 whole marks out of 25 must pass.
constexpr double kEpsilon = 1e-9;

std::string joinIds(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

std::string formatNumber(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

int QuizResult::answered() const {
    int n = 0;
    for (const auto& r : review) n += r.response.has_value();
    return n;
}

QuizResult gradeQuiz(const std::vector<AskedQuestion>& asked) {
    QuizResult result;
    std::map<int, TopicScore> topics;
    for (const auto& a : asked) {
        QuestionReview r;
        r.question = *a.question;
        r.optionOrder = a.optionOrder;
        r.response = a.response;
        r.flagged = a.flagged;
        r.score = a.response ? scoreResponse(*a.question, *a.response) : 0.0;
        auto& t = topics[a.question->topic];
        t.topic = a.question->topic;
        t.questions += 1;
        t.earned += r.score;
        result.earned += r.score;
        result.review.push_back(std::move(r));
    }
    result.questions = static_cast<int>(asked.size());
    result.percent = result.questions == 0 ? 0 : 100.0 * result.earned / result.questions;
    result.passed = result.questions > 0 && result.percent + kEpsilon >= kPassPercent;
    for (const auto& [topic, score] : topics) {
        result.topics.push_back(score);
        if (score.percent() + kEpsilon < kPassPercent) result.topicsToRevisit.push_back(topic);
    }
    return result;
}

std::string describeResponse(const Question& q, const std::optional<Response>& response) {
    if (!response) return "(no answer)";
    if (q.type == QuestionType::Single || q.type == QuestionType::Multiple)
        return response->chosenOptions.empty() ? "(no option chosen)" : joinIds(response->chosenOptions);
    return response->text;
}

std::string describeExpected(const Question& q) {
    switch (q.type) {
        case QuestionType::Single:
        case QuestionType::Multiple: return joinIds(q.correctOptions);
        case QuestionType::Short: return q.answers.empty() ? std::string() : q.answers.front();
        case QuestionType::Numeric:
            return q.tolerance > 0 ? formatNumber(q.numericValue) + " ± " + formatNumber(q.tolerance)
                                   : formatNumber(q.numericValue);
    }
    return {};
}

}  // namespace kc::quiz
