// The NVIDIA device plugin's time-slicing configuration, read as the plugin reads it, and what it does to a node:
// how many nvidia.com/gpu (or renamed) resources it advertises and how GPU feature discovery labels it.
// Facts from the k8s-device-plugin README and its api/config/v1 rules (v0.17): replicas must be >= 2,
// renameByDefault advertises <name>.shared, the product label gets -SHARED only when the resource is not renamed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/json.h"
#include "clusters/result.h"
#include "clusters/yaml_json.h"

namespace kc {

// Which GPUs of a node a time-sliced resource replicates: all, the first N, or the listed ones.
struct ReplicatedDevices {
    enum class Kind { All, Count, List };
    Kind kind = Kind::All;
    int count = 0;                    // Kind::Count
    std::vector<std::string> list;    // Kind::List: GPU indexes ("0") or UUIDs ("GPU-...") as written
};

struct TimeSlicedResource {
    std::string name;     // "nvidia.com/gpu"
    std::string rename;   // advertised name; renameByDefault fills "<name>.shared" when the entry has none
    int replicas = 0;     // >= 2
    ReplicatedDevices devices;
    SourceLocation location;  // of the entry, for messages
};

struct TimeSlicingConfig {
    bool renameByDefault = false;
    bool failRequestsGreaterThanOne = false;
    std::vector<TimeSlicedResource> resources;  // at least one
};

struct DevicePluginConfig {
    std::string version;                       // must be "v1"
    std::optional<TimeSlicingConfig> timeSlicing;  // sharing.timeSlicing, when present
};

// Parses one config file (one key of the ConfigMap). Errors read "SOURCE:LINE:COL: field: what is wrong", every
// error found, one per line, kind Invalid. Checked: version v1; sharing.timeSlicing.resources non-empty; each
// entry has name (only nvidia.com/gpu can be simulated: MIG resources are reported as not simulated), replicas
// an integer >= 2, rename a valid resource name, devices "all" | a count > 0 | a list of indexes or GPU UUIDs;
// renameByDefault / failRequestsGreaterThanOne booleans; unknown keys inside timeSlicing and its entries (typos
// such as "replica:") are errors. sharing.mps is reported as not simulated. `flags` and other top-level keys
// the plugin knows are accepted and ignored.
Result<DevicePluginConfig> parseDevicePluginConfig(std::string_view yamlText, const std::string& sourceName);

// Where the simulator finds the student's config, as the device plugin Helm chart does with `config.name`:
// one ConfigMap whose keys are named configs. Defaults: namespace "nvidia-device-plugin" (the namespace the
// README installs the chart into) and ConfigMap "nvidia-plugin-configs" (the README's pre-created example).
struct DevicePluginConfigSource {
    std::string ns = "nvidia-device-plugin";
    std::string configMapName = "nvidia-plugin-configs";
    std::string defaultKey;  // the chart's config.default; empty: "default" if that key exists, else the only key
};

// The node label that picks a named config for one node (the chart's config manager watches it).
inline constexpr const char* kDevicePluginConfigLabel = "nvidia.com/device-plugin.config";

// Which key of the ConfigMap applies to a node, as the chart decides:
// - the node label names an existing key -> that key;
// - the label names a key that does not exist -> NotFound (the plugin then skips reconfiguration: the caller
//   keeps what the node had);
// - no label -> defaultKey if set (Invalid if it is not a key), else "default" if present, else the only key;
//   several keys and no default -> Invalid (the chart refuses to deploy in that case).
Result<std::string> chooseConfigKey(const std::vector<std::string>& keys, const std::string& nodeLabelValue,
                                    const std::string& defaultKey);

// What a node with `gpuCount` whole GPUs advertises and how GFD labels it under a config (nullptr or a config
// without timeSlicing: no sharing).
struct GpuSharingEffect {
    std::map<std::string, long long> resources;  // advertised extended resources, e.g. {"nvidia.com/gpu": 16}
    std::map<std::string, std::string> labels;   // nvidia.com/gpu.product, .count, .replicas, .sharing-strategy
    std::string strategy = "none";               // "none" | "time-slicing"
    int replicas = 1;                            // per replicated GPU
    bool renamed = false;
    std::vector<std::string> notes;              // e.g. a devices entry naming a GPU the node does not have
};

// baseProduct is the unshared product label value ("NVIDIA-A100-SXM4-40GB").
// Replicated GPUs advertise replicas each under the (re)name; the others stay one nvidia.com/gpu each.
// Labels: gpu.count = whole GPUs; gpu.replicas = replicas (1 without sharing); gpu.sharing-strategy;
// gpu.product = baseProduct, with "-SHARED" appended when shared and not renamed.
GpuSharingEffect computeSharingEffect(const DevicePluginConfig* config, const std::string& baseProduct,
                                      int gpuCount);

}  // namespace kc
