// The Quiz page walked as a student: take the module quiz to the end (answers taken from the bank so the score is
// known in advance), let the time run out, close the app mid-attempt and continue it, flag questions, use the
// keyboard, follow review links to the lectures. The clock is a FakeClock, so 90 minutes pass at once.
#include <catch2/catch.hpp>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "app/main_window.h"
#include "app/pages/quiz_navigator.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz_page_driver.h"

using namespace std::chrono_literals;
using kc::app::QuizNavigator;
using kc::app::QuizPage;
using kc::testing::FakeClock;
using kc::testing::makeQuizTestContext;
using kc::testing::QuizDriver;

namespace {

kc::quiz::AttemptRecord storedAttempt(const std::string& dbPath, std::int64_t id) {
    // A second connection, as a restarted app would open: what it sees is what was committed.
    auto store = kc::quiz::SqliteAttemptStore::open(dbPath);
    REQUIRE(store);
    auto record = (*store)->load(id);
    REQUIRE(record);
    return *record;
}

QTableWidget* table(QuizPage& page, const char* name) { return page.findChild<QTableWidget*>(QString::fromLatin1(name)); }

}  // namespace

TEST_CASE("a module quiz taken to the end: 20 of 25 right is 80 percent and a pass", "[app][quiz]") {
    auto q = makeQuizTestContext();
    QuizPage page(q->context());
    page.setSeedSource([] { return std::uint64_t{1}; });  // fixed, so a failure can be replayed
    page.resize(1110, 800);
    page.show();
    QuizDriver d(page);
    CHECK(d.find<QLabel>("quizHistoryEmpty")->isVisibleTo(&page));
    REQUIRE(d.click("quizStartModule"));
    REQUIRE(page.attempt());
    REQUIRE(d.attempt().size() == 25);
    CHECK(d.text("quizCountdown") == "Time left 1:30:00");
    CHECK_FALSE(d.text("quizSaveState").contains("Saved"));

    // Questions 1-20 right, 21-23 wrong, 24-25 left blank; 22 flagged. Each answer is given through the widgets.
    for (std::size_t i = 0; i < 25; ++i) {
        REQUIRE(d.current() == i);
        CHECK(d.text("quizQuestionHeading") == QStringLiteral("Question %1 of 25").arg(i + 1));
        if (i < 23) {
            d.answerCurrent(i < 20);
            CHECK(d.text("quizSaveState").startsWith(QStringLiteral("✓ Saved ")));
        }
        if (i == 0) {
            auto saved = storedAttempt(q->context().progressDbPath(), d.attempt().id());
            CHECK(saved.answers.size() == 1);
            CHECK(saved.answers.count(d.attempt().question(0).id) == 1);
        }
        if (i == 21) REQUIRE(d.click("quizFlag"));
        if (i < 24) d.next();
    }
    auto* navigator = d.find<QuizNavigator>("quizNavigator");
    REQUIRE(navigator->count() == 25);
    for (std::size_t i = 0; i < 25; ++i) {
        INFO("question " << i + 1);
        CHECK(navigator->cell(i)->answered() == (i < 23));
        CHECK(navigator->cell(i)->flagged() == (i == 21));
        CHECK(navigator->cell(i)->current() == (i == 24));
    }
    CHECK(d.text("quizProgress") == "23 of 25 answered · 1 flagged");

    // The summary before submitting names what is open; submitting needs a second click there.
    REQUIRE(d.click("quizFinish"));
    CHECK(d.text("quizSummaryText") ==
          "2 questions are not answered: 24 and 25. 1 question is still flagged: 22.");
    CHECK(d.attempt().state() == kc::quiz::AttemptState::InProgress);
    REQUIRE(d.click("quizSubmit"));

    REQUIRE(kc::testing::waitUntil([&] { return d.find<QLabel>("quizScore") != nullptr; }, 3000));
    CHECK(d.text("quizScore") == "80 %");
    CHECK(d.text("quizVerdict") == "Passed");
    CHECK(d.text("quizMarks").startsWith("20 of 25 marks · 23 of 25 questions answered"));

    // Per topic: the questions asked from it, and one mark for each of them among the first 20.
    std::map<int, std::pair<int, int>> expected;  // topic → asked, right
    for (std::size_t i = 0; i < 25; ++i) {
        auto& e = expected[d.attempt().question(i).topic];
        e.first += 1;
        e.second += i < 20 ? 1 : 0;
    }
    auto* topics = table(page, "quizTopicTable");
    REQUIRE(topics);
    REQUIRE(topics->rowCount() == static_cast<int>(expected.size()));
    REQUIRE(expected.size() == 8);
    int row = 0;
    for (const auto& [topic, e] : expected) {
        INFO("topic " << topic);
        CHECK(topics->item(row, 0)->text().startsWith(QStringLiteral("%1 · ").arg(topic)));
        CHECK(topics->item(row, 1)->text() == QString::number(e.first));
        CHECK(topics->item(row, 2)->text() == QString::number(e.second));
        // A topic under 80 % is listed to revisit, with a link to its lecture; one at or above is not.
        const bool under = e.second * 5 < e.first * 4;
        CHECK((page.findChild<QWidget*>(QStringLiteral("quizRevisitTopic%1").arg(topic)) != nullptr) == under);
        ++row;
    }

    // What progress.db holds: submitted, with the 23 answers and the flag.
    auto saved = storedAttempt(q->context().progressDbPath(), d.attempt().id());
    CHECK(saved.state == kc::quiz::AttemptState::Submitted);
    CHECK(saved.answers.size() == 23);
    CHECK(saved.flagged == std::set<std::string>{d.attempt().question(21).id});

    // The review links to the lecture section of each question.
    const auto reference = d.attempt().question(0).reference;  // lecture-notes/NN-name.md#anchor
    REQUIRE(reference.rfind("lecture-notes/", 0) == 0);
    std::string item = reference.substr(std::string("lecture-notes/").size());
    item.replace(item.find(".md"), 3, "");
    QSignalSpy navigate(&page, &kc::app::Page::navigateRequested);
    REQUIRE(d.click("quizReviewLink1"));
    REQUIRE(navigate.count() == 1);
    CHECK(navigate.at(0).at(0).toString() == "lectures");
    CHECK(navigate.at(0).at(1).toString().toStdString() == item);

    // Back on the overview the attempt is listed, and a new one can start.
    REQUIRE(d.click("quizBack"));
    auto* history = table(page, "quizHistory");
    REQUIRE(history);
    REQUIRE(history->rowCount() == 1);
    CHECK(history->item(0, 2)->text() == "80 %");
    CHECK(history->item(0, 3)->text() == "Passed");
    CHECK(d.find<QPushButton>("quizStartModule")->isVisibleTo(&page));
    CHECK_FALSE(d.find<QPushButton>("quizResumeModule")->isVisibleTo(&page));
}

