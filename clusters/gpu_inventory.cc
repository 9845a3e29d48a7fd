// nvidia-smi's CSV query output → GpuDevice, and nvidia-smi's failure messages → errors that say what to do.
#include "clusters/gpu_inventory.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace kc {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

bool parseWhole(std::string_view text, long long& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// nvidia-smi writes these where a value is unknown for the GPU (e.g. memory of some integrated GPUs).
bool isUnavailable(std::string_view value) {
    return value == "[N/A]" || value == "[Not Supported]" || value == "N/A";
}

bool printable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u != 0x7f;
    });
}

std::string quoteExcerpt(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 80)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    if (line.size() > 80) out += "...";
    return "\"" + out + "\"";
}

// The first few non-empty lines of what nvidia-smi printed, to quote in an error.
std::string firstLines(const std::string& text, int maxLines = 3) {
    std::string out;
    size_t start = 0;
    int taken = 0;
    while (start < text.size() && taken < maxLines) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto line = trimmed(std::string_view(text).substr(start, end - start));
        if (!line.empty()) {
            if (!out.empty()) out += " / ";
            out += std::string(line.substr(0, 200));
            ++taken;
        }
        start = end + 1;
    }
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

std::vector<std::string> nvidiaSmiQueryArguments() {
    return {"--query-gpu=index,name,uuid,memory.total,driver_version", "--format=csv,noheader,nounits"};
}

Result<std::vector<GpuDevice>> parseNvidiaSmiGpuList(std::string_view text, const std::string& sourceName,
                                                     const NvidiaSmiLimits& limits) {
    if (text.size() > limits.maxBytes)
        return fail(ErrorKind::Invalid, sourceName + ": " + std::to_string(text.size()) +
                                            " bytes is more than the " + std::to_string(limits.maxBytes) +
                                            "-byte limit for nvidia-smi output");
    std::vector<GpuDevice> gpus;
    std::vector<std::string> problems;
    std::set<int> indexes;
    std::set<std::string> uuids;
    size_t start = 0;
    int lineNumber = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trimmed(line).empty()) continue;
        auto bad = [&](const std::string& what) {
            problems.push_back(sourceName + ":" + std::to_string(lineNumber) + ": " + what);
        };
        if (!printable(line)) {
            bad("the line holds control characters: " + quoteExcerpt(line));
            continue;
        }
        std::vector<std::string_view> fields;
        size_t fieldStart = 0;
        while (true) {
            size_t comma = line.find(',', fieldStart);
            fields.push_back(trimmed(line.substr(fieldStart, comma == std::string_view::npos ? std::string_view::npos
                                                                                             : comma - fieldStart)));
            if (comma == std::string_view::npos) break;
            fieldStart = comma + 1;
        }
        if (fields.size() != 5) {
            bad("expected 5 comma-separated fields (index, name, uuid, memory.total, driver_version), found " +
                std::to_string(fields.size()) + ": " + quoteExcerpt(line));
            continue;
        }
        GpuDevice gpu;
        bool ok = true;
        long long index = -1;
        if (!parseWhole(fields[0], index) || index < 0 || index > 4096) {
            bad("index: " + quoteExcerpt(fields[0]) + " is not a GPU index (a whole number >= 0)");
            ok = false;
        }
        gpu.index = static_cast<int>(index);
        gpu.name = std::string(fields[1]);
        if (gpu.name.empty() || isUnavailable(fields[1])) {
            bad("name: the GPU has no name");
            ok = false;
        }
        gpu.uuid = std::string(fields[2]);
        if (gpu.uuid.rfind("GPU-", 0) != 0 || gpu.uuid.size() < 8) {
            bad("uuid: " + quoteExcerpt(fields[2]) + " is not a GPU UUID (GPU-...)");
            ok = false;
        }
        if (isUnavailable(fields[3])) {
            gpu.memoryMiB = 0;
        } else if (!parseWhole(fields[3], gpu.memoryMiB) || gpu.memoryMiB < 0) {
            bad("memory.total: " + quoteExcerpt(fields[3]) +
                " is not a number of MiB (was the query run with nounits?)");
            ok = false;
        }
        gpu.driverVersion = std::string(fields[4]);
        if (gpu.driverVersion.empty() || !std::isdigit(static_cast<unsigned char>(gpu.driverVersion.front()))) {
            bad("driver_version: " + quoteExcerpt(fields[4]) + " is not a driver version");
            ok = false;
        }
        if (!ok) continue;
        if (!indexes.insert(gpu.index).second) {
            bad("index: GPU " + std::to_string(gpu.index) + " is listed twice");
            continue;
        }
        if (!uuids.insert(gpu.uuid).second) {
            bad("uuid: " + gpu.uuid + " is listed twice");
            continue;
        }
        if (gpus.size() >= limits.maxGpus) {
            bad("more than " + std::to_string(limits.maxGpus) + " GPUs");
            break;
        }
        gpus.push_back(std::move(gpu));
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        return fail(ErrorKind::Invalid, message);
    }
    if (gpus.empty())
        return fail(ErrorKind::NotFound, sourceName + ": no NVIDIA GPU is listed");
    std::sort(gpus.begin(), gpus.end(), [](const GpuDevice& a, const GpuDevice& b) { return a.index < b.index; });
    return gpus;
}

