// The Submit page: choosing, previewing, committing and pushing, and the history of pushes.
#include "app/pages/submit_page.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/app_context.h"
#include "app/submit_commit.h"
#include "app/submit_history.h"
#include "app/submit_labs.h"
#include "app/submit_push.h"

namespace kc::app {

// What a push run hands back to the page (declared in the header so the one completion handler can take it).
struct SubmitOutcome {
    std::optional<SubmitCommit> commit;
    std::optional<Error> error;
    std::string labId;
    std::string remote;
    std::chrono::system_clock::time_point at{};
};

namespace {

struct PlanOutcome {
    int generation = 0;
    std::optional<SubmitPlan> plan;
    QString error;
};

PushRecord pushRecordOf(const SubmitOutcome& outcome) {
    return {outcome.labId, outcome.commit->sha,   outcome.commit->branch, outcome.remote,
            outcome.at,    outcome.commit->files, outcome.commit->bytes};
}

QString localTime(std::chrono::system_clock::time_point at) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    return QDateTime::fromSecsSinceEpoch(seconds).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QLabel* mutedLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

}  // namespace

SubmitPage::SubmitPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    // Beside progress.db: a changed data folder takes effect after a restart, for both.
    submissionsRoot_ =
        QFileInfo(QString::fromStdString(context.progressDbPath())).absolutePath() + QStringLiteral("/submissions");
    buildUi();
    for (const auto& lab : submittableLabs(context.dataRoot))
        lab_->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(lab.id), QString::fromStdString(lab.title)),
                      QString::fromStdString(lab.id));
    connect(lab_, &QComboBox::currentIndexChanged, this, [this] { labChanged(); });
    labChanged();
    refreshHistory();
}

SubmitPage::~SubmitPage() {
    // Deleting the children moves focus; the folder field losing it must not start a preview of a closing page.
    folder_->disconnect(this);
    if (running_) running_->cancel();
}

