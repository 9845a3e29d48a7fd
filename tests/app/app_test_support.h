// What the GUI tests share: an AppContext on a scratch data folder and settings file, with the course files from
// the source tree, and a wait that keeps the event loop turning.
#pragma once

#include <QString>
#include <functional>
#include <memory>

#include "app/app_context.h"
#include "tests/support/temp_dir.h"

namespace kc::testing {

struct AppTestContext {
    TempDir dir;
    std::unique_ptr<app::AppContext> context;
};

// A context whose settings file and data folder are inside a fresh TempDir; `dataRoot` empty: the source tree.
std::unique_ptr<AppTestContext> makeAppTestContext(const QString& dataRoot = {});

// Processes events until `done` is true or `ms` pass; returns `done()`.
bool waitUntil(const std::function<bool()>& done, int ms = 10000);

}  // namespace kc::testing
