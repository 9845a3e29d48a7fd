// The window: every page is reachable by the sidebar and by Ctrl+N, the place left is remembered, and
// --render-pages writes one 1280×800 PNG per page.
#include <catch2/catch.hpp>

#include <QDir>
#include <QImage>
#include <QListWidget>
#include <QTest>

#include "app/main_window.h"
#include "app/render_pages.h"
#include "app_test_support.h"

using kc::app::MainWindow;

TEST_CASE("the window has the seven pages in course order", "[app][window]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    MainWindow window(*test->context);
    QStringList ids;
    for (auto* page : window.pages()) ids << page->pageId();
    CHECK(ids == QStringList{"home", "lectures", "labs", "cluster", "quiz", "submit", "settings"});
    CHECK(window.currentPage()->pageId() == QStringLiteral("home"));
    CHECK_FALSE(window.showPage(QStringLiteral("nope")));
}

TEST_CASE("Ctrl+number switches pages and the last page is recorded", "[app][window]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    MainWindow window(*test->context);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    CHECK(window.currentPage()->pageId() == QStringLiteral("quiz"));
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    CHECK(window.currentPage()->pageId() == QStringLiteral("labs"));
    auto location = test->context->progress->lastLocation();
    REQUIRE(location);
    REQUIRE(location->has_value());
    CHECK((*location)->page == "labs");
}

TEST_CASE("render-pages writes one 1280x800 PNG per page", "[app][window][render]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    MainWindow window(*test->context);
    QString dir = QString::fromStdString(test->dir.path()) + QStringLiteral("/pages");
    QStringList written;
    QString error;
    REQUIRE(kc::app::renderPages(window, dir, &written, &error));
    REQUIRE(written.size() == static_cast<int>(window.pages().size()));
    CHECK(written.first().endsWith(QStringLiteral("01-home.png")));
    CHECK(written.last().endsWith(QStringLiteral("07-settings.png")));
    for (const auto& file : written) {
        QImage image(file);
        INFO(file.toStdString());
        REQUIRE_FALSE(image.isNull());
        CHECK(image.width() == 1280);
        CHECK(image.height() == 800);
    }
}
