// The Cluster page. Layout: the profiles on the left; on the right the chosen profile with its actions, and three
// tabs (Preflight, Progress, Nodes & events). Work runs on BackgroundWork; each result or progress report comes
// back through a guarded callback, so a page closed mid-create is never touched.
// The cluster headers come before Qt's: kind_progress.h has a member named emit, which Qt defines as a macro.
#include "app/cluster_node_text.h"
#include "app/cluster_operations.h"
#include "app/cluster_progress.h"
#include "app/pages/cluster_page.h"

#include <QApplication>
#include <QClipboard>
#include <QFont>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/app_context.h"

namespace kc::app {

namespace {

// Semantic accents that read on light and dark palettes; everything else follows the palette.
const QColor kPass(0x2e, 0xa0, 0x43);
const QColor kFail(0xd1, 0x24, 0x2f);
const QColor kWarn(0xc0, 0x86, 0x00);

const char* const kSpinner[] = {"\xE2\x97\x90", "\xE2\x97\x93", "\xE2\x97\x91", "\xE2\x97\x92"};  // ◐◓◑◒
constexpr int kLogLimit = 5000;  // lines kept in the live log

QString q(const std::string& s) { return QString::fromStdString(s); }

QLabel* makeBadge(QWidget* parent) {
    auto* badge = new QLabel(parent);
    badge->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    return badge;
}

void setBadge(QLabel* badge, const QString& text, const QColor& accent, const QString& tip = {}) {
    badge->setText(text);
    badge->setToolTip(tip);
    badge->setAccessibleName(text);
    badge->setStyleSheet(QStringLiteral("QLabel { background-color: rgba(%1,%2,%3,46); border: 1px solid rgba(%1,%2,%3,150);"
                                        " border-radius: 9px; padding: 1px 8px; font-weight: 600; }")
                             .arg(accent.red())
                             .arg(accent.green())
                             .arg(accent.blue()));
}

QColor gpuAccent(const std::string& mode, const QPalette& palette) {
    if (mode == "real") return kPass;
    if (mode == "simulated" || mode == "mixed") return palette.color(QPalette::Highlight);
    return palette.color(QPalette::Mid);
}

QString gpuBadgeText(const std::string& mode) {
    if (mode == "none") return QObject::tr("No GPUs");
    return QObject::tr("GPU: %1").arg(q(mode));
}

QLabel* heading(const QString& text, QWidget* parent, qreal scale = 1.15) {
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * scale);
    label->setFont(font);
    return label;
}

QLabel* muted(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, palette.color(QPalette::PlaceholderText));
    label->setPalette(palette);
    return label;
}

// "1 node", "3 nodes": the app ships no translations, so Qt's %n plural forms would print "node(s)".
QString counted(int n, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

QFont monospace() { return QFontDatabase::systemFont(QFontDatabase::FixedFont); }

QString stateGlyph(StageState state, int spinnerFrame) {
    switch (state) {
        case StageState::Running: return QString::fromUtf8(kSpinner[spinnerFrame % 4]);
        case StageState::Done: return QStringLiteral("\u2713");
        case StageState::Failed: return QStringLiteral("\u2717");
        case StageState::Cancelled: return QStringLiteral("\u2298");
    }
    return {};
}

QString stateName(StageState state) {
    switch (state) {
        case StageState::Running: return QObject::tr("running");
        case StageState::Done: return QObject::tr("done");
        case StageState::Failed: return QObject::tr("failed");
        case StageState::Cancelled: return QObject::tr("cancelled");
    }
    return {};
}

}  // namespace

struct ClusterPage::State {
    std::vector<ProfileEntry> profiles;
    std::optional<PreflightReport> preflight;
    std::optional<ClusterSnapshot> snapshot;
    OperationProgress progress;
};

ClusterPage::ClusterPage(AppContext& context, QWidget* parent)
    : Page(context, parent), state_(std::make_unique<State>()) {
    buildUi();
    ticker_.setInterval(250);
    connect(&ticker_, &QTimer::timeout, this, &ClusterPage::tick);
    loadProfiles();
}

ClusterPage::~ClusterPage() {
    // A create still running is stopped (kind killed, the half-made cluster deleted) rather than left behind.
    if (cancel_) cancel_->cancel();
}

const OperationProgress& ClusterPage::progress() const { return state_->progress; }
bool ClusterPage::preflightDone() const { return state_->preflight.has_value(); }
bool ClusterPage::snapshotDone() const { return state_->snapshot.has_value(); }

SteadyTime ClusterPage::now() { return context().clock->monotonicNow(); }

// ---- layout ---------------------------------------------------------------------------------------------------

