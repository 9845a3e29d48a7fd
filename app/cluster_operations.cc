// The Cluster page's work, on top of ClusterLifecycle with an observing runner for kind's stages and output.
#include "app/cluster_operations.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "app/cluster_observed_runner.h"
#include "clusters/profile_loader.h"

namespace fs = std::filesystem;

namespace kc::app {

std::vector<ProfileEntry> loadProfiles(const std::string& dataRoot) {
    std::vector<ProfileEntry> entries;
    std::error_code ec;
    fs::path folder = fs::path(dataRoot) / "clusters" / "profiles";
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".yaml" || !it->is_regular_file(ec)) continue;
        ProfileEntry entry;
        entry.id = it->path().stem().string();
        entry.path = it->path().string();
        auto loaded = loadProfileFile(entry.path);
        if (loaded) entry.profile = std::move(*loaded);
        else entry.error = loaded.error().message;
        entries.push_back(std::move(entry));
    }
    std::sort(entries.begin(), entries.end(), [](const ProfileEntry& a, const ProfileEntry& b) { return a.id < b.id; });
    return entries;
}

std::string profileGpuMode(const Profile& profile) {
    bool real = profile.usesRealGpus(), simulated = profile.usesSimulatedGpus();
    if (real && simulated) return "mixed";
    if (real) return "real";
    if (simulated) return "simulated";
    return "none";
}

int profileNodeCount(const Profile& profile) {
    size_t count = 0;
    for (const auto& c : profile.clusters) count += c.nodes.size();
    return static_cast<int>(count);
}

bool ClusterSnapshot::anyExists() const {
    return std::any_of(clusters.begin(), clusters.end(), [](const ClusterStatusResult& c) { return c.exists; });
}

ClusterOperations::ClusterOperations(ClusterServices services) : services_(std::move(services)) {
    if (!services_.runner) services_.runner = posixProcessRunner();
    if (!services_.clock) services_.clock = systemClock();
}

LifecycleOptions ClusterOperations::options(std::shared_ptr<Cancellation> cancel, const UpdateSink* sink) const {
    LifecycleOptions o;
    const auto& t = services_.tools;
    if (!t.kind.empty()) o.preflight.tools.kind = t.kind;
    if (!t.docker.empty()) o.preflight.tools.docker = t.docker;
    if (!t.kubectl.empty()) o.preflight.kubectl = t.kubectl;
    if (!t.helm.empty()) o.preflight.helm = t.helm;
    if (!t.nvidiaSmi.empty()) o.preflight.nvidiaSmi = t.nvidiaSmi;
    o.kubeconfigPath = t.kubeconfigPath;
    o.cancel = cancel ? std::move(cancel) : std::make_shared<Cancellation>();
    o.clock = services_.clock;
    o.connect = services_.connect;
    if (sink && *sink) {
        UpdateSink copy = *sink;
        o.onProgress = [copy](const LifecycleEvent& e) {
            OperationUpdate u;
            u.type = OperationUpdate::Type::Step;
            u.cluster = e.cluster;
            u.step = e;
            copy(u);
        };
    }
    return o;
}

namespace {

std::string argValue(const std::vector<std::string>& args, const std::string& flag) {
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == flag) return args[i + 1];
    return "";
}

bool isKindCreate(const ProcessSpec& spec) {
    return spec.args.size() >= 2 && spec.args[0] == "create" && spec.args[1] == "cluster";
}

std::string commandLine(const ProcessSpec& spec) {
    std::string line = "$ " + fs::path(spec.program).filename().string();
    for (const auto& a : spec.args) line += " " + a;
    return line;
}

// kind's stage lines of the create that is running, turned into stage events with the library's tracker.
struct KindWatch {
    std::mutex mutex;
    std::unique_ptr<KindProgressTracker> tracker;
};

}  // namespace

