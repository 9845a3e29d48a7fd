// Device-plugin config parsing (every error with line:col) and the time-slicing arithmetic GFD labels follow.
#include "clusters/time_slicing.h"

#include <algorithm>
#include <regex>
#include <set>

namespace kc {
namespace {

constexpr const char* kFullGpu = "nvidia.com/gpu";

// A Kubernetes extended resource name: an optional DNS-subdomain prefix and "/", then a qualified name.
bool isResourceName(const std::string& name) {
    static const std::regex pattern(
        R"(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)");
    return name.size() <= 253 && std::regex_match(name, pattern);
}

bool isGpuUuid(const std::string& text) {
    static const std::regex pattern(R"(GPU-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
    return std::regex_match(text, pattern);
}

bool isIndex(const std::string& text) {
    return !text.empty() && text.size() <= 6 && std::all_of(text.begin(), text.end(), ::isdigit);
}

bool isMigIndex(const std::string& text) {
    auto colon = text.find(':');
    return colon != std::string::npos && isIndex(text.substr(0, colon)) && isIndex(text.substr(colon + 1));
}

std::string typeName(const Json& value) {
    if (value.is_null()) return "null";
    if (value.is_boolean()) return "a boolean";
    if (value.is_number()) return "a number";
    if (value.is_string()) return "a string";
    if (value.is_array()) return "a list";
    return "a map";
}

class ConfigReader {
public:
    ConfigReader(const YamlDocument& doc, const std::string& source) : doc_(doc), source_(source) {}

    void error(const std::string& pointer, const std::string& field, const std::string& what) {
        errors_.push_back(formatLocation(source_, doc_.locate(pointer)) + ": " + field + ": " + what);
    }

    void unknownKeys(const Json& map, const std::string& pointer, const std::string& fieldPrefix,
                     std::initializer_list<const char*> known) {
        for (const auto& [key, value] : map.items()) {
            // Named capture: clang before 16 cannot capture a structured binding, and the fuzz build uses clang 14.
            bool ok = std::any_of(known.begin(), known.end(), [&name = key](const char* k) { return name == k; });
            if (!ok) {
                std::string list;
                for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
                error(pointer + "/" + jsonPointerToken(key), fieldPrefix + key,
                      "unknown field (the device plugin knows " + list + ")");
            }
        }
    }

    bool readBool(const Json& map, const std::string& key, const std::string& pointer, const std::string& field,
                  bool& out) {
        if (!map.contains(key)) return true;
        const Json& v = map.at(key);
        if (!v.is_boolean()) {
            error(pointer + "/" + key, field, "must be true or false, not " + typeName(v));
            return false;
        }
        out = v.get<bool>();
        return true;
    }

    std::vector<std::string> takeErrors() { return std::move(errors_); }

private:
    const YamlDocument& doc_;
    const std::string& source_;
    std::vector<std::string> errors_;
};

void readDevices(ConfigReader& reader, const Json& value, const std::string& pointer, const std::string& field,
                 ReplicatedDevices& out) {
    if (value.is_string()) {
        if (value.get<std::string>() != "all")
            reader.error(pointer, field, "\"" + value.get<std::string>() +
                                             "\" is not allowed: the only string is \"all\"");
        out.kind = ReplicatedDevices::Kind::All;
        return;
    }
    if (value.is_number_integer()) {
        long long count = value.get<long long>();
        if (count <= 0 || count > 4096) reader.error(pointer, field, "a count of devices must be > 0");
        out.kind = ReplicatedDevices::Kind::Count;
        out.count = static_cast<int>(std::clamp<long long>(count, 0, 4096));
        return;
    }
    if (value.is_array()) {
        out.kind = ReplicatedDevices::Kind::List;
        if (value.empty()) reader.error(pointer, field, "the list of devices is empty");
        for (size_t i = 0; i < value.size(); ++i) {
            const Json& item = value[i];
            std::string itemPointer = pointer + "/" + std::to_string(i);
            std::string itemField = field + "[" + std::to_string(i) + "]";
            std::string text;
            if (item.is_number_integer() && item.get<long long>() >= 0)
                text = std::to_string(item.get<long long>());
            else if (item.is_string())
                text = item.get<std::string>();
            if (text.empty() || !(isIndex(text) || isMigIndex(text) || isGpuUuid(text) ||
                                  text.rfind("MIG-", 0) == 0)) {
                reader.error(itemPointer, itemField,
                             "must be a GPU index (0), a MIG index (0:1) or a UUID (GPU-...), not " +
                                 (item.is_string() ? "\"" + item.get<std::string>() + "\"" : typeName(item)));
                continue;
            }
            out.list.push_back(text);
        }
        return;
    }
    reader.error(pointer, field, "must be \"all\", a count, or a list of GPU indexes or UUIDs, not " +
                                     typeName(value));
}

}  // namespace

Result<DevicePluginConfig> parseDevicePluginConfig(std::string_view yamlText, const std::string& sourceName) {
    YamlLimits limits;
    limits.maxBytes = 256 * 1024;  // a device-plugin config is a few hundred bytes
    limits.maxDepth = 20;
    limits.maxNodes = 20000;
    auto parsed = parseYamlDocument(yamlText, sourceName, limits);
    if (!parsed) return fail(parsed.error());
    const YamlDocument& doc = *parsed;
    ConfigReader reader(doc, sourceName);
    DevicePluginConfig config;
    const Json& root = doc.value;
    if (!root.is_object()) {
        reader.error("", "(top level)", "a device-plugin config is a map with version, flags and sharing, not " +
                                            typeName(root));
        auto errors = reader.takeErrors();
        return fail(ErrorKind::Invalid, errors.front());
    }
    if (!root.contains("version")) {
        reader.error("", "version", "missing (write version: v1)");
    } else if (!root["version"].is_string() || root["version"].get<std::string>() != "v1") {
        reader.error("/version", "version",
                     "must be v1, not " + (root["version"].is_string() ? root["version"].get<std::string>()
                                                                        : typeName(root["version"])));
    } else {
        config.version = "v1";
    }
    if (root.contains("sharing") && !root["sharing"].is_null()) {
        const Json& sharing = root["sharing"];
        if (!sharing.is_object()) {
            reader.error("/sharing", "sharing", "must be a map, not " + typeName(sharing));
        } else {
            reader.unknownKeys(sharing, "/sharing", "sharing.", {"timeSlicing", "mps"});
            if (sharing.contains("mps") && !sharing["mps"].is_null())
                reader.error("/sharing/mps", "sharing.mps",
                             "MPS sharing is not simulated by kubeclass; use sharing.timeSlicing");
            if (sharing.contains("timeSlicing") && !sharing["timeSlicing"].is_null()) {
                const Json& ts = sharing["timeSlicing"];
                const std::string base = "/sharing/timeSlicing";
                if (!ts.is_object()) {
                    reader.error(base, "sharing.timeSlicing", "must be a map, not " + typeName(ts));
                } else {
                    TimeSlicingConfig slicing;
                    reader.unknownKeys(ts, base, "sharing.timeSlicing.",
                                       {"renameByDefault", "failRequestsGreaterThanOne", "resources"});
                    reader.readBool(ts, "renameByDefault", base, "sharing.timeSlicing.renameByDefault",
                                    slicing.renameByDefault);
                    reader.readBool(ts, "failRequestsGreaterThanOne", base,
                                    "sharing.timeSlicing.failRequestsGreaterThanOne",
                                    slicing.failRequestsGreaterThanOne);
                    const std::string resourcesField = "sharing.timeSlicing.resources";
                    if (!ts.contains("resources") || ts["resources"].is_null()) {
                        reader.error(base, resourcesField, "no resources specified");
                    } else if (!ts["resources"].is_array()) {
                        reader.error(base + "/resources", resourcesField,
                                     "must be a list, not " + typeName(ts["resources"]));
                    } else if (ts["resources"].empty()) {
                        reader.error(base + "/resources", resourcesField, "no resources specified");
                    } else {
                        std::set<std::string> names;
                        const Json& list = ts["resources"];
                        for (size_t i = 0; i < list.size(); ++i) {
                            const std::string pointer = base + "/resources/" + std::to_string(i);
                            const std::string field = resourcesField + "[" + std::to_string(i) + "]";
                            const Json& entry = list[i];
                            if (!entry.is_object()) {
                                reader.error(pointer, field, "must be a map with name and replicas, not " +
                                                                 typeName(entry));
                                continue;
                            }
                            reader.unknownKeys(entry, pointer, field + ".", {"name", "rename", "replicas", "devices"});
                            TimeSlicedResource resource;
                            resource.location = doc.locate(pointer);
                            if (!entry.contains("name")) {
                                reader.error(pointer, field + ".name", "no resource name specified");
                            } else if (!entry["name"].is_string()) {
                                reader.error(pointer + "/name", field + ".name",
                                             "must be a string, not " + typeName(entry["name"]));
                            } else {
                                resource.name = entry["name"].get<std::string>();
                                if (resource.name.rfind("nvidia.com/mig-", 0) == 0)
                                    reader.error(pointer + "/name", field + ".name",
                                                 resource.name + " is a MIG resource; simulated nodes have only "
                                                                 "nvidia.com/gpu");
                                else if (resource.name != kFullGpu)
                                    reader.error(pointer + "/name", field + ".name",
                                                 "\"" + resource.name +
                                                     "\" cannot be time-sliced: the resource is nvidia.com/gpu");
                                else if (!names.insert(resource.name).second)
                                    reader.error(pointer + "/name", field + ".name",
                                                 resource.name + " is listed twice");
                            }
                            if (!entry.contains("replicas")) {
                                reader.error(pointer, field + ".replicas", "no replicas specified");
                            } else if (!entry["replicas"].is_number_integer()) {
                                reader.error(pointer + "/replicas", field + ".replicas",
                                             "must be a whole number, not " + typeName(entry["replicas"]));
                            } else {
                                long long replicas = entry["replicas"].get<long long>();
                                if (replicas < 2)
                                    reader.error(pointer + "/replicas", field + ".replicas",
                                                 "number of replicas must be >= 2 (it is " +
                                                     std::to_string(replicas) + ")");
                                else if (replicas > 1024)
                                    reader.error(pointer + "/replicas", field + ".replicas",
                                                 std::to_string(replicas) + " replicas is more than kubeclass "
                                                                            "simulates (1024)");
                                else
                                    resource.replicas = static_cast<int>(replicas);
                            }
                            if (entry.contains("rename") && !entry["rename"].is_null()) {
                                if (!entry["rename"].is_string() ||
                                    !isResourceName(entry["rename"].get<std::string>()))
                                    reader.error(pointer + "/rename", field + ".rename",
                                                 "must be a resource name such as nvidia.com/gpu.shared");
                                else
                                    resource.rename = entry["rename"].get<std::string>();
                            }
                            if (entry.contains("devices"))
                                readDevices(reader, entry["devices"], pointer + "/devices", field + ".devices",
                                            resource.devices);
                            if (resource.rename.empty() && slicing.renameByDefault && !resource.name.empty())
                                resource.rename = resource.name + ".shared";
                            slicing.resources.push_back(std::move(resource));
                        }
                    }
                    config.timeSlicing = std::move(slicing);
                }
            }
        }
    }
    auto errors = reader.takeErrors();
    if (!errors.empty()) {
        std::string message;
        for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
        return fail(ErrorKind::Invalid, message);
    }
    return config;
}

Result<std::string> chooseConfigKey(const std::vector<std::string>& keys, const std::string& nodeLabelValue,
                                    const std::string& defaultKey) {
    auto has = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    if (!nodeLabelValue.empty()) {
        if (has(nodeLabelValue)) return nodeLabelValue;
        return fail(ErrorKind::NotFound, std::string("the node label ") + kDevicePluginConfigLabel + "=" +
                                             nodeLabelValue + " names a config the ConfigMap does not have");
    }
    if (!defaultKey.empty()) {
        if (has(defaultKey)) return defaultKey;
        return fail(ErrorKind::Invalid, "the default config \"" + defaultKey + "\" is not a key of the ConfigMap");
    }
    if (has("default")) return std::string("default");
    if (keys.size() == 1) return keys.front();
    if (keys.empty()) return fail(ErrorKind::Invalid, "the ConfigMap has no config in it");
    return fail(ErrorKind::Invalid,
                "the ConfigMap holds several configs and none is the default: name one \"default\", or label "
                "the node with " + std::string(kDevicePluginConfigLabel) + "=<key>");
}

GpuSharingEffect computeSharingEffect(const DevicePluginConfig* config, const std::string& baseProduct,
                                      int gpuCount) {
    GpuSharingEffect effect;
    gpuCount = std::max(0, gpuCount);
    const TimeSlicedResource* slice = nullptr;
    if (config && config->timeSlicing)
        for (const auto& r : config->timeSlicing->resources)
            if (r.name == kFullGpu && r.replicas >= 2) slice = &r;

    int replicated = 0;
    if (slice) {
        switch (slice->devices.kind) {
            case ReplicatedDevices::Kind::All: replicated = gpuCount; break;
            case ReplicatedDevices::Kind::Count:
                replicated = std::min(slice->devices.count, gpuCount);
                if (slice->devices.count > gpuCount)
                    effect.notes.push_back("devices: " + std::to_string(slice->devices.count) +
                                           " GPUs asked, the node has " + std::to_string(gpuCount));
                break;
            case ReplicatedDevices::Kind::List: {
                std::set<int> chosen;
                for (const auto& ref : slice->devices.list) {
                    if (isIndex(ref) && std::stoi(ref) < gpuCount) {
                        chosen.insert(std::stoi(ref));
                    } else {
                        effect.notes.push_back("devices: " + ref + " is not a GPU of this node (simulated GPUs are "
                                                                   "indexes 0.." + std::to_string(gpuCount - 1) +
                                               ", they have no UUIDs or MIG devices)");
                    }
                }
                replicated = static_cast<int>(chosen.size());
                break;
            }
        }
        if (config->timeSlicing->failRequestsGreaterThanOne)
            effect.notes.push_back("failRequestsGreaterThanOne is not enforced on simulated nodes: a pod asking "
                                   "for more than one shared GPU is admitted");
    }

    const bool shared = slice && replicated > 0;
    if (shared) {
        effect.strategy = "time-slicing";
        effect.replicas = slice->replicas;
        effect.renamed = !slice->rename.empty() && slice->rename != kFullGpu;
        const long long plain = gpuCount - replicated;
        const long long sliced = static_cast<long long>(replicated) * slice->replicas;
        if (effect.renamed) {
            effect.resources[slice->rename] = sliced;
            if (plain > 0) effect.resources[kFullGpu] = plain;
        } else {
            effect.resources[kFullGpu] = plain + sliced;
        }
    } else {
        effect.resources[kFullGpu] = gpuCount;
    }

    std::string product = baseProduct;
    if (shared && !effect.renamed) {
        // Keep the value within the 63 characters a label value may have.
        const std::string suffix = "-SHARED";
        if (product.size() + suffix.size() > 63) product.resize(63 - suffix.size());
        product += suffix;
    }
    effect.labels["nvidia.com/gpu.product"] = product;
    effect.labels["nvidia.com/gpu.count"] = std::to_string(gpuCount);
    effect.labels["nvidia.com/gpu.replicas"] = std::to_string(effect.replicas);
    effect.labels["nvidia.com/gpu.sharing-strategy"] = effect.strategy;
    return effect;
}

}  // namespace kc
