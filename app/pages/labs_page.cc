// The Labs page. Grading runs on a worker (app/lab_check_runner.h); this file only lays out and shows results.
#include "app/pages/labs_page.h"

#include <QApplication>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <chrono>

#include "app/app_context.h"
#include "app/lab_progress.h"
#include "grader/report.h"

namespace kc::app {

namespace {

using grader::Outcome;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

constexpr int kStepIdRole = Qt::UserRole + 1;
constexpr int kStatusRole = Qt::UserRole + 2;
constexpr int kLabIndexRole = Qt::UserRole + 3;
constexpr int kRunIndexRole = Qt::UserRole + 4;

// Semantic accents: saturated enough to carry white text on any palette, light or dark.
QColor accentFor(Outcome o) {
    switch (o) {
        case Outcome::Pass: return QColor(0x1a, 0x7f, 0x37);
        case Outcome::Fail: return QColor(0xc0, 0x2b, 0x2b);
        case Outcome::Error: return QColor(0xb3, 0x5c, 0x00);
        case Outcome::Blocked: return QColor(0x8a, 0x4b, 0x08);
        case Outcome::Skipped: return QColor(0x5a, 0x64, 0x70);
    }
    return QColor(0x5a, 0x64, 0x70);
}

QString badgeHtml(const QString& text, const QColor& color) {
    return QStringLiteral("<span style=\"background-color:%1; color:#ffffff; font-weight:600;\">&nbsp;%2&nbsp;</span>")
        .arg(color.name(), text);
}

QString outcomeText(Outcome o) {
    return QString::fromLatin1(grader::outcomeName(o)).toUpper();
}

// Step status marks drawn at the screen's pixel ratio (no bitmaps): a filled disc with a tick or a cross for
// passed and failed, a half disc for partly, "!" for could-not-check, a hollow ring for not checked yet.
QIcon iconFor(StepStatus status, const QWidget* widget) {
    const qreal dpr = widget->devicePixelRatioF();
    const int side = 16;
    QPixmap pm(QSize(side, side) * dpr);
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    QRectF disc(1.5, 1.5, side - 3, side - 3);
    QColor muted = widget->palette().color(QPalette::PlaceholderText);
    auto filled = [&](const QColor& c) {
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(disc);
        p.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
    };
    switch (status) {
        case StepStatus::Passed:
            filled(accentFor(Outcome::Pass));
            p.drawPolyline(QPolygonF({QPointF(4.5, 8.5), QPointF(7, 11), QPointF(11.5, 5.5)}));
            break;
        case StepStatus::Failed:
            filled(accentFor(Outcome::Fail));
            p.drawLine(QPointF(5.5, 5.5), QPointF(10.5, 10.5));
            p.drawLine(QPointF(10.5, 5.5), QPointF(5.5, 10.5));
            break;
        case StepStatus::Error:
            filled(accentFor(Outcome::Error));
            p.drawLine(QPointF(8, 4.5), QPointF(8, 8.5));
            p.drawPoint(QPointF(8, 11.5));
            break;
        case StepStatus::Partial:
            p.setPen(QPen(accentFor(Outcome::Pass), 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(disc);
            p.setPen(Qt::NoPen);
            p.setBrush(accentFor(Outcome::Pass));
            p.drawPie(disc, 90 * 16, 180 * 16);
            break;
        case StepStatus::NotChecked:
            p.setPen(QPen(muted, 1.5));
            p.drawEllipse(disc);
            break;
        case StepStatus::NoChecks:
            p.setPen(Qt::NoPen);
            p.setBrush(muted);
            p.drawEllipse(QRectF(6, 6, 4, 4));
            break;
    }
    return QIcon(pm);
}

QString checksText(size_t n) {
    return n == 1 ? QObject::tr("1 check") : QObject::tr("%1 checks").arg(static_cast<qulonglong>(n));
}

QString timeText(TimePoint at) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// What a run covered, for the history: "Check all", "Snapshot", or the step's title.
QString scopeText(const std::string& scope, const Walkthrough* walkthrough) {
    if (scope == "all") return QObject::tr("Check all");
    if (scope == "snapshot") return QObject::tr("Snapshot");
    if (walkthrough)
        if (const auto* step = walkthrough->find(scope)) return qs(step->title);
    return qs(scope);
}

// Why a check did not pass, as HTML: messages, then each step that did not hold with expected vs observed.
QString detailsHtml(const grader::CheckResult& r) {
    QString html;
    for (const auto& m : r.messages) html += QStringLiteral("<p>%1</p>").arg(qs(m).toHtmlEscaped());
    if (r.outcome == Outcome::Pass) return html;
    for (const auto& step : r.steps) {
        if (step.outcome == Outcome::Pass) continue;
        html += QStringLiteral("<p><b>%1</b> %2</p>")
                    .arg(outcomeText(step.outcome).toHtmlEscaped(), qs(step.summary).toHtmlEscaped());
        if (!step.message.empty() && std::find(r.messages.begin(), r.messages.end(), step.message) == r.messages.end())
            html += QStringLiteral("<p>%1</p>").arg(qs(step.message).toHtmlEscaped());
        if (!step.mismatches.empty()) {
            html += QStringLiteral(
                        "<table cellspacing=\"0\" cellpadding=\"3\" border=\"1\" width=\"100%\">"
                        "<tr><th align=\"left\">%1</th><th align=\"left\">%2</th><th align=\"left\">%3</th></tr>")
                        .arg(QObject::tr("Field"), QObject::tr("Expected"), QObject::tr("Observed"));
            for (const auto& mm : step.mismatches)
                html +=
                    QStringLiteral("<tr><td><code>%1</code></td><td><code>%2</code></td><td><code>%3</code></td></tr>")
                        .arg(qs(mm.path).toHtmlEscaped(), qs(mm.expected).toHtmlEscaped(),
                             qs(mm.observed).toHtmlEscaped());
            html += QStringLiteral("</table>");
        }
    }
    return html;
}

// The newest graded result of each check in the runs (newest first), with when it ran.
struct LatestResult {
    grader::CheckResult result;
    TimePoint at;
};
std::map<std::string, LatestResult> latestResults(const std::vector<LabCheckRun>& runs) {
    std::map<std::string, LatestResult> out;
    for (const auto& run : runs) {
        if (run.outcome != "graded") continue;
        auto report = reportOf(run);
        if (!report) continue;
        for (auto& c : report->checks) out.emplace(c.id, LatestResult{c, run.at});
    }
    return out;
}

}  // namespace

LabsPage::LabsPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(splitter);

    // --- left: labs and steps
    auto* nav = new QWidget(splitter);
    auto* navLayout = new QVBoxLayout(nav);
    navLayout->setContentsMargins(12, 12, 6, 12);
    auto* labsHeading = new QLabel(tr("&Labs and exercises"), nav);
    labsHeading->setStyleSheet(QStringLiteral("font-weight:600;"));
    labList_ = new QListWidget(nav);
    labList_->setObjectName(QStringLiteral("labList"));
    labList_->setAccessibleName(tr("Labs and exercises"));
    labList_->setWordWrap(true);
    labList_->setSpacing(2);
    labsHeading->setBuddy(labList_);
    auto* stepsHeading = new QLabel(tr("S&teps"), nav);
    stepsHeading->setStyleSheet(QStringLiteral("font-weight:600;"));
    stepList_ = new QListWidget(nav);
    stepList_->setObjectName(QStringLiteral("stepList"));
    stepList_->setAccessibleName(tr("Steps of the lab"));
    stepList_->setWordWrap(true);
    stepList_->setSpacing(1);
    stepsHeading->setBuddy(stepList_);
    navLayout->addWidget(labsHeading);
    navLayout->addWidget(labList_, 2);
    navLayout->addWidget(stepsHeading);
    navLayout->addWidget(stepList_, 3);

    // --- middle: the lab header, actions and the step's instructions
    auto* middle = new QWidget(splitter);
    auto* midLayout = new QVBoxLayout(middle);
    midLayout->setContentsMargins(6, 12, 6, 12);
    labTitle_ = new QLabel(middle);
    labTitle_->setObjectName(QStringLiteral("labTitle"));
    QFont big = labTitle_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    labTitle_->setFont(big);
    labTitle_->setWordWrap(true);
    scoreLabel_ = new QLabel(middle);
    scoreLabel_->setObjectName(QStringLiteral("scoreLabel"));
    clusterLabel_ = new QLabel(middle);
    clusterLabel_->setObjectName(QStringLiteral("clusterLabel"));
    clusterLabel_->setWordWrap(true);
    clusterLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* folderRow = new QHBoxLayout;
    folderLabel_ = new QLabel(middle);
    folderLabel_->setObjectName(QStringLiteral("folderLabel"));
    folderLabel_->setWordWrap(true);
    folderLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* folderButton = new QPushButton(tr("Lab &folder..."), middle);
    folderButton->setObjectName(QStringLiteral("folderButton"));
    folderButton->setToolTip(
        tr("The folder you do this lab in: checks of your deliverables (USAGE.md, the runbook) "
           "read it"));
    connect(folderButton, &QPushButton::clicked, this, [this] {
        QString folder = QFileDialog::getExistingDirectory(this, tr("Choose your lab folder"), labFolder());
        if (!folder.isEmpty()) setLabFolder(folder);
    });
    folderRow->addWidget(folderLabel_, 1);
    folderRow->addWidget(folderButton);
    auto* actions = new QHBoxLayout;
    checkButton_ = new QPushButton(tr("&Check step"), middle);
    checkButton_->setObjectName(QStringLiteral("checkButton"));
    checkButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    checkButton_->setToolTip(tr("Run this step's checks against the lab's cluster (Ctrl+Return)"));
    checkButton_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    checkAllButton_ = new QPushButton(tr("Check &all"), middle);
    checkAllButton_->setObjectName(QStringLiteral("checkAllButton"));
    checkAllButton_->setToolTip(tr("Run every visible check of the lab: this sets the lab's score"));
    snapshotButton_ = new QPushButton(tr("Grade a &snapshot..."), middle);
    snapshotButton_->setObjectName(QStringLiteral("snapshotButton"));
    snapshotButton_->setToolTip(tr("Grade a capture folder offline, with no cluster and no Docker"));
    cancelButton_ = new QPushButton(tr("Cancel"), middle);
    cancelButton_->setObjectName(QStringLiteral("cancelButton"));
    cancelButton_->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    cancelButton_->setVisible(false);
    actions->addWidget(checkButton_);
    actions->addWidget(checkAllButton_);
    actions->addWidget(snapshotButton_);
    actions->addStretch(1);
    actions->addWidget(cancelButton_);
    progressBar_ = new QProgressBar(middle);
    progressBar_->setRange(0, 0);
    progressBar_->setMaximumHeight(6);
    progressBar_->setTextVisible(false);
    progressBar_->setVisible(false);
    progressLabel_ = new QLabel(middle);
    progressLabel_->setObjectName(QStringLiteral("progressLabel"));
    progressLabel_->setForegroundRole(QPalette::PlaceholderText);
    progressLabel_->setVisible(false);
    instructions_ = new QTextBrowser(middle);
    instructions_->setObjectName(QStringLiteral("instructions"));
    instructions_->setAccessibleName(tr("Step instructions"));
    instructions_->setOpenExternalLinks(false);
    instructions_->setOpenLinks(false);
    midLayout->addWidget(labTitle_);
    midLayout->addWidget(scoreLabel_);
    midLayout->addWidget(clusterLabel_);
    midLayout->addLayout(folderRow);
    midLayout->addLayout(actions);
    midLayout->addWidget(progressBar_);
    midLayout->addWidget(progressLabel_);
    midLayout->addWidget(instructions_, 1);

    // --- right: checks of the step, history
    auto* right = new QWidget(splitter);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 12, 12, 12);
    tabs_ = new QTabWidget(right);
    rightLayout->addWidget(tabs_);
    tabs_->setObjectName(QStringLiteral("resultTabs"));
    tabs_->setDocumentMode(true);
    auto* checksPage = new QWidget;
    auto* checksLayout = new QVBoxLayout(checksPage);
    checksLayout->setContentsMargins(0, 8, 0, 0);
    problemPanel_ = new QFrame(checksPage);
    problemPanel_->setObjectName(QStringLiteral("problemPanel"));
    problemPanel_->setFrameShape(QFrame::StyledPanel);
    auto* problemLayout = new QHBoxLayout(problemPanel_);
    auto* problemIcon = new QLabel(problemPanel_);
    problemIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    problemIcon->setAlignment(Qt::AlignTop);
    problemText_ = new QLabel(problemPanel_);
    problemText_->setObjectName(QStringLiteral("problemText"));
    problemText_->setWordWrap(true);
    problemText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* toCluster = new QPushButton(tr("Open the Cl&uster page"), problemPanel_);
    toCluster->setObjectName(QStringLiteral("openClusterButton"));
    connect(toCluster, &QPushButton::clicked, this, [this] {
        const LabEntry* lab = currentLab();
        QString profile;
        if (lab) {
            auto ps = profilesForLab(lab->id, profiles_);
            if (!ps.empty()) profile = qs(ps.back()->id);
        }
        emit navigateRequested(QStringLiteral("cluster"), profile);
    });
    auto* problemTextColumn = new QVBoxLayout;
    problemTextColumn->addWidget(problemText_);
    problemTextColumn->addWidget(toCluster, 0, Qt::AlignLeft);
    problemLayout->addWidget(problemIcon, 0, Qt::AlignTop);
    problemLayout->addLayout(problemTextColumn, 1);
    problemPanel_->setVisible(false);
    stepSummary_ = new QLabel(checksPage);
    stepSummary_->setObjectName(QStringLiteral("stepSummary"));
    stepSummary_->setWordWrap(true);
    auto* scroll = new QScrollArea(checksPage);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* cardsHost = new QWidget;
    cardsLayout_ = new QVBoxLayout(cardsHost);
    cardsLayout_->setContentsMargins(0, 0, 0, 0);
    cardsLayout_->addStretch(1);
    scroll->setWidget(cardsHost);
    checksLayout->addWidget(problemPanel_);
    checksLayout->addWidget(stepSummary_);
    checksLayout->addWidget(scroll, 1);
    tabs_->addTab(checksPage, tr("Checks"));

