// Everything a page needs from outside itself, made once at start-up (or by a test, with fakes): settings,
// progress.db, the worker pool, where the course's files are, and the seams to processes and the clock.
#pragma once

#include <QString>
#include <memory>
#include <string>

#include "app/app_settings.h"
#include "app/background_work.h"
#include "app/progress_store.h"
#include "clusters/clock.h"
#include "clusters/host_probes.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc::app {

struct AppContext {
    QString settingsFile;
    AppSettings settings;
    // The folder holding labs/, lecture-notes/, quiz/bank/ and clusters/profiles/ (a source tree or an install).
    std::string dataRoot;
    std::unique_ptr<ProgressStore> progress;
    // kind, docker, kubectl, helm, nvidia-smi are run through this; tests put fake executables on PATH or a fake.
    std::shared_ptr<ProcessRunner> processes;
    std::shared_ptr<Clock> clock;
    std::unique_ptr<BackgroundWork> work;
    // What the Cluster page's preflight reads from the host (/proc, free disk, free ports); tests describe a host.
    std::shared_ptr<HostProbes> hostProbes;

    std::string progressDbPath() const;
};

struct ContextOptions {
    QString settingsFile;  // empty: defaultSettingsFile()
    QString dataRoot;      // empty: the first of dataRootCandidates() that has labs/ and lecture-notes/
};

// Loads the settings, finds the course data and opens progress.db in the data folder. An error says what could
// not be found or opened, and where it looked.
Result<std::unique_ptr<AppContext>> makeAppContext(const ContextOptions& options);

}  // namespace kc::app
