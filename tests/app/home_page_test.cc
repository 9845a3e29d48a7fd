// The Home page on the offscreen platform: what it says for progress seeded in progress.db, where its buttons lead,
// and what it says about kind when kind is missing or answers.
#include <catch2/catch.hpp>

#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "app/app_context.h"
#include "app/home_summary.h"
#include "app/pages/home_page.h"
#include "app/pages/lectures_page.h"
#include "quiz/attempt.h"
#include "quiz/bank_loader.h"
#include "quiz/sqlite_attempt_store.h"
#include "tests/app/app_test_support.h"
#include "tests/app/lecture_qstring_print.h"
#include "tests/app/lecture_render.h"
#include "tests/support/fake_tool.h"

using kc::app::HomePage;
using kc::testing::makeAppTestContext;
using kc::testing::waitUntil;

namespace {

// PATH swapped for the length of a test (the process runner looks programs up on the PATH it inherits).
class ScopedPath {
public:
    explicit ScopedPath(const QByteArray& path) : saved_(qgetenv("PATH")) { qputenv("PATH", path); }
    ~ScopedPath() { qputenv("PATH", saved_); }

private:
    QByteArray saved_;
};

// A correct response to `q` (the bank's own key), for seeding a quiz attempt with a known score.
kc::quiz::Response correctResponse(const kc::quiz::Question& q) {
    kc::quiz::Response response;
    switch (q.type) {
        case kc::quiz::QuestionType::Single:
        case kc::quiz::QuestionType::Multiple: response.chosenOptions = q.correctOptions; break;
        case kc::quiz::QuestionType::Short: response.text = q.answers.front(); break;
        case kc::quiz::QuestionType::Numeric: response.text = std::to_string(q.numericValue); break;
    }
    return response;
}

// Takes a module quiz to the end answering the first `correct` questions right and leaving the rest blank.
void finishQuiz(const std::string& dbPath, int correct, std::uint64_t seed) {
    auto bank = kc::quiz::loadBank(std::string(KUBECLASS_SOURCE_DIR) + "/quiz/bank");
    REQUIRE(bank);
    auto store = kc::quiz::SqliteAttemptStore::open(dbPath);
    REQUIRE(store);
    auto attempt = kc::quiz::Attempt::start(*bank, kc::quiz::AttemptKind::Module, seed, **store, kc::systemClock());
    REQUIRE(attempt);
    REQUIRE(attempt->size() == 25);
    for (int i = 0; i < correct; ++i)
        REQUIRE(attempt->answer(static_cast<size_t>(i), correctResponse(attempt->question(static_cast<size_t>(i)))));
    REQUIRE(attempt->submit());
}

void settle(HomePage& page) {
    page.resize(1080, 800);
    page.show();
    REQUIRE(waitUntil([&] { return !page.busy(); }, 20000));
}

}  // namespace

TEST_CASE("lab status says what to do next from the newest check run", "[app][home]") {
    kc::app::HomeLab lab{"lab-02", 2, "Lab 2: Advanced GPU scheduling"};
    auto fresh = kc::app::labStatus(lab, std::nullopt);
    CHECK_FALSE(fresh.started);
    CHECK(fresh.nextStep == "Not started — open Lab 2");
    kc::app::LabCheckRun run;
    run.labId = "lab-02";
    run.scope = "all";
    run.earned = 4.5;
    run.points = 6;
    run.outcome = "graded";
    auto partial = kc::app::labStatus(lab, run);
    CHECK(partial.scoreText == "4.5 / 6 points");
    CHECK(partial.nextStep == "Continue Lab 2: 1.5 points to go");
    run.earned = 6;
    CHECK(kc::app::labStatus(lab, run).complete);
    run.scope = "gpu-quota";
    CHECK_FALSE(kc::app::labStatus(lab, run).complete);  // one step passing is not the whole lab
    run.outcome = "error: connection refused";
    CHECK(kc::app::labStatus(lab, run).nextStep.find("Cluster page") != std::string::npos);
}

TEST_CASE("labs are listed from the labs folder with their README titles", "[app][home]") {
    auto labs = kc::app::listLabs(std::string(KUBECLASS_SOURCE_DIR) + "/labs");
    REQUIRE(labs.size() == 4);
    CHECK(labs[0].id == "lab-01");
    CHECK(labs[0].title == "Lab 1: Operator for ML training jobs");
    CHECK(labs[3].id == "lab-04");
}