    auto* historyPage = new QWidget;
    auto* historyLayout = new QVBoxLayout(historyPage);
    historyLayout->setContentsMargins(0, 8, 0, 0);
    historyList_ = new QTreeWidget(historyPage);
    historyList_->setObjectName(QStringLiteral("historyList"));
    historyList_->setAccessibleName(tr("History of check runs"));
    historyList_->setRootIsDecorated(false);
    historyList_->setHeaderLabels({tr("When"), tr("What"), tr("Score"), tr("Outcome")});
    historyList_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    historyDetail_ = new QLabel(historyPage);
    historyDetail_->setObjectName(QStringLiteral("historyDetail"));
    historyDetail_->setWordWrap(true);
    auto* historyScroll = new QScrollArea(historyPage);
    historyScroll->setWidgetResizable(true);
    historyScroll->setFrameShape(QFrame::NoFrame);
    auto* historyHost = new QWidget;
    historyCards_ = new QVBoxLayout(historyHost);
    historyCards_->setContentsMargins(0, 0, 0, 0);
    historyCards_->addStretch(1);
    historyScroll->setWidget(historyHost);
    historyLayout->addWidget(historyList_, 2);
    historyLayout->addWidget(historyDetail_);
    historyLayout->addWidget(historyScroll, 3);
    tabs_->addTab(historyPage, tr("History"));