void ClusterPage::buildUi() {
    auto* root = new QHBoxLayout(this);
    root->setContentsMargins(16, 16, 16, 16);
    root->setSpacing(16);

    auto* left = new QVBoxLayout;
    left->setSpacing(8);
    auto* profilesHeading = heading(tr("&Profiles"), this);
    left->addWidget(profilesHeading);
    left->addWidget(muted(tr("Each lab has a profile: the kind clusters it needs and how GPUs are provided."), this));
    profileList_ = new QListWidget(this);
    profileList_->setObjectName(QStringLiteral("profileList"));
    profileList_->setAccessibleName(tr("Cluster profiles"));
    profileList_->setFixedWidth(310);
    profileList_->setSpacing(2);
    profileList_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    profilesHeading->setBuddy(profileList_);
    left->addWidget(profileList_, 1);
    root->addLayout(left);
    connect(profileList_, &QListWidget::currentRowChanged, this, [this] { profileChosen(); });

    auto* right = new QVBoxLayout;
    right->setSpacing(8);
    auto* titleRow = new QHBoxLayout;
    profileTitle_ = heading(tr("Loading profiles\u2026"), this, 1.45);
    profileTitle_->setObjectName(QStringLiteral("profileTitle"));
    titleRow->addWidget(profileTitle_);
    gpuBadge_ = makeBadge(this);
    gpuBadge_->setObjectName(QStringLiteral("gpuBadge"));
    nodesBadge_ = makeBadge(this);
    titleRow->addWidget(gpuBadge_);
    titleRow->addWidget(nodesBadge_);
    titleRow->addStretch(1);
    right->addLayout(titleRow);
    profileDescription_ = new QLabel(this);
    profileDescription_->setWordWrap(true);
    right->addWidget(profileDescription_);
    estimateLabel_ = muted(QString(), this);
    right->addWidget(estimateLabel_);

    auto* actions = new QHBoxLayout;
    checkButton_ = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("C&heck host"), this);
    checkButton_->setObjectName(QStringLiteral("checkButton"));
    checkButton_->setToolTip(tr("Run the preflight checks again"));
    createButton_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Create cluster"), this);
    createButton_->setObjectName(QStringLiteral("createButton"));
    createButton_->setDefault(true);
    deleteButton_ = new QPushButton(style()->standardIcon(QStyle::SP_TrashIcon), tr("&Delete cluster"), this);
    deleteButton_->setObjectName(QStringLiteral("deleteButton"));
    actions->addWidget(createButton_);
    actions->addWidget(deleteButton_);
    actions->addWidget(checkButton_);
    actionHint_ = muted(QString(), this);
    actionHint_->setObjectName(QStringLiteral("actionHint"));
    actions->addWidget(actionHint_, 1);
    right->addLayout(actions);
    connect(checkButton_, &QPushButton::clicked, this, &ClusterPage::checkHost);
    connect(createButton_, &QPushButton::clicked, this, &ClusterPage::createCluster);
    connect(deleteButton_, &QPushButton::clicked, this, &ClusterPage::deleteCluster);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("clusterTabs"));
    tabs_->addTab(buildPreflightTab(), tr("Pre&flight"));
    tabs_->addTab(buildProgressTab(), tr("P&rogress"));
    tabs_->addTab(buildNodesTab(), tr("&Nodes && events"));
    right->addWidget(tabs_, 1);
    root->addLayout(right, 1);

    setTabOrder(profileList_, createButton_);
    setTabOrder(createButton_, deleteButton_);
    setTabOrder(deleteButton_, checkButton_);
    setTabOrder(checkButton_, tabs_);
    updateActions();
}

QWidget* ClusterPage::buildPreflightTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    preflightSummary_ = new QLabel(tr("The host has not been checked yet."), tab);
    preflightSummary_->setObjectName(QStringLiteral("preflightSummary"));
    preflightSummary_->setWordWrap(true);
    layout->addWidget(preflightSummary_);
    auto* scroll = new QScrollArea(tab);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    preflightRows_ = new QWidget(scroll);
    preflightRows_->setObjectName(QStringLiteral("preflightRows"));
    preflightRowsLayout_ = new QVBoxLayout(preflightRows_);
    preflightRowsLayout_->setContentsMargins(0, 0, 0, 0);
    preflightRowsLayout_->setSpacing(6);
    preflightRowsLayout_->addStretch(1);
    scroll->setWidget(preflightRows_);
    layout->addWidget(scroll, 1);
    return tab;
}

QWidget* ClusterPage::buildProgressTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* top = new QHBoxLayout;
    operationTitle_ = heading(tr("Nothing running"), tab, 1.05);
    operationTitle_->setObjectName(QStringLiteral("operationTitle"));
    totalElapsed_ = new QLabel(tab);
    totalElapsed_->setObjectName(QStringLiteral("totalElapsed"));
    // A fixed size keeps the text changing every tick from re-laying out the whole page (word-wrapped labels
    // make that cost tens of milliseconds).
    totalElapsed_->setFixedSize(totalElapsed_->fontMetrics().horizontalAdvance(tr("Total 999 min 59 s")) + 8,
                                totalElapsed_->sizeHint().height());
    totalElapsed_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    cancelButton_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Cance&l"), tab);
    cancelButton_->setObjectName(QStringLiteral("cancelButton"));
    cancelButton_->setToolTip(tr("Stop kind and delete the partly created cluster"));
    connect(cancelButton_, &QPushButton::clicked, this, &ClusterPage::cancelOperation);
    top->addWidget(operationTitle_);
    top->addStretch(1);
    top->addWidget(totalElapsed_);
    top->addWidget(cancelButton_);
    layout->addLayout(top);

    errorBanner_ = new QLabel(tab);
    errorBanner_->setObjectName(QStringLiteral("errorBanner"));
    errorBanner_->setWordWrap(true);
    errorBanner_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    errorBanner_->setStyleSheet(QStringLiteral("QLabel { background-color: rgba(%1,%2,%3,36); border: 1px solid rgba(%1,%2,%3,140);"
                                               " border-radius: 6px; padding: 8px; }")
                                    .arg(kFail.red())
                                    .arg(kFail.green())
                                    .arg(kFail.blue()));
    errorBanner_->hide();
    layout->addWidget(errorBanner_);

    auto* split = new QSplitter(Qt::Vertical, tab);
    stageList_ = new QTreeWidget(split);
    stageList_->setObjectName(QStringLiteral("stageList"));
    stageList_->setAccessibleName(tr("Stages"));
    stageList_->setRootIsDecorated(false);
    stageList_->setUniformRowHeights(true);
    stageList_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    stageList_->setColumnCount(4);
    stageList_->setHeaderLabels({QString(), tr("Stage"), tr("Detail"), tr("Elapsed")});
    stageList_->header()->setStretchLastSection(false);
    stageList_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    stageList_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    stageList_->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    stageList_->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    log_ = new QPlainTextEdit(split);
    log_->setObjectName(QStringLiteral("clusterLog"));
    log_->setAccessibleName(tr("Live log"));
    log_->setReadOnly(true);
    log_->setFont(monospace());
    log_->setMaximumBlockCount(kLogLimit);
    log_->setLineWrapMode(QPlainTextEdit::NoWrap);
    // Scroll bars that appear part-way through a create would re-lay out the whole page (a visible stall).
    log_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    log_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    log_->setPlaceholderText(tr("kind's output appears here while a cluster is created or deleted."));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    return tab;
}