void SubmitPage::buildUi() {
    auto* page = new QVBoxLayout(this);
    page->setContentsMargins(24, 20, 24, 16);
    page->setSpacing(12);

    auto* heading = new QLabel(tr("Submit your lab work"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    page->addWidget(heading);
    page->addWidget(mutedLabel(
        tr("kubeclass records the files of your folder as a commit in its own repository in your data folder "
           "(submissions/<lab>.git) and pushes it to the course remote on a branch named after the lab "
           "(e.g. lab-02). Your folder is only read, never changed: if it is a git repository of your own, "
           "its history stays with you and only the current files are sent. Files matched by .gitignore are "
           "left out."),
        this));

    auto* choose = new QGroupBox(tr("What to submit"), this);
    auto* form = new QFormLayout(choose);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    lab_ = new QComboBox(choose);
    lab_->setAccessibleName(tr("Lab"));
    auto* labLabel = new QLabel(tr("&Lab:"), choose);
    labLabel->setBuddy(lab_);
    form->addRow(labLabel, lab_);
    auto* folderRow = new QHBoxLayout;
    folder_ = new QLineEdit(choose);
    folder_->setPlaceholderText(tr("The folder with your work for this lab"));
    folder_->setAccessibleName(tr("Folder to submit"));
    browse_ = new QPushButton(tr("C&hoose folder…"), choose);
    browse_->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse_);
    auto* folderLabel = new QLabel(tr("&Folder:"), choose);
    folderLabel->setBuddy(folder_);
    form->addRow(folderLabel, folderRow);
    remote_ = new QLabel(choose);
    remote_->setWordWrap(true);
    remote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    author_ = new QLabel(choose);
    openSettings_ = new QPushButton(tr("Open &Settings"), choose);
    auto* remoteRow = new QHBoxLayout;
    remoteRow->addWidget(remote_, 1);
    remoteRow->addWidget(openSettings_);
    form->addRow(tr("Course remote:"), remoteRow);
    form->addRow(tr("Author:"), author_);
    page->addWidget(choose);

    auto* middle = new QHBoxLayout;
    middle->setSpacing(12);
    auto* filesBox = new QGroupBox(tr("Files that will be submitted"), this);
    auto* filesLayout = new QVBoxLayout(filesBox);
    summary_ = new QLabel(filesBox);
    summary_->setWordWrap(true);
    files_ = new QTreeWidget(filesBox);
    files_->setColumnCount(2);
    files_->setHeaderLabels({tr("File"), tr("Size")});
    files_->setRootIsDecorated(false);
    files_->setUniformRowHeights(true);
    files_->setAccessibleName(tr("Files that will be submitted"));
    files_->header()->setStretchLastSection(false);
    files_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    files_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    problems_ = new QLabel(filesBox);
    problems_->setWordWrap(true);
    problems_->setTextFormat(Qt::RichText);
    problems_->setAccessibleName(tr("Problems that block the submission"));
    filesLayout->addWidget(summary_);
    filesLayout->addWidget(files_, 1);
    filesLayout->addWidget(problems_);
    middle->addWidget(filesBox, 3);

    auto* historyBox = new QGroupBox(tr("Recent submissions"), this);
    auto* historyLayout = new QVBoxLayout(historyBox);
    history_ = new QTreeWidget(historyBox);
    history_->setColumnCount(4);
    history_->setHeaderLabels({tr("Lab"), tr("Commit"), tr("Pushed"), tr("Remote")});
    history_->setRootIsDecorated(false);
    history_->setUniformRowHeights(true);
    history_->setAccessibleName(tr("Recent submissions"));
    history_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    history_->header()->setStretchLastSection(true);
    historyLayout->addWidget(history_);
    middle->addWidget(historyBox, 2);
    page->addLayout(middle, 1);

    errorBox_ = new QFrame(this);
    errorBox_->setObjectName(QStringLiteral("submitError"));
    // A red accent that reads on light and dark palettes; the text keeps the palette's colour.
    errorBox_->setStyleSheet(QStringLiteral("#submitError { border: 1px solid #d9534f; border-left: 4px solid #d9534f; "
                                            "border-radius: 4px; }"));
    auto* errorLayout = new QHBoxLayout(errorBox_);
    auto* errorIcon = new QLabel(errorBox_);
    errorIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(24, 24));
    errorIcon->setAlignment(Qt::AlignTop);
    errorText_ = new QLabel(errorBox_);
    errorText_->setWordWrap(true);
    errorText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorText_->setAccessibleName(tr("Submission error"));
    onTop_ = new QPushButton(tr("Submit on &top of the remote"), errorBox_);
    errorLayout->addWidget(errorIcon);
    errorLayout->addWidget(errorText_, 1);
    errorLayout->addWidget(onTop_, 0, Qt::AlignTop);
    errorBox_->hide();
    page->addWidget(errorBox_);

    auto* actions = new QHBoxLayout;
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 0);
    progress_->setMaximumWidth(160);
    progress_->setTextVisible(false);
    progress_->hide();
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setAccessibleName(tr("Submission status"));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    submit_ = new QPushButton(tr("S&ubmit and push"), this);
    submit_->setDefault(true);
    submit_->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    actions->addWidget(progress_);
    actions->addWidget(status_, 1);
    actions->addWidget(cancel_);
    actions->addWidget(submit_);
    page->addLayout(actions);

    setTabOrder(lab_, folder_);
    setTabOrder(folder_, browse_);
    setTabOrder(browse_, openSettings_);
    setTabOrder(openSettings_, files_);
    setTabOrder(files_, history_);
    setTabOrder(history_, onTop_);
    setTabOrder(onTop_, cancel_);
    setTabOrder(cancel_, submit_);

    connect(browse_, &QPushButton::clicked, this, [this] { chooseFolder(); });
    // editingFinished also fires when the field merely loses focus (e.g. disabled while a push runs): only a changed
    // folder is read again, so the plan of the folder being pushed is never dropped under the push.
    connect(folder_, &QLineEdit::editingFinished, this, [this] {
        if (folder_->text().trimmed() != previewedFolder_) refreshPreview();
    });
    connect(openSettings_, &QPushButton::clicked, this, [this] { emit navigateRequested(QStringLiteral("settings"), {}); });
    connect(submit_, &QPushButton::clicked, this, [this] { submit(); });
    connect(onTop_, &QPushButton::clicked, this, [this] { submitOnTopOfRemote(); });
    connect(cancel_, &QPushButton::clicked, this, [this] { cancel(); });
}

QString SubmitPage::currentLab() const { return lab_->currentData().toString(); }

QString SubmitPage::repositoryFor(const QString& labId) const {
    return submissionsRoot_ + QLatin1Char('/') + labId + QStringLiteral(".git");
}

void SubmitPage::activated() {
    refreshPrerequisites();
    refreshHistory();
    if (!busy_) refreshPreview();
}

void SubmitPage::openItem(const QString& item) {
    int index = lab_->findData(item.section(QLatin1Char('/'), 0, 0));
    if (index >= 0) lab_->setCurrentIndex(index);
}

