// What NVIDIA GPUs the host has, as nvidia-smi reports them: the input for real GPU nodes and for preflight.
// Parsing is separate from running nvidia-smi so recorded outputs of many GPU models can be tested.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc {

struct GpuDevice {
    int index = 0;                // as nvidia-smi numbers it (and as kind/nvkind device mounts name it)
    std::string name;             // "NVIDIA A100-SXM4-40GB"
    std::string uuid;             // "GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c"
    long long memoryMiB = 0;      // memory.total; 0 when nvidia-smi says [N/A] or [Not Supported]
    std::string driverVersion;    // "550.54.15"
};

struct NvidiaSmiLimits {
    size_t maxBytes = 1024 * 1024;  // nvidia-smi output is untrusted input like any other
    size_t maxGpus = 256;
};

// The arguments detectGpus passes to nvidia-smi (without the program name):
// --query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits
std::vector<std::string> nvidiaSmiQueryArguments();

// Parses that query's output: one "index, name, uuid, memory, driver" line per GPU. Blank lines are skipped.
// Every bad line is reported ("SOURCE:LINE: what is wrong"), all of them in one Invalid error, one per line.
// Duplicate indexes or UUIDs are errors. An output with no GPU line is NotFound ("no NVIDIA GPU ...").
Result<std::vector<GpuDevice>> parseNvidiaSmiGpuList(std::string_view text,
                                                     const std::string& sourceName = "nvidia-smi output",
                                                     const NvidiaSmiLimits& limits = {});

// Runs nvidia-smi (a path, or a name looked up on PATH) and parses its answer. Errors say how to fix them:
// - NotFound: nvidia-smi is not installed (no NVIDIA driver on this host), or no GPU was found;
// - Unreachable: the driver is not loaded / nvidia-smi "couldn't communicate with the NVIDIA driver";
// - Other: "Driver/library version mismatch" (reboot or reload the kernel module), NVML library missing,
//   any other non-zero exit, with nvidia-smi's own first lines quoted;
// - Timeout: nvidia-smi hung (a GPU fallen off the bus does that).
Result<std::vector<GpuDevice>> detectGpus(ProcessRunner& runner, const std::string& nvidiaSmi = "nvidia-smi");

// The value GPU feature discovery puts in nvidia.com/gpu.product for a GPU name: spaces become dashes
// ("NVIDIA A100-SXM4-40GB" -> "NVIDIA-A100-SXM4-40GB", "Tesla T4" -> "Tesla-T4"). Characters a label value
// cannot hold are replaced by '-', and the result is cut to the 63-character label limit.
std::string gfdProductLabel(std::string_view gpuName);

}  // namespace kc
