// Orchestration of a profile's clusters. Each step reports progress and, on failure, an error that names the
// cluster and the step, so a student knows what broke and what is left to clean up (`cluster down`).
#include "clusters/cluster_lifecycle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "clusters/bounded_file.h"
#include "clusters/gpu_simulator.h"
#include "clusters/kind_config.h"
#include "clusters/real_gpu_setup.h"

namespace fs = std::filesystem;

namespace kc {

std::string defaultClusterKubeconfigPath() {
    const char* state = std::getenv("XDG_STATE_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = state && *state ? fs::path(state) : fs::path(home && *home ? home : "/tmp") / ".local" / "state";
    return (base / "kubeclass" / "kubeconfig").string();
}

namespace {

std::chrono::milliseconds since(const std::shared_ptr<Clock>& clock, std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock->monotonicNow() - start);
}

// Created with mode 0600 from the start: a kubeconfig holds the cluster's admin key.
Status writePrivateFile(const std::string& path, const std::string& content) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    std::string temp = path + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(ErrorKind::Other, "cannot write " + temp + ": " + std::strerror(errno));
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return fail(ErrorKind::Other, "cannot write " + temp + ": " + std::strerror(errno));
        }
        written += static_cast<size_t>(n);
    }
    ::close(fd);
    fs::rename(temp, path, ec);
    if (ec) return fail(ErrorKind::Other, "cannot write " + path + ": " + ec.message());
    return {};
}

bool nodeIsReady(const Json& node) {
    if (!node.contains("status") || !node["status"].contains("conditions") || !node["status"]["conditions"].is_array())
        return false;
    for (const auto& c : node["status"]["conditions"])
        if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
    return false;
}

std::string internalIp(const Json& node) {
    if (!node.contains("status") || !node["status"].contains("addresses") || !node["status"]["addresses"].is_array())
        return "";
    for (const auto& a : node["status"]["addresses"])
        if (a.value("type", "") == "InternalIP" && a.contains("address") && a["address"].is_string()) {
            std::string ip = a["address"].get<std::string>();
            if (ip.find(':') == std::string::npos) return ip;  // the IPv4 address; routes here are IPv4
        }
    return "";
}

std::string gpuModeSummary(const std::vector<NodeStatusRow>& rows) {
    bool simulated = false, real = false;
    for (const auto& r : rows) {
        if (r.gpuMode == "simulated") simulated = true;
        if (r.gpuMode == "real") real = true;
    }
    if (simulated && real) return "mixed";
    if (simulated) return "simulated";
    if (real) return "real";
    return "none";
}

}  // namespace

ClusterLifecycle::ClusterLifecycle(std::shared_ptr<ProcessRunner> runner, std::shared_ptr<HostProbes> probes,
                                   LifecycleOptions options)
    : runner_(runner ? std::move(runner) : posixProcessRunner()),
      probes_(probes ? std::move(probes) : systemHostProbes()), options_(std::move(options)),
      clock_(options_.clock ? options_.clock : systemClock()), kind_(runner_, options_.preflight.tools, clock_) {
    if (options_.kubeconfigPath.empty()) options_.kubeconfigPath = defaultClusterKubeconfigPath();
    if (!options_.connect)
        options_.connect = [](const std::string& file) {
            ConnectOptions connect;
            connect.kubeconfigPath = file;
            return connectToCluster(connect);
        };
}

std::string ClusterLifecycle::clusterKubeconfigFile(const std::string& cluster) const {
    return (fs::path(options_.kubeconfigPath).parent_path() / (cluster + ".kubeconfig")).string();
}

void ClusterLifecycle::progress(const std::string& cluster, const std::string& step, const std::string& message,
                                std::chrono::milliseconds elapsed) {
    if (options_.onProgress) options_.onProgress({cluster, step, message, elapsed});
}

