// GPU detection from recorded nvidia-smi outputs (several GPU models and nvidia-smi's failure messages), through
// an in-test runner and once through a fake nvidia-smi on PATH run by the real posix_spawn runner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "clusters/bounded_file.h"
#include "clusters/gpu_inventory.h"
#include "tests/support/temp_dir.h"

using namespace kc;

namespace {

std::string fixture(const std::string& name) {
    auto text = readFileBounded(std::string(KUBECLASS_TEST_FIXTURES) + "/nvidia-smi/" + name, 1 << 20);
    REQUIRE(text);
    return *text;
}

// Plays nvidia-smi: answers every run with one canned result (or error) and records what was asked.
class CannedRunner final : public ProcessRunner {
public:
    explicit CannedRunner(Result<ProcessResult> answer) : answer_(std::move(answer)) {}
    std::vector<ProcessSpec> specs;
    Result<ProcessResult> run(const ProcessSpec& spec) override {
        specs.push_back(spec);
        return answer_;
    }

private:
    Result<ProcessResult> answer_;
};

ProcessResult exited(int code, const std::string& out, const std::string& err = "") {
    ProcessResult r;
    r.exitCode = code;
    r.stdoutText = out;
    r.stderrText = err;
    return r;
}

// posix_spawn runner whose children see `dir` first on PATH.
class PathPrependingRunner final : public ProcessRunner {
public:
    explicit PathPrependingRunner(std::string dir) : dir_(std::move(dir)) {}
    Result<ProcessResult> run(const ProcessSpec& spec) override {
        ProcessSpec withPath = spec;
        const char* path = std::getenv("PATH");
        withPath.extraEnv.emplace_back("PATH", dir_ + ":" + (path ? path : "/usr/bin:/bin"));
        return real_->run(withPath);
    }

private:
    std::string dir_;
    std::shared_ptr<ProcessRunner> real_ = posixProcessRunner();
};

}  // namespace

TEST_CASE("nvidia-smi is asked for index name uuid memory and driver as bare CSV") {
    CannedRunner runner(exited(0, fixture("t4-1x.csv")));
    auto gpus = detectGpus(runner, "/opt/nvidia/bin/nvidia-smi");
    REQUIRE(gpus);
    REQUIRE(runner.specs.size() == 1);
    CHECK(runner.specs[0].program == "/opt/nvidia/bin/nvidia-smi");
    CHECK(runner.specs[0].args == std::vector<std::string>{"--query-gpu=index,name,uuid,memory.total,driver_version",
                                                           "--format=csv,noheader,nounits"});
}

TEST_CASE("eight H100 80GB HBM3 are read with index uuid memory and driver") {
    CannedRunner runner(exited(0, fixture("h100-8x.csv")));
    auto gpus = detectGpus(runner);
    REQUIRE(gpus);
    REQUIRE(gpus->size() == 8);
    for (int i = 0; i < 8; ++i) {
        CHECK((*gpus)[i].index == i);
        CHECK((*gpus)[i].name == "NVIDIA H100 80GB HBM3");
        CHECK((*gpus)[i].memoryMiB == 81559);
        CHECK((*gpus)[i].driverVersion == "550.54.15");
    }
    CHECK((*gpus)[0].uuid == "GPU-1d3f6a2c-5b7e-4c21-9a0d-3e8f71b2c4a9");
    CHECK((*gpus)[7].uuid == "GPU-8e0a3b9d-2c4f-4d98-8b7e-0f5ae8c9d1b0");
    CHECK(gfdProductLabel((*gpus)[0].name) == "NVIDIA-H100-80GB-HBM3");
}

TEST_CASE("single GPU models T4 RTX 4090 and L4 are read") {
    struct Case {
        const char* file;
        const char* name;
        long long memory;
        const char* driver;
        const char* product;
    };
    const Case cases[] = {
        {"t4-1x.csv", "Tesla T4", 15360, "535.183.01", "Tesla-T4"},
        {"rtx4090-1x.csv", "NVIDIA GeForce RTX 4090", 24564, "550.120", "NVIDIA-GeForce-RTX-4090"},
        {"l4-1x-crlf.csv", "NVIDIA L4", 23034, "535.104.05", "NVIDIA-L4"},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        auto gpus = parseNvidiaSmiGpuList(fixture(c.file));
        REQUIRE(gpus);
        REQUIRE(gpus->size() == 1);
        CHECK((*gpus)[0].index == 0);
        CHECK((*gpus)[0].name == c.name);
        CHECK((*gpus)[0].memoryMiB == c.memory);
        CHECK((*gpus)[0].driverVersion == c.driver);
        CHECK(gfdProductLabel((*gpus)[0].name) == c.product);
    }
}

