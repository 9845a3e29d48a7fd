// Start-up wiring of the app's services.
#include "app/app_context.h"

#include <QDir>
#include <filesystem>

#include "clusters/data_roots.h"

namespace kc::app {

namespace fs = std::filesystem;

std::string AppContext::progressDbPath() const { return progress ? progress->path() : std::string(); }

Result<std::unique_ptr<AppContext>> makeAppContext(const ContextOptions& options) {
    auto context = std::make_unique<AppContext>();
    context->settingsFile = options.settingsFile.isEmpty() ? defaultSettingsFile() : options.settingsFile;
    context->settings = loadSettings(context->settingsFile);

    if (!options.dataRoot.isEmpty()) {
        context->dataRoot = options.dataRoot.toStdString();
    } else {
        std::string looked;
        for (const auto& candidate : dataRootCandidates()) {
            std::error_code ec;
            if (fs::is_directory(fs::path(candidate) / "labs", ec) &&
                fs::is_directory(fs::path(candidate) / "lecture-notes", ec)) {
                context->dataRoot = candidate;
                break;
            }
            looked += (looked.empty() ? "" : ", ") + candidate;
        }
        if (context->dataRoot.empty())
            return fail(ErrorKind::NotFound, "the course files (labs/, lecture-notes/) were not found; looked in " +
                                                 looked + "; set KUBECLASS_DATA_DIR to the folder that holds them");
    }

    QString dataDir = effectiveDataDir(context->settings);
    if (!QDir().mkpath(dataDir))
        return fail(ErrorKind::Invalid, "cannot create the data folder " + dataDir.toStdString() +
                                            "; choose another one in Settings or set XDG_DATA_HOME");
    auto progress = ProgressStore::open((dataDir + QStringLiteral("/progress.db")).toStdString());
    if (!progress) return fail(progress.error());
    context->progress = std::move(*progress);
    context->processes = posixProcessRunner();
    context->clock = systemClock();
    context->work = std::make_unique<BackgroundWork>();
    context->hostProbes = systemHostProbes();
    return context;
}

}  // namespace kc::app