void SubmitPage::chooseFolder() {
    QString start = folder_->text().isEmpty() ? QDir::homePath() : folder_->text();
    QString chosen = QFileDialog::getExistingDirectory(this, tr("Folder with your work for %1").arg(currentLab()), start);
    if (!chosen.isEmpty()) setFolder(chosen);
}

void SubmitPage::setFolder(const QString& folder) {
    folder_->setText(folder);
    refreshPreview();
}

void SubmitPage::labChanged() {
    clearError();
    status_->clear();
    if (currentLab().isEmpty()) return;
    folder_->setText(QString::fromStdString(rememberedSubmitFolder(*context().progress, currentLab().toStdString())));
    refreshPrerequisites();
    refreshPreview();
}

void SubmitPage::refreshPrerequisites() {
    const AppSettings& settings = context().settings;
    bool remoteSet = !settings.remoteUrl.trimmed().isEmpty();
    if (remoteSet)
        remote_->setText(tr("%1 — branch <b>%2</b>")
                             .arg(QString::fromStdString(displayRemote(settings.remoteUrl.toStdString())).toHtmlEscaped(),
                                  currentLab().toHtmlEscaped()));
    else
        remote_->setText(tr("<b>Not set.</b> Enter the course remote URL from your instructor on the Settings page."));
    bool authorSet = !settings.studentName.trimmed().isEmpty() && !settings.studentId.trimmed().isEmpty();
    author_->setText(authorSet ? tr("%1 (%2)").arg(settings.studentName.toHtmlEscaped(), settings.studentId.toHtmlEscaped())
                               : tr("<b>Not set.</b> Enter your name and student id on the Settings page."));
    openSettings_->setVisible(!remoteSet || !authorSet);
    updateSubmitEnabled();
}

void SubmitPage::refreshPreview() {
    const int generation = ++previewGeneration_;
    const QString folder = folder_->text().trimmed();
    previewedFolder_ = folder;
    plan_.reset();
    files_->clear();
    problems_->clear();
    if (folder.isEmpty()) {
        summary_->setText(tr("Choose the folder with your work for %1 to see what will be sent.").arg(currentLab()));
        updateSubmitEnabled();
        return;
    }
    summary_->setText(tr("Reading %1…").arg(folder));
    updateSubmitEnabled();
    const std::string repoDir = repositoryFor(currentLab()).toStdString();
    const std::string path = folder.toStdString();
    context().work->run<PlanOutcome>(
        this,
        [generation, repoDir, path](const Cancellation&) {
            PlanOutcome outcome{generation, std::nullopt, {}};
            auto plan = planSubmission(repoDir, path);
            if (plan) outcome.plan = std::move(*plan);
            else outcome.error = QString::fromStdString(plan.error().message);
            return outcome;
        },
        [this](PlanOutcome outcome) {
            if (outcome.generation != previewGeneration_) return;  // the folder changed while this one was read
            showPlan(outcome.plan, outcome.error);
        });
}

void SubmitPage::showPlan(const std::optional<SubmitPlan>& plan, const QString& error) {
    plan_ = plan;
    files_->clear();
    if (!plan) {
        summary_->setText(error);
        problems_->clear();
        updateSubmitEnabled();
        return;
    }
    QList<QTreeWidgetItem*> rows;
    for (const auto& file : plan->files) {
        QString name = QString::fromStdString(file.path);
        if (file.symlink) name += QStringLiteral("  →  ") + QString::fromStdString(file.linkTarget);
        auto* row = new QTreeWidgetItem({name, QString::fromStdString(formatByteSize(file.bytes))});
        row->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        rows.append(row);
    }
    files_->addTopLevelItems(rows);
    const QString bytes = QString::fromStdString(formatByteSize(plan->totalBytes));
    QString summary = plan->files.size() == 1 ? tr("1 file, %1").arg(bytes)
                                              : tr("%1 files, %2").arg(plan->files.size()).arg(bytes);
    if (plan->ignoredEntries > 0) summary += tr(" · %1 left out by .gitignore").arg(plan->ignoredEntries);
    summary_->setText(summary);
    if (plan->problems.empty()) {
        problems_->clear();
    } else {
        QString text = tr("<b>This folder cannot be submitted yet:</b><ul style='margin-left:12px'>");
        for (const auto& problem : plan->problems)
            text += QStringLiteral("<li><b>%1</b> %2</li>")
                        .arg(QString::fromStdString(problem.path).toHtmlEscaped(),
                             QString::fromStdString(problem.reason).toHtmlEscaped());
        problems_->setText(text + QStringLiteral("</ul>"));
    }
    updateSubmitEnabled();
}