QWidget* ClusterPage::buildNodesTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* top = new QHBoxLayout;
    clusterGpuMode_ = makeBadge(tab);
    clusterGpuMode_->setObjectName(QStringLiteral("clusterGpuMode"));
    nodesState_ = new QLabel(tab);
    nodesState_->setObjectName(QStringLiteral("nodesState"));
    nodesState_->setWordWrap(true);
    refreshButton_ = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Re&fresh"), tab);
    refreshButton_->setObjectName(QStringLiteral("refreshButton"));
    connect(refreshButton_, &QPushButton::clicked, this, &ClusterPage::refreshCluster);
    top->addWidget(clusterGpuMode_);
    top->addWidget(nodesState_, 1);
    top->addWidget(refreshButton_);
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Vertical, tab);
    nodesTable_ = new QTableWidget(0, 8, split);
    nodesTable_->setObjectName(QStringLiteral("nodesTable"));
    nodesTable_->setAccessibleName(tr("Nodes"));
    nodesTable_->setHorizontalHeaderLabels({tr("Node"), tr("Role"), tr("Ready"), tr("Taints"), tr("GPU capacity"),
                                            tr("Allocatable"), tr("Requested"), tr("GPU product")});
    nodesTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    nodesTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    nodesTable_->verticalHeader()->hide();
    nodesTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    nodesTable_->horizontalHeader()->setStretchLastSection(true);
    nodesTable_->setWordWrap(false);

    auto* eventsBox = new QWidget(split);
    auto* eventsLayout = new QVBoxLayout(eventsBox);
    eventsLayout->setContentsMargins(0, 8, 0, 0);
    eventsLayout->addWidget(heading(tr("Recent Warning events"), eventsBox, 1.0));
    eventsState_ = muted(QString(), eventsBox);
    eventsState_->setObjectName(QStringLiteral("eventsState"));
    eventsLayout->addWidget(eventsState_);
    eventsTable_ = new QTableWidget(0, 5, eventsBox);
    eventsTable_->setObjectName(QStringLiteral("eventsTable"));
    eventsTable_->setAccessibleName(tr("Warning events"));
    eventsTable_->setHorizontalHeaderLabels({tr("Last seen"), tr("Object"), tr("Reason"), tr("Count"), tr("Message")});
    eventsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    eventsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    eventsTable_->verticalHeader()->hide();
    eventsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    eventsTable_->horizontalHeader()->setStretchLastSection(true);
    eventsLayout->addWidget(eventsTable_, 1);
    layout->addWidget(split, 1);
    return tab;
}

// ---- services -------------------------------------------------------------------------------------------------

std::shared_ptr<const ClusterOperations> ClusterPage::operations() {
    // Built per action from the settings in effect, so a tool path changed on the Settings page applies at once.
    const AppSettings& s = context().settings;
    ClusterServices services;
    services.tools.kind = s.kindPath.toStdString();
    services.tools.docker = s.dockerPath.toStdString();
    services.tools.kubectl = s.kubectlPath.toStdString();
    services.tools.helm = s.helmPath.toStdString();
    services.tools.kubeconfigPath = s.kubeconfigPath.toStdString();
    services.runner = context().processes;
    services.probes = context().hostProbes;
    services.clock = context().clock;
    return std::make_shared<const ClusterOperations>(std::move(services));
}

const ProfileEntry* ClusterPage::currentEntry() const {
    int row = profileList_->currentRow();
    if (row < 0 || row >= static_cast<int>(state_->profiles.size())) return nullptr;
    return &state_->profiles[static_cast<size_t>(row)];
}

QString ClusterPage::selectedProfileId() const {
    const ProfileEntry* entry = currentEntry();
    return entry ? q(entry->id) : QString();
}

// ---- profiles -------------------------------------------------------------------------------------------------

void ClusterPage::loadProfiles() {
    std::string root = context().dataRoot;
    context().work->run<std::vector<ProfileEntry>>(
        this, [root](const Cancellation&) { return kc::app::loadProfiles(root); },
        [this](std::vector<ProfileEntry> entries) { showProfiles(std::move(entries)); });
}

