// Page screenshots through QWidget::grab, so they work on the offscreen platform with no display.
#include "app/render_pages.h"

#include <QCoreApplication>
#include <QDir>
#include <QPixmap>

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
        // Let queued work that the page started on activation (lists, counts) deliver before the picture.
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
