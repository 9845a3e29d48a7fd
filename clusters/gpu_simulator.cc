// Simulated GPU nodes: desired labels/taints/capacity per node, written only where the live node differs, kept
// true by watching nodes and the device-plugin ConfigMap.
#include "clusters/gpu_simulator.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <set>
#include <thread>

#include "clusters/gpu_inventory.h"
#include "clusters/yaml_json.h"

namespace kc {
namespace {

const ObjectRef kNodes{"v1", "Node", "", ""};

ObjectRef nodeRef(const std::string& name) { return {"v1", "Node", "", name}; }

std::string labelOf(const Json& node, const std::string& key) {
    const Json* labels = nullptr;
    if (node.contains("metadata") && node["metadata"].contains("labels")) labels = &node["metadata"]["labels"];
    if (!labels || !labels->is_object() || !labels->contains(key) || !(*labels)[key].is_string()) return "";
    return (*labels)[key].get<std::string>();
}

Json taintsOf(const Json& node) {
    if (node.contains("spec") && node["spec"].is_object() && node["spec"].contains("taints") &&
        node["spec"]["taints"].is_array())
        return node["spec"]["taints"];
    return Json::array();
}

std::string describeTaint(const NodeTaint& t) {
    return t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
}

// A node's taints plus the wanted ones. A taint is identified by key and effect (as kubectl taint does), so a
// wanted taint whose value differs replaces the value and keeps the element's place.
Json mergedTaints(const Json& observed, const std::vector<NodeTaint>& wanted, std::vector<std::string>& added) {
    Json merged = observed;
    for (const auto& want : wanted) {
        bool found = false;
        for (auto& t : merged) {
            if (!t.is_object() || t.value("key", "") != want.key || t.value("effect", "") != want.effect) continue;
            found = true;
            if (t.value("value", "") != want.value) {
                if (want.value.empty()) t.erase("value");
                else t["value"] = want.value;
                added.push_back(describeTaint(want));
            }
        }
        if (!found) {
            Json t{{"key", want.key}, {"effect", want.effect}};
            if (!want.value.empty()) t["value"] = want.value;
            merged.push_back(t);
            added.push_back(describeTaint(want));
        }
    }
    return merged;
}

std::string statusValue(const Json& node, const std::string& field, const std::string& resource) {
    if (!node.contains("status") || !node["status"].is_object()) return "";
    const Json& status = node["status"];
    if (!status.contains(field) || !status[field].is_object() || !status[field].contains(resource)) return "";
    const Json& v = status[field][resource];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    return "?";
}

bool hasStatusMap(const Json& node, const std::string& field) {
    return node.contains("status") && node["status"].is_object() && node["status"].contains(field) &&
           node["status"][field].is_object();
}

// Extended resources a simulated node may carry from an earlier config: nvidia.com/gpu and its variants
// (nvidia.com/gpu.shared), plus any rename target applied before.
std::set<std::string> gpuResourcesOn(const Json& node, const std::set<std::string>& alsoOurs) {
    std::set<std::string> out;
    for (const char* field : {"capacity", "allocatable"}) {
        if (!hasStatusMap(node, field)) continue;
        for (const auto& [name, value] : node["status"][field].items()) {
            (void)value;
            if (name.rfind("nvidia.com/gpu", 0) == 0 || alsoOurs.count(name)) out.insert(name);
        }
    }
    return out;
}

std::string pointerTo(const std::string& prefix, const std::string& key) { return prefix + jsonPointerToken(key); }

}  // namespace

struct GpuSimulator::ConfigSnapshot {
    bool exists = false;
    std::vector<std::string> keys;
    std::map<std::string, DevicePluginConfig> valid;   // key -> parsed config
    std::map<std::string, std::string> invalid;        // key -> the parse errors
};

bool GpuReconcileReport::changed() const {
    return std::any_of(nodes.begin(), nodes.end(), [](const GpuNodeChange& c) { return c.changed(); });
}

bool GpuReconcileReport::ok() const {
    return std::none_of(nodes.begin(), nodes.end(), [](const GpuNodeChange& c) { return c.error.has_value(); });
}

GpuSimulator::GpuSimulator(KubeClient& client, std::vector<GpuNodeSpec> nodes, GpuSimulatorOptions options)
    : client_(client), options_(std::move(options)) {
    for (auto& spec : nodes)
        if (spec.mode == GpuMode::Simulated) nodes_.push_back(std::move(spec));
    clock_ = options_.clock ? options_.clock : systemClock();
}

GpuSharingEffect GpuSimulator::desiredEffect(const GpuNodeSpec& spec, const DevicePluginConfig* config) {
    std::string product = gfdProductLabel(spec.product);
    GpuSharingEffect effect = computeSharingEffect(config, product, spec.count);
    effect.labels["nvidia.com/gpu.present"] = "true";
    effect.labels["nvidia.com/gpu.memory"] = std::to_string(spec.memoryMiB);
    effect.labels[kGpuModeLabel] = "simulated";
    return effect;
}

namespace {

// The ConfigMap's keys parsed; parse errors are collected per key with line:col inside that key.
void fillSnapshot(const Json& configMap, const std::string& where, std::vector<std::string>& keys,
                  std::map<std::string, DevicePluginConfig>& valid, std::map<std::string, std::string>& invalid,
                  std::vector<std::string>& errors) {
    if (!configMap.contains("data") || !configMap["data"].is_object()) return;
    for (const auto& [key, value] : configMap["data"].items()) {
        keys.push_back(key);
        if (!value.is_string()) {
            invalid[key] = where + " key " + key + ": not a string";
            errors.push_back(invalid[key]);
            continue;
        }
        auto parsed = parseDevicePluginConfig(value.get<std::string>(), where + "[" + key + "]");
        if (parsed) {
            valid[key] = std::move(*parsed);
        } else {
            invalid[key] = parsed.error().message;
            errors.push_back(parsed.error().message);
        }
    }
}

}  // namespace

GpuSimulator::ConfigSnapshot GpuSimulator::readConfig(std::vector<std::string>& errors) {
    ConfigSnapshot snapshot;
    const auto& source = options_.configSource;
    auto got = client_.get({"v1", "ConfigMap", source.ns, source.configMapName});
    if (!got) {
        errors.push_back("reading the device-plugin config ConfigMap " + source.ns + "/" + source.configMapName +
                         ": " + got.error().message);
        snapshot.exists = false;
        return snapshot;
    }
    if (!got->has_value()) return snapshot;
    snapshot.exists = true;
    fillSnapshot(**got, "ConfigMap " + source.ns + "/" + source.configMapName, snapshot.keys, snapshot.valid,
                 snapshot.invalid, errors);
    return snapshot;
}

GpuNodeChange GpuSimulator::reconcileNode(const GpuNodeSpec& spec, const ConfigSnapshot& config) {
    GpuNodeChange change;
    change.node = spec.nodeName;
    for (int attempt = 0; attempt <= options_.maxConflictRetries; ++attempt) {
        auto got = client_.get(nodeRef(spec.nodeName));
        if (!got) {
            change.error = got.error();
            return change;
        }
        if (!got->has_value()) {
            change.error = Error{ErrorKind::NotFound, "node " + spec.nodeName + " does not exist (yet)"};
            return change;
        }
        const Json node = **got;

        // Which config applies, as the device plugin's config manager would pick it.
        const DevicePluginConfig* applied = nullptr;
        change.configKey.clear();
        change.notes.clear();
        if (config.exists) {
            auto key = chooseConfigKey(config.keys, labelOf(node, kDevicePluginConfigLabel),
                                       options_.configSource.defaultKey);
            auto keepPrevious = [&](const std::string& why) {
                auto last = lastConfig_.find(spec.nodeName);
                if (last != lastConfig_.end() && last->second) {
                    applied = &*last->second;
                    change.configKey = lastConfigKey_[spec.nodeName];
                    change.notes.push_back(why + "; keeping the config applied before (" + change.configKey + ")");
                } else {
                    change.notes.push_back(why + "; no time-slicing applied");
                }
            };
            if (!key) {
                keepPrevious(key.error().message);
            } else if (auto it = config.valid.find(*key); it != config.valid.end()) {
                applied = &it->second;
                change.configKey = *key;
                lastConfig_[spec.nodeName] = it->second;
                lastConfigKey_[spec.nodeName] = *key;
            } else {
                keepPrevious("config \"" + *key + "\" has errors (see the config errors)");
            }
        } else {
            lastConfig_.erase(spec.nodeName);
            lastConfigKey_.erase(spec.nodeName);
        }
        // applied may point into lastConfig_, which stays put until the next reconcile of this node.
        const GpuSharingEffect effect = desiredEffect(spec, applied);
        change.sharing = effect.strategy;
        for (const auto& note : effect.notes) change.notes.push_back(note);

        // Labels and taints: one JSON patch on the node; the taint list is guarded by a test.
        Json ops = Json::array();
        std::vector<std::string> labelsSet;
        bool hasLabels = node.contains("metadata") && node["metadata"].contains("labels") &&
                         node["metadata"]["labels"].is_object();
        if (!hasLabels) ops.push_back({{"op", "add"}, {"path", "/metadata/labels"}, {"value", Json::object()}});
        for (const auto& [key, value] : effect.labels) {
            bool present = hasLabels && node["metadata"]["labels"].contains(key);
            if (present && labelOf(node, key) == value) continue;
            ops.push_back({{"op", "add"}, {"path", pointerTo("/metadata/labels/", key)}, {"value", value}});
            labelsSet.push_back(key);
        }
        std::vector<std::string> taintsAdded;
        const Json observedTaints = taintsOf(node);
        Json merged = mergedTaints(observedTaints, spec.taints, taintsAdded);
        if (!taintsAdded.empty()) {
            bool hasSpec = node.contains("spec") && node["spec"].is_object();
            if (!hasSpec) ops.push_back({{"op", "add"}, {"path", "/spec"}, {"value", Json::object()}});
            if (hasSpec && node["spec"].contains("taints"))
                ops.push_back({{"op", "test"}, {"path", "/spec/taints"}, {"value", node["spec"]["taints"]}});
            ops.push_back({{"op", "add"}, {"path", "/spec/taints"}, {"value", merged}});
        }
        if (!labelsSet.empty() || !taintsAdded.empty()) {
            auto patched = client_.patch(nodeRef(spec.nodeName), ops);
            if (!patched) {
                // A failed test (someone changed the taints) or a conflict: read the node again and redo.
                const ErrorKind kind = patched.error().kind;
                bool retry = (kind == ErrorKind::Invalid || kind == ErrorKind::Conflict) &&
                             attempt < options_.maxConflictRetries && !taintsAdded.empty();
                if (retry) continue;
                change.error = Error(patched.error()).context("labelling and tainting node " + spec.nodeName);
                return change;
            }
            change.labelsSet = labelsSet;
            change.taintsAdded = taintsAdded;
        }

        // Capacity and allocatable on /status.
        std::set<std::string> ours = advertised_[spec.nodeName];
        for (const auto& [name, count] : effect.resources) ours.insert(name);
        Json statusOps = Json::array();
        for (const char* field : {"capacity", "allocatable"}) {
            const std::string base = std::string("/status/") + field + "/";
            bool hasMap = hasStatusMap(node, field);
            if (!hasMap && !effect.resources.empty()) {
                if (!node.contains("status") || !node["status"].is_object())
                    statusOps.push_back({{"op", "add"}, {"path", "/status"}, {"value", Json::object()}});
                statusOps.push_back(
                    {{"op", "add"}, {"path", std::string("/status/") + field}, {"value", Json::object()}});
            }
            for (const auto& [name, count] : effect.resources) {
                if (hasMap && statusValue(node, field, name) == std::to_string(count)) continue;
                statusOps.push_back({{"op", "add"}, {"path", pointerTo(base, name)}, {"value", std::to_string(count)}});
                change.resourcesSet[name] = count;
            }
            if (!hasMap) continue;
            for (const auto& name : gpuResourcesOn(node, ours)) {
                if (effect.resources.count(name) || !node["status"][field].contains(name)) continue;
                statusOps.push_back({{"op", "remove"}, {"path", pointerTo(base, name)}});
                if (std::find(change.resourcesRemoved.begin(), change.resourcesRemoved.end(), name) ==
                    change.resourcesRemoved.end())
                    change.resourcesRemoved.push_back(name);
            }
        }
        if (!statusOps.empty()) {
            auto patched = client_.patchStatus(nodeRef(spec.nodeName), statusOps);
            if (!patched) {
                change.error = Error(patched.error()).context("patching the GPU capacity of node " + spec.nodeName);
                return change;
            }
        }
        std::set<std::string> now;
        for (const auto& [name, count] : effect.resources) now.insert(name);
        advertised_[spec.nodeName] = now;
        return change;
    }
    change.error = Error{ErrorKind::Conflict, "node " + spec.nodeName + " kept changing while its taints were written"};
    return change;
}

GpuReconcileReport GpuSimulator::reconcileLocked() {
    GpuReconcileReport report;
    ConfigSnapshot config = readConfig(report.configErrors);
    for (const auto& spec : nodes_) report.nodes.push_back(reconcileNode(spec, config));
    return report;
}

GpuReconcileReport GpuSimulator::reconcileOnce() {
    std::lock_guard lock(mutex_);
    return reconcileLocked();
}

Status GpuSimulator::runUntil(std::shared_ptr<Cancellation> cancel,
                              std::function<void(const GpuReconcileReport&)> onReconcile) {
    if (!cancel) cancel = std::make_shared<Cancellation>();
    auto deliver = [&](const GpuReconcileReport& report) {
        if (onReconcile && (report.changed() || !report.ok() || !report.configErrors.empty())) onReconcile(report);
    };
    {
        std::lock_guard lock(mutex_);
        deliver(reconcileLocked());
    }
    if (nodes_.empty()) return {};

    // Both watches stop on this flag: set when the caller cancels or when either watch gives up.
    auto stop = std::make_shared<Cancellation>();
    std::mutex doneMutex;
    std::condition_variable done;
    std::optional<Error> failure;

    // A node event matters when it is one of ours; reconciling re-reads the node and writes only what differs,
    // so our own writes coming back as MODIFIED settle after one read.
    auto onNodeEvent = [&](const WatchEvent& event) {
        std::vector<std::string> touched;
        auto nameOf = [](const Json& object) {
            return object.is_object() ? object.value("metadata", Json::object()).value("name", "") : std::string();
        };
        if (event.type == "RESYNC") {
            for (const auto& item : event.list.items) touched.push_back(nameOf(item));
        } else if (event.type == "ADDED" || event.type == "MODIFIED") {
            touched.push_back(nameOf(event.object));
        }
        std::vector<const GpuNodeSpec*> specs;
        for (const auto& spec : nodes_)
            if (std::find(touched.begin(), touched.end(), spec.nodeName) != touched.end()) specs.push_back(&spec);
        if (specs.empty()) return !stop->cancelled();
        std::lock_guard lock(mutex_);
        GpuReconcileReport report;
        ConfigSnapshot config = readConfig(report.configErrors);
        for (const auto* spec : specs) {
            auto change = reconcileNode(*spec, config);
            // A node that is not there yet is not an error worth reporting from the watch: it will be ADDED.
            if (change.error && change.error->kind == ErrorKind::NotFound && !change.changed()) continue;
            report.nodes.push_back(std::move(change));
        }
        deliver(report);
        return !stop->cancelled();
    };
    auto onConfigEvent = [&](const WatchEvent& event) {
        if (event.type == "BOOKMARK") return !stop->cancelled();
        std::lock_guard lock(mutex_);
        deliver(reconcileLocked());
        return !stop->cancelled();
    };

    auto watchLoop = [&](const ObjectRef& ref, const std::string& fieldSelector,
                         const std::function<bool(const WatchEvent&)>& onEvent) {
        int failures = 0;
        while (!stop->cancelled()) {
            WatchOptions watchOptions;
            watchOptions.fieldSelector = fieldSelector;
            watchOptions.timeout = std::chrono::minutes(30);
            watchOptions.cancel = stop;
            auto status = client_.watch(ref, watchOptions, onEvent);
            if (stop->cancelled()) break;
            if (status || status.error().kind == ErrorKind::Timeout) {
                failures = 0;
                continue;  // the watch ran its course; start over (the relist resyncs)
            }
            if (status.error().kind == ErrorKind::Cancelled) break;
            if (++failures > 5) {
                std::lock_guard lock(doneMutex);
                if (!failure) failure = Error(status.error()).context("keeping simulated GPU nodes up to date");
                stop->cancel();
                done.notify_all();
                break;
            }
            // Back off in short slices so a cancel is not held up by a long sleep.
            const auto backoff = std::chrono::milliseconds(500 << std::min(failures, 5));
            for (auto slept = std::chrono::milliseconds(0); slept < backoff && !stop->cancelled();
                 slept += std::chrono::milliseconds(100))
                clock_->sleepFor(std::chrono::milliseconds(100));
        }
        done.notify_all();
    };

    const auto& source = options_.configSource;
    std::thread nodeWatcher([&] { watchLoop(kNodes, "", onNodeEvent); });
    std::thread configWatcher([&] {
        watchLoop({"v1", "ConfigMap", source.ns, ""}, "metadata.name=" + source.configMapName, onConfigEvent);
    });
    {
        // The caller's flag is a plain atomic; look at it often enough that cancelling feels immediate.
        std::unique_lock lock(doneMutex);
        while (!cancel->cancelled() && !stop->cancelled())
            done.wait_for(lock, std::chrono::milliseconds(20));
    }
    stop->cancel();
    nodeWatcher.join();
    configWatcher.join();
    if (failure) return fail(*failure);
    return {};
}

}  // namespace kc