void ClusterPage::showProfiles(std::vector<ProfileEntry> entries) {
    state_->profiles = std::move(entries);
    profilesLoaded_ = true;
    QSignalBlocker block(profileList_);
    profileList_->clear();
    for (const auto& entry : state_->profiles) {
        auto* item = new QListWidgetItem(profileList_);
        auto* card = new QWidget(profileList_);
        auto* layout = new QVBoxLayout(card);
        layout->setContentsMargins(8, 6, 8, 6);
        layout->setSpacing(3);
        auto* name = new QLabel(q(entry.id), card);
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        layout->addWidget(name);
        auto* badges = new QHBoxLayout;
        badges->setSpacing(6);
        if (entry.profile) {
            std::string mode = profileGpuMode(*entry.profile);
            auto* gpu = makeBadge(card);
            setBadge(gpu, gpuBadgeText(mode), gpuAccent(mode, palette()), q(gpuModeExplanation(mode)));
            auto* nodes = makeBadge(card);
            int clusters = static_cast<int>(entry.profile->clusters.size());
            setBadge(nodes,
                     clusters > 1 ? tr("%1 clusters · %2 nodes").arg(clusters).arg(profileNodeCount(*entry.profile))
                                  : counted(profileNodeCount(*entry.profile), tr("node"), tr("nodes")),
                     palette().color(QPalette::Mid));
            badges->addWidget(nodes);
            badges->addWidget(gpu);
            badges->addStretch(1);
            layout->addLayout(badges);
            auto* description = muted(q(entry.profile->description), card);
            layout->addWidget(description);
            item->setToolTip(q(entry.profile->description));
        } else {
            auto* broken = makeBadge(card);
            setBadge(broken, tr("invalid profile"), kFail);
            badges->addWidget(broken);
            badges->addStretch(1);
            layout->addLayout(badges);
            layout->addWidget(muted(tr("This profile file has errors; choose it to see them."), card));
        }
        item->setData(Qt::AccessibleTextRole, q(entry.id));
        int width = profileList_->viewport()->width() - 8;
        card->setFixedWidth(width);
        item->setSizeHint(QSize(width, card->layout()->hasHeightForWidth() ? card->layout()->totalHeightForWidth(width)
                                                                             : card->sizeHint().height()));
        profileList_->setItemWidget(item, card);
    }
    if (state_->profiles.empty()) {
        profileTitle_->setText(tr("No cluster profiles"));
        profileDescription_->setText(tr("No profiles were found in %1/clusters/profiles. Set the course folder on the "
                                        "Settings page.")
                                         .arg(q(context().dataRoot)));
        updateActions();
        return;
    }
    int row = 0;
    auto remembered = context().progress->value("cluster.profile");
    for (size_t i = 0; i < state_->profiles.size(); ++i)
        if (remembered && remembered->has_value() && state_->profiles[i].id == **remembered) row = static_cast<int>(i);
    profileList_->setCurrentRow(row);
    block.unblock();
    profileChosen();
}

void ClusterPage::openItem(const QString& item) {
    for (size_t i = 0; i < state_->profiles.size(); ++i)
        if (q(state_->profiles[i].id) == item) profileList_->setCurrentRow(static_cast<int>(i));
}

void ClusterPage::profileChosen() {
    ++generation_;
    state_->preflight.reset();
    state_->snapshot.reset();
    snapshotError_.clear();
    showProfileHeader();
    showPreflight();
    showSnapshot();
    const ProfileEntry* entry = currentEntry();
    if (!entry) return;
    context().progress->setValue("cluster.profile", entry->id);
    if (!entry->profile) {
        preflightSummary_->setText(tr("This profile cannot be used:\n%1").arg(q(entry->error)));
        updateActions();
        return;
    }
    checkHost();
    refreshCluster();
}

void ClusterPage::showProfileHeader() {
    const ProfileEntry* entry = currentEntry();
    gpuBadge_->setVisible(entry && entry->profile);
    nodesBadge_->setVisible(entry && entry->profile);
    if (!entry) return;
    profileTitle_->setText(q(entry->id));
    if (!entry->profile) {
        profileDescription_->setText(tr("%1 is not a valid profile.").arg(q(entry->path)));
        estimateLabel_->clear();
        return;
    }
    const Profile& p = *entry->profile;
    std::string mode = profileGpuMode(p);
    setBadge(gpuBadge_, gpuBadgeText(mode), gpuAccent(mode, palette()), q(gpuModeExplanation(mode)));
    QStringList clusterNames;
    for (const auto& c : p.clusters) clusterNames << q(c.name);
    setBadge(nodesBadge_, counted(profileNodeCount(p), tr("node"), tr("nodes")), palette().color(QPalette::Mid));
    profileDescription_->setText(q(p.description));
    estimateLabel_->setText(tr("kind cluster%1: %2  ·  needs about %3 GiB memory, %4 CPUs, %5 GiB disk  ·  %6")
                                .arg(clusterNames.size() > 1 ? QStringLiteral("s") : QString())
                                .arg(clusterNames.join(QStringLiteral(", ")))
                                .arg(static_cast<double>(p.estimate.memoryMiB) / 1024.0, 0, 'f', 1)
                                .arg(p.estimate.cpus)
                                .arg(p.estimate.diskGiB)
                                .arg(q(gpuModeExplanation(mode))));
}

// ---- preflight ------------------------------------------------------------------------------------------------

void ClusterPage::checkHost() {
    const ProfileEntry* entry = currentEntry();
    if (!entry || !entry->profile || preflightRunning_ || busy()) return;
    preflightRunning_ = true;
    state_->preflight.reset();
    showPreflight();
    updateActions();
    int generation = generation_;
    auto ops = operations();
    Profile profile = *entry->profile;
    context().work->run<PreflightReport>(
        this, [ops, profile](const Cancellation&) { return ops->preflight(profile); },
        [this, generation](PreflightReport report) {
            preflightRunning_ = false;
            if (generation != generation_) {
                checkHost();  // the student chose another profile meanwhile: check for that one
                return;
            }
            state_->preflight = std::move(report);
            showPreflight();
            updateActions();
        });
}

