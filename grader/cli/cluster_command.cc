// `kubeclass-grade cluster preflight|up|down|status PROFILE`: parse flags, call the cluster lifecycle, print.
// Progress goes to stderr as it happens; the result (a table, or JSON) to stdout.
#include <csignal>
#include <cstdio>
#include <ostream>

#include "clusters/cluster_lifecycle.h"
#include "clusters/profile_loader.h"
#include "clusters/profile_locator.h"
#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"

namespace kc::grader {

namespace {

// Ctrl-C during `up` cancels the running step (kind is stopped and cleaned up) instead of leaving a half cluster.
Cancellation* gInterrupt = nullptr;
extern "C" void onInterrupt(int) {
    if (gInterrupt) gInterrupt->cancel();  // an atomic store: safe in a signal handler
}

std::string seconds(std::chrono::milliseconds ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
    return buffer;
}

// A tool missing from PATH is the host not being ready, like a failed preflight; the rest is the cluster's side.
bool toolMissing(const Error& error) {
    return error.kind == ErrorKind::NotFound && error.message.find("was not found on PATH") != std::string::npos;
}

int exitFor(const Error& error) {
    if (toolMissing(error)) return kExitPreflightFailed;
    switch (error.kind) {
        case ErrorKind::Invalid: return kExitBadInput;
        default: return kExitClusterUnreachable;
    }
}

void reportError(CliIo io, const std::string& action, const std::string& profileId, const Error& error) {
    io.err << "kubeclass-grade cluster " << action << ": " << error.message << "\n";
    if (toolMissing(error))
        io.err << "run `kubeclass-grade cluster preflight " << profileId << "` to see everything the host lacks\n";
}

class ClusterCommand : public CliCommand {
public:
    std::string name() const override { return "cluster"; }
    std::string summary() const override { return "check the host, create, delete or inspect a lab's kind clusters"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade cluster preflight|up|down|status PROFILE [--format text|json]\n"
               "                                [--kubeconfig FILE] [--skip-preflight] [--keep-gpus]\n\n"
               "PROFILE is a profile id (lab-02-gpu-sim, from clusters/profiles/) or a profile file.\n"
               "preflight  checks docker, kind, kubectl, helm, memory, disk, inotify limits, host ports and, for\n"
               "           real GPUs, nvidia-smi and the NVIDIA container toolkit; each failure says how to fix it.\n"
               "up         preflight, then creates each kind cluster (an existing one is reused), waits for its nodes,\n"
               "           sets up GPU nodes (simulated or real), post-create steps, addons and multi-cluster routes.\n"
               "           --keep-gpus: then keep simulated GPU nodes as the profile says (re-applied whenever the\n"
               "           kubelet zeroes them) until Ctrl-C.\n"
               "down       deletes the profile's kind clusters.\n"
               "status     shows each cluster, its nodes (role, Ready, taints, GPUs) and the GPU mode.\n\n"
               "--kubeconfig FILE  the kubeconfig kind writes the clusters' contexts to (default:\n"
               "                   ~/.local/state/kubeclass/kubeconfig); each cluster also gets FILE's folder/<name>.kubeconfig.\n"
               "Exit codes: 0 done, 2 bad input (invalid profile: every error as FILE:LINE:COL), 3 a cluster step failed\n"
               "or a cluster is unreachable, 4 preflight failed (or kind/docker is not installed).\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        auto parsed = parseArgs(args, {{"format", true}, {"kubeconfig", true}, {"skip-preflight", false}, {"keep-gpus", false}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (parsed->positional.size() != 2)
            return badUsage(io, parsed->positional.empty() ? "missing action: preflight, up, down or status"
                                                           : "expected an action and one PROFILE");
        const std::string action = parsed->positional[0];
        if (action != "preflight" && action != "up" && action != "down" && action != "status")
            return badUsage(io, "unknown action \"" + action + "\"");
        const std::string format = parsed->valueOr("format", "text");
        if (format != "text" && format != "json") return badUsage(io, "--format must be text or json");
        if (parsed->has("skip-preflight") && action != "up") return badUsage(io, "--skip-preflight applies to up only");
        if (parsed->has("keep-gpus") && action != "up") return badUsage(io, "--keep-gpus applies to up only");

        auto path = locateProfile(parsed->positional[1]);
        if (!path) {
            io.err << "kubeclass-grade cluster: " << path.error().message << "\n";
            return kExitBadInput;
        }
        auto profile = loadProfileFile(*path);
        if (!profile) {
            io.err << profile.error().message << "\n";
            return kExitBadInput;
        }

        LifecycleOptions options;
        options.kubeconfigPath = parsed->valueOr("kubeconfig", "");
        options.skipPreflight = parsed->has("skip-preflight");
        options.cancel = std::make_shared<Cancellation>();
        options.onProgress = [&io](const LifecycleEvent& e) {
            io.err << (e.cluster.empty() ? "" : "[" + e.cluster + "] ") << e.step << ": " << e.message;
            if (e.elapsed.count() > 0) io.err << " (" << seconds(e.elapsed) << ")";
            io.err << std::endl;
        };
        ClusterLifecycle lifecycle(posixProcessRunner(), systemHostProbes(), options);

        if (action == "preflight") return preflight(lifecycle, *profile, format, io);
        if (action == "down") return down(lifecycle, *profile, format, io);
        if (action == "status") return status(lifecycle, *profile, format, io);

        gInterrupt = options.cancel.get();
        auto previous = std::signal(SIGINT, onInterrupt);
        int code = up(lifecycle, *profile, format, io);
        if (code == kExitGraded && parsed->has("keep-gpus") && profile->usesSimulatedGpus()) {
            io.err << "keeping simulated GPUs in place; press Ctrl-C to stop" << std::endl;
            if (auto kept = lifecycle.keepSimulatedGpus(*profile, options.cancel); !kept) {
                io.err << "kubeclass-grade cluster up: " << kept.error().message << "\n";
                code = kExitClusterUnreachable;
            }
        }
        std::signal(SIGINT, previous);
        gInterrupt = nullptr;
        return code;
    }

private:
    static int preflight(ClusterLifecycle& lifecycle, const Profile& profile, const std::string& format, CliIo io) {
        auto report = lifecycle.preflight(profile);
        if (format == "json") io.out << preflightJson(report).dump(2) << "\n";
        else io.out << renderPreflightText(report);
        return report.ok() ? kExitGraded : kExitPreflightFailed;
    }

