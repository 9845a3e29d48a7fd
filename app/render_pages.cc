// Page screenshots through QWidget::grab, so they work on the offscreen platform with no display.
#include "app/render_pages.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPixmap>

#include "app/app_context.h"
#include "app/main_window.h"

namespace kc::app {

bool renderPages(MainWindow& window, const QString& dir, QStringList* written, QString* error) {
    if (!QDir().mkpath(dir)) {
        if (error) *error = QStringLiteral("cannot create the folder %1").arg(dir);
        return false;
    }
    window.resize(1280, 800);
    window.show();
    int number = 1;
    for (auto* page : window.pages()) {
        window.showPage(page->pageId());
        // Let work the page started on activation (preflight, lists, counts) finish and deliver before the picture,
        // within a bound so a slow probe cannot stall the run.
        QElapsedTimer waited;
        waited.start();
        do {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        } while (!window.context().work->waitForIdle(20) && waited.elapsed() < 3000);
        for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();
        QString file = QDir(dir).filePath(QStringLiteral("%1-%2.png").arg(number++, 2, 10, QLatin1Char('0')).arg(page->pageId()));
        QPixmap picture = window.grab();
        if (!picture.save(file, "PNG")) {
            if (error) *error = QStringLiteral("cannot write %1").arg(file);
            return false;
        }
        if (written) written->append(file);
    }
    return true;
}

}  // namespace kc::app
