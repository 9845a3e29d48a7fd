// Scratch app contexts for the GUI tests.
#include "app_test_support.h"

#include <QTest>

namespace kc::testing {

std::unique_ptr<AppTestContext> makeAppTestContext(const QString& dataRoot) {
    auto test = std::make_unique<AppTestContext>();
    QString base = QString::fromStdString(test->dir.path());
    QString settingsFile = base + QStringLiteral("/config/kubeclass.ini");
    app::AppSettings settings;
    settings.dataDir = base + QStringLiteral("/data");
    QString error;
    if (!app::saveSettings(settingsFile, settings, &error)) return nullptr;
    auto context = app::makeAppContext(
        {.settingsFile = settingsFile, .dataRoot = dataRoot.isEmpty() ? QStringLiteral(KUBECLASS_SOURCE_DIR) : dataRoot});
    if (!context) return nullptr;
    test->context = std::move(*context);
    return test;
}

bool waitUntil(const std::function<bool()>& done, int ms) { return QTest::qWaitFor(done, ms); }

}  // namespace kc::testing