    static int up(ClusterLifecycle& lifecycle, const Profile& profile, const std::string& format, CliIo io) {
        auto report = lifecycle.up(profile);
        if (!report) {
            const auto& pre = lifecycle.lastUp().preflight;
            if (!pre.checks.empty() && !pre.ok()) {
                if (format == "json") io.out << preflightJson(pre).dump(2) << "\n";
                else io.out << renderPreflightText(pre);
                io.err << "kubeclass-grade cluster up: preflight failed; nothing was created\n";
                return kExitPreflightFailed;
            }
            reportError(io, "up", profile.id, report.error());
            return report.error().kind == ErrorKind::Cancelled ? kExitClusterUnreachable : exitFor(report.error());
        }
        if (format == "json") {
            Json clusters = Json::array();
            for (const auto& c : report->clusters)
                clusters.push_back({{"name", c.name}, {"reused", c.reused}, {"kubeconfig", c.kubeconfigFile},
                                    {"nodes", nodeStatusJson(c.nodes)["nodes"]}, {"notes", c.notes}});
            Json routes = Json::array();
            for (const auto& r : report->routes) routes.push_back({{"node", r.node}, {"destination", r.destination}, {"via", r.via}});
            Json out{{"profile", profile.id}, {"clusters", clusters}, {"routes", routes}};
            if (!report->preflight.checks.empty()) out["preflight"] = preflightJson(report->preflight);
            io.out << out.dump(2) << "\n";
            return kExitGraded;
        }
        for (const auto& c : report->clusters) {
            io.out << "cluster " << c.name << (c.reused ? " (reused)" : " (created)") << "\n"
                   << "  kubeconfig: " << c.kubeconfigFile << "\n";
            for (const auto& n : c.notes) io.out << "  " << n << "\n";
            io.out << renderNodeStatusTable(c.nodes) << "\n";
        }
        if (!report->routes.empty())
            io.out << report->routes.size() << " route(s) added between the clusters' pod networks\n";
        return kExitGraded;
    }

    static int down(ClusterLifecycle& lifecycle, const Profile& profile, const std::string& format, CliIo io) {
        auto result = lifecycle.down(profile);
        if (!result) {
            reportError(io, "down", profile.id, result.error());
            return exitFor(result.error());
        }
        if (format == "json") {
            Json out = Json::array();
            for (const auto& r : *result) out.push_back({{"name", r.name}, {"deleted", r.existed}});
            io.out << Json{{"profile", profile.id}, {"clusters", out}}.dump(2) << "\n";
        } else {
            for (const auto& r : *result)
                io.out << (r.existed ? "deleted " + r.name : r.name + " was not present") << "\n";
        }
        return kExitGraded;
    }

    static int status(ClusterLifecycle& lifecycle, const Profile& profile, const std::string& format, CliIo io) {
        auto result = lifecycle.status(profile);
        if (!result) {
            reportError(io, "status", profile.id, result.error());
            return exitFor(result.error());
        }
        bool unreadable = false;
        for (const auto& s : *result) unreadable = unreadable || !s.error.empty();
        if (format == "json") {
            Json out = Json::array();
            for (const auto& s : *result) {
                Json j{{"name", s.name}, {"exists", s.exists}};
                if (s.exists) {
                    j["kubeconfig"] = s.kubeconfigFile;
                    j["gpuMode"] = s.gpuMode;
                    j["nodes"] = nodeStatusJson(s.nodes)["nodes"];
                }
                if (!s.error.empty()) j["error"] = s.error;
                out.push_back(j);
            }
            io.out << Json{{"profile", profile.id}, {"clusters", out}}.dump(2) << "\n";
        } else {
            for (const auto& s : *result) {
                if (!s.exists) {
                    io.out << "cluster " << s.name << ": not created (kubeclass-grade cluster up " << profile.id << ")\n";
                    continue;
                }
                if (!s.error.empty()) {
                    io.out << "cluster " << s.name << ": exists, but cannot be read: " << s.error << "\n";
                    continue;
                }
                io.out << "cluster " << s.name << ": GPU mode " << s.gpuMode << ", kubeconfig " << s.kubeconfigFile << "\n"
                       << renderNodeStatusTable(s.nodes) << "\n";
            }
        }
        return unreadable ? kExitClusterUnreachable : kExitGraded;
    }
};

}  // namespace

std::unique_ptr<CliCommand> makeClusterCommand() { return std::make_unique<ClusterCommand>(); }

}  // namespace kc::grader
