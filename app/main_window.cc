// Sidebar navigation between pages; the last page shown is recorded for "continue where you left off".
#include "app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>
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

namespace {

// Icons from the style so they follow the palette and scale on HiDPI screens without shipped bitmaps.
QIcon pageIcon(const QString& pageId) {
    static const std::pair<const char*, QStyle::StandardPixmap> icons[] = {
        {"home", QStyle::SP_DirHomeIcon},          {"lectures", QStyle::SP_FileDialogDetailedView},
        {"labs", QStyle::SP_FileDialogContentsView}, {"cluster", QStyle::SP_DriveNetIcon},
        {"quiz", QStyle::SP_MessageBoxQuestion},   {"submit", QStyle::SP_ArrowUp},
        {"settings", QStyle::SP_FileDialogListView},
    };
    for (const auto& [id, pixmap] : icons)
        if (pageId == QLatin1String(id)) return QApplication::style()->standardIcon(pixmap);
    return {};
}

}  // namespace

MainWindow::MainWindow(AppContext& context, QWidget* parent) : QMainWindow(parent), context_(context) {
    setWindowTitle(tr("kubeclass — Kubernetes for ML infrastructure"));
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* side = new QWidget(central);
    side->setFixedWidth(190);
    side->setAutoFillBackground(true);
    side->setBackgroundRole(QPalette::AlternateBase);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(10, 14, 10, 10);
    auto* brand = new QLabel(tr("<b>kubeclass</b>"), side);
    QFont brandFont = brand->font();
    brandFont.setPointSizeF(brandFont.pointSizeF() * 1.35);
    brand->setFont(brandFont);
    auto* course = new QLabel(tr("Kubernetes for ML infrastructure"), side);
    course->setWordWrap(true);
    course->setForegroundRole(QPalette::PlaceholderText);
    sidebar_ = new QListWidget(side);
    sidebar_->setObjectName(QStringLiteral("sidebar"));
    sidebar_->setAccessibleName(tr("Pages"));
    sidebar_->setFrameShape(QFrame::NoFrame);
    sidebar_->setSpacing(2);
    sidebar_->setIconSize(QSize(20, 20));
    // The list's own background would break the sidebar's tone; items keep the palette's highlight.
    sidebar_->viewport()->setAutoFillBackground(false);
    sidebar_->setAutoFillBackground(false);
    auto* shortcutsHint = new QLabel(tr("Ctrl+1 … Ctrl+7 switch pages"), side);
    shortcutsHint->setForegroundRole(QPalette::PlaceholderText);
    shortcutsHint->setWordWrap(true);
    sideLayout->addWidget(brand);
    sideLayout->addWidget(course);
    sideLayout->addSpacing(14);
    sideLayout->addWidget(sidebar_, 1);
    sideLayout->addWidget(shortcutsHint);
    stack_ = new QStackedWidget(central);
    layout->addWidget(side);
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
    auto* item = new QListWidgetItem(pageIcon(page->pageId()), page->title(), sidebar_);
    item->setSizeHint(QSize(0, 34));
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(page->title()).arg(index + 1));
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