void SubmitPage::refreshHistory() {
    history_->clear();
    auto pushes = pushHistory(*context().progress);
    if (pushes.empty()) {
        auto* row = new QTreeWidgetItem({tr("No submissions yet.")});
        row->setFlags(Qt::NoItemFlags);
        history_->addTopLevelItem(row);
        row->setFirstColumnSpanned(true);
        return;
    }
    for (const auto& push : pushes) {
        auto* row = new QTreeWidgetItem({QString::fromStdString(push.labId), QString::fromStdString(push.sha.substr(0, 10)),
                                         localTime(push.at), QString::fromStdString(push.remote)});
        row->setToolTip(1, QString::fromStdString(push.sha));
        row->setToolTip(3, tr("%1, branch %2 · %3 files, %4")
                               .arg(QString::fromStdString(push.remote), QString::fromStdString(push.branch))
                               .arg(push.files)
                               .arg(QString::fromStdString(formatByteSize(push.bytes))));
        history_->addTopLevelItem(row);
    }
}

void SubmitPage::updateSubmitEnabled() {
    const AppSettings& settings = context().settings;
    QString blocker;
    if (settings.remoteUrl.trimmed().isEmpty()) blocker = tr("Set the course remote on the Settings page first.");
    else if (settings.studentName.trimmed().isEmpty() || settings.studentId.trimmed().isEmpty())
        blocker = tr("Set your name and student id on the Settings page first.");
    else if (!plan_) blocker = tr("Choose the folder to submit first.");
    else if (!plan_->submittable()) blocker = tr("Fix the problems listed under the files first.");
    submit_->setEnabled(!busy_ && blocker.isEmpty() && !currentLab().isEmpty());
    submit_->setToolTip(blocker);
    // Said in the page too: a tooltip is out of reach of the keyboard.
    if (!busy_ && (statusIsHint_ || status_->text().isEmpty())) {
        status_->setText(blocker);
        statusIsHint_ = true;
    }
    lab_->setEnabled(!busy_);
    folder_->setEnabled(!busy_);
    browse_->setEnabled(!busy_);
}

void SubmitPage::setBusy(bool busy, const QString& text) {
    busy_ = busy;
    progress_->setVisible(busy);
    cancel_->setEnabled(busy);
    onTop_->setEnabled(!busy);
    status_->setText(text);
    statusIsHint_ = false;
    updateSubmitEnabled();
}

void SubmitPage::showError(const QString& text, bool offerOnTop) {
    errorText_->setText(text);
    onTop_->setVisible(offerOnTop);
    errorBox_->show();
}

void SubmitPage::clearError() {
    errorBox_->hide();
    errorText_->clear();
}

void SubmitPage::cancel() {
    // libgit2 checks for cancellation only between transfer steps, and a silent server can hold a connection for
    // minutes: the page lets go at once and the worker ends on its own.
    if (running_) running_->cancel();
    running_.reset();
    ++submitGeneration_;
    setBusy(false, tr("Cancelled. If the push had already reached the remote it may still complete; it is then "
                      "listed under Recent submissions."));
}

void SubmitPage::submit() {
    if (busy_ || !plan_) return;
    clearError();
    const AppSettings& settings = context().settings;
    const std::string labId = currentLab().toStdString();
    const std::string repoDir = repositoryFor(currentLab()).toStdString();
    const std::string folder = folder_->text().trimmed().toStdString();
    const SubmitAuthor author{settings.studentName.trimmed().toStdString(), settings.studentId.trimmed().toStdString()};
    const std::string remoteUrl = settings.remoteUrl.trimmed().toStdString();
    auto credentialConfig = submitCredentialConfigFromEnvironment();
    credentialConfig.runner = context().processes;
    auto credentials = grader::makeGitCredentialProvider(credentialConfig);
    auto clock = context().clock;
    (void)rememberSubmitFolder(*context().progress, labId, folder);
    const int generation = ++submitGeneration_;
    setBusy(true, tr("Reading the folder…"));
    QPointer<QObject> guard(this);
    running_ = context().work->run<SubmitOutcome>(
        this,
        [=](const Cancellation& cancel) {
            SubmitOutcome outcome;
            outcome.labId = labId;
            outcome.remote = displayRemote(remoteUrl);
            outcome.at = clock->now();
            auto plan = planSubmission(repoDir, folder);
            if (!plan) {
                outcome.error = plan.error();
                return outcome;
            }
            if (!plan->submittable()) {
                outcome.error = Error{ErrorKind::Invalid, "The folder changed and cannot be submitted as it is now: " +
                                                              (plan->problems.empty() ? std::string("it has no files")
                                                                                      : plan->problems.front().path + " " +
                                                                                            plan->problems.front().reason)};
                return outcome;
            }
            BackgroundWork::post(guard, [guard] {
                if (auto* page = qobject_cast<SubmitPage*>(guard.data())) page->status_->setText(tr("Committing…"));
            });
            auto commit = commitSubmission(repoDir, labId, *plan, author, outcome.at);
            if (!commit) {
                outcome.error = commit.error();
                return outcome;
            }
            outcome.commit = *commit;
            PushRequest request{repoDir, remoteUrl, commit->branch, credentials, [guard](const std::string& step) {
                                    QString text = QString::fromStdString(step);
                                    BackgroundWork::post(guard, [guard, text] {
                                        if (auto* page = qobject_cast<SubmitPage*>(guard.data())) page->status_->setText(text);
                                    });
                                }};
            if (auto pushed = pushSubmission(request, cancel); !pushed) outcome.error = pushed.error();
            return outcome;
        },
        [this, generation](SubmitOutcome outcome) { finishSubmission(generation, std::move(outcome), false); });
}