    splitter->addWidget(nav);
    splitter->addWidget(middle);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({250, 520, 420});

    connect(labList_, &QListWidget::currentRowChanged, this, [this](int row) {
        auto* item = labList_->item(row);
        if (item && item->data(kLabIndexRole).isValid()) selectLab(item->data(kLabIndexRole).toInt());
    });
    connect(stepList_, &QListWidget::currentRowChanged, this, [this](int row) { selectStep(row); });
    connect(checkButton_, &QPushButton::clicked, this, [this] {
        if (const auto* step = currentStep()) startCheck(qs(step->id), false, {});
    });
    connect(checkAllButton_, &QPushButton::clicked, this, [this] { startCheck(QStringLiteral("all"), false, {}); });
    connect(snapshotButton_, &QPushButton::clicked, this, [this] { chooseSnapshotFolder(); });
    connect(cancelButton_, &QPushButton::clicked, this, [this] { cancelCheck(); });
    connect(historyList_, &QTreeWidget::currentItemChanged, this, [this] { showHistoryRun(); });
    connect(instructions_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        // Relative links in a walkthrough point into the lab's folder (starter/..., fixtures/...) or at lectures;
        // they open in the desktop's viewer for that file, as do web links.
        QUrl target = url;
        if (url.isRelative() && currentLab())
            target = QUrl::fromLocalFile(QDir(qs(currentLab()->dir)).absoluteFilePath(url.path()));
        if (!QDesktopServices::openUrl(target))
            emit statusMessage(tr("Could not open %1").arg(target.toDisplayString()));
        else
            emit statusMessage(tr("Opened %1").arg(target.toDisplayString()));
    });