TEST_CASE("when the 90 minutes run out the attempt is submitted with the answers saved", "[app][quiz]") {
    auto q = makeQuizTestContext();
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    REQUIRE(d.click("quizStartModule"));
    for (int i = 0; i < 3; ++i) {
        d.answerCurrent(true);
        d.next();
    }
    const auto id = d.attempt().id();
    auto* countdown = d.find<QLabel>("quizCountdown");
    CHECK_FALSE(countdown->property("lowTime").toBool());
    // At 4 minutes left the countdown shows it and turns to the warning colour (the timer ticks each second).
    q->clock->advance(86min);
    REQUIRE(kc::testing::waitUntil([&] { return countdown->text() == "Time left 4:00"; }, 3000));
    CHECK(countdown->property("lowTime").toBool());
    q->clock->advance(4min);
    REQUIRE(kc::testing::waitUntil([&] { return d.find<QLabel>("quizScore") != nullptr; }, 3000));
    CHECK(d.text("quizVerdict") == "Not passed yet");
    CHECK(d.text("quizMarks").startsWith("3 of 25 marks · 3 of 25 questions answered"));
    CHECK(d.text("quizResultWhen") == "Time ran out: submitted automatically with the 3 answers saved by then.");
    auto saved = storedAttempt(q->context().progressDbPath(), id);
    CHECK(saved.state == kc::quiz::AttemptState::Expired);
    CHECK(saved.answers.size() == 3);
}