void SubmitPage::submitOnTopOfRemote() {
    if (busy_) return;
    clearError();
    const AppSettings& settings = context().settings;
    const std::string labId = currentLab().toStdString();
    const std::string repoDir = repositoryFor(currentLab()).toStdString();
    const SubmitAuthor author{settings.studentName.trimmed().toStdString(), settings.studentId.trimmed().toStdString()};
    const std::string remoteUrl = settings.remoteUrl.trimmed().toStdString();
    auto credentialConfig = submitCredentialConfigFromEnvironment();
    credentialConfig.runner = context().processes;
    auto credentials = grader::makeGitCredentialProvider(credentialConfig);
    auto clock = context().clock;
    const int generation = ++submitGeneration_;
    setBusy(true, tr("Fetching the remote's branch…"));
    running_ = context().work->run<SubmitOutcome>(
        this,
        [=](const Cancellation& cancel) {
            SubmitOutcome outcome;
            outcome.labId = labId;
            outcome.remote = displayRemote(remoteUrl);
            outcome.at = clock->now();
            PushRequest request{repoDir, remoteUrl, submissionBranch(labId), credentials, {}};
            auto commit = kc::app::submitOnTopOfRemote(request, labId, author, outcome.at, cancel);
            if (!commit) {
                outcome.error = commit.error();
                return outcome;
            }
            outcome.commit = *commit;
            if (auto pushed = pushSubmission(request, cancel); !pushed) outcome.error = pushed.error();
            return outcome;
        },
        [this, generation](SubmitOutcome outcome) { finishSubmission(generation, std::move(outcome), true); });
}

void SubmitPage::finishSubmission(int generation, SubmitOutcome outcome, bool onTopOfRemote) {
    if (generation != submitGeneration_) {
        // Cancelled on the page, but it reached the remote anyway: still history.
        if (!outcome.error && outcome.commit) {
            (void)recordPush(*context().progress, pushRecordOf(outcome));
            refreshHistory();
        }
        return;
    }
    running_.reset();
    if (outcome.error) {
        setBusy(false, outcome.commit && !onTopOfRemote
                           ? tr("Committed %1 locally; not pushed.").arg(QString::fromStdString(outcome.commit->sha.substr(0, 10)))
                           : QString());
        showError(QString::fromStdString(outcome.error->message), outcome.error->kind == ErrorKind::Conflict);
        return;
    }
    const SubmitCommit& commit = *outcome.commit;
    auto saved = recordPush(*context().progress, pushRecordOf(outcome));
    QString text = onTopOfRemote ? tr("Submitted %1 on top of the remote: commit %2 pushed to %3 (branch %4).")
                   : commit.unchanged
                       ? tr("Nothing changed since your last submission of %1; commit %2 is on %3 (branch %4).")
                       : tr("Submitted %1: commit %2 pushed to %3 (branch %4).");
    text = text.arg(QString::fromStdString(outcome.labId), QString::fromStdString(commit.sha.substr(0, 10)),
                    QString::fromStdString(outcome.remote), QString::fromStdString(commit.branch));
    if (!saved && !onTopOfRemote)
        text += tr(" (The history could not be saved: %1)").arg(QString::fromStdString(saved.error().message));
    setBusy(false, text);
    emit statusMessage(text);
    refreshHistory();
}

}  // namespace kc::app