TEST_CASE("Home shows the seeded lectures read, lab score and best quiz, and continues where the student left off",
          "[app][home]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    auto& context = *test->context;
    const auto now = std::chrono::system_clock::now();
    for (const char* id : {"00-kubernetes-architecture", "01-operators-and-custom-resources", "03-statefulsets-and-storage"})
        REQUIRE(context.progress->setLectureRead(id, true, now));
    kc::app::LabCheckRun run;
    run.labId = "lab-02";
    run.scope = "all";
    run.at = now;
    run.earned = 4.5;
    run.points = 6;
    run.outcome = "graded";
    run.reportJson = "{}";
    REQUIRE(context.progress->recordCheckRun(run));
    // Two finished attempts: 10 of 25 right (40%) and 21 of 25 right (84%); the best is 84%, a pass.
    finishQuiz(context.progressDbPath(), 10, 11);
    finishQuiz(context.progressDbPath(), 21, 12);
    REQUIRE(context.progress->setLastLocation({"lectures", "03-statefulsets-and-storage#csi-drivers"}, now));

    ScopedPath noKind(QByteArray::fromStdString(test->dir.path()));  // no kind anywhere on PATH
    HomePage page(context);
    settle(page);

    CHECK(page.lecturesLabel()->text() == QStringLiteral("3 of 9 read"));
    CHECK(page.lecturesBar()->value() == 3);
    CHECK(page.lecturesBar()->maximum() == 9);
    // 00, 01 and 03 are read: the next unread lecture is 02.
    CHECK(page.nextLectureLink()->text().contains(QStringLiteral("Next: Lecture 2 — Advanced Scheduling and Resource Management")));
    REQUIRE(page.labScoreLabel(QStringLiteral("lab-02")));
    CHECK(page.labScoreLabel(QStringLiteral("lab-02"))->text() == QStringLiteral("4.5 / 6 points"));
    CHECK(page.labNextLabel(QStringLiteral("lab-02"))->text() == QStringLiteral("Continue Lab 2: 1.5 points to go"));
    CHECK(page.labNextLabel(QStringLiteral("lab-01"))->text() == QStringLiteral("Not started — open Lab 1"));
    CHECK(page.quizLabel()->text() == QStringLiteral("Best: 84%"));
    CHECK(page.findChildren<QLabel*>().size() > 0);

    CHECK(page.continueLabel()->text() == QStringLiteral("Lecture 3: StatefulSets and Storage for ML Platforms"));
    QSignalSpy navigations(&page, &kc::app::Page::navigateRequested);
    QTest::mouseClick(page.continueButton(), Qt::LeftButton);
    REQUIRE(navigations.size() == 1);
    CHECK(navigations.at(0).at(0).toString() == QStringLiteral("lectures"));
    CHECK(navigations.at(0).at(1).toString() == QStringLiteral("03-statefulsets-and-storage#csi-drivers"));
    QTest::mouseClick(page.labButton(QStringLiteral("lab-02")), Qt::LeftButton);
    REQUIRE(navigations.size() == 2);
    CHECK(navigations.at(1).at(0).toString() == QStringLiteral("labs"));
    CHECK(navigations.at(1).at(1).toString() == QStringLiteral("lab-02"));
    emit page.nextLectureLink()->linkActivated(QStringLiteral("next"));
    REQUIRE(navigations.size() == 3);
    CHECK(navigations.at(2).at(0).toString() == QStringLiteral("lectures"));
    CHECK(navigations.at(2).at(1).toString() == QStringLiteral("02-advanced-scheduling"));
}