void ClusterPage::showPreflight() {
    while (preflightRowsLayout_->count() > 1) {
        auto* item = preflightRowsLayout_->takeAt(0);
        delete item->widget();
        delete item;
    }
    if (!state_->preflight) {
        if (preflightRunning_) preflightSummary_->setText(tr("Checking the host\u2026"));
        return;
    }
    int failed = 0, warned = 0;
    int index = 0;
    for (const auto& check : state_->preflight->checks) {
        if (check.outcome == PreflightCheck::Outcome::Fail) ++failed;
        if (check.outcome == PreflightCheck::Outcome::Warn) ++warned;
        auto* row = new QFrame(preflightRows_);
        row->setObjectName(QStringLiteral("preflight-%1").arg(q(check.id)));
        row->setFrameShape(QFrame::StyledPanel);
        auto* grid = new QGridLayout(row);
        grid->setContentsMargins(10, 6, 10, 6);
        grid->setHorizontalSpacing(10);
        QString glyph;
        QColor accent;
        switch (check.outcome) {
            case PreflightCheck::Outcome::Pass: glyph = QStringLiteral("\u2713"); accent = kPass; break;
            case PreflightCheck::Outcome::Fail: glyph = QStringLiteral("\u2717"); accent = kFail; break;
            case PreflightCheck::Outcome::Warn: glyph = QStringLiteral("!"); accent = kWarn; break;
            case PreflightCheck::Outcome::Skip: glyph = QStringLiteral("\u2013"); accent = palette().color(QPalette::Mid); break;
        }
        auto* mark = new QLabel(glyph, row);
        QFont markFont = mark->font();
        markFont.setBold(true);
        markFont.setPointSizeF(markFont.pointSizeF() * 1.3);
        mark->setFont(markFont);
        QPalette markPalette = mark->palette();
        markPalette.setColor(QPalette::WindowText, accent);
        mark->setPalette(markPalette);
        mark->setFixedWidth(mark->fontMetrics().horizontalAdvance(QStringLiteral("W")) + 4);
        mark->setAccessibleName(q(preflightOutcomeName(check.outcome)));
        grid->addWidget(mark, 0, 0, 2, 1, Qt::AlignTop);
        auto* title = new QLabel(q(check.title), row);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        grid->addWidget(title, 0, 1);
        auto* detail = muted(q(check.detail), row);
        detail->setObjectName(QStringLiteral("detail"));
        detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(detail, 1, 1);
        if (!check.fix.empty() && check.outcome != PreflightCheck::Outcome::Pass) {
            auto* fixRow = new QHBoxLayout;
            auto* fixLabel = new QLabel(tr("Fix:"), row);
            auto* fix = new QLineEdit(q(check.fix), row);
            fix->setObjectName(QStringLiteral("fix"));
            fix->setReadOnly(true);
            fix->setFont(monospace());
            fix->setCursorPosition(0);
            fix->setAccessibleName(tr("Fix for %1").arg(q(check.title)));
            fix->setToolTip(q(check.fix));
            auto* copy = new QToolButton(row);
            copy->setObjectName(QStringLiteral("copyFix"));
            copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
            copy->setText(tr("Copy"));
            copy->setToolButtonStyle(copy->icon().isNull() ? Qt::ToolButtonTextOnly : Qt::ToolButtonTextBesideIcon);
            copy->setAccessibleName(tr("Copy the fix for %1").arg(q(check.title)));
            QString text = q(check.fix);
            connect(copy, &QToolButton::clicked, this, [this, text] {
                QApplication::clipboard()->setText(text);
                emit statusMessage(tr("Copied: %1").arg(text));
            });
            fixRow->addWidget(fixLabel);
            fixRow->addWidget(fix, 1);
            fixRow->addWidget(copy);
            grid->addLayout(fixRow, 2, 1);
        }
        grid->setColumnStretch(1, 1);
        preflightRowsLayout_->insertWidget(index++, row);
    }
    int total = static_cast<int>(state_->preflight->checks.size());
    if (failed > 0)
        preflightSummary_->setText(tr("%1 failed. Fix %2 (each fix can be copied), then press Check host.")
                                      .arg(counted(failed, tr("check"), tr("checks")), failed == 1 ? tr("it") : tr("them")));
    else if (warned > 0)
        preflightSummary_->setText(tr("The host is ready; %1 below worth a look.").arg(counted(warned, tr("warning is"), tr("warnings are"))));
    else
        preflightSummary_->setText(tr("All %1 checks passed: the host is ready for this profile.").arg(total));
}

// ---- cluster state --------------------------------------------------------------------------------------------

void ClusterPage::refreshCluster() {
    const ProfileEntry* entry = currentEntry();
    if (!entry || !entry->profile || snapshotRunning_) return;
    snapshotRunning_ = true;
    snapshotError_.clear();
    if (!state_->snapshot) nodesState_->setText(tr("Looking for the profile's clusters\u2026"));
    updateActions();
    int generation = generation_;
    auto ops = operations();
    Profile profile = *entry->profile;
    context().work->run<Result<ClusterSnapshot>>(
        this, [ops, profile](const Cancellation&) { return ops->inspect(profile); },
        [this, generation](Result<ClusterSnapshot> snapshot) {
            snapshotRunning_ = false;
            if (generation != generation_) {
                refreshCluster();  // another profile was chosen meanwhile: look for its clusters instead
                return;
            }
            if (snapshot) state_->snapshot = std::move(*snapshot);
            else snapshotError_ = q(snapshot.error().message);
            showSnapshot();
            updateActions();
        });
}

