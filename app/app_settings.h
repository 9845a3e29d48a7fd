// What the student sets on the Settings page: who they are, where the course remote is, which tools to run and
// where the app keeps its data. Kept in an INI file in the XDG config dir, outside the data folder it names.
#pragma once

#include <QString>

namespace kc::app {

struct AppSettings {
    QString studentName;
    QString studentId;
    QString remoteUrl;       // the course remote the Submit page pushes to
    QString dataDir;         // progress.db and the Submit page's local repo; empty: the XDG data dir
    QString kubeconfigPath;  // empty: kubeclass's own (defaultClusterKubeconfigPath() in clusters/cluster_lifecycle.h)
    QString kindPath;        // empty: found on PATH
    QString kubectlPath;
    QString dockerPath;
    QString helmPath;
};

// $XDG_CONFIG_HOME/kubeclass/kubeclass.ini (or ~/.config/...), unless KUBECLASS_CONFIG names a file.
QString defaultSettingsFile();
// $XDG_DATA_HOME/kubeclass (or ~/.local/share/kubeclass).
QString defaultDataDir();

AppSettings loadSettings(const QString& file);
// Writes atomically (QSaveFile under QSettings' own locking); false with a reason when the file cannot be written.
bool saveSettings(const QString& file, const AppSettings& settings, QString* error);

// The data folder in effect: the setting, else the default.
QString effectiveDataDir(const AppSettings& settings);

}  // namespace kc::app
