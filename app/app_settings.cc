// Settings file handling with QSettings in INI format.
#include "app/app_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace kc::app {

namespace {

QString xdgHome(const char* variable, const QString& fallbackUnderHome) {
    QString set = qEnvironmentVariable(variable);
    if (!set.isEmpty() && QDir::isAbsolutePath(set)) return set;
    return QDir::homePath() + QLatin1Char('/') + fallbackUnderHome;
}

struct Key {
    const char* name;
    QString AppSettings::*field;
};

const Key kKeys[] = {
    {"student/name", &AppSettings::studentName},   {"student/id", &AppSettings::studentId},
    {"submit/remote", &AppSettings::remoteUrl},    {"data/dir", &AppSettings::dataDir},
    {"cluster/kubeconfig", &AppSettings::kubeconfigPath}, {"tools/kind", &AppSettings::kindPath},
    {"tools/kubectl", &AppSettings::kubectlPath},  {"tools/docker", &AppSettings::dockerPath},
    {"tools/helm", &AppSettings::helmPath},
};

}  // namespace

QString defaultSettingsFile() {
    QString explicitFile = qEnvironmentVariable("KUBECLASS_CONFIG");
    if (!explicitFile.isEmpty()) return explicitFile;
    return xdgHome("XDG_CONFIG_HOME", QStringLiteral(".config")) + QStringLiteral("/kubeclass/kubeclass.ini");
}

QString defaultDataDir() { return xdgHome("XDG_DATA_HOME", QStringLiteral(".local/share")) + QStringLiteral("/kubeclass"); }

AppSettings loadSettings(const QString& file) {
    QSettings ini(file, QSettings::IniFormat);
    AppSettings settings;
    for (const auto& key : kKeys) settings.*key.field = ini.value(QLatin1String(key.name)).toString();
    return settings;
}

bool saveSettings(const QString& file, const AppSettings& settings, QString* error) {
    QDir().mkpath(QFileInfo(file).absolutePath());
    QSettings ini(file, QSettings::IniFormat);
    for (const auto& key : kKeys) {
        const QString& value = settings.*key.field;
        if (value.isEmpty()) ini.remove(QLatin1String(key.name));
        else ini.setValue(QLatin1String(key.name), value);
    }
    ini.sync();
    if (ini.status() != QSettings::NoError) {
        if (error) *error = QStringLiteral("could not write the settings file %1").arg(file);
        return false;
    }
    return true;
}

QString effectiveDataDir(const AppSettings& settings) {
    return settings.dataDir.isEmpty() ? defaultDataDir() : settings.dataDir;
}

}  // namespace kc::app