TEST_CASE("an attempt left open continues after a restart with its questions answers flags and no more time",
          "[app][quiz]") {
    auto q = makeQuizTestContext();
    std::vector<std::string> questionIds;
    std::vector<std::optional<kc::quiz::Response>> responses;
    {
        QuizPage page(q->context());
        page.show();
        QuizDriver d(page);
        REQUIRE(d.click("quizStartModule"));
        d.answerCurrent(true);   // 1
        d.next();
        d.answerCurrent(false);  // 2, flagged
        REQUIRE(d.click("quizFlag"));
        d.next();
        d.answerCurrent(true);   // 3
        REQUIRE(d.click("quizNavCell6"));  // jump to 6 by the navigator
        CHECK(d.current() == 5);
        d.answerCurrent(true);   // 6
        // Ten minutes in, the once-a-second tick has saved 80 minutes left.
        q->clock->advance(10min);
        REQUIRE(kc::testing::waitUntil([&] { return d.text("quizCountdown") == "Time left 1:20:00"; }, 3000));
        for (std::size_t i = 0; i < d.attempt().size(); ++i) {
            questionIds.push_back(d.attempt().question(i).id);
            responses.push_back(d.attempt().response(i));
        }
    }
    std::string expectedLeft;
    SECTION("the app was closed for 15 minutes: they count, 65 minutes are left") {
        q->restart(std::make_shared<FakeClock>(FakeClock::defaultStart() + 25min));
        expectedLeft = "1:05:00";
    }
    SECTION("the clock was set back to 2 minutes after the start: still only the 80 minutes saved") {
        q->restart(std::make_shared<FakeClock>(FakeClock::defaultStart() + 2min));
        expectedLeft = "1:20:00";
    }
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    CHECK(d.text("quizModuleStatus").contains(QStringLiteral("4 of 25 answered, %1 left").arg(QString::fromStdString(expectedLeft))));
    CHECK_FALSE(d.find<QPushButton>("quizStartModule")->isVisibleTo(&page));
    REQUIRE(d.click("quizResumeModule"));
    REQUIRE(page.attempt());
    CHECK(d.text("quizCountdown").toStdString() == "Time left " + expectedLeft);
    REQUIRE(d.attempt().size() == questionIds.size());
    for (std::size_t i = 0; i < questionIds.size(); ++i) {
        INFO("question " << i + 1);
        CHECK(d.attempt().question(i).id == questionIds[i]);
        REQUIRE(d.attempt().response(i).has_value() == responses[i].has_value());
        if (responses[i]) {
            CHECK(d.attempt().response(i)->chosenOptions == responses[i]->chosenOptions);
            CHECK(d.attempt().response(i)->text == responses[i]->text);
        }
    }
    CHECK(d.current() == 3);  // the first question without an answer
    auto* navigator = d.find<QuizNavigator>("quizNavigator");
    for (std::size_t i = 0; i < 25; ++i) {
        INFO("question " << i + 1);
        CHECK(navigator->cell(i)->answered() == (i <= 2 || i == 5));
        CHECK(navigator->cell(i)->flagged() == (i == 1));
    }
    CHECK(navigator->cell(1)->accessibleName() == "Question 2: answered, flagged");
    // The flag can be taken off again, and that is saved too.
    REQUIRE(d.click("quizNavCell2"));
    CHECK(d.text("quizFlagBadge") == "⚑ Flagged");
    REQUIRE(d.click("quizFlag"));
    CHECK_FALSE(navigator->cell(1)->flagged());
    CHECK(storedAttempt(q->context().progressDbPath(), d.attempt().id()).flagged.empty());
}

TEST_CASE("an attempt whose time ran out while the app was closed opens on its result", "[app][quiz]") {
    auto q = makeQuizTestContext();
    {
        QuizPage page(q->context());
        page.show();
        QuizDriver d(page);
        REQUIRE(d.click("quizStartModule"));
        d.answerCurrent(true);
    }
    q->restart(std::make_shared<FakeClock>(FakeClock::defaultStart() + 3h));
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    // The overview still lists it as open; continuing it finds the time gone and shows what was saved.
    CHECK(d.text("quizModuleStatus").contains("1 of 25 answered, 0:00 left"));
    REQUIRE(d.click("quizResumeModule"));
    CHECK(d.text("quizMarks").startsWith("1 of 25 marks"));
    CHECK(d.text("quizResultWhen").startsWith("Time ran out"));
}