void ClusterPage::showSnapshot() {
    nodesTable_->setRowCount(0);
    eventsTable_->setRowCount(0);
    const ProfileEntry* entry = currentEntry();
    if (!snapshotError_.isEmpty()) {
        clusterGpuMode_->hide();
        nodesState_->setText(tr("The clusters could not be listed: %1\nSee the Preflight tab for what the host lacks.")
                                 .arg(snapshotError_));
        eventsState_->setText(QString());
        return;
    }
    if (!state_->snapshot) {
        clusterGpuMode_->hide();
        if (!snapshotRunning_) nodesState_->setText(QString());
        eventsState_->setText(QString());
        return;
    }
    if (!state_->snapshot->anyExists()) {
        clusterGpuMode_->hide();
        nodesState_->setText(tr("No cluster yet \u2014 press Create cluster to make %1.")
                                 .arg(entry ? q(entry->id) : tr("this profile's cluster")));
        eventsState_->setText(tr("Events appear once the cluster exists."));
        return;
    }
    QStringList problems;
    std::string mode;
    int rows = 0;
    for (const auto& cluster : state_->snapshot->clusters) {
        if (!cluster.exists) {
            problems << tr("%1 does not exist").arg(q(cluster.name));
            continue;
        }
        if (!cluster.error.empty()) problems << tr("%1 cannot be read: %2").arg(q(cluster.name), q(cluster.error));
        if (!cluster.gpuMode.empty()) mode = mode.empty() || mode == cluster.gpuMode ? cluster.gpuMode : "mixed";
        for (const auto& node : cluster.nodes) {
            NodeRowText text = nodeRowText(node);
            nodesTable_->insertRow(rows);
            QStringList cells{q(text.name), q(text.role), q(text.ready), q(text.taints), q(text.capacity),
                              q(text.allocatable), q(text.requested), q(text.product)};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (c == 2) item->setForeground(text.readyOk ? kPass : kFail);
                if (c >= 4 && c <= 6) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                nodesTable_->setItem(rows, c, item);
            }
            ++rows;
        }
    }
    nodesTable_->resizeRowsToContents();
    if (!mode.empty()) {
        setBadge(clusterGpuMode_, tr("GPU mode: %1").arg(q(mode)), gpuAccent(mode, palette()), q(gpuModeExplanation(mode)));
        clusterGpuMode_->show();
    }
    QString state = counted(rows, tr("node"), tr("nodes")) + QStringLiteral(".");
    if (!mode.empty()) state += QStringLiteral(" ") + q(gpuModeExplanation(mode));
    if (!problems.isEmpty()) state += QStringLiteral("\n") + problems.join(QStringLiteral("; "));
    nodesState_->setText(state);

    int eventRow = 0;
    for (const auto& warning : state_->snapshot->warnings) {
        const ClusterEvent& e = warning.event;
        eventsTable_->insertRow(eventRow);
        QString object = q(e.involvedKind) + QStringLiteral("/") +
                         (e.involvedNamespace.empty() ? QString() : q(e.involvedNamespace) + QStringLiteral("/")) +
                         q(e.involvedName);
        QStringList cells{q(e.time), object, q(e.reason), QString::number(e.count), q(e.message)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 2) item->setForeground(kWarn);
            item->setToolTip(cells[c]);
            eventsTable_->setItem(eventRow, c, item);
        }
        ++eventRow;
    }
    QString eventsText = eventRow == 0 ? tr("No Warning events: nothing has failed to schedule, pull or start.")
                                       : tr("The most recent %1, newest first.").arg(counted(eventRow, tr("warning"), tr("warnings")));
    for (const auto& p : state_->snapshot->problems) eventsText += QStringLiteral("\n") + q(p);
    eventsState_->setText(eventsText);
}

// ---- create and delete ----------------------------------------------------------------------------------------

void ClusterPage::createCluster() {
    const ProfileEntry* entry = currentEntry();
    if (!entry || !entry->profile || busy() || !createButton_->isEnabled()) return;
    operation_ = Operation::Create;
    operationProfile_ = q(entry->id);
    cancel_ = std::make_shared<Cancellation>();
    state_->progress.start(now());
    kindStreaming_.clear();
    pendingLog_.clear();
    log_->clear();
    errorBanner_->hide();
    operationTitle_->setText(tr("Creating %1").arg(operationProfile_));
    tabs_->setCurrentIndex(1);
    showProgress();
    updateActions();
    ticker_.start();

    auto ops = operations();
    Profile profile = *entry->profile;
    auto cancel = cancel_;
    QPointer<QObject> guard(this);
    UpdateSink sink = [guard, this](const OperationUpdate& update) {
        BackgroundWork::post(guard, [this, update] { applyUpdate(update); });
    };
    context().work->run<Result<UpReport>>(
        this, [ops, profile, cancel, sink](const Cancellation&) { return ops->create(profile, cancel, sink); },
        [this, cancel](Result<UpReport> report) {
            if (report) {
                ClusterSnapshot snapshot;
                for (const auto& c : report->clusters) {
                    ClusterStatusResult status;
                    status.name = c.name;
                    status.exists = true;
                    status.kubeconfigFile = c.kubeconfigFile;
                    status.nodes = c.nodes;
                    status.gpuMode = "none";
                    for (const auto& n : c.nodes)
                        if (n.gpuMode != "none") status.gpuMode = status.gpuMode == "none" || status.gpuMode == n.gpuMode ? n.gpuMode : "mixed";
                    snapshot.clusters.push_back(status);
                }
                state_->snapshot = std::move(snapshot);
                snapshotError_.clear();
                showSnapshot();
                operationFinished(OperationOutcome::Succeeded, {});
                // Warning events (and anything that changed since) come with a fresh read.
                refreshCluster();
                return;
            }
            bool cancelled = report.error().kind == ErrorKind::Cancelled || cancel->cancelled();
            operationFinished(cancelled ? OperationOutcome::Cancelled : OperationOutcome::Failed, q(report.error().message));
            refreshCluster();
        });
}

