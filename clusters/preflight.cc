// Preflight checks. Each check is independent: one failing (docker down) does not hide the others, so a student
// sees everything to fix in one run.
#include "clusters/preflight.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>

#include "clusters/real_gpu_setup.h"

namespace kc {

std::string ToolVersion::text() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

namespace {

std::optional<ToolVersion> firstVersionIn(const std::string& text) {
    static const std::regex pattern(R"(v?(\d+)\.(\d+)(?:\.(\d+))?)");
    std::smatch m;
    if (!std::regex_search(text, m, pattern)) return std::nullopt;
    ToolVersion v;
    v.major = std::stoi(m[1].str());
    v.minor = std::stoi(m[2].str());
    v.patch = m[3].matched ? std::stoi(m[3].str()) : 0;
    return v;
}

}  // namespace

std::optional<ToolVersion> parseKindVersion(const std::string& output) {
    auto pos = output.find("kind v");
    if (pos == std::string::npos) return std::nullopt;
    return firstVersionIn(output.substr(pos + 5, 40));
}

std::optional<ToolVersion> parseKubectlVersion(const std::string& jsonOutput) {
    Json doc = Json::parse(jsonOutput, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("clientVersion") || !doc["clientVersion"].is_object())
        return std::nullopt;
    const Json& client = doc["clientVersion"];
    if (client.contains("gitVersion") && client["gitVersion"].is_string())
        return firstVersionIn(client["gitVersion"].get<std::string>());
    return std::nullopt;
}

std::optional<ToolVersion> parseHelmVersion(const std::string& output) {
    auto pos = output.find('v');
    if (pos == std::string::npos) return std::nullopt;
    return firstVersionIn(output.substr(pos, 40));
}

const char* preflightOutcomeName(PreflightCheck::Outcome outcome) {
    switch (outcome) {
        case PreflightCheck::Outcome::Pass: return "pass";
        case PreflightCheck::Outcome::Warn: return "warn";
        case PreflightCheck::Outcome::Fail: return "fail";
        case PreflightCheck::Outcome::Skip: return "skip";
    }
    return "fail";
}

bool PreflightReport::ok() const {
    for (const auto& c : checks)
        if (c.outcome == PreflightCheck::Outcome::Fail) return false;
    return true;
}

const PreflightCheck* PreflightReport::find(const std::string& id) const {
    for (const auto& c : checks)
        if (c.id == id) return &c;
    return nullptr;
}

namespace {

using Outcome = PreflightCheck::Outcome;

std::string firstLine(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
    return "";
}

std::string formatMiB(long long mib) {
    char buffer[64];
    if (mib >= 1024) std::snprintf(buffer, sizeof buffer, "%.1f GiB", static_cast<double>(mib) / 1024.0);
    else std::snprintf(buffer, sizeof buffer, "%lld MiB", mib);
    return buffer;
}

class Preflight {
public:
    Preflight(const Profile& profile, const PreflightOptions& options, ProcessRunner& runner, HostProbes& probes)
        : profile_(profile), options_(options), runner_(runner), probes_(probes) {}

    PreflightReport run() {
        report_.profileId = profile_.id;
        checkDocker();
        checkKind();
        checkKubectl();
        checkHelm();
        checkMemory();
        checkDisk();
        if (profile_.isMultiCluster()) checkInotify();
        checkHostPorts();
        if (profile_.usesRealGpus()) checkRealGpus();
        return report_;
    }

private:
    const Profile& profile_;
    const PreflightOptions& options_;
    ProcessRunner& runner_;
    HostProbes& probes_;
    PreflightReport report_;
    std::string dockerRootDir_;
    std::string dockerDefaultRuntime_;
    bool dockerReachable_ = false;

    void add(std::string id, std::string title, Outcome outcome, std::string detail, std::string fix = "") {
        report_.checks.push_back({std::move(id), std::move(title), outcome, std::move(detail), std::move(fix)});
    }

    Result<ProcessResult> run(const std::string& program, std::vector<std::string> args) {
        ProcessSpec spec;
        spec.program = program;
        spec.args = std::move(args);
        spec.extraEnv = options_.tools.extraEnv;
        spec.timeout = std::chrono::seconds(30);
        return runner_.run(spec);
    }

