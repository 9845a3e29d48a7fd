// The Lectures page on the offscreen platform: what a student sees after opening a lecture, finding text, copying
// a code block, marking it read (and restarting), and following links.
#include <catch2/catch.hpp>

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QToolButton>
#include <QTreeWidget>

#include "app/app_context.h"
#include "app/pages/lectures_find_bar.h"
#include "app/pages/lectures_page.h"
#include "app/pages/lectures_reader.h"
#include "tests/app/app_test_support.h"
#include "tests/app/lecture_fixture.h"
#include "tests/app/lecture_qstring_print.h"

using kc::app::LecturesPage;
using kc::testing::makeAppTestContext;

namespace {

// The page as a window of the size the app uses, shown so layouts and scroll ranges are real.
void showPage(QWidget& page) {
    page.resize(1080, 760);
    page.show();
    QTest::qWait(20);
}

QStringList renderedHeadings(const LecturesPage& page) {
    QStringList texts;
    for (const auto& h : page.reader()->headings()) texts << h.text;
    return texts;
}

QStringList tocEntries(const QTreeWidget& toc) {
    QStringList texts;
    for (int i = 0; i < toc.topLevelItemCount(); ++i) texts << toc.topLevelItem(i)->text(0);
    return texts;
}

}  // namespace

TEST_CASE("opening a real lecture shows its title and its rendered headings", "[app][lectures]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    CHECK(page.lectureList()->count() == 9);
    REQUIRE(page.openLecture(QStringLiteral("03-statefulsets-and-storage")));
    CHECK(page.titleLabel()->text() == QStringLiteral("Topic 3: StatefulSets and Storage for ML Platforms"));
    const QStringList headings = renderedHeadings(page);
    CHECK(headings.contains(QStringLiteral("StatefulSets for distributed ML")));
    CHECK(headings.contains(QStringLiteral("CSI drivers")));
    CHECK(headings.contains(QStringLiteral("Lab and quiz")));
    // The table of contents lists the ## sections (not the title, not the "Contents" list already in the text).
    const QStringList toc = tocEntries(*page.tableOfContents());
    CHECK(toc.first() == QStringLiteral("Learning objectives"));
    CHECK(toc.contains(QStringLiteral("Volume snapshots and cloning")));
    CHECK_FALSE(toc.contains(QStringLiteral("Contents")));
    // A lecture opens at its start.
    QTest::qWait(50);
    CHECK(page.reader()->verticalScrollBar()->value() == 0);
    // The rendered text is prose, not markdown source.
    CHECK_FALSE(page.reader()->toPlainText().contains(QStringLiteral("## CSI drivers")));
}

TEST_CASE("openItem with an anchor scrolls the lecture to that heading", "[app][lectures]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    page.openItem(QStringLiteral("03-statefulsets-and-storage#backup-and-restore"));
    CHECK(page.currentLectureId() == QStringLiteral("03-statefulsets-and-storage"));
    auto* reader = page.reader();
    REQUIRE(kc::testing::waitUntil([&] { return reader->verticalScrollBar()->value() > 0; }, 3000));
    // The heading is at the top of the view: the first visible line is its text.
    QTest::qWait(50);
    // The heading is at the top of the view: its line starts within the first 60 pixels, and nothing before it is
    // visible there.
    QTextBlock heading;
    for (QTextBlock b = reader->document()->begin(); b.isValid(); b = b.next())
        if (b.text() == QStringLiteral("Backup and restore") && b.blockFormat().headingLevel() == 2) heading = b;
    REQUIRE(heading.isValid());
    const int y = reader->cursorRect(QTextCursor(heading)).top();
    INFO("heading at y=" << y << ", scroll " << reader->verticalScrollBar()->value());
    CHECK(y >= 0);
    CHECK(y < 60);
    CHECK(reader->cursorForPosition(QPoint(40, 2)).block().blockNumber() >= heading.blockNumber() - 1);
    // The contents panel follows: the section in view is the current entry.
    REQUIRE(page.tableOfContents()->currentItem());
    CHECK(page.tableOfContents()->currentItem()->text(0) == QStringLiteral("Backup and restore"));
}