std::shared_ptr<ProcessRunner> ClusterOperations::observedRunner(const UpdateSink& sink) const {
    auto watch = std::make_shared<KindWatch>();
    auto clock = services_.clock;
    ProcessObserver observer;
    observer.onStart = [sink, watch, clock](const ProcessSpec& spec) {
        sink({OperationUpdate::Type::Log, "", commandLine(spec), {}, {}});
        if (!isKindCreate(spec)) return;
        std::string cluster = argValue(spec.args, "--name");
        std::lock_guard lock(watch->mutex);
        watch->tracker = std::make_unique<KindProgressTracker>(clock, [sink, cluster](const KindProgressEvent& e) {
            OperationUpdate u;
            u.type = OperationUpdate::Type::KindStage;
            u.cluster = cluster;
            u.kind = e;
            sink(u);
        });
    };
    observer.onLine = [sink, watch](const ProcessSpec& spec, std::string_view line) {
        sink({OperationUpdate::Type::Log, "", std::string(line), {}, {}});
        if (!isKindCreate(spec)) return;
        std::lock_guard lock(watch->mutex);
        if (watch->tracker) watch->tracker->onLine(line);
    };
    observer.onEnd = [watch](const ProcessSpec& spec, const Result<ProcessResult>& result) {
        if (!isKindCreate(spec)) return;
        std::lock_guard lock(watch->mutex);
        if (watch->tracker && result && result->exitCode == 0) watch->tracker->finishSucceeded();
        watch->tracker.reset();
    };
    return std::make_shared<ObservedProcessRunner>(services_.runner, std::move(observer));
}

PreflightReport ClusterOperations::preflight(const Profile& profile) const {
    ClusterLifecycle lifecycle(services_.runner, services_.probes, options(nullptr, nullptr));
    return lifecycle.preflight(profile);
}

Result<UpReport> ClusterOperations::create(const Profile& profile, std::shared_ptr<Cancellation> cancel,
                                           const UpdateSink& sink) const {
    ClusterLifecycle lifecycle(observedRunner(sink), services_.probes, options(std::move(cancel), &sink));
    return lifecycle.up(profile);
}

Result<std::vector<ClusterDownResult>> ClusterOperations::remove(const Profile& profile, const UpdateSink& sink) const {
    ClusterLifecycle lifecycle(observedRunner(sink), services_.probes, options(nullptr, &sink));
    return lifecycle.down(profile);
}

Result<ClusterSnapshot> ClusterOperations::inspect(const Profile& profile) const {
    auto o = options(nullptr, nullptr);
    ClusterLifecycle lifecycle(services_.runner, services_.probes, o);
    auto status = lifecycle.status(profile);
    if (!status) return fail(status.error());
    ClusterSnapshot snapshot;
    snapshot.clusters = *status;
    for (const auto& cluster : snapshot.clusters) {
        if (!cluster.exists || !cluster.error.empty()) continue;
        auto connect = services_.connect ? services_.connect : [](const std::string& file) {
            ConnectOptions c;
            c.kubeconfigPath = file;
            return connectToCluster(c);
        };
        auto connection = connect(cluster.kubeconfigFile);
        if (!connection) {
            snapshot.problems.push_back(cluster.name + ": " + connection.error().message);
            continue;
        }
        ListOptions list;
        list.fieldSelector = "type=Warning";
        list.maxItems = 2000;
        auto events = connection->client->list({"v1", "Event", "", ""}, list);
        if (!events) {
            snapshot.problems.push_back(cluster.name + ": reading events: " + events.error().message);
            continue;
        }
        for (const auto& item : events->items) snapshot.warnings.push_back({cluster.name, clusterEventFromObject(item)});
    }
    std::stable_sort(snapshot.warnings.begin(), snapshot.warnings.end(),
                     [](const WarningEvent& a, const WarningEvent& b) {
                         // RFC 3339 to the second: the two event APIs write fractions of different widths.
                         return a.event.time.substr(0, 19) > b.event.time.substr(0, 19);
                     });
    if (snapshot.warnings.size() > kMaxWarnings) snapshot.warnings.resize(kMaxWarnings);
    return snapshot;
}

}  // namespace kc::app