Status ClusterLifecycle::checkCancelled() const {
    if (options_.cancel && options_.cancel->cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    return {};
}

Result<ProcessResult> ClusterLifecycle::runTool(const std::string& program, std::vector<std::string> args,
                                                std::chrono::milliseconds timeout) {
    ProcessSpec spec;
    spec.program = program;
    spec.args = std::move(args);
    spec.extraEnv = options_.preflight.tools.extraEnv;
    spec.timeout = timeout;
    spec.cancel = options_.cancel;
    return runner_->run(spec);
}

PreflightReport ClusterLifecycle::preflight(const Profile& profile) {
    PreflightOptions options = options_.preflight;
    if (auto existing = kind_.listClusters()) options.existingClusters = *existing;
    auto report = runPreflight(profile, options, *runner_, *probes_);
    hostGpus_ = report.gpus;
    return report;
}

Result<UpReport> ClusterLifecycle::up(const Profile& profile) {
    lastUp_ = {};
    UpReport& report = lastUp_;
    if (!options_.skipPreflight) {
        auto start = clock_->monotonicNow();
        progress("", "preflight", "checking the host");
        report.preflight = preflight(profile);
        progress("", "preflight", report.preflight.ok() ? "ok" : "failed", since(clock_, start));
        if (!report.preflight.ok())
            return fail(ErrorKind::Invalid, "preflight failed for profile " + profile.id + ":\n" +
                                                renderPreflightText(report.preflight));
    }
    auto existing = kind_.listClusters();
    if (!existing) return fail(existing.error());
    std::vector<std::unique_ptr<KubeClient>> clients;
    for (const auto& cluster : profile.clusters) {
        if (auto c = checkCancelled(); !c) return fail(c.error());
        ClusterUpResult result;
        result.name = cluster.name;
        std::unique_ptr<KubeClient> client;
        if (auto s = upCluster(profile, cluster, *existing, result, client); !s)
            return fail(s.error().context("cluster " + cluster.name));
        report.clusters.push_back(result);
        clients.push_back(std::move(client));
    }
    if (profile.routePodNetworks) {
        auto routes = addRoutes(profile, clients);
        if (!routes) return fail(routes.error().context("routes between the clusters"));
        report.routes = *routes;
    }
    // Node rows for the summary, read after everything (GPU capacity, labels) is in place.
    for (size_t i = 0; i < clients.size(); ++i)
        if (auto rows = readNodeStatus(*clients[i])) report.clusters[i].nodes = *rows;
    return report;
}

Status ClusterLifecycle::upCluster(const Profile& profile, const ClusterProfile& cluster,
                                   const std::vector<std::string>& existing, ClusterUpResult& result,
                                   std::unique_ptr<KubeClient>& client) {
    (void)profile;
    const std::string& name = cluster.name;
    if (std::find(existing.begin(), existing.end(), name) != existing.end()) {
        // Recreating would throw away the student's work; an existing cluster is reused as it is.
        result.reused = true;
        progress(name, "kind", "cluster " + name + " exists already: reusing it (delete it with `cluster down` to start over)");
    } else {
        auto config = kindConfigWithRealGpus(cluster);
        if (!config) return fail(config.error().context("building the kind config"));
        CreateClusterRequest request;
        request.name = name;
        request.config = *config;
        request.image = cluster.image;
        request.kubeconfigPath = options_.kubeconfigPath;
        request.timeout = options_.createTimeout;
        request.cancel = options_.cancel;
        request.onProgress = [this, &name](const KindProgressEvent& e) {
            if (e.type == KindProgressEvent::Type::Started) progress(name, "kind", std::string(kindStageName(e.stage)) + " ...");
            else
                progress(name, "kind",
                         std::string(e.type == KindProgressEvent::Type::Failed ? "failed: " : "done: ") + kindStageName(e.stage),
                         e.elapsed);
        };
        std::error_code ec;
        fs::create_directories(fs::path(options_.kubeconfigPath).parent_path(), ec);
        if (auto s = kind_.createCluster(request); !s) return s;
    }

    auto connected = connectCluster(name, result.kubeconfigFile);
    if (!connected) return fail(connected.error());
    client = std::move(*connected);

    if (auto s = checkCancelled(); !s) return s;
    if (auto s = waitForNodes(*client, cluster); !s) return s;
    if (auto s = checkCancelled(); !s) return s;
    if (auto s = setUpGpus(*client, cluster, result); !s) return s;
    if (auto s = checkCancelled(); !s) return s;
    if (auto s = runPostCreate(*client, cluster); !s) return s;
    if (auto s = checkCancelled(); !s) return s;
    return installAddons(*client, cluster, result.kubeconfigFile, result);
}

Result<Json> ClusterLifecycle::kindConfigWithRealGpus(const ClusterProfile& cluster) {
    Json config = kindConfigFor(cluster);
    bool real = std::any_of(cluster.gpuNodes.begin(), cluster.gpuNodes.end(),
                            [](const GpuNodeSpec& s) { return s.mode == GpuMode::Real; });
    if (!real) return config;
    if (hostGpus_.empty()) {
        auto gpus = detectGpus(*runner_, options_.preflight.nvidiaSmi);
        if (!gpus) return fail(gpus.error());
        hostGpus_ = *gpus;
    }
    for (const auto& spec : cluster.gpuNodes) {
        if (spec.mode != GpuMode::Real) continue;
        auto entry = kindNodeForRealGpus(spec, hostGpus_);
        if (!entry) return fail(entry.error().context("GPU node " + spec.nodeName));
        const ProfileNode* node = cluster.node(spec.nodeName);
        if (!node || !config.contains("nodes")) return fail(ErrorKind::Invalid, "GPU node " + spec.nodeName + " is not in the kind config");
        Json& target = config["nodes"][static_cast<size_t>(node->index)];
        // The profile's node keeps its own settings (taint patch, labels); the GPU entry adds mounts and labels.
        if (entry->contains("labels") && (*entry)["labels"].is_object())
            for (const auto& [k, v] : (*entry)["labels"].items()) target["labels"][k] = v;
        if (entry->contains("extraMounts") && (*entry)["extraMounts"].is_array())
            for (const auto& m : (*entry)["extraMounts"]) target["extraMounts"].push_back(m);
    }
    return config;
}

Result<std::unique_ptr<KubeClient>> ClusterLifecycle::connectCluster(const std::string& name, std::string& kubeconfigFile) {
    auto start = clock_->monotonicNow();
    auto text = kind_.kubeconfig(name);
    if (!text) return fail(text.error());
    kubeconfigFile = clusterKubeconfigFile(name);
    if (auto s = writePrivateFile(kubeconfigFile, *text); !s) return fail(s.error());
    auto connection = options_.connect(kubeconfigFile);
    if (!connection) return fail(connection.error().context("connecting with " + kubeconfigFile));
    progress(name, "kubeconfig", "connected (" + kubeconfigFile + ")", since(clock_, start));
    return std::move(connection->client);
}

Status ClusterLifecycle::waitForNodes(KubeClient& client, const ClusterProfile& cluster) {
    auto start = clock_->monotonicNow();
    auto deadline = start + options_.nodeReadyTimeout;
    progress(cluster.name, "nodes", "waiting for " + std::to_string(cluster.nodes.size()) + " node(s) to be Ready");
    for (const auto& node : cluster.nodes) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->monotonicNow());
        if (left.count() <= 0) left = std::chrono::milliseconds(1);
        auto ready = client.waitFor({"v1", "Node", "", node.name}, nodeIsReady, left);
        if (!ready) {
            if (ready.error().kind == ErrorKind::Timeout)
                return fail(ErrorKind::Timeout,
                            "node " + node.name + " was not Ready within " +
                                std::to_string(options_.nodeReadyTimeout.count() / 1000) +
                                " s; look at it with: kubectl describe node " + node.name + " --kubeconfig " +
                                clusterKubeconfigFile(cluster.name));
            return fail(ready.error().context("waiting for node " + node.name));
        }
    }
    progress(cluster.name, "nodes", "all nodes Ready", since(clock_, start));
    return {};
}