    void checkDocker() {
        const std::string title = "Docker engine reachable";
        auto r = run(options_.tools.docker, {"info", "--format", "{{.ServerVersion}}|{{.DockerRootDir}}|{{.DefaultRuntime}}"});
        if (!r) {
            if (r.error().kind == ErrorKind::NotFound)
                add("docker", title, Outcome::Fail, "docker is not installed (not found on PATH)",
                    "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, then run: docker info");
            else
                add("docker", title, Outcome::Fail, r.error().message,
                    "check that the engine answers: docker info (restart it: sudo systemctl restart docker)");
            return;
        }
        if (r->exitCode != 0) {
            std::string said = r->stderrText + r->stdoutText;
            std::string fix;
            if (said.find("permission denied") != std::string::npos)
                fix = "let your user reach the engine: sudo usermod -aG docker $USER, then log out and in (or run: newgrp docker)";
            else
                fix = "start the engine: sudo systemctl start docker (Docker Desktop: open it and wait until it says running), then run: docker info";
            add("docker", title, Outcome::Fail, "docker info failed: " + firstLine(said), fix);
            return;
        }
        std::string line = firstLine(r->stdoutText);
        std::vector<std::string> parts;
        std::stringstream in(line);
        std::string part;
        while (std::getline(in, part, '|')) parts.push_back(part);
        if (parts.empty() || parts[0].empty()) {
            add("docker", title, Outcome::Fail, "docker info printed no server version: " + line,
                "start the engine: sudo systemctl start docker, then run: docker info");
            return;
        }
        dockerReachable_ = true;
        if (parts.size() > 1) dockerRootDir_ = parts[1];
        if (parts.size() > 2) dockerDefaultRuntime_ = parts[2];
        add("docker", title, Outcome::Pass, "Docker Engine " + parts[0]);
    }

    void checkVersionedTool(const std::string& id, const std::string& program, std::vector<std::string> args,
                            const ToolVersion& minimum,
                            std::optional<ToolVersion> (*parse)(const std::string&), const std::string& installHint,
                            bool required) {
        std::string title = id + " " + minimum.text() + " or newer";
        Outcome missing = required ? Outcome::Fail : Outcome::Warn;
        auto r = run(program, std::move(args));
        if (!r) {
            add(id, title, missing,
                r.error().kind == ErrorKind::NotFound ? id + " is not installed (not found on PATH)" : r.error().message,
                installHint);
            return;
        }
        auto version = parse(r->stdoutText);
        if (r->exitCode != 0 || !version) {
            add(id, title, missing, id + " did not report its version: " + firstLine(r->stderrText + r->stdoutText),
                installHint);
            return;
        }
        if (*version < minimum) {
            add(id, title, missing, id + " " + version->text() + " is older than " + minimum.text(), installHint);
            return;
        }
        add(id, title, Outcome::Pass, id + " " + version->text());
    }

    void checkKind() {
        checkVersionedTool("kind", options_.tools.kind, {"version"}, options_.minKind, parseKindVersion,
                           "install kind " + options_.minKind.text() +
                               "+: go install sigs.k8s.io/kind@v0.25.0 (or download a release binary: "
                               "https://kind.sigs.k8s.io/docs/user/quick-start/#installation)",
                           true);
    }

    void checkKubectl() {
        checkVersionedTool("kubectl", options_.kubectl, {"version", "--client", "-o", "json"}, options_.minKubectl,
                           parseKubectlVersion,
                           "install kubectl " + options_.minKubectl.text() +
                               "+ (https://kubernetes.io/docs/tasks/tools/), then run: kubectl version --client",
                           true);
    }

    void checkHelm() {
        bool needed = false;
        for (const auto& c : profile_.clusters)
            for (const auto& a : c.addons)
                if (a.kind == Addon::Kind::Helm) needed = true;
        checkVersionedTool("helm", options_.helm, {"version", "--short"}, options_.minHelm, parseHelmVersion,
                           "install Helm " + options_.minHelm.text() +
                               "+ (https://helm.sh/docs/intro/install/), then run: helm version --short",
                           needed);
    }

    void checkMemory() {
        const std::string title = "free memory for " + formatMiB(profile_.estimate.memoryMiB);
        auto text = probes_.readFile("/proc/meminfo");
        if (!text) {
            add("memory", title, Outcome::Skip, "cannot read /proc/meminfo (" + text.error().message + ")");
            return;
        }
        static const std::regex line(R"(MemAvailable:\s+(\d+)\s*kB)");
        std::smatch m;
        if (!std::regex_search(*text, m, line)) {
            add("memory", title, Outcome::Skip, "/proc/meminfo has no MemAvailable line");
            return;
        }
        long long availableMiB = std::stoll(m[1].str()) / 1024;
        if (availableMiB < profile_.estimate.memoryMiB)
            add("memory", title, Outcome::Fail,
                formatMiB(availableMiB) + " available, the profile needs about " + formatMiB(profile_.estimate.memoryMiB),
                "free memory (close browsers and IDEs, or delete other clusters: kind get clusters, kind delete cluster "
                "--name NAME); with Docker Desktop raise Settings > Resources > Memory");
        else
            add("memory", title, Outcome::Pass, formatMiB(availableMiB) + " available");
    }