    setRunning(false);
}

LabsPage::~LabsPage() {
    if (running_) running_->cancel();
}

void LabsPage::activated() {
    ensureLoaded();
    if (labIndex_ >= 0) refreshStatus();
}

void LabsPage::ensureLoaded() {
    if (loaded_) return;
    loaded_ = true;
    labs_ = loadLabCatalog(context().dataRoot);
    profiles_ = loadCourseProfiles(context().dataRoot);
    fillLabList();
    if (labs_.empty()) {
        labTitle_->setText(tr("No labs found"));
        scoreLabel_->setText(tr("The course data folder %1 has no labs/ folder. Choose the data folder on the "
                                "Settings page.")
                                 .arg(qs(context().dataRoot)));
        scoreLabel_->setWordWrap(true);
        return;
    }
    for (int row = 0; row < labList_->count(); ++row)
        if (labList_->item(row)->data(kLabIndexRole).isValid()) {
            labList_->setCurrentRow(row);
            break;
        }
}

void LabsPage::fillLabList() {
    QSignalBlocker block(labList_);
    labList_->clear();
    bool exercisesHeaderDone = false;
    auto header = [this](const QString& text) {
        auto* item = new QListWidgetItem(text, labList_);
        item->setFlags(Qt::NoItemFlags);
        QFont f = item->font();
        f.setBold(true);
        f.setCapitalization(QFont::AllUppercase);
        item->setFont(f);
    };
    header(tr("Labs"));
    for (size_t i = 0; i < labs_.size(); ++i) {
        const auto& lab = labs_[i];
        if (lab.exercise && !exercisesHeaderDone) {
            header(tr("Exercises"));
            exercisesHeaderDone = true;
        }
        auto runs = context().progress->checkRuns(lab.id, 50);
        auto score = runs ? labScore(*runs) : std::nullopt;
        QString scoreText = score ? qs(formatScore(*score)) : tr("not checked");
        auto* item =
            new QListWidgetItem(QStringLiteral("%1\n%2 · %3").arg(qs(lab.title), qs(lab.id), scoreText), labList_);
        item->setData(kLabIndexRole, static_cast<int>(i));
        item->setToolTip(qs(lab.dir));
    }
}

const LabEntry* LabsPage::currentLab() const {
    return labIndex_ >= 0 && labIndex_ < static_cast<int>(labs_.size()) ? &labs_[labIndex_] : nullptr;
}

const WalkthroughStep* LabsPage::currentStep() const {
    const LabEntry* lab = currentLab();
    if (!lab || stepIndex_ < 0 || stepIndex_ >= static_cast<int>(lab->walkthrough.steps.size())) return nullptr;
    return &lab->walkthrough.steps[stepIndex_];
}