TEST_CASE("digit keys pick options and choices are saved at once", "[app][quiz]") {
    auto q = makeQuizTestContext();
    QuizPage page(q->context());
    page.setSeedSource([] { return std::uint64_t{20261123}; });  // a draw with every question type
    page.show();
    QuizDriver d(page);
    REQUIRE(d.click("quizStartModule"));
    auto find = [&](kc::quiz::QuestionType type) {
        for (std::size_t i = 0; i < d.attempt().size(); ++i)
            if (d.attempt().question(i).type == type) return i;
        return d.attempt().size();
    };
    const std::size_t single = find(kc::quiz::QuestionType::Single);
    REQUIRE(single < d.attempt().size());
    REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(single + 1)));
    QTest::keyClick(page.focusWidget() ? page.focusWidget() : &page, Qt::Key_2);
    REQUIRE(d.attempt().response(single));
    CHECK(d.attempt().response(single)->chosenOptions ==
          std::vector<std::string>{d.attempt().options(single).at(1).id});
    QTest::keyClick(page.focusWidget(), Qt::Key_3);  // a radio button: 3 replaces 2
    CHECK(d.attempt().response(single)->chosenOptions ==
          std::vector<std::string>{d.attempt().options(single).at(2).id});

    const std::size_t multiple = find(kc::quiz::QuestionType::Multiple);
    REQUIRE(multiple < d.attempt().size());
    {
        REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(multiple + 1)));
        QTest::keyClick(page.focusWidget(), Qt::Key_1);
        QTest::keyClick(page.focusWidget(), Qt::Key_3);
        const auto shown = d.attempt().options(multiple);
        CHECK(d.attempt().response(multiple)->chosenOptions == std::vector<std::string>{shown.at(0).id, shown.at(2).id});
        QTest::keyClick(page.focusWidget(), Qt::Key_1);  // a check box: 1 again unticks it
        CHECK(d.attempt().response(multiple)->chosenOptions == std::vector<std::string>{shown.at(2).id});
        // Clearing leaves the question unanswered in the navigator.
        REQUIRE(d.click("quizClear"));
        CHECK_FALSE(d.find<QuizNavigator>("quizNavigator")->cell(multiple)->answered());
    }
    // Alt+Right and Alt+Left move between questions wherever the focus is in the window.
    page.activateWindow();
    if (QTest::qWaitForWindowActive(&page)) {
        REQUIRE(d.click("quizNavCell3"));
        QTest::keyClick(page.focusWidget(), Qt::Key_Right, Qt::AltModifier);
        CHECK(d.current() == 3);
        QTest::keyClick(page.focusWidget(), Qt::Key_Left, Qt::AltModifier);
        QTest::keyClick(page.focusWidget(), Qt::Key_Left, Qt::AltModifier);
        CHECK(d.current() == 1);
    } else {
        WARN("SKIPPED: the window could not be made active here, so Alt+arrow shortcuts were not tried");
    }
    const std::size_t text = find(kc::quiz::QuestionType::Short);
    REQUIRE(text < d.attempt().size());
    REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(text + 1)));
    auto* edit = d.find<QLineEdit>("quizAnswerText");
    REQUIRE(page.focusWidget() == edit);
    // Digits typed into an answer are text, not option picks; the answer is saved after a pause.
    QTest::keyClicks(edit, "kubectl get po 2");
    CHECK(d.text("quizSaveState").contains("Typing"));
    REQUIRE(kc::testing::waitUntil([&] { return d.attempt().response(text).has_value(); }, 3000));
    CHECK(d.attempt().response(text)->text == "kubectl get po 2");
    CHECK(d.text("quizSaveState").startsWith(QStringLiteral("✓ Saved ")));
}

TEST_CASE("an answer typed but not yet saved is saved when the page closes", "[app][quiz]") {
    auto q = makeQuizTestContext();
    std::int64_t id = 0;
    std::string questionId;
    {
        QuizPage page(q->context());
        page.setSeedSource([] { return std::uint64_t{20261123}; });  // has a short-answer question
        page.show();
        QuizDriver d(page);
        REQUIRE(d.click("quizStartModule"));
        id = d.attempt().id();
        std::size_t text = d.attempt().size();
        for (std::size_t i = 0; i < d.attempt().size() && text == d.attempt().size(); ++i)
            if (d.attempt().question(i).type == kc::quiz::QuestionType::Short) text = i;
        REQUIRE(text < d.attempt().size());
        questionId = d.attempt().question(text).id;
        REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(text + 1)));
        QTest::keyClicks(d.find<QLineEdit>("quizAnswerText"), "kubectl get pc");
        CHECK(storedAttempt(q->context().progressDbPath(), id).answers.empty());  // the pause has not passed
    }
    const auto saved = storedAttempt(q->context().progressDbPath(), id);
    REQUIRE(saved.answers.count(questionId) == 1);
    CHECK(saved.answers.at(questionId).response.text == "kubectl get pc");
}

