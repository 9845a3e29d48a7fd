// Settings validation: the same rules the Submit page and the grader's roster rely on.
#include "app/settings_validation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace kc::app {
namespace {

QString checkExecutable(const QString& path) {
    if (path.isEmpty()) return {};
    QFileInfo info(path);
    if (!info.isAbsolute()) return QStringLiteral("Give the full path (starting with /), or leave it empty to use PATH.");
    if (!info.exists()) return QStringLiteral("No file at this path.");
    if (!info.isFile()) return QStringLiteral("This is a folder; choose the program inside it.");
    if (!info.isExecutable()) return QStringLiteral("This file is not executable (chmod +x it, or choose the program).");
    return {};
}

QString checkRemote(const QString& url) {
    if (url.isEmpty()) return {};
    if (url.contains(QRegularExpression(QStringLiteral("\\s"))))
        return QStringLiteral("A remote URL has no spaces or line breaks.");
    static const QRegularExpression scp(QStringLiteral("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*$"));
    if (scp.match(url).hasMatch()) return {};  // git@host:course/repo.git
    if (url.startsWith(QLatin1Char('/'))) return {};  // a local path (a shared folder)
    QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() || !(scheme == QLatin1String("https") || scheme == QLatin1String("http") ||
                               scheme == QLatin1String("ssh") || scheme == QLatin1String("file")))
        return QStringLiteral("Use an https://, ssh://, git@host:path or file:// URL, or a local path.");
    if (scheme != QLatin1String("file") && parsed.host().isEmpty()) return QStringLiteral("The URL has no host.");
    if (!parsed.password().isEmpty())
        return QStringLiteral("Do not put a password or token in the URL: it would be stored in plain text. Set "
                              "KUBECLASS_GIT_TOKEN or use your git credential helper instead.");
    return {};
}

}  // namespace

QMap<SettingsField, QString> validateSettings(const AppSettings& settings) {
    QMap<SettingsField, QString> problems;
    auto add = [&](SettingsField field, const QString& message) {
        if (!message.isEmpty()) problems.insert(field, message);
    };
    // git refuses these characters in an author; a name is a line of text.
    if (settings.studentName.size() > 100) add(SettingsField::StudentName, QStringLiteral("At most 100 characters."));
    else if (settings.studentName.contains(QRegularExpression(QStringLiteral("[<>\\n\\r\\t]"))))
        add(SettingsField::StudentName, QStringLiteral("A name cannot contain <, > or line breaks."));
    // The roster's rule (grader/roster.h): the id names a folder on the grading machine.
    static const QRegularExpression id(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$"));
    if (!settings.studentId.isEmpty() && !id.match(settings.studentId).hasMatch())
        add(SettingsField::StudentId, QStringLiteral("Use 1 to 64 letters, digits, '.', '_' or '-', not starting with "
                                                     "'.' or '-' (as on your course roster)."));
    add(SettingsField::RemoteUrl, checkRemote(settings.remoteUrl));
    if (!settings.dataDir.isEmpty()) {
        QFileInfo info(settings.dataDir);
        if (!info.isAbsolute()) add(SettingsField::DataDir, QStringLiteral("Give the full path (starting with /)."));
        else if (info.exists() && !info.isDir()) add(SettingsField::DataDir, QStringLiteral("This is a file, not a folder."));
        else if (info.exists() && !info.isWritable())
            add(SettingsField::DataDir, QStringLiteral("This folder is not writable by you."));
    }
    if (!settings.kubeconfigPath.isEmpty()) {
        QFileInfo info(settings.kubeconfigPath);
        if (!info.isAbsolute()) add(SettingsField::KubeconfigPath, QStringLiteral("Give the full path (starting with /)."));
        else if (info.exists() && !info.isFile())
            add(SettingsField::KubeconfigPath, QStringLiteral("This is a folder; choose the kubeconfig file."));
        else if (!info.exists() && !QFileInfo(info.absolutePath()).isDir())
            add(SettingsField::KubeconfigPath, QStringLiteral("Neither the file nor its folder exists."));
    }
    add(SettingsField::KindPath, checkExecutable(settings.kindPath));
    add(SettingsField::KubectlPath, checkExecutable(settings.kubectlPath));
    add(SettingsField::DockerPath, checkExecutable(settings.dockerPath));
    add(SettingsField::HelmPath, checkExecutable(settings.helmPath));
    return problems;
}

}  // namespace kc::app
