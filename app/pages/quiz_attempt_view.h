// A quiz attempt in progress: one question at a time with the navigator, flag, previous/next, the countdown and
// the autosave state, and the summary before submitting (Moodle's "Summary of attempt"). Every answer goes to the
// attempt (and so to progress.db) as soon as it is given; a timer ticks the attempt each second so it is submitted
// when the time runs out, with what was saved.
#pragma once

#include <QString>
#include <QWidget>
#include <map>

#include "quiz/attempt.h"

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTimer;

namespace kc::app {

class QuizNavigator;
class QuizQuestionView;

class QuizAttemptView : public QWidget {
    Q_OBJECT
public:
    // `attempt` must be in progress and outlive the view. `topicTitles`: topic number → what the student reads.
    QuizAttemptView(quiz::Attempt& attempt, std::map<int, QString> topicTitles, QWidget* parent = nullptr);

    // Checks the clock now (the timer does this every second): updates the countdown, saves the time left, and
    // emits finished() when the time has run out.
    void tickNow();
    // Saves a response typed but not yet saved (the page calls this before it is hidden).
    void commitPending();

signals:
    // The attempt is over (submitted by the student or by the timer). Emitted last: the view may be deleted.
    void finished();
    void statusMessage(const QString& text);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildQuestionScreen(QWidget* screen);
    void buildSummaryScreen(QWidget* screen);
    void showCurrent();
    void goTo(std::size_t index);
    void saveResponse(const quiz::Response& response);
    void toggleFlag();
    void showSummary();
    void submit();
    void refreshNavigator();
    void updateCountdown();
    void setSaveState(const QString& text, bool error);
    // After a refused save or flag: true when the reason is that the attempt ended (and finished() was emitted).
    bool endedMeanwhile();

    quiz::Attempt& attempt_;
    std::map<int, QString> topicTitles_;
    bool textDirty_ = false;
    bool ended_ = false;

    QLabel* title_;
    QLabel* saveState_;
    QLabel* countdown_;
    QStackedWidget* screens_;
    QuizQuestionView* question_;
    QuizNavigator* navigator_;
    QLabel* progress_;
    QPushButton* previous_;
    QPushButton* next_;
    QPushButton* flag_;
    QPushButton* clear_;
    QPushButton* finish_;
    QLabel* summaryText_;
    QTableWidget* summaryTable_;
    QPushButton* submit_;
    QTimer* ticker_;
    QTimer* textSave_;
};

}  // namespace kc::app