TEST_CASE("a past attempt opens by link and its weak topics lead to their lectures", "[app][quiz]") {
    auto q = makeQuizTestContext();
    std::int64_t id = 0;
    {
        QuizPage page(q->context());
        page.show();
        QuizDriver d(page);
        REQUIRE(d.click("quizStartModule"));
        id = d.attempt().id();
        d.answerCurrent(true);
        REQUIRE(d.click("quizFinish"));
        REQUIRE(d.click("quizSubmit"));
    }
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    page.openItem(QStringLiteral("attempt/%1").arg(id));
    REQUIRE(page.attempt());
    CHECK(page.attempt()->id() == id);
    CHECK(d.text("quizScore") == "4 %");  // 1 mark of 25
    CHECK(d.text("quizVerdict") == "Not passed yet");
    // Every topic is under 80 %, so all eight are listed; topic 1's link opens lecture 01.
    const int topic = page.attempt()->question(0).topic;
    QSignalSpy navigate(&page, &kc::app::Page::navigateRequested);
    REQUIRE(d.click(QStringLiteral("quizRevisitTopic%1").arg(topic)));
    REQUIRE(navigate.count() == 1);
    const auto reference = page.attempt()->question(0).reference;  // lecture-notes/NN-name.md#anchor
    const auto lectureId = reference.substr(14, reference.find(".md") - 14);
    CHECK(navigate.at(0).at(1).toString().toStdString() == lectureId);
    for (int t = 1; t <= 8; ++t) CHECK(page.findChild<QWidget*>(QStringLiteral("quizRevisitTopic%1").arg(t)));
    // Links that are not an attempt change nothing.
    page.openItem(QStringLiteral("attempt/nope"));
    CHECK(page.attempt()->id() == id);
}

TEST_CASE("a bank that cannot be loaded is explained on the page and nothing starts", "[app][quiz]") {
    auto q = makeQuizTestContext();
    q->context().dataRoot = q->test->dir.path() + "/no-course-here";
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    auto* error = d.find<QLabel>("quizBankError");
    REQUIRE(error);
    CHECK(error->isVisibleTo(&page));
    CHECK(error->text().contains("no-course-here/quiz/bank"));
    CHECK_FALSE(d.click("quizStartModule"));
    CHECK(page.attempt() == nullptr);
}

// Pictures of the page for looking at, not for asserting: run with "[quiz-render]" and QUIZ_RENDER_DIR set.
TEST_CASE("render the quiz page screens to PNG", "[.][quiz-render]") {
    const QString dir = qEnvironmentVariable("QUIZ_RENDER_DIR", QStringLiteral("/tmp/quiz-render"));
    REQUIRE(QDir().mkpath(dir));
    const QPalette before = QApplication::palette();
    if (qEnvironmentVariableIsSet("QUIZ_RENDER_DARK")) {
        // A dark palette as a desktop in dark mode hands the app, to check the page derives its colours from it.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
        dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xd8));
        dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        dark.setColor(QPalette::Mid, QColor(0x55, 0x55, 0x55));
        dark.setColor(QPalette::Midlight, QColor(0x44, 0x44, 0x44));
        dark.setColor(QPalette::Light, QColor(0x77, 0x77, 0x77));
        dark.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x18));
        QApplication::setPalette(dark);
    }
    struct RestorePalette {
        QPalette palette;
        ~RestorePalette() { QApplication::setPalette(palette); }
    } restore{before};
    auto q = makeQuizTestContext();
    kc::app::MainWindow window(q->context());
    window.resize(1280, 800);
    window.show();
    window.showPage(QStringLiteral("quiz"));
    auto* page = static_cast<QuizPage*>(window.page(QStringLiteral("quiz")));
    page->setSeedSource([] { return std::uint64_t{7}; });
    QuizDriver d(*page);
    auto shot = [&](const char* name) {
        for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();
        REQUIRE(window.grab().save(dir + QLatin1Char('/') + QLatin1String(name), "PNG"));
    };
    shot("quiz-1-overview.png");
    REQUIRE(d.click("quizStartModule"));
    for (int i = 0; i < 7; ++i) {
        d.answerCurrent(i % 3 != 2);
        if (i == 4) REQUIRE(d.click("quizFlag"));
        d.next();
    }
    shot("quiz-2-question.png");
    for (std::size_t i = 7; i < 25; ++i) {
        auto type = d.attempt().question(i).type;
        if (type == kc::quiz::QuestionType::Multiple || type == kc::quiz::QuestionType::Short) {
            REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(i + 1)));
            shot(type == kc::quiz::QuestionType::Multiple ? "quiz-3-multiple.png" : "quiz-3-short.png");
        }
    }
    q->clock->advance(87min);
    kc::testing::waitUntil([&] { return d.text("quizCountdown") == "Time left 3:00"; }, 3000);
    REQUIRE(d.click("quizFinish"));
    shot("quiz-4-summary.png");
    REQUIRE(d.click("quizReturn"));
    for (std::size_t i = d.current(); i < 25; ++i) {
        REQUIRE(d.click(QStringLiteral("quizNavCell%1").arg(i + 1)));
        if (i < 22) d.answerCurrent(i % 4 != 0);
    }
    REQUIRE(d.click("quizFinish"));
    REQUIRE(d.click("quizSubmit"));
    shot("quiz-5-result.png");
    auto* review = page->findChild<QWidget*>(QStringLiteral("quizReview"));
    REQUIRE(review);
    REQUIRE(review->grab(QRect(0, 0, review->width(), std::min(review->height(), 1400)))
                .save(dir + QStringLiteral("/quiz-5b-review.png"), "PNG"));
    REQUIRE(d.click("quizBack"));
    shot("quiz-6-overview-after.png");
}