Status ClusterLifecycle::setUpGpus(KubeClient& client, const ClusterProfile& cluster, ClusterUpResult& result) {
    std::vector<GpuNodeSpec> simulated, real;
    for (const auto& s : cluster.gpuNodes) (s.mode == GpuMode::Simulated ? simulated : real).push_back(s);
    if (!simulated.empty()) {
        auto start = clock_->monotonicNow();
        GpuSimulatorOptions gpuOptions;
        gpuOptions.clock = clock_;
        GpuSimulator simulator(client, simulated, gpuOptions);
        auto report = simulator.reconcileOnce();
        for (const auto& e : report.configErrors) result.notes.push_back("device-plugin config: " + e);
        for (const auto& n : report.nodes) {
            if (n.error) return fail(Error(*n.error).context("simulated GPUs on node " + n.node));
            for (const auto& note : n.notes) result.notes.push_back(n.node + ": " + note);
        }
        progress(cluster.name, "gpu",
                 "simulated GPUs on " + std::to_string(simulated.size()) + " node(s) (labels, taints, nvidia.com/gpu capacity)",
                 since(clock_, start));
    }
    if (!real.empty()) {
        auto start = clock_->monotonicNow();
        if (hostGpus_.empty()) {  // a reused cluster with preflight skipped: nothing has asked nvidia-smi yet
            auto gpus = detectGpus(*runner_, options_.preflight.nvidiaSmi);
            if (!gpus) return fail(gpus.error().context("real GPUs"));
            hostGpus_ = *gpus;
        }
        for (const auto& spec : real) {
            auto steps = realGpuNodeSteps(spec, hostGpus_, options_.preflight.tools.docker);
            if (!steps) return fail(steps.error().context("real GPUs on node " + spec.nodeName));
            if (auto c = checkCancelled(); !c) return c;
            auto ran = runNodeSteps(*runner_, *steps, [&](const NodeStep& step) {
                progress(cluster.name, "gpu", step.node + ": " + step.title);
            });
            if (!ran) return fail(ran.error().context("real GPUs on node " + spec.nodeName));
        }
        DevicePluginInstall install;
        for (const auto& spec : real)
            for (const auto& t : spec.taints)
                if (std::none_of(install.tolerate.begin(), install.tolerate.end(),
                                 [&](const NodeTaint& x) { return x.key == t.key && x.effect == t.effect; }))
                    install.tolerate.push_back(t);
        for (const auto& object : devicePluginObjects(install)) {
            auto applied = client.apply(object);
            if (!applied)
                return fail(applied.error().context("installing the NVIDIA device plugin (" + object.value("kind", "") + ")"));
        }
        result.notes.push_back("NVIDIA device plugin " + install.version + " installed (runtimeClassName nvidia)");
        progress(cluster.name, "gpu", "real GPUs on " + std::to_string(real.size()) + " node(s), device plugin " + install.version,
                 since(clock_, start));
    }
    return {};
}

