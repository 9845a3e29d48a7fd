// Sidebar navigation between pages; the last page shown is recorded for "continue where you left off".
#include "app/main_window.h"

#include <QAction>
#include <QHBoxLayout>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>

#include "app/app_context.h"
#include "app/pages/cluster_page.h"
#include "app/pages/home_page.h"
#include "app/pages/labs_page.h"
#include "app/pages/lectures_page.h"
#include "app/pages/quiz_page.h"
#include "app/pages/settings_page.h"
#include "app/pages/submit_page.h"
#include "kubeclass_version.h"

namespace kc::app {

MainWindow::MainWindow(AppContext& context, QWidget* parent) : QMainWindow(parent), context_(context) {
    setWindowTitle(tr("kubeclass — Kubernetes for ML infrastructure"));
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    sidebar_ = new QListWidget(central);
    sidebar_->setObjectName(QStringLiteral("sidebar"));
    sidebar_->setAccessibleName(tr("Pages"));
    sidebar_->setFixedWidth(170);
    stack_ = new QStackedWidget(central);
    layout->addWidget(sidebar_);
    layout->addWidget(stack_, 1);
    setCentralWidget(central);

    addPage(new HomePage(context_, stack_));
    addPage(new LecturesPage(context_, stack_));
    addPage(new LabsPage(context_, stack_));
    addPage(new ClusterPage(context_, stack_));
    addPage(new QuizPage(context_, stack_));
    addPage(new SubmitPage(context_, stack_));
    addPage(new SettingsPage(context_, stack_));

    connect(sidebar_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= static_cast<int>(pages_.size())) return;
        stack_->setCurrentIndex(row);
        pages_[row]->activated();
        // Home is where the app opens anyway; remember only the places worth coming back to.
        if (pages_[row]->pageId() != QStringLiteral("home"))
            (void)context_.progress->setLastLocation({pages_[row]->pageId().toStdString(), {}}, context_.clock->now());
    });
    sidebar_->setCurrentRow(0);
    statusBar()->showMessage(tr("kubeclass %1").arg(QStringLiteral(KUBECLASS_VERSION)));
    resize(1280, 800);
}

void MainWindow::addPage(Page* page) {
    int index = static_cast<int>(pages_.size());
    pages_.push_back(page);
    stack_->addWidget(page);
    sidebar_->addItem(page->title());
    if (index < 9) {
        auto* shortcut = new QAction(this);
        shortcut->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
        connect(shortcut, &QAction::triggered, this, [this, index] { sidebar_->setCurrentRow(index); });
        addAction(shortcut);
    }
    connect(page, &Page::navigateRequested, this, [this](const QString& id, const QString& item) { showPage(id, item); });
    connect(page, &Page::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
}

Page* MainWindow::page(const QString& pageId) const {
    for (auto* p : pages_)
        if (p->pageId() == pageId) return p;
    return nullptr;
}

Page* MainWindow::currentPage() const {
    int row = sidebar_->currentRow();
    return row >= 0 && row < static_cast<int>(pages_.size()) ? pages_[row] : nullptr;
}

bool MainWindow::showPage(const QString& pageId, const QString& item) {
    for (size_t i = 0; i < pages_.size(); ++i) {
        if (pages_[i]->pageId() != pageId) continue;
        sidebar_->setCurrentRow(static_cast<int>(i));
        if (!item.isEmpty()) {
            pages_[i]->openItem(item);
            (void)context_.progress->setLastLocation({pageId.toStdString(), item.toStdString()}, context_.clock->now());
        }
        return true;
    }
    return false;
}

}  // namespace kc::app
