// One quiz question as the student answers it: the stem, then radio buttons (single choice), check boxes
// (multiple choice) or a line edit (short and numeric answers). Only shows and reads; the attempt view decides
// when a response is saved.
#pragma once

#include <QWidget>
#include <cstddef>
#include <optional>
#include <vector>

#include "quiz/question.h"
#include "quiz/scoring.h"

class QAbstractButton;
class QButtonGroup;
class QLabel;
class QLineEdit;
class QVBoxLayout;

namespace kc::app {

class QuizQuestionView : public QWidget {
    Q_OBJECT
public:
    explicit QuizQuestionView(QWidget* parent = nullptr);

    // Shows the question and fills in `response` without emitting anything.
    void showQuestion(std::size_t number, std::size_t count, const quiz::Question& question,
                      const std::vector<quiz::Option>& options, const std::optional<quiz::Response>& response,
                      const QString& topicTitle, bool flagged);
    void setFlagged(bool flagged);
    // What the inputs hold now.
    quiz::Response currentResponse() const;
    // Digit keys: picks (single) or toggles (multiple) the option at `index` (0-based) as a click would.
    void pickOption(int index);
    std::size_t optionCount() const { return optionButtons_.size(); }
    // The text input of a short or numeric question, nullptr for choice questions.
    QLineEdit* answerEdit() const { return textMode_ ? answerEdit_ : nullptr; }
    void focusAnswer();
    // Unticks every option or empties the text (Moodle's "Clear my choice").
    void clearAnswer();

signals:
    void choiceChanged();  // a radio button or check box was clicked: save now
    void textEdited();     // typing: save after a pause or when leaving the question
    void textFinished();   // Return pressed or focus left the text

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void clearOptions();

    QLabel* heading_;
    QLabel* meta_;
    QLabel* flagBadge_;
    QLabel* stem_;
    QLabel* instruction_;
    QWidget* optionsBox_;
    QVBoxLayout* optionsLayout_;
    QButtonGroup* group_;
    QLineEdit* answerEdit_;
    std::vector<QAbstractButton*> optionButtons_;
    std::vector<std::string> optionIds_;
    bool textMode_ = false;
};

}  // namespace kc::app