Status ClusterLifecycle::runPostCreate(KubeClient& client, const ClusterProfile& cluster) {
    for (const auto& step : cluster.postCreate) {
        if (auto c = checkCancelled(); !c) return c;
        auto start = clock_->monotonicNow();
        if (step.kind == PostCreateStep::Kind::ApplyManifest) {
            auto text = readFileBounded(step.manifestPath, 8 * 1024 * 1024);
            if (!text) return fail(text.error().context("post-create step at " + step.where));
            auto applied = client.applyManifests(*text, step.manifestPath);
            if (!applied) return fail(applied.error().context("post-create step at " + step.where + ": applying " + step.manifestPath));
            progress(cluster.name, "post-create", "applied " + fs::path(step.manifestPath).filename().string() + " (" +
                                                      std::to_string(applied->objects.size()) + " object(s))",
                     since(clock_, start));
        } else {
            auto out = kind_.dockerExec(step.node, step.command);
            if (!out) return fail(out.error().context("post-create step at " + step.where));
            std::string shown;
            for (const auto& c : step.command) shown += (shown.empty() ? "" : " ") + c;
            progress(cluster.name, "post-create", step.node + ": " + shown, since(clock_, start));
        }
    }
    return {};
}

Status ClusterLifecycle::installAddons(KubeClient& client, const ClusterProfile& cluster, const std::string& kubeconfigFile,
                                       ClusterUpResult& result) {
    for (const auto& addon : cluster.addons) {
        if (auto c = checkCancelled(); !c) return c;
        auto start = clock_->monotonicNow();
        progress(cluster.name, "addon", addon.name + " " + addon.version + " ...");
        if (addon.kind == Addon::Kind::Helm) {
            std::vector<std::string> args{"upgrade", "--install", addon.release, addon.chart, "--repo", addon.repo,
                                          "--version", addon.version, "--namespace", addon.ns, "--create-namespace",
                                          "--kubeconfig", kubeconfigFile, "--wait", "--timeout",
                                          std::to_string(options_.addonTimeout.count() / 1000) + "s"};
            std::string valuesFile;
            if (addon.values.is_object() && !addon.values.empty()) {
                valuesFile = clusterKubeconfigFile(cluster.name) + "." + addon.name + ".values.json";
                std::ofstream out(valuesFile, std::ios::trunc);
                out << addon.values.dump(2) << "\n";
                if (!out) return fail(ErrorKind::Other, "cannot write " + valuesFile);
                args.insert(args.end(), {"--values", valuesFile});
            }
            auto r = runTool(options_.preflight.helm, args, options_.addonTimeout + std::chrono::minutes(1));
            if (!valuesFile.empty()) {
                std::error_code ec;
                fs::remove(valuesFile, ec);
            }
            if (!r) return fail(r.error().context("addon " + addon.name + " (helm)"));
            if (r->exitCode != 0) {
                std::string tail;
                for (const auto& l : lastLinesOf(r->stderrText, 5)) tail += "\n  " + l;
                return fail(ErrorKind::Other, "addon " + addon.name + ": helm exited with status " + std::to_string(r->exitCode) + tail);
            }
        } else if (!addon.url.empty()) {
            auto r = runTool(options_.preflight.kubectl,
                             {"apply", "--server-side", "--field-manager", "kubeclass", "--kubeconfig", kubeconfigFile,
                              "-f", addon.url},
                             options_.addonTimeout);
            if (!r) return fail(r.error().context("addon " + addon.name + " (kubectl apply)"));
            if (r->exitCode != 0) {
                std::string tail;
                for (const auto& l : lastLinesOf(r->stderrText, 5)) tail += "\n  " + l;
                return fail(ErrorKind::Other, "addon " + addon.name + ": kubectl apply exited with status " +
                                                  std::to_string(r->exitCode) + tail);
            }
        } else {
            auto text = readFileBounded(addon.path, 16 * 1024 * 1024);
            if (!text) return fail(text.error().context("addon " + addon.name));
            auto applied = client.applyManifests(*text, addon.path);
            if (!applied) return fail(applied.error().context("addon " + addon.name));
        }
        result.notes.push_back("addon " + addon.name + " " + addon.version);
        progress(cluster.name, "addon", addon.name + " " + addon.version + " installed", since(clock_, start));
    }
    return {};
}

