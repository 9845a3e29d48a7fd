// The Settings page: a form over AppSettings with inline validation and background tool version probes.
#include "app/pages/settings_page.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

#include "app/app_context.h"

namespace kc::app {
namespace {

enum Browse { NoBrowse = 0, BrowseProgram, BrowseFolder, BrowseFile };

struct ToolField {
    Tool tool;
    SettingsField field;
    const char* objectName;
};

const ToolField kToolFields[] = {
    {Tool::Kind, SettingsField::KindPath, "kindPath"},
    {Tool::Kubectl, SettingsField::KubectlPath, "kubectlPath"},
    {Tool::Docker, SettingsField::DockerPath, "dockerPath"},
    {Tool::Helm, SettingsField::HelmPath, "helmPath"},
};

struct VersionOutcome {
    int generation = 0;
    ToolVersion version;
};

QGroupBox* group(const QString& title, QWidget* parent, QGridLayout** grid) {
    auto* box = new QGroupBox(title, parent);
    *grid = new QGridLayout(box);
    (*grid)->setColumnStretch(1, 1);
    (*grid)->setHorizontalSpacing(10);
    (*grid)->setVerticalSpacing(4);
    return box;
}

}  // namespace

SettingsPage::SettingsPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    auto* page = new QVBoxLayout(content);
    page->setContentsMargins(24, 20, 24, 16);
    page->setSpacing(12);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    auto* heading = new QLabel(tr("Settings"), content);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    page->addWidget(heading);

    auto* columns = new QHBoxLayout;
    columns->setSpacing(12);
    auto* left = new QVBoxLayout;
    QGridLayout* grid = nullptr;
    auto* you = group(tr("You"), content, &grid);
    addField(you, grid, SettingsField::StudentName, QStringLiteral("studentName"), tr("&Name:"),
             tr("As your instructor knows you"), NoBrowse);
    addField(you, grid, SettingsField::StudentId, QStringLiteral("studentId"), tr("Student &id:"),
             tr("As on the course roster, e.g. s1234567"), NoBrowse);
    left->addWidget(you);

    auto* remote = group(tr("Course remote"), content, &grid);
    addField(remote, grid, SettingsField::RemoteUrl, QStringLiteral("remoteUrl"), tr("&Remote URL:"),
             tr("https://git.example.edu/course/you.git or git@host:course/you.git"), NoBrowse);
    auto* remoteHelp = new QLabel(tr("The Submit page pushes each lab to a branch named after it. Credentials come from "
                                     "KUBECLASS_GIT_TOKEN (or GIT_TOKEN), your git credential helper, or the "
                                     "ssh-agent; they are never stored here."),
                                  remote);
    remoteHelp->setWordWrap(true);
    remoteHelp->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(remoteHelp, grid->rowCount(), 1, 1, 2);
    left->addWidget(remote);

    auto* storage = group(tr("Storage and cluster access"), content, &grid);
    addField(storage, grid, SettingsField::DataDir, QStringLiteral("dataDir"), tr("&Data folder:"),
             defaultDataDir() + tr(" (default)"), BrowseFolder);
    addField(storage, grid, SettingsField::KubeconfigPath, QStringLiteral("kubeconfigPath"), tr("&Kubeconfig:"),
             tr("$KUBECONFIG, else ~/.kube/config (default)"), BrowseFile);
    auto* storageHelp = new QLabel(tr("The data folder holds progress.db (your progress and quiz answers) and "
                                      "submissions/ (the repositories the Submit page pushes from). A new folder is "
                                      "used after a restart."),
                                   storage);
    storageHelp->setWordWrap(true);
    storageHelp->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(storageHelp, grid->rowCount(), 1, 1, 2);
    left->addWidget(storage);
    left->addStretch(1);
    columns->addLayout(left, 1);

