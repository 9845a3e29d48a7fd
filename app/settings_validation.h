// Checks of what the student typed on the Settings page, one message per field, so the page can show each message
// under its field and refuse to save while any is left.
#pragma once

#include <QMap>
#include <QString>

#include "app/app_settings.h"

namespace kc::app {

enum class SettingsField { StudentName, StudentId, RemoteUrl, DataDir, KubeconfigPath, KindPath, KubectlPath, DockerPath, HelmPath };

// Field → what is wrong with it and what to do. Empty: the settings may be saved. Empty fields are allowed (each
// has a default) except where noted in the message.
QMap<SettingsField, QString> validateSettings(const AppSettings& settings);

}  // namespace kc::app