TEST_CASE("two A100-SXM4-40GB keep the UUIDs nvkind shows") {
    auto gpus = parseNvidiaSmiGpuList(fixture("a100-40gb-2x.csv"));
    REQUIRE(gpus);
    REQUIRE(gpus->size() == 2);
    CHECK((*gpus)[1].uuid == "GPU-4404041a-04cf-1ccf-9e70-f139a9b1e23c");
    CHECK((*gpus)[1].memoryMiB == 40960);
    CHECK(gfdProductLabel((*gpus)[1].name) == "NVIDIA-A100-SXM4-40GB");
}

TEST_CASE("every bad nvidia-smi line is reported with its line number") {
    auto gpus = parseNvidiaSmiGpuList(fixture("malformed.csv"), "smi.csv");
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().kind == ErrorKind::Invalid);
    const std::string& m = gpus.error().message;
    INFO(m);
    CHECK(m.find("smi.csv:1:") == std::string::npos);  // the good line
    CHECK(m.find("smi.csv:2: memory.total") != std::string::npos);
    CHECK(m.find("smi.csv:3:") == std::string::npos);  // blank
    CHECK(m.find("smi.csv:4: index") != std::string::npos);
    CHECK(m.find("smi.csv:5: expected 5 comma-separated fields") != std::string::npos);
    CHECK(m.find("smi.csv:6: index: GPU 0 is listed twice") != std::string::npos);
    CHECK(std::count(m.begin(), m.end(), '\n') == 3);  // four errors, one per line
}

TEST_CASE("nvidia-smi output is bounded in size and GPU count") {
    std::string big(2 * 1024 * 1024, 'x');
    auto tooBig = parseNvidiaSmiGpuList(big, "big");
    REQUIRE_FALSE(tooBig);
    CHECK(tooBig.error().kind == ErrorKind::Invalid);
    CHECK(tooBig.error().message.find("limit") != std::string::npos);

    std::string many;
    for (int i = 0; i < 5; ++i)
        many += std::to_string(i) + ", Tesla T4, GPU-0000000" + std::to_string(i) + "-0000-0000-0000-000000000000, 15360, 535.1\n";
    NvidiaSmiLimits limits;
    limits.maxGpus = 4;
    auto tooMany = parseNvidiaSmiGpuList(many, "many", limits);
    REQUIRE_FALSE(tooMany);
    CHECK(tooMany.error().message.find("many:5: more than 4 GPUs") != std::string::npos);
}

TEST_CASE("memory reported as N/A is kept as zero rather than rejected") {
    auto gpus = parseNvidiaSmiGpuList("0, NVIDIA GH200 480GB, GPU-11111111-2222-3333-4444-555555555555, [N/A], 560.35.03\n");
    REQUIRE(gpus);
    CHECK((*gpus)[0].memoryMiB == 0);
}

TEST_CASE("nvidia-smi missing says to install the driver") {
    CannedRunner runner(fail(ErrorKind::NotFound, "program \"nvidia-smi\" was not found on PATH"));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().kind == ErrorKind::NotFound);
    CHECK(gpus.error().message.find("not installed") != std::string::npos);
    CHECK(gpus.error().message.find("Install the NVIDIA driver") != std::string::npos);
}

TEST_CASE("a driver that is not loaded is reported with nvidia-smi's words and a fix") {
    CannedRunner runner(exited(9, fixture("driver-not-loaded.txt")));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().kind == ErrorKind::Unreachable);
    CHECK(gpus.error().message.find("couldn't communicate with the NVIDIA driver") != std::string::npos);
    CHECK(gpus.error().message.find("modprobe nvidia") != std::string::npos);
}

TEST_CASE("a driver library mismatch says to reboot") {
    CannedRunner runner(exited(18, fixture("version-mismatch.txt")));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().message.find("Driver/library version mismatch") != std::string::npos);
    CHECK(gpus.error().message.find("reboot") != std::string::npos);
}

TEST_CASE("no devices found is NotFound") {
    CannedRunner runner(exited(6, fixture("no-devices.txt")));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().kind == ErrorKind::NotFound);
    CHECK(gpus.error().message.find("sees no GPU") != std::string::npos);
}