    void checkDisk() {
        const std::string title = "free disk for " + std::to_string(profile_.estimate.diskGiB) + " GiB";
        namespace fs = std::filesystem;
        // Images and node containers land in docker's data root; reading it may need root, so fall back upwards.
        std::vector<std::string> candidates;
        if (!dockerRootDir_.empty())
            for (fs::path p(dockerRootDir_); !p.empty() && p != p.parent_path(); p = p.parent_path())
                candidates.push_back(p.string());
        candidates.push_back("/");
        for (const auto& path : candidates) {
            auto free = probes_.freeDiskBytes(path);
            if (!free) continue;
            long long freeGiB = static_cast<long long>(*free / (1024ULL * 1024 * 1024));
            if (freeGiB < profile_.estimate.diskGiB)
                add("disk", title, Outcome::Fail,
                    std::to_string(freeGiB) + " GiB free on " + path + ", the profile needs about " +
                        std::to_string(profile_.estimate.diskGiB) + " GiB",
                    "free space: docker system prune (removes stopped containers and unused images), or delete "
                    "unused clusters: kind delete cluster --name NAME");
            else
                add("disk", title, Outcome::Pass, std::to_string(freeGiB) + " GiB free on " + path);
            return;
        }
        add("disk", title, Outcome::Skip, "could not read free space");
    }

    void checkInotify() {
        struct Limit {
            const char* id;
            const char* sysctl;
            long long minimum;
        };
        const Limit limits[] = {{"inotify-watches", "fs.inotify.max_user_watches", options_.minInotifyWatches},
                                {"inotify-instances", "fs.inotify.max_user_instances", options_.minInotifyInstances}};
        for (const auto& l : limits) {
            std::string path = "/proc/sys/" + std::string(l.sysctl);
            for (auto& c : path)
                if (c == '.') c = '/';
            std::string title = std::string(l.sysctl) + " >= " + std::to_string(l.minimum) + " (several clusters)";
            auto text = probes_.readFile(path);
            long long value = -1;
            if (text) {
                try {
                    value = std::stoll(*text);
                } catch (...) {
                    value = -1;
                }
            }
            if (value < 0) {
                add(l.id, title, Outcome::Skip, "cannot read " + path);
                continue;
            }
            if (value < l.minimum)
                add(l.id, title, Outcome::Fail,
                    std::string(l.sysctl) + " is " + std::to_string(value) + "; kind nodes fail with \"too many open files\" below " +
                        std::to_string(l.minimum),
                    "sudo sysctl " + std::string(l.sysctl) + "=" + std::to_string(l.minimum) +
                        " (to keep it: echo " + l.sysctl + "=" + std::to_string(l.minimum) +
                        " | sudo tee -a /etc/sysctl.d/99-kind.conf)");
            else
                add(l.id, title, Outcome::Pass, std::string(l.sysctl) + " is " + std::to_string(value));
        }
    }

    void checkHostPorts() {
        for (const auto& c : profile_.clusters) {
            bool exists = std::find(options_.existingClusters.begin(), options_.existingClusters.end(), c.name) !=
                          options_.existingClusters.end();
            for (const auto& hp : c.hostPorts) {
                std::string id = "port-" + std::to_string(hp.hostPort);
                std::string title = "host port " + std::to_string(hp.hostPort) + "/" + hp.protocol + " free (" + hp.node + ")";
                if (exists) {
                    add(id, title, Outcome::Skip, "cluster " + c.name + " exists already and holds its ports");
                    continue;
                }
                if (probes_.portFree(hp.listenAddress, hp.hostPort, hp.protocol))
                    add(id, title, Outcome::Pass, hp.listenAddress + ":" + std::to_string(hp.hostPort) + " is free");
                else
                    add(id, title, Outcome::Fail, hp.listenAddress + ":" + std::to_string(hp.hostPort) + " is in use",
                        "find who holds it: sudo ss -ltnp 'sport = :" + std::to_string(hp.hostPort) +
                            "' and stop it (or delete the kind cluster publishing it: docker ps --filter publish=" +
                            std::to_string(hp.hostPort) + ")");
            }
        }
    }