    auto* tools = group(tr("Tools"), content, &grid);
    auto* toolsHelp = new QLabel(tr("Leave a path empty to use the program found on PATH. The version shown is what "
                                    "the program answers now."),
                                 tools);
    toolsHelp->setWordWrap(true);
    toolsHelp->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(toolsHelp, 0, 0, 1, 3);
    for (const auto& tool : kToolFields) {
        const QString name = QString::fromLatin1(toolName(tool.tool));
        addField(tools, grid, tool.field, QString::fromLatin1(tool.objectName), QStringLiteral("%1:").arg(name),
                 tr("%1 on PATH").arg(name), BrowseProgram);
        auto* version = new QLabel(tools);
        version->setObjectName(name + QStringLiteral("Version"));
        version->setWordWrap(true);
        version->setTextInteractionFlags(Qt::TextSelectableByMouse);
        version->setAccessibleName(tr("%1 version").arg(name));
        grid->addWidget(version, grid->rowCount(), 1, 1, 2);
        versions_.insert(tool.tool, version);
        connect(fields_[tool.field].edit, &QLineEdit::editingFinished, this, [this, t = tool.tool] { detectVersion(t); });
    }
    auto* toolsColumn = new QVBoxLayout;
    toolsColumn->addWidget(tools);
    toolsColumn->addStretch(1);
    columns->addLayout(toolsColumn, 1);
    page->addLayout(columns, 1);

    auto* actions = new QHBoxLayout;
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("settingsStatus"));
    status_->setWordWrap(true);
    status_->setAccessibleName(tr("Settings status"));
    revert_ = new QPushButton(tr("Re&vert"), this);
    revert_->setToolTip(tr("Show the saved settings again"));
    save_ = new QPushButton(tr("&Save"), this);
    save_->setObjectName(QStringLiteral("save"));
    save_->setDefault(true);
    save_->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    actions->setContentsMargins(24, 8, 24, 16);
    actions->addWidget(status_, 1);
    actions->addWidget(revert_);
    actions->addWidget(save_);
    outer->addLayout(actions);

    connect(save_, &QPushButton::clicked, this, [this] { save(); });
    connect(revert_, &QPushButton::clicked, this, [this] {
        loadForm();
        status_->setText(tr("Showing the saved settings."));
    });
    loadForm();
}

SettingsPage::~SettingsPage() {
    // Deleting the children moves focus, and a field losing focus would validate a half-destroyed form.
    for (const auto& field : fields_) field.edit->disconnect(this);
}

QLineEdit* SettingsPage::addField(QWidget* box, QGridLayout* grid, SettingsField field, const QString& objectName,
                                  const QString& label, const QString& placeholder, int browse) {
    const int row = grid->rowCount();
    auto* edit = new QLineEdit(box);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    auto* caption = new QLabel(label, box);
    caption->setBuddy(edit);
    QString plain = label;
    plain.remove(QLatin1Char('&')).remove(QLatin1Char(':'));
    edit->setAccessibleName(plain);
    grid->addWidget(caption, row, 0);
    grid->addWidget(edit, row, 1, 1, browse == NoBrowse ? 2 : 1);
    if (browse != NoBrowse) {
        auto* button = new QPushButton(tr("Browse…"), box);
        button->setAccessibleName(tr("Browse for %1").arg(plain));
        grid->addWidget(button, row, 2);
        connect(button, &QPushButton::clicked, this, [this, edit, browse, plain] {
            QString start = edit->text().isEmpty() ? QDir::homePath() : QFileInfo(edit->text()).absolutePath();
            QString chosen = browse == BrowseFolder
                                 ? QFileDialog::getExistingDirectory(this, tr("Choose the %1").arg(plain.toLower()), start)
                                 : QFileDialog::getOpenFileName(this, tr("Choose %1").arg(plain), start);
            if (chosen.isEmpty()) return;
            edit->setText(chosen);
            emit edit->editingFinished();
        });
    }
    auto* message = new QLabel(box);
    message->setObjectName(objectName + QStringLiteral("Message"));
    message->setWordWrap(true);
    // The warning accent reads on light and dark palettes; the message also starts with a sign, not colour alone.
    message->setStyleSheet(QStringLiteral("color: #d9534f;"));
    message->hide();
    grid->addWidget(message, row + 1, 1, 1, 2);
    fields_.insert(field, FieldWidgets{edit, message});
    connect(edit, &QLineEdit::textEdited, this, [this] { markDirty(); });
    connect(edit, &QLineEdit::editingFinished, this, [this] { showMessages(validateSettings(formSettings())); });
    return edit;
}

void SettingsPage::activated() {
    if (!dirty_) loadForm();
    detectAllVersions();
}

void SettingsPage::loadForm() {
    const AppSettings& settings = context().settings;
    const QMap<SettingsField, QString> values{
        {SettingsField::StudentName, settings.studentName}, {SettingsField::StudentId, settings.studentId},
        {SettingsField::RemoteUrl, settings.remoteUrl},     {SettingsField::DataDir, settings.dataDir},
        {SettingsField::KubeconfigPath, settings.kubeconfigPath}, {SettingsField::KindPath, settings.kindPath},
        {SettingsField::KubectlPath, settings.kubectlPath}, {SettingsField::DockerPath, settings.dockerPath},
        {SettingsField::HelmPath, settings.helmPath}};
    for (auto it = values.begin(); it != values.end(); ++it) fields_[it.key()].edit->setText(it.value());
    showMessages({});
    dirty_ = false;
}

