// The Settings page: who the student is, the course remote, the data folder and kubeconfig, and which kind, kubectl,
// docker and helm to run (with the version each answers, detected in the background). Every field is checked as
// typed and on Save; nothing is saved while a message is left. Saving writes the INI file and the app's settings.
#pragma once

#include <QMap>

#include "app/page.h"
#include "app/settings_validation.h"
#include "app/settings_tool_versions.h"

class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kc::app {

class SettingsPage : public Page {
    Q_OBJECT
public:
    explicit SettingsPage(AppContext& context, QWidget* parent = nullptr);
    ~SettingsPage() override;
    QString pageId() const override { return QStringLiteral("settings"); }
    QString title() const override { return tr("Settings"); }
    void activated() override;

    // Save's work; false (and messages under the fields) when something is invalid or the file cannot be written.
    bool save();

private:
    struct FieldWidgets {
        QLineEdit* edit = nullptr;
        QLabel* message = nullptr;
    };

    QLineEdit* addField(QWidget* box, QGridLayout* grid, SettingsField field, const QString& objectName,
                        const QString& label, const QString& placeholder, int browse);
    void loadForm();
    AppSettings formSettings() const;
    void showMessages(const QMap<SettingsField, QString>& problems);
    void detectVersion(Tool tool);
    void detectAllVersions();
    void markDirty();

    QMap<SettingsField, FieldWidgets> fields_;
    QMap<Tool, QLabel*> versions_;
    QMap<Tool, int> versionGeneration_;
    QLabel* status_ = nullptr;
    QPushButton* save_ = nullptr;
    QPushButton* revert_ = nullptr;
    bool dirty_ = false;
};

}  // namespace kc::app