void LabsPage::selectLab(int index) {
    if (index == labIndex_ || index < 0 || index >= static_cast<int>(labs_.size())) return;
    if (running_) running_->cancel();
    labIndex_ = index;
    stepIndex_ = -1;
    const LabEntry& lab = labs_[index];
    labTitle_->setText(qs(lab.title));
    problemPanel_->setVisible(false);
    auto profiles = profilesForLab(lab.id, profiles_);
    QString names;
    for (const auto* p : profiles) names += (names.isEmpty() ? QString() : tr(" or ")) + qs(p->id);
    if (profiles.empty())
        clusterLabel_->setText(
            tr("Cluster: your kubeconfig's current context (this exercise has no profile of its own)"));
    else
        clusterLabel_->setText(tr("Cluster: profile %1 (create it on the Cluster page)").arg(names));
    showLabFolder();
    {
        QSignalBlocker block(stepList_);
        stepList_->clear();
        for (const auto& step : lab.walkthrough.steps) {
            auto* item = new QListWidgetItem(qs(step.title), stepList_);
            item->setData(kStepIdRole, qs(step.id));
        }
    }
    if (!lab.loadError.empty()) {
        instructions_->setPlainText(tr("This lab could not be loaded:\n\n%1").arg(qs(lab.loadError)));
        checkButton_->setEnabled(false);
        checkAllButton_->setEnabled(false);
    }
    refreshStatus();
    int first = 0;
    for (size_t i = 0; i < lab.walkthrough.steps.size(); ++i)
        if (!lab.walkthrough.steps[i].checkIds.empty()) {
            first = static_cast<int>(i);
            break;
        }
    if (stepList_->count() > 0) stepList_->setCurrentRow(first);
    selectStep(stepList_->currentRow());
}

void LabsPage::selectStep(int index) {
    const LabEntry* lab = currentLab();
    if (!lab) return;
    stepIndex_ = index;
    const WalkthroughStep* step = currentStep();
    if (!step) {
        instructions_->clear();
        showStepChecks();
        return;
    }
    instructions_->document()->setBaseUrl(QUrl::fromLocalFile(qs(lab->dir) + QStringLiteral("/")));
    instructions_->setMarkdown(qs(step->markdown));
    setRunning(static_cast<bool>(running_));
    showStepChecks();
    context().progress->setLastLocation({"labs", lab->id + "/" + step->id}, context().clock->now());
}

void LabsPage::openItem(const QString& item) {
    ensureLoaded();
    QString labId = item.section(QLatin1Char('/'), 0, 0);
    QString stepId = item.section(QLatin1Char('/'), 1);
    for (int row = 0; row < labList_->count(); ++row) {
        auto* it = labList_->item(row);
        if (!it->data(kLabIndexRole).isValid()) continue;
        if (qs(labs_[it->data(kLabIndexRole).toInt()].id) != labId) continue;
        labList_->setCurrentRow(row);
        if (!stepId.isEmpty())
            for (int s = 0; s < stepList_->count(); ++s)
                if (stepList_->item(s)->data(kStepIdRole).toString() == stepId) stepList_->setCurrentRow(s);
        return;
    }
    emit statusMessage(tr("No lab %1").arg(labId));
}

void LabsPage::refreshStatus() {
    const LabEntry* lab = currentLab();
    if (!lab) return;
    auto runs = context().progress->checkRuns(lab->id, 50);
    runs_ = runs ? *runs : std::vector<LabCheckRun>{};
    auto latest = latestOutcomes(runs_);
    for (int row = 0; row < stepList_->count() && row < static_cast<int>(lab->walkthrough.steps.size()); ++row) {
        const auto& step = lab->walkthrough.steps[row];
        StepStatus status = stepStatus(step.checkIds, latest);
        auto* item = stepList_->item(row);
        item->setIcon(iconFor(status, this));
        item->setData(kStatusRole, QString::fromLatin1(stepStatusName(status)));
        QString text = qs(step.title);
        if (status != StepStatus::NoChecks)
            text += QStringLiteral("\n") + checksText(step.checkIds.size()) + QStringLiteral(" · ") +
                    QString::fromLatin1(stepStatusName(status));
        item->setText(text);
        item->setToolTip(QString::fromLatin1(stepStatusName(status)));
    }
    auto score = labScore(runs_);
    double visiblePoints = 0;
    for (const auto& c : lab->rubric.checks)
        if (checkShownInApp(c)) visiblePoints += c.points;
    if (score)
        scoreLabel_->setText(
            tr("Score <b>%1</b> (%2) from the last Check all")
                .arg(qs(formatScore(*score)),
                     qs(grader::formatPercent(score->points > 0 ? 100 * score->earned / score->points : 0))));
    else
        scoreLabel_->setText(tr("Not checked yet: %1 points in visible checks. Press Check all for your score.")
                                 .arg(qs(grader::formatPoints(visiblePoints))));
    // The lab list's score line.
    for (int row = 0; row < labList_->count(); ++row) {
        auto* it = labList_->item(row);
        if (!it->data(kLabIndexRole).isValid() || it->data(kLabIndexRole).toInt() != labIndex_) continue;
        QString scoreText = score ? qs(formatScore(*score)) : tr("not checked");
        it->setText(QStringLiteral("%1\n%2 · %3").arg(qs(lab->title), qs(lab->id), scoreText));
    }
    // History.
    {
        QSignalBlocker block(historyList_);
        historyList_->clear();
        for (size_t i = 0; i < runs_.size(); ++i) {
            const auto& run = runs_[i];
            bool graded = run.outcome == "graded";
            auto* item = new QTreeWidgetItem(historyList_);
            item->setText(0, timeText(run.at));
            item->setText(1, scopeText(run.scope, &lab->walkthrough));
            item->setText(2, graded ? qs(formatScore({run.earned, run.points})) : QStringLiteral("–"));
            item->setText(3, graded ? tr("graded") : tr("could not check"));
            item->setToolTip(3, qs(run.outcome));
            item->setData(0, kRunIndexRole, static_cast<int>(i));
        }
    }
    if (runs_.empty())
        historyDetail_->setText(tr("No checks run yet. Press Check to run the step's checks."));
    else
        historyDetail_->setText(tr("Select a run to see its results again."));
    clearCards(historyCards_);
    showStepChecks();
}