AppSettings SettingsPage::formSettings() const {
    auto text = [this](SettingsField field) { return fields_[field].edit->text().trimmed(); };
    AppSettings settings;
    settings.studentName = text(SettingsField::StudentName);
    settings.studentId = text(SettingsField::StudentId);
    settings.remoteUrl = text(SettingsField::RemoteUrl);
    settings.dataDir = text(SettingsField::DataDir);
    settings.kubeconfigPath = text(SettingsField::KubeconfigPath);
    settings.kindPath = text(SettingsField::KindPath);
    settings.kubectlPath = text(SettingsField::KubectlPath);
    settings.dockerPath = text(SettingsField::DockerPath);
    settings.helmPath = text(SettingsField::HelmPath);
    return settings;
}

void SettingsPage::showMessages(const QMap<SettingsField, QString>& problems) {
    for (auto it = fields_.begin(); it != fields_.end(); ++it) {
        const QString problem = problems.value(it.key());
        it->message->setText(problem.isEmpty() ? QString() : QStringLiteral("⚠ ") + problem);
        it->message->setVisible(!problem.isEmpty());
        it->edit->setAccessibleDescription(problem);
    }
}

void SettingsPage::markDirty() {
    dirty_ = true;
    status_->setText(tr("Unsaved changes."));
}

bool SettingsPage::save() {
    const AppSettings settings = formSettings();
    const auto problems = validateSettings(settings);
    showMessages(problems);
    if (!problems.isEmpty()) {
        status_->setText(problems.size() == 1 ? tr("Nothing was saved: fix the field marked above.")
                                               : tr("Nothing was saved: fix the %1 fields marked above.").arg(problems.size()));
        fields_[problems.firstKey()].edit->setFocus();
        return false;
    }
    QString error;
    if (!saveSettings(context().settingsFile, settings, &error)) {
        status_->setText(tr("Nothing was saved: %1. Check that the folder is writable.").arg(error));
        return false;
    }
    const bool dataDirChanged = effectiveDataDir(settings) != effectiveDataDir(context().settings);
    context().settings = settings;
    dirty_ = false;
    QString text = tr("Saved to %1.").arg(context().settingsFile);
    if (dataDirChanged)
        text += tr(" The new data folder is used after you restart kubeclass; your progress stays in the old folder "
                   "until you copy progress.db (and submissions/) there.");
    status_->setText(text);
    emit statusMessage(text);
    detectAllVersions();
    return true;
}

void SettingsPage::detectAllVersions() {
    for (const auto& tool : kToolFields) detectVersion(tool.tool);
}

void SettingsPage::detectVersion(Tool tool) {
    SettingsField field{};
    for (const auto& entry : kToolFields)
        if (entry.tool == tool) field = entry.field;
    const QString path = fields_[field].edit->text().trimmed();
    QLabel* label = versions_[tool];
    if (!validateSettings([&] {
             AppSettings only;
             only.kindPath = field == SettingsField::KindPath ? path : QString();
             only.kubectlPath = field == SettingsField::KubectlPath ? path : QString();
             only.dockerPath = field == SettingsField::DockerPath ? path : QString();
             only.helmPath = field == SettingsField::HelmPath ? path : QString();
             return only;
         }()).isEmpty()) {
        label->setText(tr("Not checked: fix the path first."));
        return;
    }
    const int generation = ++versionGeneration_[tool];
    label->setText(tr("Checking…"));
    auto runner = context().processes;
    const std::string configured = path.toStdString();
    context().work->run<VersionOutcome>(
        this,
        [runner, tool, configured, generation](const Cancellation&) {
            return VersionOutcome{generation, detectToolVersion(*runner, tool, configured)};
        },
        [this, tool](VersionOutcome outcome) {
            if (outcome.generation != versionGeneration_[tool]) return;  // the path changed meanwhile
            const QString text = QString::fromStdString(outcome.version.text);
            versions_[tool]->setText(outcome.version.found ? tr("✓ Detected %1").arg(text) : tr("✗ %1").arg(text));
        });
}

}  // namespace kc::app