    void checkRealGpus() {
        auto gpus = detectGpus(runner_, options_.nvidiaSmi);
        if (!gpus) {
            add("gpu-driver", "NVIDIA GPU and driver (nvidia-smi)", Outcome::Fail, gpus.error().message,
                "install the NVIDIA driver and check that nvidia-smi lists your GPU; without one use the simulated "
                "profile: kubeclass-grade cluster up lab-02-gpu-sim");
        } else {
            report_.gpus = *gpus;
            std::string detail;
            for (const auto& g : *gpus)
                detail += (detail.empty() ? "" : "; ") + ("GPU " + std::to_string(g.index) + ": " + g.name + ", " +
                                                          formatMiB(g.memoryMiB));
            detail += "; driver " + (gpus->empty() ? std::string("?") : gpus->front().driverVersion);
            add("gpu-driver", "NVIDIA GPU and driver (nvidia-smi)", Outcome::Pass, detail);
            std::vector<GpuNodeSpec> specs;
            for (const auto& c : profile_.clusters)
                for (const auto& s : c.gpuNodes)
                    if (s.mode == GpuMode::Real) specs.push_back(s);
            auto nodes = kindNodesForRealGpus(specs, *gpus);
            if (!nodes)
                add("gpu-assignment", "the profile's GPU workers fit the host's GPUs", Outcome::Fail, nodes.error().message,
                    "edit hostGpus in the profile to indexes nvidia-smi lists (or \"all\")");
            else
                add("gpu-assignment", "the profile's GPU workers fit the host's GPUs", Outcome::Pass,
                    std::to_string(specs.size()) + " GPU worker(s) placed");
        }
        checkToolkitVolumeMounts();
        checkDockerNvidiaRuntime();
    }

    void checkToolkitVolumeMounts() {
        const std::string title = "NVIDIA container toolkit accepts GPU lists as volume mounts";
        auto text = probes_.readFile(options_.nvidiaRuntimeConfig);
        if (!text) {
            add("nvidia-toolkit", title, Outcome::Fail, "cannot read " + options_.nvidiaRuntimeConfig + " (" + text.error().message + ")",
                "install the NVIDIA Container Toolkit "
                "(https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), then: "
                "sudo nvidia-ctk config --set accept-nvidia-visible-devices-as-volume-mounts=true --in-place");
            return;
        }
        auto accepts = toolkitAcceptsVolumeMounts(*text, options_.nvidiaRuntimeConfig);
        if (accepts && *accepts)
            add("nvidia-toolkit", title, Outcome::Pass, "accept-nvidia-visible-devices-as-volume-mounts = true");
        else
            add("nvidia-toolkit", title, Outcome::Fail,
                accepts ? options_.nvidiaRuntimeConfig + ": accept-nvidia-visible-devices-as-volume-mounts is not true"
                        : accepts.error().message,
                "sudo nvidia-ctk config --set accept-nvidia-visible-devices-as-volume-mounts=true --in-place && "
                "sudo systemctl restart docker");
    }

    void checkDockerNvidiaRuntime() {
        const std::string title = "docker's default runtime is nvidia";
        if (!dockerReachable_) {
            add("docker-nvidia-runtime", title, Outcome::Skip, "docker is not reachable");
            return;
        }
        if (dockerDefaultRuntime_ == "nvidia")
            add("docker-nvidia-runtime", title, Outcome::Pass, "default runtime: nvidia");
        else
            add("docker-nvidia-runtime", title, Outcome::Fail,
                "default runtime: " + (dockerDefaultRuntime_.empty() ? std::string("unknown") : dockerDefaultRuntime_),
                "sudo nvidia-ctk runtime configure --runtime=docker --set-as-default && sudo systemctl restart docker");
    }
};

}  // namespace

PreflightReport runPreflight(const Profile& profile, const PreflightOptions& options, ProcessRunner& runner,
                             HostProbes& probes) {
    return Preflight(profile, options, runner, probes).run();
}

std::string renderPreflightText(const PreflightReport& report) {
    std::string out;
    for (const auto& c : report.checks) {
        std::string mark = preflightOutcomeName(c.outcome);
        for (auto& ch : mark) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out += mark + "  " + c.title + ": " + c.detail + "\n";
        if (!c.fix.empty() && (c.outcome == Outcome::Fail || c.outcome == Outcome::Warn)) out += "      fix: " + c.fix + "\n";
    }
    out += report.ok() ? "preflight ok for " + report.profileId + "\n" : "preflight failed for " + report.profileId + "\n";
    return out;
}

Json preflightJson(const PreflightReport& report) {
    Json checks = Json::array();
    for (const auto& c : report.checks) {
        Json j{{"id", c.id}, {"title", c.title}, {"outcome", preflightOutcomeName(c.outcome)}, {"detail", c.detail}};
        if (!c.fix.empty()) j["fix"] = c.fix;
        checks.push_back(j);
    }
    Json gpus = Json::array();
    for (const auto& g : report.gpus)
        gpus.push_back({{"index", g.index}, {"name", g.name}, {"uuid", g.uuid}, {"memoryMiB", g.memoryMiB},
                        {"driverVersion", g.driverVersion}});
    return Json{{"profile", report.profileId}, {"ok", report.ok()}, {"checks", checks}, {"gpus", gpus}};
}

}  // namespace kc