void LabsPage::clearCards(QVBoxLayout* layout) {
    while (layout->count() > 1) {
        auto* item = layout->takeAt(0);
        // Out of the page at once (lookups and layout no longer see it), deleted later: a hint button being
        // clicked is inside it.
        if (QWidget* w = item->widget()) {
            w->hide();
            w->setParent(nullptr);
            w->deleteLater();
        }
        delete item;
    }
}

QFrame* LabsPage::makeCheckCard(const grader::Check& check, const grader::CheckResult* result, const QString& when,
                                bool withHints) {
    auto* card = new QFrame;
    card->setObjectName(QStringLiteral("check-") + qs(check.id));
    card->setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(card);
    auto* head = new QHBoxLayout;
    auto* badge = new QLabel(card);
    badge->setObjectName(QStringLiteral("status"));
    if (result)
        badge->setText(badgeHtml(outcomeText(result->outcome), accentFor(result->outcome)));
    else
        badge->setText(badgeHtml(tr("NOT CHECKED"), QColor(0x5a, 0x64, 0x70)));
    badge->setAccessibleName(result ? outcomeText(result->outcome) : tr("NOT CHECKED"));
    auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(qs(check.title).toHtmlEscaped()), card);
    title->setWordWrap(true);
    auto* points = new QLabel(card);
    points->setObjectName(QStringLiteral("points"));
    points->setText(result ? QStringLiteral("%1 / %2").arg(qs(grader::formatPoints(result->earned)),
                                                           qs(grader::formatPoints(result->points)))
                           : tr("%1 pts").arg(qs(grader::formatPoints(check.points))));
    head->addWidget(badge, 0, Qt::AlignTop);
    head->addWidget(title, 1);
    head->addWidget(points, 0, Qt::AlignTop);
    layout->addLayout(head);
    auto* meta = new QLabel(card);
    meta->setForegroundRole(QPalette::PlaceholderText);
    meta->setWordWrap(true);
    meta->setText(qs(check.id) + (check.objective.empty() ? QString() : QStringLiteral(" · ") + qs(check.objective)) +
                  (when.isEmpty() ? QString() : QStringLiteral(" · ") + when));
    layout->addWidget(meta);
    if (result) {
        QString html = detailsHtml(*result);
        if (!html.isEmpty()) {
            auto* details = new QLabel(card);
            details->setObjectName(QStringLiteral("details"));
            details->setWordWrap(true);
            details->setTextFormat(Qt::RichText);
            details->setTextInteractionFlags(Qt::TextSelectableByMouse);
            details->setText(html);
            layout->addWidget(details);
        }
    }
    if (withHints && !check.hints.empty()) {
        std::vector<std::pair<QString, std::string>> tiers = {{tr("Nudge"), check.hints.nudge},
                                                              {tr("Command"), check.hints.command},
                                                              {tr("Solution"), check.hints.solution}};
        auto revealed = context().progress->hintsRevealed(currentLab()->id, check.id);
        int shown = revealed ? *revealed : 0;
        for (int t = 0; t < shown && t < 3; ++t) {
            if (tiers[t].second.empty()) continue;
            auto* hint = new QLabel(card);
            hint->setObjectName(QStringLiteral("hint-%1").arg(t));
            hint->setWordWrap(true);
            hint->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
            QString body = t == 1 ? QStringLiteral("<code>%1</code>").arg(qs(tiers[t].second).toHtmlEscaped())
                                  : qs(tiers[t].second).toHtmlEscaped();
            hint->setText(QStringLiteral("<b>%1:</b> %2").arg(tiers[t].first, body));
            layout->addWidget(hint);
        }
        if (shown < 3) {
            static const char* labels[] = {QT_TR_NOOP("Show a hint (nudge)"), QT_TR_NOOP("Show the command"),
                                           QT_TR_NOOP("Show the solution")};
            auto* button = new QPushButton(tr(labels[shown]), card);
            button->setObjectName(QStringLiteral("hintButton"));
            button->setAccessibleName(tr("%1 for %2").arg(tr(labels[shown]), qs(check.title)));
            button->setIcon(style()->standardIcon(QStyle::SP_MessageBoxQuestion));
            std::string id = check.id;
            connect(button, &QPushButton::clicked, this, [this, id] { revealNextHint(id); });
            layout->addWidget(button, 0, Qt::AlignLeft);
        }
    }
    return card;
}