Result<std::vector<GpuDevice>> detectGpus(ProcessRunner& runner, const std::string& nvidiaSmi) {
    ProcessSpec spec;
    spec.program = nvidiaSmi;
    spec.args = nvidiaSmiQueryArguments();
    // A healthy nvidia-smi answers in well under a second; a GPU that fell off the bus can make it hang.
    spec.timeout = std::chrono::seconds(30);
    spec.maxOutputBytes = NvidiaSmiLimits{}.maxBytes + 1;
    auto ran = runner.run(spec);
    const std::string what = "detecting NVIDIA GPUs with " + nvidiaSmi;
    if (!ran) {
        Error error = ran.error();
        if (error.kind == ErrorKind::NotFound)
            return fail(ErrorKind::NotFound,
                        what + ": nvidia-smi is not installed (" + error.message +
                            "). Install the NVIDIA driver for your GPU (it provides nvidia-smi), or use a profile "
                            "with simulated GPU nodes");
        if (error.kind == ErrorKind::Timeout)
            return fail(ErrorKind::Timeout, what + ": " + error.message +
                                                ". A GPU that stopped responding makes nvidia-smi hang; check "
                                                "`dmesg` for Xid errors and reboot the host");
        return fail(error.context(what));
    }
    // nvidia-smi prints its own failures on stdout, so both streams are read.
    const std::string said = ran->stdoutText + "\n" + ran->stderrText;
    const std::string quoted = firstLines(said);
    if (ran->exitCode != 0 || contains(said, "NVIDIA-SMI has failed") || contains(said, "Failed to initialize NVML")) {
        if (contains(said, "couldn't communicate with the NVIDIA driver") || ran->exitCode == 9)
            return fail(ErrorKind::Unreachable,
                        what + ": the NVIDIA driver is not loaded (nvidia-smi: \"" + quoted +
                            "\"). Load it (`sudo modprobe nvidia`) or reinstall the driver for your kernel, then "
                            "reboot");
        if (contains(said, "Driver/library version mismatch"))
            return fail(ErrorKind::Other,
                        what + ": the loaded NVIDIA kernel module and the installed driver libraries differ "
                               "(nvidia-smi: \"" + quoted +
                            "\"); this happens after a driver upgrade: reboot the host");
        if (contains(said, "couldn't find libnvidia-ml.so") || ran->exitCode == 12)
            return fail(ErrorKind::Other, what + ": the NVML library is missing (nvidia-smi: \"" + quoted +
                                              "\"). Reinstall the NVIDIA driver");
        if (contains(said, "Insufficient Permissions") || ran->exitCode == 4)
            return fail(ErrorKind::Forbidden, what + ": no permission to query the GPUs (nvidia-smi: \"" + quoted +
                                                  "\"). Check the permissions of /dev/nvidia*");
        if (contains(said, "No devices were found") || ran->exitCode == 6)
            return fail(ErrorKind::NotFound, what + ": the driver is loaded but sees no GPU (nvidia-smi: \"" +
                                                 quoted + "\"). Check that the GPU is seated and powered "
                                                          "(`lspci | grep -i nvidia`)");
        return fail(ErrorKind::Other, what + ": nvidia-smi exited with " + std::to_string(ran->exitCode) +
                                          (quoted.empty() ? std::string() : ": \"" + quoted + "\""));
    }
    if (contains(ran->stdoutText, "No devices were found"))
        return fail(ErrorKind::NotFound, what + ": the driver is loaded but sees no GPU");
    auto gpus = parseNvidiaSmiGpuList(ran->stdoutText, nvidiaSmi + " output");
    if (!gpus) return fail(gpus.error().context(what));
    return gpus;
}

std::string gfdProductLabel(std::string_view gpuName) {
    // GFD replaces spaces with dashes. Label values also allow only [A-Za-z0-9._-], start and end alphanumeric,
    // and at most 63 characters, so anything else is made safe the same way.
    std::string out;
    for (char c : trimmed(gpuName)) {
        bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        out += allowed ? c : '-';
    }
    if (out.size() > 63) out.resize(63);
    while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
    size_t first = 0;
    while (first < out.size() && !std::isalnum(static_cast<unsigned char>(out[first]))) ++first;
    return out.substr(first);
}

}  // namespace kc
