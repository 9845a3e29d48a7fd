// The Quiz page: the overview (module quiz, prerequisites self-check, continue an open attempt, previous
// attempts), an attempt in progress (QuizAttemptView) and a finished attempt's result and review
// (QuizResultView). Attempts are saved in progress.db through quiz::SqliteAttemptStore, so one left open is
// offered again after a restart with the same questions, answers and no more time than it had.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "app/page.h"
#include "app/quiz_format.h"
#include "quiz/attempt.h"
#include "quiz/question.h"
#include "quiz/sqlite_attempt_store.h"

class QStackedWidget;

namespace kc::app {

class QuizAttemptView;
class QuizResultView;
class QuizStartView;

class QuizPage : public Page {
    Q_OBJECT
public:
    explicit QuizPage(AppContext& context, QWidget* parent = nullptr);
    ~QuizPage() override;
    QString pageId() const override { return QStringLiteral("quiz"); }
    QString title() const override { return tr("Quiz"); }
    void activated() override;
    // "attempt/<id>": that attempt's result (a finished one) or the attempt itself (one still open).
    void openItem(const QString& item) override;

    // The attempt on screen (in progress or finished), nullptr on the overview.
    const quiz::Attempt* attempt() const { return attempt_.get(); }
    // Where new attempts get their seed (random by default); tests fix it to know which questions are drawn.
    void setSeedSource(std::function<std::uint64_t()> source) { seedSource_ = std::move(source); }

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    // Loads the bank and opens the attempt store once; an error is shown on the overview.
    bool ensureLoaded();
    // `problem`: what went wrong with the last action, shown on the overview.
    void showOverview(const QString& problem = {});
    void startAttempt(quiz::AttemptKind kind);
    void openAttempt(std::int64_t id);
    void showAttempt();
    void showResult();

    std::vector<quiz::Question> bank_;
    std::unique_ptr<quiz::SqliteAttemptStore> store_;
    std::map<int, TopicLecture> lectures_;
    QString loadError_;
    bool loaded_ = false;
    std::unique_ptr<quiz::Attempt> attempt_;
    std::function<std::uint64_t()> seedSource_;

    QStackedWidget* stack_;
    QuizStartView* start_;
    QuizAttemptView* attemptView_ = nullptr;
    QuizResultView* result_;
};

}  // namespace kc::app