TEST_CASE("find counts every match, moves between them and says when there are none", "[app][lectures]") {
    kc::testing::TempDir course;
    kc::testing::writeLectureCourse(course);
    auto test = makeAppTestContext(QString::fromStdString(course.path() + "/course"));
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    REQUIRE(page.currentLectureId() == QStringLiteral("00-basics"));

    QTest::keySequence(&page, QKeySequence::Find);
    auto* bar = page.findBar();
    REQUIRE(bar->isVisible());
    QTest::keyClicks(bar->field(), QStringLiteral("pod"));
    // pods, Pod, "kind: Pod" in the manifest, then "pod pod POD.": 6. (The title "Basics of pods" is shown above
    // the text, not in it.)
    CHECK(page.reader()->matchCount() == 6);
    CHECK(bar->countLabel()->text() == QStringLiteral("1 of 6"));
    QTest::keyClick(bar->field(), Qt::Key_Return);
    CHECK(bar->countLabel()->text() == QStringLiteral("2 of 6"));
    QTest::keyClick(bar->field(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClick(bar->field(), Qt::Key_Return, Qt::ShiftModifier);
    CHECK(bar->countLabel()->text() == QStringLiteral("6 of 6"));  // wraps around backwards
    CHECK(page.reader()->textCursor().selectedText().compare(QStringLiteral("pod"), Qt::CaseInsensitive) == 0);
    CHECK(page.reader()->extraSelections().size() == 6);  // every match highlighted

    bar->field()->setText(QStringLiteral("kubeflow"));
    CHECK(page.reader()->matchCount() == 0);
    CHECK(bar->countLabel()->text() == QStringLiteral("No matches"));
    CHECK_FALSE(bar->nextButton()->isEnabled());

    QTest::keyClick(bar->field(), Qt::Key_Escape);
    CHECK_FALSE(bar->isVisible());
    CHECK(page.reader()->extraSelections().isEmpty());
}

TEST_CASE("copy on a code block puts exactly the block's text on the clipboard", "[app][lectures]") {
    kc::testing::TempDir course;
    kc::testing::writeLectureCourse(course);
    auto test = makeAppTestContext(QString::fromStdString(course.path() + "/course"));
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    auto* reader = page.reader();
    REQUIRE(reader->codeBlocks().size() == 2);
    CHECK(reader->codeBlocks()[0].language == QStringLiteral("yaml"));

    // Hover the manifest: the Copy button appears over it; clicking it copies the YAML as written in the lecture.
    QApplication::clipboard()->clear();
    const QTextBlock kindLine = reader->document()->findBlockByNumber(reader->codeBlocks()[0].firstBlock + 1);
    REQUIRE(kindLine.text() == QStringLiteral("kind: Pod"));
    QTextCursor at(kindLine);
    const QPoint inside = reader->cursorRect(at).center() + QPoint(5, 0);
    QTest::mouseMove(reader->viewport(), inside);
    REQUIRE(kc::testing::waitUntil([&] { return reader->copyButton()->isVisible(); }, 2000));
    QTest::mouseClick(reader->copyButton(), Qt::LeftButton);
    CHECK(QApplication::clipboard()->text() ==
          QStringLiteral("apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo   # a comment\nspec:\n  containers:\n"
                         "    - name: main\n      image: busybox:1.36"));

    // Over prose the button goes away.
    QTextCursor prose(reader->document()->findBlockByNumber(1));
    QTest::mouseMove(reader->viewport(), reader->cursorRect(prose).center());
    CHECK_FALSE(reader->copyButton()->isVisible());

    // The console block's continuation line is part of what is copied.
    reader->copyCodeBlock(1);
    CHECK(QApplication::clipboard()->text() == QStringLiteral("$ kubectl get events \\\n    --watch"));
}

TEST_CASE("mark as read is saved at once and is still set after a restart", "[app][lectures]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    const QString settingsFile = test->context->settingsFile;
    {
        LecturesPage page(*test->context);
        showPage(page);
        REQUIRE(page.openLecture(QStringLiteral("05-security")));
        CHECK(page.progressLabel()->text() == QStringLiteral("0 of 9 read"));
        CHECK_FALSE(page.markReadButton()->isChecked());
        QTest::mouseClick(page.markReadButton(), Qt::LeftButton);
        CHECK(page.markReadButton()->isChecked());
        CHECK(page.progressLabel()->text() == QStringLiteral("1 of 9 read"));
        auto read = test->context->progress->lecturesRead();
        REQUIRE(read);
        CHECK(*read == std::set<std::string>{"05-security"});
    }
    // A new context on the same settings and data folder: the app started again.
    auto again = kc::app::makeAppContext({.settingsFile = settingsFile, .dataRoot = QStringLiteral(KUBECLASS_SOURCE_DIR)});
    REQUIRE(again);
    LecturesPage page(**again);
    showPage(page);
    CHECK(page.currentLectureId() == QStringLiteral("05-security"));  // reopens the lecture last shown
    CHECK(page.markReadButton()->isChecked());
    CHECK(page.progressLabel()->text() == QStringLiteral("1 of 9 read"));
    // Unmarking is saved too.
    QTest::mouseClick(page.markReadButton(), Qt::LeftButton);
    auto read = (*again)->progress->lecturesRead();
    REQUIRE(read);
    CHECK(read->empty());
}

TEST_CASE("links lead to the Labs and Quiz pages, other lectures and anchors", "[app][lectures]") {
    kc::testing::TempDir course;
    kc::testing::writeLectureCourse(course);
    auto test = makeAppTestContext(QString::fromStdString(course.path() + "/course"));
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    QSignalSpy navigations(&page, &kc::app::Page::navigateRequested);

    // Find the links as rendered, then click them as the student would.
    auto hrefOf = [&](const QString& text) {
        for (QTextBlock b = page.reader()->document()->begin(); b.isValid(); b = b.next())
            for (auto it = b.begin(); !it.atEnd(); ++it)
                if (it.fragment().text() == text) return it.fragment().charFormat().anchorHref();
        return QString();
    };
    REQUIRE(hrefOf(QStringLiteral("Lab 1")) == QStringLiteral("../labs/README.md#lab-1-operator-for-ml-training-jobs"));
    emit page.reader()->anchorClicked(QUrl(hrefOf(QStringLiteral("Lab 1"))));
    REQUIRE(navigations.size() == 1);
    CHECK(navigations.at(0).at(0).toString() == QStringLiteral("labs"));
    CHECK(navigations.at(0).at(1).toString() == QStringLiteral("lab-01"));

    emit page.reader()->anchorClicked(QUrl(hrefOf(QStringLiteral("an exercise"))));
    REQUIRE(navigations.size() == 2);
    CHECK(navigations.at(1).at(1).toString() == QStringLiteral("exercises/networkpolicies"));

    emit page.reader()->anchorClicked(QUrl(hrefOf(QStringLiteral("the topic 0 questions"))));
    REQUIRE(navigations.size() == 3);
    CHECK(navigations.at(2).at(0).toString() == QStringLiteral("quiz"));
    CHECK(navigations.at(2).at(1).toString() == QStringLiteral("topic-0"));

    // Another lecture opens in the reader, at its anchor; no page change.
    emit page.reader()->anchorClicked(QUrl(hrefOf(QStringLiteral("the next lecture"))));
    CHECK(navigations.size() == 3);
    CHECK(page.currentLectureId() == QStringLiteral("01-more"));
    CHECK(page.titleLabel()->text() == QStringLiteral("Lecture 1: More"));
    auto last = test->context->progress->lastLocation();
    REQUIRE(last);
    REQUIRE(*last);
    CHECK((*last)->page == "lectures");
    CHECK((*last)->item == "01-more");
}

TEST_CASE("the list marks read lectures and opens the one clicked", "[app][lectures]") {
    kc::testing::TempDir course;
    kc::testing::writeLectureCourse(course);
    auto test = makeAppTestContext(QString::fromStdString(course.path() + "/course"));
    REQUIRE(test);
    REQUIRE(test->context->progress->setLectureRead("01-more", true, std::chrono::system_clock::now()));
    LecturesPage page(*test->context);
    showPage(page);
    CHECK(page.progressLabel()->text() == QStringLiteral("1 of 2 read"));
    auto* list = page.lectureList();
    REQUIRE(list->count() == 2);
    CHECK(list->item(0)->data(Qt::AccessibleTextRole).toString() == QStringLiteral("Basics of pods"));
    CHECK(list->item(1)->data(Qt::AccessibleTextRole).toString() == QStringLiteral("More, read"));
    list->setCurrentRow(1);
    CHECK(page.currentLectureId() == QStringLiteral("01-more"));
    CHECK(page.markReadButton()->isChecked());
}

TEST_CASE("a data folder without lecture notes shows the problem on the page", "[app][lectures]") {
    kc::testing::TempDir course;
    course.write("course/labs/README.md", "# Labs\n");
    auto test = makeAppTestContext(QString::fromStdString(course.path() + "/course"));
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    CHECK(page.errorLabel()->isVisible());
    CHECK(page.errorLabel()->text().contains(QStringLiteral("lecture-notes")));
    CHECK(page.lectureList()->count() == 0);
}

TEST_CASE("the read position of a lecture is kept for the next time it is opened", "[app][lectures]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    // Where the student stopped: the heading "Cluster Autoscaler" sits at the top of the view.
    QString topLine;
    {
        LecturesPage page(*test->context);
        showPage(page);
        REQUIRE(page.openLecture(QStringLiteral("07-autoscaling"), QStringLiteral("cluster-autoscaler")));
        topLine = page.reader()->cursorForPosition(QPoint(40, 40)).block().text();
        REQUIRE_FALSE(topLine.isEmpty());
        // Saved shortly after scrolling stops.
        REQUIRE(kc::testing::waitUntil(
            [&] { return test->context->progress->value("lectures.position.07-autoscaling").value_or(std::nullopt).has_value(); },
            3000));
    }
    LecturesPage page(*test->context);
    showPage(page);
    REQUIRE(page.currentLectureId() == QStringLiteral("07-autoscaling"));
    REQUIRE(kc::testing::waitUntil([&] { return page.reader()->verticalScrollBar()->value() > 0; }, 3000));
    QTest::qWait(100);
    CHECK(page.reader()->cursorForPosition(QPoint(40, 40)).block().text() == topLine);
}

TEST_CASE("a question id in a lecture links to that question on the Quiz page", "[app][lectures]") {
    auto test = makeAppTestContext();
    REQUIRE(test);
    LecturesPage page(*test->context);
    showPage(page);
    REQUIRE(page.openLecture(QStringLiteral("03-statefulsets-and-storage"), QStringLiteral("lab-and-quiz")));
    // "Lab and quiz" lists `stor-parallel-quorum`, a question of the topic 3 bank.
    QString href;
    for (QTextBlock b = page.reader()->document()->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it)
            if (it.fragment().text() == QStringLiteral("stor-parallel-quorum")) href = it.fragment().charFormat().anchorHref();
    REQUIRE(href == QStringLiteral("quiz:stor-parallel-quorum"));
    QSignalSpy navigations(&page, &kc::app::Page::navigateRequested);
    page.followLink(QUrl(href));
    REQUIRE(navigations.size() == 1);
    CHECK(navigations.at(0).at(0).toString() == QStringLiteral("quiz"));
    CHECK(navigations.at(0).at(1).toString() == QStringLiteral("stor-parallel-quorum"));
}