TEST_CASE("an open attempt whose questions left the bank is explained on the page", "[app][quiz]") {
    auto q = makeQuizTestContext();
    {
        QuizPage page(q->context());
        page.show();
        QuizDriver d(page);
        REQUIRE(d.click("quizStartModule"));
        d.answerCurrent(true);
    }
    // The next run's course files lack topic 8's bank file; every module attempt has at least 3 of its questions.
    q->restart(std::make_shared<FakeClock>(FakeClock::defaultStart() + 1min));
    const std::string root = q->test->dir.path() + "/course";
    for (int topic = 0; topic < 8; ++topic) {
        const QString source = QStringLiteral(KUBECLASS_SOURCE_DIR "/quiz/bank");
        const auto files = QDir(source).entryList({QStringLiteral("0%1-*.yaml").arg(topic)});
        REQUIRE(files.size() == 1);
        QFile file(source + QLatin1Char('/') + files.first());
        REQUIRE(file.open(QIODevice::ReadOnly));
        q->test->dir.write("course/quiz/bank/" + files.first().toStdString(), file.readAll().toStdString());
    }
    q->context().dataRoot = root;
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    REQUIRE(d.click("quizResumeModule"));
    CHECK(page.attempt() == nullptr);
    auto* problem = d.find<QLabel>("quizProblem");
    REQUIRE(problem);
    CHECK(problem->isVisible());
    CHECK(problem->text().contains("could not be opened"));
    CHECK(problem->text().contains("is no longer in the bank"));
}

TEST_CASE("the prerequisites self-check asks every prerequisites question and grades them as one topic",
          "[app][quiz]") {
    auto q = makeQuizTestContext();
    int prerequisites = 0;
    for (const auto& [id, question] : kc::testing::courseBankById())
        prerequisites += question.topic == kc::quiz::kPrerequisitesTopic;
    REQUIRE(prerequisites > 0);
    QuizPage page(q->context());
    page.show();
    QuizDriver d(page);
    REQUIRE(d.click("quizStartPrerequisites"));
    REQUIRE(d.attempt().size() == static_cast<std::size_t>(prerequisites));
    // All right except the last: (n - 1) of n marks.
    for (int i = 0; i < prerequisites; ++i) {
        d.answerCurrent(i + 1 < prerequisites);
        d.next();  // from the last question, Next opens the summary
    }
    CHECK(d.text("quizSummaryText") == QStringLiteral("All %1 questions are answered.").arg(prerequisites));
    REQUIRE(d.click("quizSubmit"));
    CHECK(d.text("quizMarks").startsWith(QStringLiteral("%1 of %2 marks").arg(prerequisites - 1).arg(prerequisites)));
    const bool passes = (prerequisites - 1) * 5 >= prerequisites * 4;  // 80 % of n
    CHECK(d.text("quizVerdict") == (passes ? "Passed" : "Not passed yet"));
    auto* topics = table(page, "quizTopicTable");
    REQUIRE(topics->rowCount() == 1);
    CHECK(topics->item(0, 0)->text().startsWith("0 · "));
    CHECK(topics->item(0, 1)->text() == QString::number(prerequisites));
}
