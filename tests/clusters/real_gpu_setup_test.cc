// Real GPU nodes: kind node entries and per-node steps from detected GPUs, and the device plugin objects.
#include <catch2/catch.hpp>

#include <algorithm>

#include "clusters/bounded_file.h"
#include "clusters/cpprest_transport.h"
#include "clusters/kube_client.h"
#include "clusters/real_gpu_setup.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc;

namespace {

std::vector<GpuDevice> hostGpus(const std::string& fixtureName) {
    auto text = readFileBounded(std::string(KUBECLASS_TEST_FIXTURES) + "/nvidia-smi/" + fixtureName, 1 << 20);
    REQUIRE(text);
    auto gpus = parseNvidiaSmiGpuList(*text);
    REQUIRE(gpus);
    return *gpus;
}

GpuNodeSpec realNode(const std::string& name, std::vector<int> indexes) {
    GpuNodeSpec spec;
    spec.nodeName = name;
    spec.mode = GpuMode::Real;
    spec.hostGpuIndexes = std::move(indexes);
    spec.taints = {{"nvidia.com/gpu", "present", "NoSchedule"}};
    return spec;
}

std::vector<std::string> containerPaths(const Json& node) {
    std::vector<std::string> out;
    for (const auto& m : node["extraMounts"]) {
        CHECK(m["hostPath"] == "/dev/null");
        out.push_back(m["containerPath"]);
    }
    return out;
}

}  // namespace

TEST_CASE("eight H100s split over two kind workers by index") {
    auto gpus = hostGpus("h100-8x.csv");
    auto nodes = kindNodesForRealGpus({realNode("lab-worker", {0, 1, 2, 3}), realNode("lab-worker2", {4, 5, 6, 7})},
                                      gpus);
    REQUIRE(nodes);
    REQUIRE(nodes->size() == 2);
    CHECK((*nodes)[0]["role"] == "worker");
    CHECK((*nodes)[0]["labels"]["kubeclass.dev/gpu-mode"] == "real");
    CHECK(containerPaths((*nodes)[0]) ==
          std::vector<std::string>{"/var/run/nvidia-container-devices/0", "/var/run/nvidia-container-devices/1",
                                   "/var/run/nvidia-container-devices/2", "/var/run/nvidia-container-devices/3"});
    CHECK(containerPaths((*nodes)[1]).back() == "/var/run/nvidia-container-devices/7");
}

TEST_CASE("a node without indexes takes every GPU through the all device") {
    auto node = kindNodeForRealGpus(realNode("lab-worker", {}), hostGpus("t4-1x.csv"));
    REQUIRE(node);
    CHECK(containerPaths(*node) == std::vector<std::string>{"/var/run/nvidia-container-devices/all"});
}

TEST_CASE("GPU assignments that cannot work are refused with every reason") {
    auto gpus = hostGpus("a100-40gb-2x.csv");
    auto overlap = kindNodesForRealGpus({realNode("w1", {0, 1}), realNode("w2", {1}), realNode("w3", {5, 0, 0})}, gpus);
    REQUIRE_FALSE(overlap);
    CHECK(overlap.error().kind == ErrorKind::Invalid);
    const std::string& m = overlap.error().message;
    INFO(m);
    CHECK(m.find("GPU 1 is given to both w1 and w2") != std::string::npos);
    CHECK(m.find("w3: GPU 5 is not on this host (it has 0, 1)") != std::string::npos);
    CHECK(m.find("GPU 0 is listed twice") != std::string::npos);

    auto none = kindNodeForRealGpus(realNode("w1", {}), {});
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::NotFound);

    // Simulated specs are not real nodes and are skipped.
    GpuNodeSpec simulated;
    simulated.nodeName = "sim";
    auto onlyReal = kindNodesForRealGpus({simulated, realNode("w1", {1})}, gpus);
    REQUIRE(onlyReal);
    CHECK(onlyReal->size() == 1);
}

