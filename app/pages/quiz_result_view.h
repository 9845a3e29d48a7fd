// A finished quiz attempt: the score against the 80 % pass mark, the per-topic chart and table, the topics to
// revisit with links to their lectures, and a review of every question (the response, the accepted answer, the
// explanation and a link to the lecture section).
#pragma once

#include <QWidget>
#include <map>

#include "app/quiz_format.h"
#include "quiz/attempt_store.h"
#include "quiz/quiz_result.h"

class QComboBox;
class QLabel;
class QTableWidget;
class QVBoxLayout;

namespace kc::app {

class QuizResultView : public QWidget {
    Q_OBJECT
public:
    explicit QuizResultView(QWidget* parent = nullptr);

    // `lectures`: topic → its lecture (for titles and "read again" links).
    void showResult(const quiz::QuizResult& result, const quiz::AttemptRecord& record,
                    const std::map<int, TopicLecture>& lectures);

signals:
    // A Lectures page item: "02-advanced-scheduling#time-slicing" or a lecture id alone.
    void lectureRequested(const QString& item);
    void backRequested();

private:
    void rebuildReview();

    QVBoxLayout* content_;
    QWidget* body_ = nullptr;
    QComboBox* reviewFilter_ = nullptr;
    QWidget* reviewList_ = nullptr;
    quiz::QuizResult result_;
    std::map<int, TopicLecture> lectures_;
};

}  // namespace kc::app