TEST_CASE("an unknown nvidia-smi failure quotes its exit code and first lines") {
    CannedRunner runner(exited(15, "Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error\n"));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().message.find("exited with 15") != std::string::npos);
    CHECK(gpus.error().message.find("GPU0000:3B:00.0") != std::string::npos);
}

TEST_CASE("a hung nvidia-smi is a Timeout with a hint") {
    CannedRunner runner(fail(ErrorKind::Timeout, "\"nvidia-smi\" did not finish within 30000 ms"));
    auto gpus = detectGpus(runner);
    REQUIRE_FALSE(gpus);
    CHECK(gpus.error().kind == ErrorKind::Timeout);
    CHECK(gpus.error().message.find("Xid") != std::string::npos);
}

TEST_CASE("GFD product labels replace spaces and characters labels cannot hold") {
    CHECK(gfdProductLabel("NVIDIA A100-SXM4-40GB") == "NVIDIA-A100-SXM4-40GB");
    CHECK(gfdProductLabel("Tesla T4") == "Tesla-T4");
    CHECK(gfdProductLabel("NVIDIA A100 80GB PCIe") == "NVIDIA-A100-80GB-PCIe");
    CHECK(gfdProductLabel(" Quadro RTX 8000 (rev a1) ") == "Quadro-RTX-8000--rev-a1");
    CHECK(gfdProductLabel(std::string(100, 'A')).size() == 63);
}

TEST_CASE("a fake nvidia-smi on PATH is found and run by the posix_spawn runner") {
    kc::testing::TempDir dir;
    // The script answers only the exact query kubeclass sends, as a recorded A100 host would.
    dir.write("bin/nvidia-smi",
              "#!/bin/sh\n"
              "if [ \"$1\" = \"--query-gpu=index,name,uuid,memory.total,driver_version\" ] && "
              "[ \"$2\" = \"--format=csv,noheader,nounits\" ] && [ $# -eq 2 ]; then\n"
              "  cat '" + std::string(KUBECLASS_TEST_FIXTURES) + "/nvidia-smi/a100-40gb-2x.csv'\n"
              "  exit 0\n"
              "fi\n"
              "echo \"unexpected arguments: $*\" >&2\n"
              "exit 2\n",
              0755);
    PathPrependingRunner runner(dir.path() + "/bin");
    auto gpus = detectGpus(runner);
    REQUIRE(gpus);
    REQUIRE(gpus->size() == 2);
    CHECK((*gpus)[0].name == "NVIDIA A100-SXM4-40GB");
    CHECK((*gpus)[0].uuid == "GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c");

    dir.write("bin/nvidia-smi",
              "#!/bin/sh\ncat '" + std::string(KUBECLASS_TEST_FIXTURES) + "/nvidia-smi/driver-not-loaded.txt'\nexit 9\n",
              0755);
    auto broken = detectGpus(runner);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().kind == ErrorKind::Unreachable);

    PathPrependingRunner empty(dir.path() + "/nothing-here");
    auto missing = detectGpus(empty, "kubeclass-no-such-nvidia-smi");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
}

TEST_CASE("the host's own GPUs are detected when nvidia-smi is present") {
    auto runner = posixProcessRunner();
    ProcessSpec probe;
    probe.program = "nvidia-smi";
    probe.args = {"-L"};
    auto listed = runner->run(probe);
    if (!listed && listed.error().kind == ErrorKind::NotFound) {
        WARN("SKIPPED: no nvidia-smi on this machine");
        return;
    }
    auto gpus = detectGpus(*runner);
    if (!gpus) {
        WARN("SKIPPED: nvidia-smi is here but the GPUs cannot be queried: " + gpus.error().message);
        return;
    }
    REQUIRE_FALSE(gpus->empty());
    for (const auto& gpu : *gpus) {
        WARN("GPU " << gpu.index << ": " << gpu.name << ", " << gpu.memoryMiB << " MiB, driver " << gpu.driverVersion);
        CHECK(gpu.uuid.rfind("GPU-", 0) == 0);
        CHECK(gpu.memoryMiB > 0);
        // `nvidia-smi -L` lists the same GPU by name and UUID.
        CHECK(listed->stdoutText.find(gpu.name + " (UUID: " + gpu.uuid + ")") != std::string::npos);
    }
}
