// Preflight against fake tools and a described host: each failure is found and carries its fix.
#include <catch2/catch.hpp>

#include "clusters/preflight.h"
#include "clusters/profile_loader.h"
#include "kubeclass_version.h"
#include "tests/clusters/fake_host_probes.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

using kc::PreflightCheck;
using kc::testing::FakeHostProbes;
using kc::testing::FakeReply;
using kc::testing::FakeTool;
using kc::testing::TempDir;

namespace {

std::string shippedProfile(const std::string& id) { return std::string(KUBECLASS_SOURCE_DIR) + "/clusters/profiles/" + id + ".yaml"; }

kc::Profile load(const std::string& id) {
    auto p = kc::loadProfileFile(shippedProfile(id));
    REQUIRE(p.has_value());
    return *p;
}

// Healthy fake tools: docker 27, kind 0.25, kubectl 1.31, helm 3.16.
struct Tools {
    TempDir dir;
    FakeTool docker{dir, "docker"}, kind{dir, "kind"}, kubectl{dir, "kubectl"}, helm{dir, "helm"}, nvidiaSmi{dir, "nvidia-smi"};
    Tools() {
        docker.on({"info"}, {.stdoutText = "27.3.1|/var/lib/docker|runc\n"});
        kind.on({"version"}, {.stdoutText = "kind v0.25.0 go1.22.9 linux/amd64\n"});
        kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
        kubectl.on({"version", "--client"}, {.stdoutText = R"({"clientVersion":{"major":"1","minor":"31","gitVersion":"v1.31.2"},"kustomizeVersion":"v5.4.2"})"});
        helm.on({"version"}, {.stdoutText = "v3.16.2+g13654a5\n"});
    }
    kc::PreflightOptions options() const {
        kc::PreflightOptions o;
        o.tools.kind = kind.path();
        o.tools.docker = docker.path();
        o.tools.extraEnv = {kind.pathEnv()};
        o.kubectl = kubectl.path();
        o.helm = helm.path();
        o.nvidiaSmi = nvidiaSmi.path();
        return o;
    }
};

const PreflightCheck& check(const kc::PreflightReport& r, const std::string& id) {
    const PreflightCheck* c = r.find(id);
    INFO("check " << id);
    REQUIRE(c != nullptr);
    return *c;
}

}  // namespace

TEST_CASE("tool version outputs are parsed", "[preflight]") {
    CHECK(kc::parseKindVersion("kind v0.25.0 go1.22.9 linux/amd64")->text() == "0.25.0");
    CHECK(kc::parseKindVersion("kind v0.20.0-alpha+abc go1.20 linux/arm64")->text() == "0.20.0");
    CHECK_FALSE(kc::parseKindVersion("go1.22.9").has_value());
    CHECK(kc::parseKubectlVersion(R"({"clientVersion":{"gitVersion":"v1.29.10"}})")->text() == "1.29.10");
    CHECK_FALSE(kc::parseKubectlVersion("Client Version: v1.29.10").has_value());
    CHECK(kc::parseHelmVersion("v3.12.0+gc9f554d")->text() == "3.12.0");
    CHECK(kc::ToolVersion{0, 19, 9} < kc::ToolVersion{0, 20, 0});
    CHECK_FALSE(kc::ToolVersion{1, 27, 0} < kc::ToolVersion{1, 27, 0});
}

TEST_CASE("a healthy host passes preflight for every CPU profile", "[preflight]") {
    Tools tools;
    auto probes = FakeHostProbes::roomy();
    for (const char* id : {"lab-01", "lab-02-gpu-sim", "lab-03-mesh", "lab-04-multi"}) {
        auto report = kc::runPreflight(load(id), tools.options(), kc::posixProcessRunner().operator*(), probes);
        INFO(kc::renderPreflightText(report));
        CHECK(report.ok());
        CHECK(check(report, "docker").detail == "Docker Engine 27.3.1");
        CHECK(check(report, "kind").outcome == PreflightCheck::Outcome::Pass);
    }
    CHECK(tools.nvidiaSmi.calls().empty());  // no real GPUs asked for: nvidia-smi is not run
}