TEST_CASE("with no kind on PATH Home says kind is missing and points to the Cluster page", "[app][home]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    ScopedPath noKind(QByteArray::fromStdString(test->dir.path()));
    HomePage page(*test->context);
    settle(page);
    CHECK(page.clusterLabel()->text() == QStringLiteral("kind is not installed"));
    CHECK(page.clusterDetail()->text().contains(QStringLiteral("Cluster page")));
    // Nothing about the quiz or lectures depends on kind.
    CHECK(page.quizLabel()->text() == QStringLiteral("Not taken yet"));
    CHECK(page.lecturesLabel()->text() == QStringLiteral("0 of 9 read"));
    // A first start: Continue starts the course at its first lecture.
    CHECK(page.continueLabel()->text() == QStringLiteral("Start with Lecture 0: Kubernetes architecture refresher"));
    QSignalSpy navigations(&page, &kc::app::Page::navigateRequested);
    QTest::mouseClick(page.continueButton(), Qt::LeftButton);
    REQUIRE(navigations.size() == 1);
    CHECK(navigations.at(0).at(1).toString() == QStringLiteral("00-kubernetes-architecture"));
}

TEST_CASE("Home lists the kind clusters kind reports", "[app][home]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    kc::testing::FakeTool kind(test->dir, "kind");
    kind.on({"get", "clusters"}, {.stdoutText = "lab-01\nlab-03-mesh\n"});
    test->context->settings.kindPath = QString::fromStdString(kind.path());
    HomePage page(*test->context);
    settle(page);
    CHECK(page.clusterLabel()->text() == QStringLiteral("2 kind clusters"));
    CHECK(page.clusterDetail()->text() == QStringLiteral("lab-01, lab-03-mesh"));

    // No clusters: kind prints its notice on stderr and nothing on stdout.
    kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    page.activated();
    REQUIRE(waitUntil([&] { return !page.busy(); }, 20000));
    CHECK(page.clusterLabel()->text() == QStringLiteral("No cluster yet"));
}

TEST_CASE("Lectures and Home render at 1280x800 in light and dark palettes", "[app][home][lectures][render]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    const auto now = std::chrono::system_clock::now();
    REQUIRE(test->context->progress->setLectureRead("00-kubernetes-architecture", true, now));
    REQUIRE(test->context->progress->setLectureRead("01-operators-and-custom-resources", true, now));
    kc::app::LabCheckRun done{.labId = "lab-01", .scope = "all", .at = now, .earned = 10, .points = 10, .outcome = "graded"};
    kc::app::LabCheckRun partial{.labId = "lab-02", .scope = "all", .at = now, .earned = 3.5, .points = 6, .outcome = "graded"};
    REQUIRE(test->context->progress->recordCheckRun(done));
    REQUIRE(test->context->progress->recordCheckRun(partial));
    finishQuiz(test->context->progressDbPath(), 18, 7);
    REQUIRE(test->context->progress->setLastLocation({"labs", "lab-02"}, now));
    test->context->settings.studentName = QStringLiteral("Ada");
    const QByteArray envDir = qgetenv("KUBECLASS_RENDER_DIR");
    const QString dir = envDir.isEmpty() ? QString::fromStdString(test->dir.path()) + QStringLiteral("/png")
                                         : QString::fromLocal8Bit(envDir);
    REQUIRE(QDir().mkpath(dir));
    ScopedPath noKind(QByteArray::fromStdString(test->dir.path()));
    for (bool dark : {false, true}) {
        const QString suffix = dark ? QStringLiteral("-dark") : QStringLiteral("-light");
        HomePage home(*test->context);
        if (dark) home.setPalette(kc::testing::darkTestPalette());
        home.resize(1110, 800);  // the window is 1280 wide; the sidebar takes 170
        home.show();
        REQUIRE(waitUntil([&] { return !home.busy(); }, 20000));
        QTest::qWait(50);  // the layout catches up with the texts the background work set
        const QImage homeImage = home.grab().toImage();
        CHECK(kc::testing::distinctColours(homeImage) > 8);
        CHECK(homeImage.save(dir + QStringLiteral("/home") + suffix + QStringLiteral(".png")));

        kc::app::LecturesPage lectures(*test->context);
        if (dark) lectures.setPalette(kc::testing::darkTestPalette());
        lectures.resize(1110, 800);
        lectures.show();
        lectures.openItem(QStringLiteral("03-statefulsets-and-storage#statefulsets-for-distributed-ml"));
        QTest::qWait(50);
        const QImage lecturesImage = lectures.grab().toImage();
        CHECK(kc::testing::distinctColours(lecturesImage) > 8);
        CHECK(lecturesImage.save(dir + QStringLiteral("/lectures") + suffix + QStringLiteral(".png")));
    }
}