void LabsPage::showStepChecks() {
    clearCards(cardsLayout_);
    const LabEntry* lab = currentLab();
    const WalkthroughStep* step = currentStep();
    if (!lab || !step) {
        stepSummary_->setText(lab ? tr("Choose a step.") : QString());
        return;
    }
    if (step->checkIds.empty()) {
        stepSummary_->setText(tr("Nothing is checked at this step: read it, then go on to the next."));
        return;
    }
    auto latest = latestResults(runs_);
    int pass = 0;
    int index = 0;
    for (const auto& id : step->checkIds) {
        const grader::Check* check = lab->rubric.find(id);
        if (!check) continue;
        auto it = latest.find(id);
        const grader::CheckResult* result = it == latest.end() ? nullptr : &it->second.result;
        if (result && result->outcome == Outcome::Pass) ++pass;
        QString when = result ? tr("checked %1").arg(timeText(it->second.at)) : QString();
        auto* c = makeCheckCard(*check, result, when, true);
        cardsLayout_->insertWidget(index++, c);
        c->show();
    }
    stepSummary_->setText(tr("%1 of %2 at this step pass%3.")
                              .arg(pass)
                              .arg(checksText(step->checkIds.size()))
                              .arg(step->checkIds.size() == 1 ? QStringLiteral("es") : QString()));
}

void LabsPage::showHistoryRun() {
    clearCards(historyCards_);
    const LabEntry* lab = currentLab();
    auto* item = historyList_->currentItem();
    if (!lab || !item) return;
    int i = item->data(0, kRunIndexRole).toInt();
    if (i < 0 || i >= static_cast<int>(runs_.size())) return;
    const auto& run = runs_[i];
    if (run.outcome != "graded") {
        historyDetail_->setText(
            tr("%1 at %2 could not check: %3")
                .arg(scopeText(run.scope, &lab->walkthrough), timeText(run.at), qs(run.outcome.substr(7))));
        return;
    }
    auto report = reportOf(run);
    if (!report) {
        historyDetail_->setText(tr("This run's results could not be read back."));
        return;
    }
    historyDetail_->setText(tr("%1 at %2: %3 (%4)")
                                .arg(scopeText(run.scope, &lab->walkthrough), timeText(run.at),
                                     qs(formatScore({run.earned, run.points})), qs(report->source)));
    int index = 0;
    for (const auto& c : report->checks) {
        const grader::Check* check = lab->rubric.find(c.id);
        if (!check || !checkShownInApp(*check)) continue;
        auto* cardWidget = makeCheckCard(*check, &c, QString(), false);
        historyCards_->insertWidget(index++, cardWidget);
        cardWidget->show();
    }
}

void LabsPage::setRunning(bool running) {
    const LabEntry* lab = currentLab();
    bool usable = lab && lab->loadError.empty();
    const WalkthroughStep* step = currentStep();
    checkButton_->setEnabled(!running && usable && step && !step->checkIds.empty());
    checkAllButton_->setEnabled(!running && usable);
    snapshotButton_->setEnabled(!running && usable);
    cancelButton_->setVisible(running);
    cancelButton_->setEnabled(running);
    progressBar_->setVisible(running);
    progressLabel_->setVisible(running);
}

void LabsPage::startCheck(const QString& scope, bool snapshot, const QString& folder) {
    const LabEntry* lab = currentLab();
    if (!lab || running_) return;
    LabCheckRequest request;
    // The worker gets its own copy: it may outlive the page (closed while a check runs) until it sees the cancel.
    auto rubric = std::make_shared<const grader::Rubric>(lab->rubric);
    request.rubric = rubric.get();
    if (scope == QLatin1String("all") || snapshot)
        request.checkIds = lab->visibleCheckIds();
    else if (const auto* step = lab->walkthrough.find(scope.toStdString()))
        request.checkIds = step->checkIds;
    if (request.checkIds.empty()) return;
    request.kubeconfigPath = context().settings.kubeconfigPath.toStdString();
    request.submissionRoot = labFolder().toStdString();
    request.profiles = profiles_;
    QPointer<QObject> guard(this);
    request.progress = [guard, this](const std::string& line) {
        QString text = qs(line);
        BackgroundWork::post(guard, [this, text] { progressLabel_->setText(text); });
    };
    problemPanel_->setVisible(false);
    progressLabel_->setText(snapshot ? tr("Grading the snapshot...") : tr("Connecting to the lab's cluster..."));
    running_ = std::make_shared<Cancellation>();  // replaced by the job's own below; marks the page busy
    setRunning(true);
    tabs_->setCurrentIndex(0);
    std::string folderPath = folder.toStdString();
    auto handle = context().work->run<LabCheckOutcome>(
        this,
        [request, rubric, snapshot, folderPath](const Cancellation& workCancel) {
            // The grader polls the job's own cancellation, which Cancel, closing the page and the app quitting
            // (BackgroundWork::cancelAll) all set. The pool keeps it alive until this returns, so a non-owning
            // pointer is enough; the grader only reads it.
            auto forward = request;
            forward.cancel =
                std::shared_ptr<Cancellation>(std::shared_ptr<void>(), const_cast<Cancellation*>(&workCancel));
            return snapshot ? runLabCheckSnapshot(forward, folderPath) : runLabCheckLive(forward);
        },
        [this, labIndex = labIndex_, scope, snapshot](LabCheckOutcome outcome) {
            finishCheck(labIndex, scope, snapshot, outcome);
        });
    running_ = handle;
}

