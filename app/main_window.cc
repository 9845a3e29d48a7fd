// Main window frame.
#include "app/main_window.h"

#include <QLabel>
#include <QStatusBar>

#include "kubeclass_version.h"

namespace kc::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("kubeclass — Kubernetes for ML infrastructure"));
    auto* welcome = new QLabel(tr("Welcome to kubeclass.\nLectures, labs and the quiz will appear here."), this);
    welcome->setAlignment(Qt::AlignCenter);
    setCentralWidget(welcome);
    statusBar()->showMessage(tr("kubeclass %1").arg(QStringLiteral(KUBECLASS_VERSION)));
    resize(1100, 720);
}

}  // namespace kc::app