Result<std::vector<RouteCommand>> ClusterLifecycle::addRoutes(const Profile& profile,
                                                              std::vector<std::unique_ptr<KubeClient>>& clients) {
    auto start = clock_->monotonicNow();
    struct NodeAddress {
        std::string name, ip, podCidr;
    };
    std::vector<std::vector<NodeAddress>> perCluster;
    for (size_t i = 0; i < clients.size(); ++i) {
        auto nodes = clients[i]->list({"v1", "Node", "", ""});
        if (!nodes) return fail(nodes.error().context("listing nodes of " + profile.clusters[i].name));
        std::vector<NodeAddress> addresses;
        for (const auto& n : nodes->items) {
            NodeAddress a{n["metadata"].value("name", ""), internalIp(n), ""};
            if (n.contains("spec") && n["spec"].contains("podCIDR") && n["spec"]["podCIDR"].is_string())
                a.podCidr = n["spec"]["podCIDR"].get<std::string>();
            if (a.ip.empty() || a.podCidr.empty())
                return fail(ErrorKind::Other, "node " + a.name + " of " + profile.clusters[i].name +
                                                  " has no InternalIP or podCIDR yet; run `cluster up` again in a minute");
            addresses.push_back(a);
        }
        perCluster.push_back(addresses);
    }
    std::vector<RouteCommand> routes;
    for (size_t i = 0; i < perCluster.size(); ++i)
        for (const auto& local : perCluster[i])
            for (size_t j = 0; j < perCluster.size(); ++j) {
                if (i == j) continue;
                for (const auto& remote : perCluster[j]) routes.push_back({local.name, remote.podCidr, remote.ip});
            }
    for (const auto& r : routes) {
        if (auto c = checkCancelled(); !c) return fail(c.error());
        // `replace` rather than `add`: running `up` again on reused clusters must not fail on routes it made.
        auto out = kind_.dockerExec(r.node, {"ip", "route", "replace", r.destination, "via", r.via}, std::chrono::seconds(30));
        if (!out) return fail(out.error());
    }
    progress("", "routes", std::to_string(routes.size()) + " route(s) between " + std::to_string(perCluster.size()) +
                               " clusters' pod networks", since(clock_, start));
    return routes;
}