void LabsPage::cancelCheck() {
    if (!running_) return;
    running_->cancel();
    cancelButton_->setEnabled(false);
    progressLabel_->setText(tr("Cancelling: stopping after the current step and cleaning up..."));
}

void LabsPage::finishCheck(int labIndex, const QString& scope, bool snapshot, const LabCheckOutcome& outcome) {
    running_.reset();
    setRunning(false);
    if (labIndex < 0 || labIndex >= static_cast<int>(labs_.size())) return;
    const LabEntry* lab = &labs_[labIndex];
    // The student moved to another lab while it ran: record it for its own lab, show nothing here.
    if (labIndex != labIndex_) {
        if (!outcome.cancelled)
            context().progress->recordCheckRun(
                checkRunRecord(lab->id, snapshot ? "snapshot" : scope.toStdString(), context().clock->now(), outcome));
        return;
    }
    std::string recordedScope = snapshot ? "snapshot" : scope.toStdString();
    if (outcome.cancelled) {
        showProblem({tr("The check was cancelled: nothing was recorded.").toStdString(),
                     tr("Press Check to run it again.").toStdString()});
        return;
    }
    auto recorded =
        context().progress->recordCheckRun(checkRunRecord(lab->id, recordedScope, context().clock->now(), outcome));
    if (!recorded) emit statusMessage(tr("The run could not be saved: %1").arg(qs(recorded.error().message)));
    if (!outcome.graded)
        showProblem(outcome.problem);
    else
        problemPanel_->setVisible(false);
    refreshStatus();
    if (outcome.graded) {
        auto totals = grader::totalsOf([&] {
            std::vector<const grader::CheckResult*> v;
            for (const auto& c : outcome.run.checks) v.push_back(&c);
            return v;
        }());
        emit statusMessage(tr("%1: %2 passed, %3 failed, %4 error(s)")
                               .arg(scopeText(recordedScope, &lab->walkthrough))
                               .arg(totals.pass)
                               .arg(totals.fail + totals.blocked)
                               .arg(totals.error));
        if (snapshot) {
            // The snapshot's results are in History; show them there at once.
            tabs_->setCurrentIndex(1);
            if (historyList_->topLevelItemCount() > 0) historyList_->setCurrentItem(historyList_->topLevelItem(0));
        }
    }
}

void LabsPage::showProblem(const LabCheckProblem& problem) {
    problemText_->setText(
        QStringLiteral("<b>%1</b><br>%2").arg(qs(problem.what).toHtmlEscaped(), qs(problem.todo).toHtmlEscaped()));
    problemPanel_->setVisible(true);
    tabs_->setCurrentIndex(0);
}

void LabsPage::revealNextHint(const std::string& checkId) {
    const LabEntry* lab = currentLab();
    if (!lab) return;
    auto current = context().progress->hintsRevealed(lab->id, checkId);
    int tier = current ? *current : 0;
    if (tier >= 3) return;
    auto saved = context().progress->revealHint(lab->id, checkId, tier, context().clock->now());
    if (!saved) emit statusMessage(tr("The hint could not be saved: %1").arg(qs(saved.error().message)));
    showStepChecks();
}

void LabsPage::chooseSnapshotFolder() {
    QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a capture folder"),
                                                       currentLab() ? qs(currentLab()->dir) : QString());
    if (!folder.isEmpty()) gradeSnapshot(folder);
}

QString LabsPage::labFolder() {
    const LabEntry* lab = currentLab();
    if (!lab) return {};
    auto value = context().progress->value("labs.folder." + lab->id);
    return value && *value ? qs(**value) : QString();
}

void LabsPage::showLabFolder() {
    QString folder = labFolder();
    folderLabel_->setText(folder.isEmpty() ? tr("Lab folder: not chosen (checks of files you hand in are skipped)")
                                           : tr("Lab folder: %1").arg(folder));
}

void LabsPage::setLabFolder(const QString& folder) {
    const LabEntry* lab = currentLab();
    if (!lab) return;
    auto saved = context().progress->setValue("labs.folder." + lab->id, folder.toStdString());
    if (!saved) emit statusMessage(tr("The lab folder could not be saved: %1").arg(qs(saved.error().message)));
    showLabFolder();
}

void LabsPage::gradeSnapshot(const QString& folder) {
    startCheck(QStringLiteral("all"), true, folder);
}

}  // namespace kc::app
