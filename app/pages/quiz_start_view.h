// The Quiz page's overview: the module quiz and the prerequisites self-check with their rules, "Continue" for an
// attempt still in progress (with what is answered and the time left), and the previous attempts to review.
#pragma once

#include <QWidget>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "app/quiz_history.h"
#include "quiz/attempt_store.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace kc::app {

struct OpenAttempt {
    std::int64_t id = 0;
    std::size_t answered = 0;
    std::size_t questions = 0;
    std::chrono::milliseconds left{0};
};

class QuizStartView : public QWidget {
    Q_OBJECT
public:
    explicit QuizStartView(QWidget* parent = nullptr);

    // `error` non-empty: the bank could not be loaded; nothing can be started and the error says what to do.
    void setBank(const QString& error, int moduleQuestions, int prerequisiteQuestions);
    void setOpenAttempt(quiz::AttemptKind kind, const std::optional<OpenAttempt>& open);
    void setHistory(const std::vector<PastAttempt>& attempts, const QString& error);
    // A problem with one action (an attempt that could not start or reopen), shown above the cards until the next
    // refresh; empty clears it.
    void showProblem(const QString& problem);

signals:
    void startRequested(quiz::AttemptKind kind);
    void resumeRequested(std::int64_t id);
    void reviewRequested(std::int64_t id);

private:
    struct KindCard {
        QLabel* status = nullptr;
        QPushButton* start = nullptr;
        QPushButton* resume = nullptr;
        std::optional<OpenAttempt> open;
    };
    QWidget* makeCard(quiz::AttemptKind kind, const QString& title, const QString& rules, KindCard& card);
    KindCard& card(quiz::AttemptKind kind) { return kind == quiz::AttemptKind::Module ? module_ : prerequisites_; }
    void updateButtons();

    QLabel* bankError_;
    QLabel* problem_;
    KindCard module_;
    KindCard prerequisites_;
    bool bankReady_ = false;
    QTableWidget* history_;
    QLabel* historyEmpty_;
    QWidget* trailingSpace_;
    std::vector<std::int64_t> historyIds_;
};

}  // namespace kc::app
