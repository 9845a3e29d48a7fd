// Drives the Quiz page the way a student does (clicks, typing, the navigator) for the GUI tests, and knows the
// bank's accepted answers so a test can answer a question right or wrong on purpose. Header-only: the test
// executable builds every *_test.cc and nothing else from this folder.
#pragma once

#include <QAbstractButton>
#include <QLabel>
#include <QLineEdit>
#include <QString>
#include <QTest>
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/app_context.h"
#include "app/pages/quiz_page.h"
#include "app_test_support.h"
#include "quiz/bank_loader.h"
#include "quiz/question.h"
#include "tests/support/fake_clock.h"

namespace kc::testing {

// The course bank from the source tree, by question id.
inline const std::map<std::string, quiz::Question>& courseBankById();

// A test context whose clock is a FakeClock (set before any page is made).
struct QuizTestContext {
    std::unique_ptr<AppTestContext> test;
    std::shared_ptr<FakeClock> clock;
    app::AppContext& context() { return *test->context; }
    // The app is closed and started again on the same settings and data folder, with `clock` as the new run's clock.
    void restart(std::shared_ptr<FakeClock> nextClock);
};
inline std::unique_ptr<QuizTestContext> makeQuizTestContext();

class QuizDriver {
public:
    explicit QuizDriver(app::QuizPage& page) : page_(page) {}

    template <class W>
    W* find(const QString& name) const {
        return page_.findChild<W*>(name);
    }
    QString text(const QString& labelName) const;
    // Clicks a button by object name; false when it is missing, not on screen or disabled (show the page first).
    bool click(const QString& buttonName) const;

    const quiz::Attempt& attempt() const { return *page_.attempt(); }
    std::size_t current() const;
    // Answers the current question through its widgets: with the bank's answer, or with one that earns nothing.
    void answerCurrent(bool correctly) const;
    void next() const;

private:
    app::QuizPage& page_;
};


inline const std::map<std::string, quiz::Question>& courseBankById() {
    static const std::map<std::string, quiz::Question> bank = [] {
        std::map<std::string, quiz::Question> out;
        auto loaded = quiz::loadBank(std::string(KUBECLASS_SOURCE_DIR) + "/quiz/bank");
        REQUIRE(loaded);
        for (auto& q : *loaded) out.emplace(q.id, q);
        return out;
    }();
    return bank;
}

inline std::unique_ptr<QuizTestContext> makeQuizTestContext() {
    auto quiz = std::make_unique<QuizTestContext>();
    quiz->test = makeAppTestContext();
    REQUIRE(quiz->test);
    quiz->clock = std::make_shared<FakeClock>();
    quiz->test->context->clock = quiz->clock;
    return quiz;
}

inline void QuizTestContext::restart(std::shared_ptr<FakeClock> nextClock) {
    const QString settingsFile = test->context->settingsFile;
    test->context.reset();
    auto context = app::makeAppContext({.settingsFile = settingsFile, .dataRoot = QStringLiteral(KUBECLASS_SOURCE_DIR)});
    REQUIRE(context);
    test->context = std::move(*context);
    clock = std::move(nextClock);
    test->context->clock = clock;
}

inline QString QuizDriver::text(const QString& labelName) const {
    auto* label = find<QLabel>(labelName);
    return label ? label->text() : QString();
}

inline bool QuizDriver::click(const QString& buttonName) const {
    // Pending layout and show requests first, as a person's click always comes after the screen is drawn.
    QCoreApplication::processEvents();
    auto* button = find<QAbstractButton>(buttonName);
    if (!button || !button->isVisible() || !button->isEnabled()) return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

inline std::size_t QuizDriver::current() const { return attempt().current(); }

inline void QuizDriver::answerCurrent(bool correctly) const {
    const std::size_t i = current();
    const auto& q = courseBankById().at(attempt().question(i).id);
    if (q.type == quiz::QuestionType::Single || q.type == quiz::QuestionType::Multiple) {
        const auto shown = attempt().options(i);
        std::vector<int> picks;  // 1-based positions as shown
        for (std::size_t n = 0; n < shown.size(); ++n) {
            const bool isCorrect =
                std::find(q.correctOptions.begin(), q.correctOptions.end(), shown[n].id) != q.correctOptions.end();
            // Wrong on purpose: every incorrect option and no correct one, which scores 0 for both types.
            if (isCorrect == correctly) picks.push_back(static_cast<int>(n + 1));
        }
        if (q.type == quiz::QuestionType::Single && !correctly) picks.resize(1);
        for (int n : picks) REQUIRE(click(QStringLiteral("quizOption%1").arg(n)));
        return;
    }
    std::string answer;
    if (q.type == quiz::QuestionType::Short) answer = correctly ? q.answers.front() : "zz-not-an-answer";
    else {
        std::ostringstream s;
        s << (correctly ? q.numericValue : q.numericValue + q.tolerance + 1000);
        answer = s.str();
    }
    auto* edit = find<QLineEdit>(QStringLiteral("quizAnswerText"));
    REQUIRE(edit);
    REQUIRE(edit->isVisibleTo(&page_));
    edit->setFocus();
    edit->clear();
    QTest::keyClicks(edit, QString::fromStdString(answer));
    QTest::keyClick(edit, Qt::Key_Return);  // editingFinished: saved now
}

inline void QuizDriver::next() const { REQUIRE(click(QStringLiteral("quizNext"))); }

}  // namespace kc::testing