void ClusterPage::deleteCluster() {
    const ProfileEntry* entry = currentEntry();
    if (!entry || !entry->profile || busy() || !deleteButton_->isEnabled()) return;
    QStringList names;
    for (const auto& c : entry->profile->clusters) names << q(c.name);
    if (confirmDelete_ &&
        QMessageBox::question(this, tr("Delete cluster"),
                              tr("Delete %1? Everything deployed in it is lost.").arg(names.join(QStringLiteral(", "))),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    operation_ = Operation::Delete;
    operationProfile_ = q(entry->id);
    cancel_.reset();
    state_->progress.start(now());
    for (const auto& c : entry->profile->clusters)
        state_->progress.beginStep(c.name, "delete", stepTitle("delete") + " " + c.name, now());
    pendingLog_.clear();
    log_->clear();
    errorBanner_->hide();
    operationTitle_->setText(tr("Deleting %1").arg(operationProfile_));
    tabs_->setCurrentIndex(1);
    showProgress();
    updateActions();
    ticker_.start();

    auto ops = operations();
    Profile profile = *entry->profile;
    QPointer<QObject> guard(this);
    UpdateSink sink = [guard, this](const OperationUpdate& update) {
        BackgroundWork::post(guard, [this, update] { applyUpdate(update); });
    };
    context().work->run<Result<std::vector<ClusterDownResult>>>(
        this, [ops, profile, sink](const Cancellation&) { return ops->remove(profile, sink); },
        [this](Result<std::vector<ClusterDownResult>> result) {
            operationFinished(result ? OperationOutcome::Succeeded : OperationOutcome::Failed,
                              result ? QString() : q(result.error().message));
            state_->snapshot.reset();
            refreshCluster();
        });
}

void ClusterPage::cancelOperation() {
    if (operation_ != Operation::Create || !cancel_ || cancel_->cancelled()) return;
    cancel_->cancel();
    operationTitle_->setText(tr("Cancelling %1: stopping kind and deleting the partly created cluster\u2026").arg(operationProfile_));
    updateActions();
}

void ClusterPage::applyUpdate(const OperationUpdate& update) {
    if (!busy()) return;  // a late line from a finished operation
    switch (update.type) {
        case OperationUpdate::Type::Log: pendingLog_ << q(update.line); return;
        case OperationUpdate::Type::KindStage:
            kindStreaming_.insert(q(update.cluster));
            state_->progress.onKindEvent(update.cluster, update.kind, now());
            break;
        case OperationUpdate::Type::Step: {
            const LifecycleEvent& e = update.step;
            if (operation_ == Operation::Delete && e.step == "kind") {
                if (e.elapsed.count() > 0 || e.message == "not present") state_->progress.finishStep(e.cluster, "delete", now());
            } else {
                state_->progress.onLifecycleEvent(e, now());
            }
            // kind's own stage lines are in the log already; the lifecycle's echo of them would double every stage.
            if (operation_ == Operation::Create && e.step == "kind" && kindStreaming_.contains(q(e.cluster))) break;
            QString line = QStringLiteral("\u00bb ") + (e.cluster.empty() ? QString() : QStringLiteral("[%1] ").arg(q(e.cluster))) +
                           q(e.step) + QStringLiteral(": ") + q(e.message);
            if (e.elapsed.count() > 0) line += QStringLiteral(" (%1)").arg(q(formatElapsed(e.elapsed)));
            pendingLog_ << line;
            break;
        }
    }
    showProgress();
}

void ClusterPage::operationFinished(OperationOutcome outcome, const QString& message) {
    flushLog();
    bool creating = operation_ == Operation::Create;
    state_->progress.finish(outcome, now());
    operation_ = Operation::None;
    cancel_.reset();
    ticker_.stop();
    QString what = creating ? tr("Create") : tr("Delete");
    switch (outcome) {
        case OperationOutcome::Succeeded:
            operationTitle_->setText(creating ? tr("%1 is ready").arg(operationProfile_) : tr("%1 deleted").arg(operationProfile_));
            if (creating) tabs_->setCurrentIndex(2);
            emit statusMessage(operationTitle_->text());
            break;
        case OperationOutcome::Cancelled:
            operationTitle_->setText(tr("%1 of %2 cancelled").arg(what, operationProfile_));
            errorBanner_->setText(tr("<b>Cancelled.</b> kind was stopped; %1").arg(
                message.contains(QStringLiteral("partly created cluster was deleted"))
                    ? tr("the partly created cluster was deleted.")
                    : message.toHtmlEscaped().replace(QStringLiteral("\n"), QStringLiteral("<br>"))));
            errorBanner_->show();
            break;
        default: {
            const StageRow* failed = state_->progress.failedRow();
            operationTitle_->setText(failed ? tr("%1 failed at \u201c%2\u201d").arg(what, q(failed->title))
                                            : tr("%1 of %2 failed").arg(what, operationProfile_));
            // The banner keeps the error and kind's final lines; everything kind printed is in the log below.
            const QString marker = QStringLiteral("\nkind's last lines:");
            int cut = message.indexOf(marker);
            QString head = cut < 0 ? message : message.left(cut);
            QStringList tail = cut < 0 ? QStringList() : message.mid(cut + marker.size()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            while (tail.size() > 3) tail.removeFirst();
            QString body = head.toHtmlEscaped().replace(QStringLiteral("\n"), QStringLiteral("<br>"));
            if (!tail.isEmpty())
                body += QStringLiteral("<br><br>%1<br><span style=\"font-family: monospace\">%2</span>")
                            .arg(tr("kind's last lines:"), tail.join(QLatin1Char('\n')).toHtmlEscaped().replace(QStringLiteral("\n"), QStringLiteral("<br>")));
            body += QStringLiteral("<br><br>") +
                    tr("Fix what the message says (the full output is in the log below), then press Create cluster again.");
            errorBanner_->setText(body);
            errorBanner_->show();
            if (!head.isEmpty()) {
                log_->appendPlainText(QStringLiteral("\u2717 ") + head);
                log_->verticalScrollBar()->setValue(log_->verticalScrollBar()->maximum());
            }
            break;
        }
    }
    showProgress();
    updateActions();
}

void ClusterPage::showProgress() {
    const auto& rows = state_->progress.rows();
    SteadyTime t = now();
    while (stageList_->topLevelItemCount() > static_cast<int>(rows.size())) delete stageList_->takeTopLevelItem(stageList_->topLevelItemCount() - 1);
    bool multi = false;
    for (const auto& r : rows)
        if (!r.cluster.empty() && !rows.empty() && r.cluster != rows.back().cluster) multi = true;
    for (size_t i = 0; i < rows.size(); ++i) {
        const StageRow& r = rows[i];
        QTreeWidgetItem* item = static_cast<int>(i) < stageList_->topLevelItemCount() ? stageList_->topLevelItem(static_cast<int>(i))
                                                                                       : new QTreeWidgetItem(stageList_);
        QString title = q(r.title);
        if (multi && !r.cluster.empty() && r.key != "delete") title = QStringLiteral("%1 \u00b7 %2").arg(q(r.cluster), title);
        // Only what changed is set: each change repaints, and a tick should cost one row, not the list.
        auto put = [item](int column, const QString& text) {
            if (item->text(column) != text) item->setText(column, text);
        };
        put(0, stateGlyph(r.state, spinnerFrame_));
        put(1, title);
        // kind's words for a stage repeat its title ("Preparing nodes"); show only what adds something.
        QString detail = q(r.detail);
        if (detail.toLower().replace(QLatin1Char('-'), QLatin1Char(' ')) == title.toLower()) detail.clear();
        put(2, detail);
        put(3, q(formatElapsed(OperationProgress::rowElapsed(r, t))));
        if (item->data(0, Qt::UserRole) == QVariant(static_cast<int>(r.state))) continue;
        item->setToolTip(2, detail);
        item->setData(0, Qt::AccessibleTextRole, stateName(r.state));
        item->setData(0, Qt::UserRole, static_cast<int>(r.state));
        QColor accent = r.state == StageState::Done     ? kPass
                        : r.state == StageState::Failed ? kFail
                        : r.state == StageState::Cancelled ? palette().color(QPalette::PlaceholderText)
                                                           : palette().color(QPalette::Highlight);
        item->setForeground(0, accent);
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        QFont font = stageList_->font();
        font.setBold(r.state == StageState::Running || r.state == StageState::Failed);
        item->setFont(1, font);
    }
    QString total = !rows.empty() || state_->progress.outcome() != OperationOutcome::Running
                        ? tr("Total %1").arg(q(formatElapsed(state_->progress.totalElapsed(t))))
                        : QString();
    if (totalElapsed_->text() != total) totalElapsed_->setText(total);
}

void ClusterPage::flushLog() {
    if (pendingLog_.isEmpty()) return;
    auto* bar = log_->verticalScrollBar();
    bool follow = bar->value() >= bar->maximum() - 4;
    log_->appendPlainText(pendingLog_.join(QLatin1Char('\n')));
    pendingLog_.clear();
    if (follow) bar->setValue(bar->maximum());
}

void ClusterPage::tick() {
    ++spinnerFrame_;
    flushLog();
    showProgress();
}

void ClusterPage::updateActions() {
    const ProfileEntry* entry = currentEntry();
    bool usable = entry && entry->profile;
    cancelButton_->setVisible(operation_ == Operation::Create);
    cancelButton_->setEnabled(operation_ == Operation::Create && cancel_ && !cancel_->cancelled());
    checkButton_->setEnabled(usable && !busy() && !preflightRunning_);
    refreshButton_->setEnabled(usable && !snapshotRunning_);
    profileList_->setEnabled(!busy());

    QString reason;
    bool canCreate = false;
    if (!profilesLoaded_) reason = tr("Loading profiles\u2026");
    else if (!entry) reason = tr("Choose a profile.");
    else if (!entry->profile) reason = tr("This profile has errors (see Preflight).");
    else if (busy()) reason = operation_ == Operation::Create ? tr("Creating\u2026") : tr("Deleting\u2026");
    else if (preflightRunning_ || !state_->preflight) reason = tr("Checking the host\u2026");
    else if (!state_->preflight->ok()) {
        QStringList failed;
        for (const auto& c : state_->preflight->checks)
            if (c.outcome == PreflightCheck::Outcome::Fail) failed << q(c.title);
        const PreflightCheck* docker = state_->preflight->find("docker");
        if (docker && docker->outcome == PreflightCheck::Outcome::Fail)
            reason = tr("Create needs Docker: %1. See Preflight for how to fix it.").arg(q(docker->detail));
        else
            reason = tr("Create needs the host checks to pass: %1 (see Preflight).").arg(failed.join(QStringLiteral(", ")));
    } else {
        canCreate = true;
        if (state_->snapshot && state_->snapshot->anyExists())
            reason = tr("The cluster exists: Create reuses it and re-applies GPUs, post-create steps and addons.");
    }
    createButton_->setEnabled(canCreate);
    createButton_->setToolTip(canCreate ? tr("Create the profile's kind clusters") : reason);
    actionHint_->setText(reason);

    bool exists = state_->snapshot && state_->snapshot->anyExists();
    deleteButton_->setEnabled(usable && !busy() && exists);
    deleteButton_->setToolTip(exists ? tr("Delete the profile's kind clusters") : tr("There is no cluster to delete."));
}

void ClusterPage::activated() {
    // Another page (Settings) may have changed tool paths, or the student may have started Docker meanwhile.
    if (!profilesLoaded_ || busy()) return;
    if (!preflightRunning_) checkHost();
    refreshCluster();
}

}  // namespace kc::app