TEST_CASE("per-node steps configure containerd and hide the GPUs of other nodes") {
    auto gpus = hostGpus("h100-8x.csv");
    auto steps = realGpuNodeSteps(realNode("lab-worker2", {4, 5, 6, 7}), gpus, "/usr/bin/docker");
    REQUIRE(steps);
    REQUIRE(steps->size() == 4);
    for (const auto& step : *steps) {
        CHECK(step.node == "lab-worker2");
        REQUIRE(step.argv.size() == 6);
        CHECK(std::vector<std::string>(step.argv.begin(), step.argv.begin() + 5) ==
              std::vector<std::string>{"/usr/bin/docker", "exec", "lab-worker2", "bash", "-c"});
    }
    CHECK((*steps)[0].argv[5].find("apt-get install -y nvidia-container-toolkit") != std::string::npos);
    CHECK((*steps)[1].argv[5].find("nvidia-ctk runtime configure --runtime=containerd --config-source=command") !=
          std::string::npos);
    CHECK((*steps)[1].argv[5].find("systemctl restart containerd") != std::string::npos);
    CHECK((*steps)[2].argv[5].find("umount -R /proc/driver/nvidia") != std::string::npos);
    CHECK((*steps)[2].argv[5].find("ModifyDeviceFiles: 0") != std::string::npos);
    const std::string& hide = (*steps)[3].argv[5];
    for (int i = 0; i < 4; ++i) CHECK(hide.find("rm -f /dev/nvidia" + std::to_string(i) + "\n") != std::string::npos);
    for (int i = 4; i < 8; ++i) CHECK(hide.find("/dev/nvidia" + std::to_string(i)) == std::string::npos);

    // A node with every GPU has nothing to hide.
    auto all = realGpuNodeSteps(realNode("lab-worker", {}), gpus);
    REQUIRE(all);
    CHECK(all->size() == 3);
    CHECK(all->front().argv.front() == "docker");

    CHECK_FALSE(realGpuNodeSteps(realNode("lab-worker", {9}), gpus));
}

TEST_CASE("device plugin objects pin the version run with the nvidia runtime class and tolerate the GPU taint") {
    DevicePluginInstall install;
    install.tolerate = {{"nvidia.com/gpu", "present", "NoSchedule"}, {"example.com/lab", "", "NoExecute"}};
    install.configMapName = "nvidia-plugin-configs";
    install.configKey = "default";
    auto objects = devicePluginObjects(install);
    REQUIRE(objects.size() == 3);
    CHECK(objects[0]["kind"] == "Namespace");
    CHECK(objects[1] == Json{{"apiVersion", "node.k8s.io/v1"}, {"kind", "RuntimeClass"},
                             {"metadata", {{"name", "nvidia"}}}, {"handler", "nvidia"}});
    const Json& ds = objects[2];
    CHECK(ds["kind"] == "DaemonSet");
    CHECK(ds["metadata"]["namespace"] == "nvidia-device-plugin");
    const Json& pod = ds["spec"]["template"]["spec"];
    CHECK(pod["runtimeClassName"] == "nvidia");
    CHECK(pod["nodeSelector"]["kubeclass.dev/gpu-mode"] == "real");
    CHECK(pod["containers"][0]["image"] == "nvcr.io/nvidia/k8s-device-plugin:v0.17.1");
    // nvidia.com/gpu Exists covers the profile's nvidia.com/gpu=present taint; the other taint gets its own.
    const Json& tolerations = pod["tolerations"];
    CHECK(std::count_if(tolerations.begin(), tolerations.end(),
                        [](const Json& t) { return t["key"] == "nvidia.com/gpu"; }) == 1);
    CHECK(std::find(tolerations.begin(), tolerations.end(),
                    Json{{"key", "example.com/lab"}, {"operator", "Exists"}, {"effect", "NoExecute"}}) !=
          tolerations.end());
    CHECK(ds["spec"]["selector"]["matchLabels"] == ds["spec"]["template"]["metadata"]["labels"]);
    bool configFile = false;
    for (const auto& e : pod["containers"][0]["env"])
        if (e["name"] == "CONFIG_FILE") configFile = true;
    CHECK(configFile);
    CHECK(pod["volumes"][1]["configMap"]["items"][0]["key"] == "default");
}

TEST_CASE("device plugin objects are accepted by server-side apply") {
    auto api = kc::testing::ApiDouble::start();
    TransportConfig config;
    config.server = api->url();
    config.caPem = api->pki().caPem;
    config.clientCertPem = api->pki().clientCertPem;
    config.clientKeyPem = api->pki().clientKeyPem;
    KubeClient client(config, cpprestTransportFactory(), noCredentials());
    for (const auto& object : devicePluginObjects()) {
        auto applied = client.apply(object);
        INFO(object["kind"]);
        REQUIRE(applied);
    }
    auto ds = api->get("apps/v1", "DaemonSet", "nvidia-device-plugin", "nvidia-device-plugin-daemonset");
    REQUIRE(ds);
    CHECK((*ds)["spec"]["template"]["spec"]["runtimeClassName"] == "nvidia");
    CHECK(api->get("node.k8s.io/v1", "RuntimeClass", "", "nvidia"));
}

namespace {

// Answers `docker info` with a canned default runtime.
class DockerInfoRunner final : public ProcessRunner {
public:
    explicit DockerInfoRunner(ProcessResult answer) : answer_(std::move(answer)) {}
    std::vector<ProcessSpec> specs;
    Result<ProcessResult> run(const ProcessSpec& spec) override {
        specs.push_back(spec);
        return answer_;
    }

private:
    ProcessResult answer_;
};

ProcessResult dockerSays(int code, const std::string& out, const std::string& err = "") {
    ProcessResult r;
    r.exitCode = code;
    r.stdoutText = out;
    r.stderrText = err;
    return r;
}

// The toolkit's config.toml as installed: the key is commented out, sections follow.
const char* kDefaultToml = R"(#accept-nvidia-visible-devices-as-volume-mounts = false
#accept-nvidia-visible-devices-envvar-when-unprivileged = true
disable-require = false

[nvidia-container-cli]
ldconfig = "@/sbin/ldconfig.real"
)";

}  // namespace

