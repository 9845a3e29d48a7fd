// kubeclass: the student desktop app.
#include <QApplication>

#include "app/main_window.h"
#include "kubeclass_version.h"

int main(int argc, char** argv) {
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kubeclass"));
    QApplication::setApplicationVersion(QStringLiteral(KUBECLASS_VERSION));
    kc::app::MainWindow window;
    window.show();
    return QApplication::exec();
}