TEST_CASE("docker down, missing kind and old kubectl fail with fixes", "[preflight]") {
    Tools tools;
    tools.docker.on({"info"}, {.stderrText = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", .exitCode = 1, .times = 1});
    tools.kubectl.on({"version", "--client"}, {.stdoutText = R"({"clientVersion":{"gitVersion":"v1.25.4"}})", .times = 1});
    auto options = tools.options();
    options.tools.kind = tools.dir.path() + "/bin/no-such-kind";
    auto probes = FakeHostProbes::roomy();
    auto report = kc::runPreflight(load("lab-01"), options, *kc::posixProcessRunner(), probes);
    CHECK_FALSE(report.ok());
    const auto& docker = check(report, "docker");
    CHECK(docker.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(docker.detail, Catch::Contains("Cannot connect to the Docker daemon"));
    CHECK_THAT(docker.fix, Catch::Contains("sudo systemctl start docker"));
    const auto& kind = check(report, "kind");
    CHECK(kind.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(kind.detail, Catch::Contains("not installed"));
    CHECK_THAT(kind.fix, Catch::Contains("go install sigs.k8s.io/kind@"));
    const auto& kubectl = check(report, "kubectl");
    CHECK(kubectl.outcome == PreflightCheck::Outcome::Fail);
    CHECK(kubectl.detail == "kubectl 1.25.4 is older than 1.27.0");
    CHECK_THAT(kubectl.fix, Catch::Contains("kubernetes.io/docs/tasks/tools"));
}

TEST_CASE("docker permission denied suggests the docker group", "[preflight]") {
    Tools tools;
    tools.docker.on({"info"}, {.stderrText = "permission denied while trying to connect to the Docker daemon socket\n", .exitCode = 1, .times = 1});
    auto probes = FakeHostProbes::roomy();
    auto report = kc::runPreflight(load("lab-01"), tools.options(), *kc::posixProcessRunner(), probes);
    CHECK_THAT(check(report, "docker").fix, Catch::Contains("usermod -aG docker"));
}

TEST_CASE("helm is required only when the profile installs a helm addon", "[preflight]") {
    Tools tools;
    auto options = tools.options();
    options.helm = tools.dir.path() + "/bin/no-helm";
    auto probes = FakeHostProbes::roomy();
    auto lab01 = kc::runPreflight(load("lab-01"), options, *kc::posixProcessRunner(), probes);
    CHECK(check(lab01, "helm").outcome == PreflightCheck::Outcome::Warn);
    CHECK(lab01.ok());
    auto lab02 = kc::runPreflight(load("lab-02-gpu-sim"), options, *kc::posixProcessRunner(), probes);
    CHECK(check(lab02, "helm").outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(check(lab02, "helm").fix, Catch::Contains("helm.sh/docs/intro/install"));
}

TEST_CASE("too little memory and disk fail against the profile's estimate", "[preflight]") {
    Tools tools;
    auto probes = FakeHostProbes::roomy();
    probes.files["/proc/meminfo"] = "MemTotal: 8000000 kB\nMemAvailable:    2097152 kB\n";  // 2048 MiB
    probes.freeBytes.erase("/");
    probes.freeBytes["/var/lib"] = 5ULL * 1024 * 1024 * 1024;  // docker's root is unreadable; its parent answers
    auto report = kc::runPreflight(load("lab-03-mesh"), tools.options(), *kc::posixProcessRunner(), probes);
    const auto& memory = check(report, "memory");
    CHECK(memory.outcome == PreflightCheck::Outcome::Fail);
    CHECK(memory.detail == "2.0 GiB available, the profile needs about 8.0 GiB");
    CHECK_FALSE(memory.fix.empty());
    const auto& disk = check(report, "disk");
    CHECK(disk.outcome == PreflightCheck::Outcome::Fail);
    CHECK(disk.detail == "5 GiB free on /var/lib, the profile needs about 20 GiB");
    CHECK_THAT(disk.fix, Catch::Contains("docker system prune"));
}

TEST_CASE("low inotify limits fail only for multi-cluster profiles, with the sysctl to run", "[preflight]") {
    Tools tools;
    auto probes = FakeHostProbes::roomy();
    probes.files["/proc/sys/fs/inotify/max_user_watches"] = "8192\n";
    probes.files["/proc/sys/fs/inotify/max_user_instances"] = "128\n";
    auto single = kc::runPreflight(load("lab-01"), tools.options(), *kc::posixProcessRunner(), probes);
    CHECK(single.find("inotify-watches") == nullptr);
    auto multi = kc::runPreflight(load("lab-04-multi"), tools.options(), *kc::posixProcessRunner(), probes);
    const auto& watches = check(multi, "inotify-watches");
    CHECK(watches.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(watches.fix, Catch::StartsWith("sudo sysctl fs.inotify.max_user_watches=524288"));
    const auto& instances = check(multi, "inotify-instances");
    CHECK(instances.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(instances.fix, Catch::StartsWith("sudo sysctl fs.inotify.max_user_instances=512"));
}

TEST_CASE("a busy host port fails unless its cluster already exists", "[preflight]") {
    Tools tools;
    auto probes = FakeHostProbes::roomy();
    probes.busyPorts = {443};
    auto report = kc::runPreflight(load("lab-03-mesh"), tools.options(), *kc::posixProcessRunner(), probes);
    CHECK(check(report, "port-80").outcome == PreflightCheck::Outcome::Pass);
    const auto& busy = check(report, "port-443");
    CHECK(busy.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(busy.fix, Catch::Contains("sport = :443"));
    auto options = tools.options();
    options.existingClusters = {"lab-03-mesh"};
    auto reused = kc::runPreflight(load("lab-03-mesh"), options, *kc::posixProcessRunner(), probes);
    CHECK(check(reused, "port-443").outcome == PreflightCheck::Outcome::Skip);
    CHECK(reused.ok());
}

TEST_CASE("real-GPU preflight reports the GPUs and checks the container toolkit", "[preflight]") {
    Tools tools;
    tools.nvidiaSmi.on({}, {.stdoutText = "0, NVIDIA A100-SXM4-40GB, GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c, 40960, 550.54.15\n"});
    auto probes = FakeHostProbes::roomy();
    SECTION("toolkit not configured") {
        probes.files["/etc/nvidia-container-runtime/config.toml"] =
            "[nvidia-container-cli]\n#accept-nvidia-visible-devices-as-volume-mounts = true\n";
        auto report = kc::runPreflight(load("lab-02-gpu-real"), tools.options(), *kc::posixProcessRunner(), probes);
        const auto& gpu = check(report, "gpu-driver");
        CHECK(gpu.outcome == PreflightCheck::Outcome::Pass);
        CHECK_THAT(gpu.detail, Catch::Contains("NVIDIA A100-SXM4-40GB, 40.0 GiB"));
        CHECK_THAT(gpu.detail, Catch::Contains("driver 550.54.15"));
        REQUIRE(report.gpus.size() == 1);
        const auto& toolkit = check(report, "nvidia-toolkit");
        CHECK(toolkit.outcome == PreflightCheck::Outcome::Fail);
        CHECK_THAT(toolkit.fix, Catch::Contains("nvidia-ctk config --set accept-nvidia-visible-devices-as-volume-mounts=true --in-place"));
        const auto& runtime = check(report, "docker-nvidia-runtime");
        CHECK(runtime.outcome == PreflightCheck::Outcome::Fail);
        CHECK_THAT(runtime.fix, Catch::Contains("nvidia-ctk runtime configure --runtime=docker --set-as-default"));
        CHECK_FALSE(report.ok());
        REQUIRE(tools.nvidiaSmi.calls().size() == 1);
        CHECK_THAT(kc::testing::joinArgs(tools.nvidiaSmi.calls()[0]), Catch::Contains("--query-gpu="));
    }
    SECTION("toolkit configured") {
        probes.files["/etc/nvidia-container-runtime/config.toml"] =
            "accept-nvidia-visible-devices-envvar-when-unprivileged = false\naccept-nvidia-visible-devices-as-volume-mounts = true\n";
        tools.docker.on({"info"}, {.stdoutText = "27.3.1|/var/lib/docker|nvidia\n", .times = 1});
        auto report = kc::runPreflight(load("lab-02-gpu-real"), tools.options(), *kc::posixProcessRunner(), probes);
        INFO(kc::renderPreflightText(report));
        CHECK(report.ok());
        CHECK(check(report, "gpu-assignment").outcome == PreflightCheck::Outcome::Pass);
    }
}

TEST_CASE("real-GPU preflight without nvidia-smi points to the simulated profile", "[preflight]") {
    Tools tools;
    auto options = tools.options();
    options.nvidiaSmi = tools.dir.path() + "/bin/no-nvidia-smi";
    auto probes = FakeHostProbes::roomy();
    auto report = kc::runPreflight(load("lab-02-gpu-real"), options, *kc::posixProcessRunner(), probes);
    const auto& gpu = check(report, "gpu-driver");
    CHECK(gpu.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(gpu.fix, Catch::Contains("cluster up lab-02-gpu-sim"));
    const auto& toolkit = check(report, "nvidia-toolkit");
    CHECK(toolkit.outcome == PreflightCheck::Outcome::Fail);
    CHECK_THAT(toolkit.fix, Catch::Contains("install-guide"));
}

TEST_CASE("preflight JSON lists every check with its outcome and fix", "[preflight]") {
    Tools tools;
    auto probes = FakeHostProbes::roomy();
    probes.busyPorts = {80};
    auto report = kc::runPreflight(load("lab-03-mesh"), tools.options(), *kc::posixProcessRunner(), probes);
    kc::Json j = kc::preflightJson(report);
    CHECK(j["profile"] == "lab-03-mesh");
    CHECK(j["ok"] == false);
    bool found = false;
    for (const auto& c : j["checks"])
        if (c["id"] == "port-80") {
            found = true;
            CHECK(c["outcome"] == "fail");
            CHECK(c.contains("fix"));
        }
    CHECK(found);
    std::string text = kc::renderPreflightText(report);
    CHECK_THAT(text, Catch::Contains("FAIL  host port 80/TCP free (lab-03-mesh-control-plane): 0.0.0.0:80 is in use\n      fix: "));
    CHECK_THAT(text, Catch::EndsWith("preflight failed for lab-03-mesh\n"));
}