TEST_CASE("the toolkit accepts device mounts only when the top-level key is true") {
    CHECK_FALSE(*toolkitAcceptsVolumeMounts(kDefaultToml, "config.toml"));
    CHECK(*toolkitAcceptsVolumeMounts("accept-nvidia-visible-devices-as-volume-mounts = true\n[x]\n", "c"));
    CHECK(*toolkitAcceptsVolumeMounts("  accept-nvidia-visible-devices-as-volume-mounts=true # set by nvkind\n", "c"));
    // The same key inside a section is not the toolkit's setting.
    CHECK_FALSE(*toolkitAcceptsVolumeMounts("[other]\naccept-nvidia-visible-devices-as-volume-mounts = true\n", "c"));
    auto bad = toolkitAcceptsVolumeMounts("a = 1\naccept-nvidia-visible-devices-as-volume-mounts = yes\n", "c.toml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "c.toml:2: accept-nvidia-visible-devices-as-volume-mounts: must be true or false, not \"yes\"");
}

TEST_CASE("the real GPU host check names each missing piece and its fix") {
    kc::testing::TempDir dir;
    std::string off = dir.write("off.toml", kDefaultToml);
    std::string on = dir.write("on.toml", "accept-nvidia-visible-devices-as-volume-mounts = true\n");

    DockerInfoRunner good(dockerSays(0, "nvidia\n"));
    CHECK(checkRealGpuHost(good, on, "/usr/bin/docker"));
    REQUIRE(good.specs.size() == 1);
    CHECK(good.specs[0].program == "/usr/bin/docker");
    CHECK(good.specs[0].args == std::vector<std::string>{"info", "--format", "{{.DefaultRuntime}}"});

    DockerInfoRunner runc(dockerSays(0, "runc\n"));
    auto both = checkRealGpuHost(runc, off);
    REQUIRE_FALSE(both);
    INFO(both.error().message);
    CHECK(both.error().message.find("nvidia-ctk config --set accept-nvidia-visible-devices-as-volume-mounts=true") !=
          std::string::npos);
    CHECK(both.error().message.find("docker's default runtime is \"runc\"") != std::string::npos);
    CHECK(both.error().message.find("--set-as-default") != std::string::npos);

    DockerInfoRunner down(dockerSays(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n"));
    auto missing = checkRealGpuHost(down, dir.path() + "/absent.toml");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("toolkit is not configured") != std::string::npos);
    CHECK(missing.error().message.find("Cannot connect to the Docker daemon") != std::string::npos);
}

namespace {

// Plays docker exec: succeeds unless the script mentions `failOn`, and records what ran.
class StepRunner final : public ProcessRunner {
public:
    explicit StepRunner(std::string failOn) : failOn_(std::move(failOn)) {}
    std::vector<ProcessSpec> specs;
    Result<ProcessResult> run(const ProcessSpec& spec) override {
        specs.push_back(spec);
        ProcessResult r;
        r.exitCode = 0;
        if (!failOn_.empty() && spec.args.back().find(failOn_) != std::string::npos) {
            r.exitCode = 1;
            r.stderrText = "line 1\nline 2\nline 3\nline 4\nline 5\nJob for containerd.service failed.\n";
        }
        return r;
    }

private:
    std::string failOn_;
};

}  // namespace

TEST_CASE("node steps run in order and stop at the first failure with its last lines") {
    auto gpus = hostGpus("a100-40gb-2x.csv");
    auto steps = realGpuNodeSteps(realNode("lab-worker", {1}), gpus);
    REQUIRE(steps);
    REQUIRE(steps->size() == 4);

    StepRunner ok("");
    std::vector<std::string> started;
    REQUIRE(runNodeSteps(ok, *steps, [&](const NodeStep& s) { started.push_back(s.title); }));
    CHECK(started.size() == 4);
    REQUIRE(ok.specs.size() == 4);
    CHECK(ok.specs[0].program == "docker");
    CHECK(ok.specs[0].args[0] == "exec");
    CHECK(ok.specs[3].args.back() == "while umount /dev/nvidia0 2>/dev/null; do :; done\nrm -f /dev/nvidia0\n");

    StepRunner broken("systemctl restart containerd");
    auto failed = runNodeSteps(broken, *steps);
    REQUIRE_FALSE(failed);
    CHECK(broken.specs.size() == 2);  // the steps after the failing one do not run
    CHECK(failed.error().message ==
          "node lab-worker: configure containerd for the NVIDIA runtime failed (exit 1):\n"
          "line 2\nline 3\nline 4\nline 5\nJob for containerd.service failed.");
}