Result<std::vector<ClusterDownResult>> ClusterLifecycle::down(const Profile& profile) {
    auto existing = kind_.listClusters();
    if (!existing) return fail(existing.error());
    std::vector<ClusterDownResult> results;
    for (auto it = profile.clusters.rbegin(); it != profile.clusters.rend(); ++it) {
        ClusterDownResult r{it->name, std::find(existing->begin(), existing->end(), it->name) != existing->end()};
        if (r.existed) {
            auto start = clock_->monotonicNow();
            progress(it->name, "kind", "deleting");
            if (auto s = kind_.deleteCluster(it->name, options_.kubeconfigPath); !s) return fail(s.error());
            progress(it->name, "kind", "deleted", since(clock_, start));
        } else {
            progress(it->name, "kind", "not present");
        }
        std::error_code ec;
        fs::remove(clusterKubeconfigFile(it->name), ec);
        results.push_back(r);
    }
    std::reverse(results.begin(), results.end());
    return results;
}

Result<std::vector<ClusterStatusResult>> ClusterLifecycle::status(const Profile& profile) {
    auto existing = kind_.listClusters();
    if (!existing) return fail(existing.error());
    std::vector<ClusterStatusResult> results;
    for (const auto& cluster : profile.clusters) {
        ClusterStatusResult r;
        r.name = cluster.name;
        r.exists = std::find(existing->begin(), existing->end(), cluster.name) != existing->end();
        if (r.exists) {
            auto client = connectCluster(cluster.name, r.kubeconfigFile);
            if (!client) {
                r.error = client.error().message;
            } else if (auto rows = readNodeStatus(**client); !rows) {
                r.error = rows.error().message;
            } else {
                r.nodes = *rows;
                r.gpuMode = gpuModeSummary(r.nodes);
            }
        }
        results.push_back(r);
    }
    return results;
}

Status ClusterLifecycle::keepSimulatedGpus(const Profile& profile, std::shared_ptr<Cancellation> cancel) {
    if (!cancel) return fail(ErrorKind::Invalid, "keeping simulated GPUs needs a cancellation to stop it");
    std::vector<std::unique_ptr<KubeClient>> clients;
    std::vector<std::unique_ptr<GpuSimulator>> simulators;
    std::vector<std::string> names;
    for (const auto& cluster : profile.clusters) {
        std::vector<GpuNodeSpec> simulated;
        for (const auto& s : cluster.gpuNodes)
            if (s.mode == GpuMode::Simulated) simulated.push_back(s);
        if (simulated.empty()) continue;
        std::string file;
        auto client = connectCluster(cluster.name, file);
        if (!client) return fail(client.error().context("cluster " + cluster.name));
        GpuSimulatorOptions gpuOptions;
        gpuOptions.clock = clock_;
        simulators.push_back(std::make_unique<GpuSimulator>(**client, simulated, gpuOptions));
        clients.push_back(std::move(*client));
        names.push_back(cluster.name);
    }
    if (simulators.empty()) return {};
    std::mutex mutex;
    std::optional<Error> firstError;
    std::vector<std::thread> threads;
    for (size_t i = 0; i < simulators.size(); ++i) {
        threads.emplace_back([&, i] {
            auto status = simulators[i]->runUntil(cancel, [&](const GpuReconcileReport& report) {
                std::lock_guard<std::mutex> lock(mutex);
                for (const auto& n : report.nodes)
                    if (n.error) progress(names[i], "gpu", n.node + ": " + n.error->message);
                    else if (n.changed()) progress(names[i], "gpu", n.node + ": simulated GPUs re-applied");
            });
            if (!status) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!firstError) firstError = Error(status.error()).context("cluster " + names[i]);
                cancel->cancel();  // one watcher gave up: stop the others and report it
            }
        });
    }
    for (auto& t : threads) t.join();
    if (firstError) return fail(*firstError);
    return {};
}

}  // namespace kc
