// Profile loading: every field is checked against the schema in clusters/profiles/README.md and every problem is
// collected (not just the first), each with the place it was written. The embedded kind config is kind's to
// validate; only the parts the harness reads (nodes, roles, labels, networking, port mappings) are checked here.
#include "clusters/profile_loader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>

#include "clusters/bounded_file.h"
#include "clusters/kind_config.h"
#include "clusters/yaml_json.h"

namespace fs = std::filesystem;

namespace kc {

const ProfileNode* ClusterProfile::node(const std::string& nodeName) const {
    for (const auto& n : nodes)
        if (n.name == nodeName) return &n;
    return nullptr;
}

bool Profile::usesRealGpus() const {
    for (const auto& c : clusters)
        for (const auto& g : c.gpuNodes)
            if (g.mode == GpuMode::Real) return true;
    return false;
}

bool Profile::usesSimulatedGpus() const {
    for (const auto& c : clusters)
        for (const auto& g : c.gpuNodes)
            if (g.mode == GpuMode::Simulated) return true;
    return false;
}

namespace {

// Where a value sits: its JSON pointer (for the line:col) and a readable field name (for the message).
struct Path {
    std::string pointer;
    std::string field;
    Path key(const std::string& k) const {
        return {pointer + "/" + jsonPointerToken(k), field.empty() ? k : field + "." + k};
    }
    Path item(size_t i) const { return {pointer + "/" + std::to_string(i), field + "[" + std::to_string(i) + "]"}; }
};

struct Cidr {
    uint32_t base = 0;
    int prefix = 0;
    bool overlaps(const Cidr& o) const {
        int p = std::min(prefix, o.prefix);
        uint32_t mask = p == 0 ? 0 : ~uint32_t{0} << (32 - p);
        return (base & mask) == (o.base & mask);
    }
};

std::optional<Cidr> parseCidr(const std::string& text) {
    auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    uint32_t addr = 0;
    int parts = 0;
    size_t pos = 0;
    std::string ip = text.substr(0, slash);
    while (pos <= ip.size() && parts < 4) {
        size_t dot = ip.find('.', pos);
        std::string part = ip.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), ::isdigit)) return std::nullopt;
        int v = std::stoi(part);
        if (v > 255) return std::nullopt;
        addr = (addr << 8) | static_cast<uint32_t>(v);
        ++parts;
        if (dot == std::string::npos) { pos = ip.size() + 1; break; }
        pos = dot + 1;
    }
    if (parts != 4 || pos != ip.size() + 1) return std::nullopt;
    std::string prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 2 || !std::all_of(prefix.begin(), prefix.end(), ::isdigit)) return std::nullopt;
    int p = std::stoi(prefix);
    if (p > 32) return std::nullopt;
    return Cidr{addr, p};
}

bool isDnsLabelLike(const std::string& s, size_t maxLength) {
    if (s.empty() || s.size() > maxLength) return false;
    if (s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// A label or taint key: optional DNS-subdomain prefix and "/", then a name of [A-Za-z0-9._-] up to 63 chars.
bool isQualifiedName(const std::string& key) {
    auto slash = key.rfind('/');
    std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
    std::string prefix = slash == std::string::npos ? "" : key.substr(0, slash);
    if (slash != std::string::npos && (prefix.empty() || prefix.size() > 253)) return false;
    if (!std::all_of(prefix.begin(), prefix.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-'; }))
        return false;
    if (name.empty() || name.size() > 63) return false;
    if (!std::isalnum(static_cast<unsigned char>(name.front())) || !std::isalnum(static_cast<unsigned char>(name.back()))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; });
}

bool isLabelValue(const std::string& v) {
    if (v.empty()) return true;
    if (v.size() > 63) return false;
    if (!std::isalnum(static_cast<unsigned char>(v.front())) || !std::isalnum(static_cast<unsigned char>(v.back()))) return false;
    return std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; });
}

class ProfileReader {
public:
    ProfileReader(const YamlDocument& doc, std::string source) : doc_(doc), source_(std::move(source)) {
        baseDir_ = fs::path(source_).parent_path().string();
    }

    Result<Profile> read() {
        Profile profile;
        profile.sourcePath = source_;
        const Json& root = doc_.value;
        Path top{"", ""};
        if (!root.is_object()) {
            error(top, "profile", "expected a mapping with id, description, resources and clusters");
            return finish(profile);
        }
        checkKeys(root, top, {"id", "description", "resources", "clusters", "routePodNetworks"});
        if (auto id = requiredString(root, top, "id")) {
            profile.id = *id;
            if (!isDnsLabelLike(*id, 50))
                error(top.key("id"), "id", "must be lowercase letters, digits and '-' (at most 50), got \"" + *id + "\"");
            std::string stem = fs::path(source_).stem().string();
            if (fs::path(source_).extension() == ".yaml" && stem != *id)
                error(top.key("id"), "id", "\"" + *id + "\" differs from the file name \"" + stem + ".yaml\"; profiles are found by id");
        }
        if (auto d = requiredString(root, top, "description")) profile.description = *d;
        readResources(root, top, profile);
        if (root.contains("routePodNetworks")) {
            Path p = top.key("routePodNetworks");
            if (!root["routePodNetworks"].is_boolean()) error(p, p.field, "expected true or false");
            else profile.routePodNetworks = root["routePodNetworks"].get<bool>();
        }
        if (!root.contains("clusters")) {
            error(top, "clusters", "missing (a list of one or more clusters)");
        } else if (!root["clusters"].is_array() || root["clusters"].empty()) {
            error(top.key("clusters"), "clusters", "expected a list of one or more clusters");
        } else {
            for (size_t i = 0; i < root["clusters"].size(); ++i)
                profile.clusters.push_back(readCluster(root["clusters"][i], top.key("clusters").item(i)));
            checkAcrossClusters(profile, top.key("clusters"));
        }
        if (profile.routePodNetworks && profile.clusters.size() < 2)
            error(top.key("routePodNetworks"), "routePodNetworks", "needs two or more clusters to route between");
        return finish(profile);
    }

private:
    const YamlDocument& doc_;
    std::string source_;
    std::string baseDir_;
    std::vector<std::string> errors_;
    // Per cluster, for checks across clusters: where each subnet was written.
    std::vector<std::pair<Path, Path>> subnetPaths_;

    Result<Profile> finish(Profile profile) {
        if (errors_.empty()) return profile;
        std::string message;
        for (const auto& e : errors_) message += (message.empty() ? "" : "\n") + e;
        return fail(ErrorKind::Invalid, message);
    }

    void error(const Path& at, const std::string& field, const std::string& message) {
        errors_.push_back(formatLocation(source_, doc_.locate(at.pointer)) + ": " + (field.empty() ? "profile" : field) +
                          ": " + message);
    }

    void checkKeys(const Json& object, const Path& at, const std::set<std::string>& allowed) {
        for (const auto& [key, value] : object.items()) {
            (void)value;
            if (!allowed.count(key)) {
                std::string known;
                for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
                error(at.key(key), at.key(key).field, "unknown key (expected one of: " + known + ")");
            }
        }
    }

    std::optional<std::string> optionalString(const Json& object, const Path& at, const std::string& key) {
        if (!object.contains(key)) return std::nullopt;
        Path p = at.key(key);
        if (!object[key].is_string()) {
            error(p, p.field, "expected a string, got " + std::string(object[key].type_name()));
            return std::nullopt;
        }
        return object[key].get<std::string>();
    }

    std::optional<std::string> requiredString(const Json& object, const Path& at, const std::string& key) {
        if (!object.contains(key)) {
            error(at, at.key(key).field, "missing");
            return std::nullopt;
        }
        auto s = optionalString(object, at, key);
        if (s && s->empty()) {
            error(at.key(key), at.key(key).field, "must not be empty");
            return std::nullopt;
        }
        return s;
    }

    std::optional<long long> optionalInteger(const Json& object, const Path& at, const std::string& key, long long min,
                                             long long max) {
        if (!object.contains(key)) return std::nullopt;
        Path p = at.key(key);
        const Json& v = object[key];
        if (!v.is_number_integer()) {
            error(p, p.field, "expected a whole number, got " + std::string(v.type_name()));
            return std::nullopt;
        }
        long long n = v.get<long long>();
        if (n < min || n > max) {
            error(p, p.field, std::to_string(n) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
            return std::nullopt;
        }
        return n;
    }

    const Json* objectAt(const Json& parent, const Path& at, const std::string& key, bool required) {
        if (!parent.contains(key)) {
            if (required) error(at, at.key(key).field, "missing");
            return nullptr;
        }
        if (!parent[key].is_object()) {
            error(at.key(key), at.key(key).field, "expected a mapping, got " + std::string(parent[key].type_name()));
            return nullptr;
        }
        return &parent[key];
    }

    const Json* arrayAt(const Json& parent, const Path& at, const std::string& key) {
        if (!parent.contains(key)) return nullptr;
        if (!parent[key].is_array()) {
            error(at.key(key), at.key(key).field, "expected a list, got " + std::string(parent[key].type_name()));
            return nullptr;
        }
        return &parent[key];
    }

    void readResources(const Json& root, const Path& top, Profile& profile) {
        const Json* r = objectAt(root, top, "resources", true);
        if (!r) return;
        Path p = top.key("resources");
        checkKeys(*r, p, {"memoryMiB", "cpus", "diskGiB"});
        for (const char* k : {"memoryMiB", "cpus", "diskGiB"})
            if (!r->contains(k)) error(p, p.key(k).field, "missing");
        if (auto m = optionalInteger(*r, p, "memoryMiB", 1, 1024LL * 1024 * 1024)) profile.estimate.memoryMiB = *m;
        if (auto d = optionalInteger(*r, p, "diskGiB", 1, 1024LL * 1024)) profile.estimate.diskGiB = *d;
        if (r->contains("cpus")) {
            const Json& c = (*r)["cpus"];
            if (!c.is_number() || c.get<double>() <= 0 || c.get<double>() > 4096)
                error(p.key("cpus"), p.key("cpus").field, "expected a number of CPUs above 0");
            else profile.estimate.cpus = c.get<double>();
        }
    }

    ClusterProfile readCluster(const Json& c, const Path& at) {
        ClusterProfile cluster;
        if (!c.is_object()) {
            error(at, at.field, "expected a mapping with name and kind");
            subnetPaths_.push_back({at, at});
            return cluster;
        }
        checkKeys(c, at, {"name", "image", "kind", "nodes", "postCreate", "addons"});
        if (auto name = requiredString(c, at, "name")) {
            cluster.name = *name;
            // kind derives container and context names from it; keep it to what both accept.
            if (!isDnsLabelLike(*name, 40))
                error(at.key("name"), at.key("name").field,
                      "must be lowercase letters, digits and '-' (at most 40), got \"" + *name + "\"");
        }
        if (auto image = optionalString(c, at, "image")) cluster.image = *image;
        readKindConfig(c, at, cluster);
        readNodeExtras(c, at, cluster);
        readPostCreate(c, at, cluster);
        readAddons(c, at, cluster);
        return cluster;
    }

    void readKindConfig(const Json& c, const Path& at, ClusterProfile& cluster) {
        Path k = at.key("kind");
        Path pod = k.key("networking").key("podSubnet"), svc = k.key("networking").key("serviceSubnet");
        subnetPaths_.push_back({pod, svc});
        cluster.podSubnet = kKindDefaultPodSubnet;
        cluster.serviceSubnet = kKindDefaultServiceSubnet;
        const Json* config = objectAt(c, at, "kind", true);
        if (!config) return;
        cluster.kindConfig = *config;
        if (config->value("kind", "") != "Cluster")
            error(config->contains("kind") ? k.key("kind") : k, k.key("kind").field, "must be Cluster");
        if (config->value("apiVersion", "") != "kind.x-k8s.io/v1alpha4")
            error(config->contains("apiVersion") ? k.key("apiVersion") : k, k.key("apiVersion").field,
                  "must be kind.x-k8s.io/v1alpha4");
        if (config->contains("name"))
            error(k.key("name"), k.key("name").field, "set the cluster's name one level up (clusters[].name), not in the kind config");

        if (const Json* net = objectAt(*config, k, "networking", false)) {
            Path n = k.key("networking");
            if (auto s = optionalString(*net, n, "podSubnet")) cluster.podSubnet = *s;
            if (auto s = optionalString(*net, n, "serviceSubnet")) cluster.serviceSubnet = *s;
            if (net->contains("podSubnet") && net->at("podSubnet").is_string() && !parseCidr(cluster.podSubnet))
                error(pod, pod.field, "expected an IPv4 CIDR such as 10.244.0.0/16, got \"" + cluster.podSubnet + "\"");
            if (net->contains("serviceSubnet") && net->at("serviceSubnet").is_string() && !parseCidr(cluster.serviceSubnet))
                error(svc, svc.field, "expected an IPv4 CIDR such as 10.96.0.0/12, got \"" + cluster.serviceSubnet + "\"");
            auto p = parseCidr(cluster.podSubnet), s = parseCidr(cluster.serviceSubnet);
            if (p && s && p->overlaps(*s))
                error(svc, svc.field, cluster.serviceSubnet + " overlaps podSubnet " + cluster.podSubnet);
        }

        std::vector<std::string> roles;
        const Json* nodes = arrayAt(*config, k, "nodes");
        if (!config->contains("nodes")) {
            roles.push_back("control-plane");  // kind's default: one control-plane node
        } else if (nodes) {
            for (size_t i = 0; i < nodes->size(); ++i) {
                Path np = k.key("nodes").item(i);
                const Json& node = (*nodes)[i];
                if (!node.is_object()) {
                    error(np, np.field, "expected a mapping with a role");
                    roles.push_back("invalid");
                    continue;
                }
                std::string role = node.value("role", "");
                if (role != "control-plane" && role != "worker")
                    error(node.contains("role") ? np.key("role") : np, np.key("role").field,
                          "must be control-plane or worker");
                roles.push_back(role);
                if (const Json* labels = objectAt(node, np, "labels", false)) {
                    for (const auto& [key, value] : labels->items())
                        if (!value.is_string())
                            error(np.key("labels").key(key), np.key("labels").key(key).field,
                                  "kind node labels must be strings (quote numbers and booleans)");
                }
            }
        }
        if (std::count(roles.begin(), roles.end(), "control-plane") == 0)
            error(nodes ? k.key("nodes") : k, k.key("nodes").field, "needs at least one control-plane node");
        auto names = kindNodeNames(cluster.name, roles);
        for (size_t i = 0; i < roles.size(); ++i) cluster.nodes.push_back({static_cast<int>(i), roles[i], names[i], {}, {}});

        if (nodes) {
            for (size_t i = 0; i < nodes->size(); ++i) {
                const Json& node = (*nodes)[i];
                if (!node.is_object()) continue;
                const Json* mappings = arrayAt(node, k.key("nodes").item(i), "extraPortMappings");
                if (!mappings) continue;
                for (size_t j = 0; j < mappings->size(); ++j) {
                    Path mp = k.key("nodes").item(i).key("extraPortMappings").item(j);
                    const Json& m = (*mappings)[j];
                    if (!m.is_object()) {
                        error(mp, mp.field, "expected a mapping with containerPort and hostPort");
                        continue;
                    }
                    HostPortMapping hp;
                    hp.node = cluster.nodes[i].name;
                    if (auto v = optionalInteger(m, mp, "containerPort", 1, 65535)) hp.containerPort = static_cast<int>(*v);
                    else if (!m.contains("containerPort")) error(mp, mp.key("containerPort").field, "missing");
                    // hostPort 0 (or none) lets docker pick a free port, so there is nothing to check up front.
                    if (auto v = optionalInteger(m, mp, "hostPort", 0, 65535)) hp.hostPort = static_cast<int>(*v);
                    if (auto v = optionalString(m, mp, "protocol")) hp.protocol = *v;
                    if (hp.protocol != "TCP" && hp.protocol != "UDP" && hp.protocol != "SCTP")
                        error(mp.key("protocol"), mp.key("protocol").field, "must be TCP, UDP or SCTP");
                    if (auto v = optionalString(m, mp, "listenAddress")) hp.listenAddress = *v;
                    if (hp.hostPort > 0) cluster.hostPorts.push_back(hp);
                }
            }
        }
    }

    void readTaints(const Json& list, const Path& at, std::vector<NodeTaint>& out) {
        std::set<std::string> seen;
        for (size_t i = 0; i < list.size(); ++i) {
            Path tp = at.item(i);
            const Json& t = list[i];
            if (!t.is_object()) {
                error(tp, tp.field, "expected a mapping with key, value and effect");
                continue;
            }
            checkKeys(t, tp, {"key", "value", "effect"});
            NodeTaint taint;
            if (auto k = requiredString(t, tp, "key")) {
                taint.key = *k;
                if (!isQualifiedName(*k)) error(tp.key("key"), tp.key("key").field, "\"" + *k + "\" is not a valid taint key");
            }
            if (auto v = optionalString(t, tp, "value")) {
                taint.value = *v;
                if (!isLabelValue(*v)) error(tp.key("value"), tp.key("value").field, "\"" + *v + "\" is not a valid taint value");
            }
            if (auto e = requiredString(t, tp, "effect")) {
                taint.effect = *e;
                if (*e != "NoSchedule" && *e != "PreferNoSchedule" && *e != "NoExecute")
                    error(tp.key("effect"), tp.key("effect").field, "must be NoSchedule, PreferNoSchedule or NoExecute");
            }
            if (!seen.insert(taint.key + ":" + taint.effect).second)
                error(tp, tp.field, "taint " + taint.key + ":" + taint.effect + " is given twice");
            out.push_back(taint);
        }
    }

    void readGpu(const Json& g, const Path& gp, const ProfileNode& node, ClusterProfile& cluster) {
        GpuNodeSpec spec;
        spec.nodeName = node.name;
        spec.taints = node.taints;
        std::string mode = g.value("mode", "simulated");
        if (g.contains("mode") && !g["mode"].is_string()) mode = "?";
        if (mode == "simulated") {
            checkKeys(g, gp, {"mode", "product", "count", "memoryMiB"});
            spec.mode = GpuMode::Simulated;
            if (auto p = optionalString(g, gp, "product")) {
                spec.product = *p;
                if (!isLabelValue(*p) || p->empty())
                    error(gp.key("product"), gp.key("product").field, "\"" + *p + "\" cannot be a label value (use letters, digits, '-', '_', '.')");
            }
            if (auto c = optionalInteger(g, gp, "count", 1, 64)) spec.count = static_cast<int>(*c);
            if (auto m = optionalInteger(g, gp, "memoryMiB", 1, 1024 * 1024)) spec.memoryMiB = *m;
        } else if (mode == "real") {
            checkKeys(g, gp, {"mode", "hostGpus"});
            spec.mode = GpuMode::Real;
            if (!g.contains("hostGpus")) {
                error(gp, gp.key("hostGpus").field, "missing (\"all\" or a list of nvidia-smi GPU indexes)");
            } else if (g["hostGpus"].is_string()) {
                if (g["hostGpus"].get<std::string>() != "all")
                    error(gp.key("hostGpus"), gp.key("hostGpus").field, "expected \"all\" or a list of GPU indexes");
            } else if (g["hostGpus"].is_array() && !g["hostGpus"].empty()) {
                std::set<int> seen;
                for (size_t i = 0; i < g["hostGpus"].size(); ++i) {
                    const Json& v = g["hostGpus"][i];
                    Path ip = gp.key("hostGpus").item(i);
                    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 63)
                        error(ip, ip.field, "expected a GPU index 0..63");
                    else if (!seen.insert(v.get<int>()).second)
                        error(ip, ip.field, "GPU " + std::to_string(v.get<int>()) + " is listed twice");
                    else
                        spec.hostGpuIndexes.push_back(v.get<int>());
                }
            } else {
                error(gp.key("hostGpus"), gp.key("hostGpus").field, "expected \"all\" or a non-empty list of GPU indexes");
            }
        } else {
            error(gp.key("mode"), gp.key("mode").field, "must be simulated or real");
            return;
        }
        cluster.gpuNodes.push_back(spec);
    }

    void readNodeExtras(const Json& c, const Path& at, ClusterProfile& cluster) {
        const Json* list = arrayAt(c, at, "nodes");
        if (!list) return;
        std::set<long long> seenIndexes;
        for (size_t i = 0; i < list->size(); ++i) {
            Path ep = at.key("nodes").item(i);
            const Json& e = (*list)[i];
            if (!e.is_object()) {
                error(ep, ep.field, "expected a mapping with index and labels, taints or gpu");
                continue;
            }
            checkKeys(e, ep, {"index", "labels", "taints", "gpu"});
            if (!e.contains("index")) {
                error(ep, ep.key("index").field, "missing (the node's position in kind.nodes, from 0)");
                continue;
            }
            auto index = optionalInteger(e, ep, "index", 0, 1000);
            if (!index) continue;
            if (*index >= static_cast<long long>(cluster.nodes.size())) {
                error(ep.key("index"), ep.key("index").field,
                      "node " + std::to_string(*index) + " does not exist: kind.nodes has " + std::to_string(cluster.nodes.size()));
                continue;
            }
            if (!seenIndexes.insert(*index).second) {
                error(ep.key("index"), ep.key("index").field, "node " + std::to_string(*index) + " already has extras above; merge them");
                continue;
            }
            ProfileNode& node = cluster.nodes[static_cast<size_t>(*index)];
            if (const Json* labels = objectAt(e, ep, "labels", false)) {
                const Json* kindLabels = nullptr;
                if (cluster.kindConfig.is_object() && cluster.kindConfig.contains("nodes") &&
                    cluster.kindConfig["nodes"].is_array() &&
                    cluster.kindConfig["nodes"][static_cast<size_t>(*index)].is_object() &&
                    cluster.kindConfig["nodes"][static_cast<size_t>(*index)].contains("labels"))
                    kindLabels = &cluster.kindConfig["nodes"][static_cast<size_t>(*index)]["labels"];
                for (const auto& [key, value] : labels->items()) {
                    Path lp = ep.key("labels").key(key);
                    if (!isQualifiedName(key)) error(lp, lp.field, "\"" + key + "\" is not a valid label key");
                    if (!value.is_string()) {
                        error(lp, lp.field, "expected a string value (quote numbers and booleans)");
                        continue;
                    }
                    std::string v = value.get<std::string>();
                    if (!isLabelValue(v)) error(lp, lp.field, "\"" + v + "\" is not a valid label value");
                    if (kindLabels && kindLabels->is_object() && kindLabels->contains(key) && (*kindLabels)[key] != value)
                        error(lp, lp.field, "conflicts with the kind config's label " + key + "=" + (*kindLabels)[key].dump());
                    node.labels[key] = v;
                }
            }
            if (const Json* taints = arrayAt(e, ep, "taints")) {
                if (node.role == "control-plane")
                    error(ep.key("taints"), ep.key("taints").field,
                          "taints are set through a kubeadm JoinConfiguration patch, so only worker nodes can have them");
                else
                    readTaints(*taints, ep.key("taints"), node.taints);
            }
            if (const Json* gpu = objectAt(e, ep, "gpu", false)) {
                if (node.role != "worker")
                    error(ep.key("gpu"), ep.key("gpu").field,
                          "node " + std::to_string(*index) + " is a " + node.role + " node; GPU nodes must be workers");
                else
                    readGpu(*gpu, ep.key("gpu"), node, cluster);
            }
        }
    }

    void readPostCreate(const Json& c, const Path& at, ClusterProfile& cluster) {
        const Json* list = arrayAt(c, at, "postCreate");
        if (!list) return;
        for (size_t i = 0; i < list->size(); ++i) {
            Path sp = at.key("postCreate").item(i);
            const Json& s = (*list)[i];
            PostCreateStep step;
            step.where = formatLocation(source_, doc_.locate(sp.pointer));
            if (!s.is_object() || (s.contains("apply") == s.contains("exec"))) {
                error(sp, sp.field, "expected exactly one of apply: MANIFEST or exec: {node, command}");
                continue;
            }
            checkKeys(s, sp, {"apply", "exec"});
            if (s.contains("apply")) {
                auto path = optionalString(s, sp, "apply");
                if (!path) continue;
                step.kind = PostCreateStep::Kind::ApplyManifest;
                fs::path resolved = fs::path(*path).is_absolute() ? fs::path(*path) : fs::path(baseDir_) / *path;
                std::error_code ec;
                if (!fs::is_regular_file(resolved, ec)) {
                    error(sp.key("apply"), sp.key("apply").field, "no such manifest file: " + resolved.string());
                    continue;
                }
                step.manifestPath = resolved.lexically_normal().string();
            } else {
                Path xp = sp.key("exec");
                const Json* x = objectAt(s, sp, "exec", true);
                if (!x) continue;
                checkKeys(*x, xp, {"node", "command"});
                step.kind = PostCreateStep::Kind::DockerExec;
                if (!x->contains("node")) error(xp, xp.key("node").field, "missing (a node index)");
                auto index = optionalInteger(*x, xp, "node", 0, 1000);
                if (index && *index >= static_cast<long long>(cluster.nodes.size()))
                    error(xp.key("node"), xp.key("node").field, "node " + std::to_string(*index) + " does not exist");
                else if (index)
                    step.node = cluster.nodes[static_cast<size_t>(*index)].name;
                const Json* cmd = arrayAt(*x, xp, "command");
                if (!cmd || cmd->empty()) {
                    if (!cmd) error(xp, xp.key("command").field, "missing (a list: program and arguments)");
                    else error(xp.key("command"), xp.key("command").field, "must not be empty");
                    continue;
                }
                for (size_t j = 0; j < cmd->size(); ++j) {
                    if (!(*cmd)[j].is_string()) error(xp.key("command").item(j), xp.key("command").item(j).field, "expected a string");
                    else step.command.push_back((*cmd)[j].get<std::string>());
                }
            }
            cluster.postCreate.push_back(step);
        }
    }

    void checkPinned(const Json& object, const Path& at, std::string& out) {
        auto v = requiredString(object, at, "version");
        if (!v) return;
        // A range or a moving tag would make two students' clusters differ.
        bool wildcardPart = false;  // "1.x", "x.2": an "x" or "X" standing for a whole version component
        for (size_t start = 0; start <= v->size();) {
            size_t dot = v->find('.', start);
            std::string part = v->substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (part == "x" || part == "X") wildcardPart = true;
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        if (*v == "latest" || *v == "stable" || wildcardPart || v->find_first_of("*^~<>| ") != std::string::npos)
            error(at.key("version"), at.key("version").field, "\"" + *v + "\" is not a pinned version");
        out = *v;
    }

    void readAddons(const Json& c, const Path& at, ClusterProfile& cluster) {
        const Json* list = arrayAt(c, at, "addons");
        if (!list) return;
        std::set<std::string> names;
        for (size_t i = 0; i < list->size(); ++i) {
            Path ap = at.key("addons").item(i);
            const Json& a = (*list)[i];
            if (!a.is_object()) {
                error(ap, ap.field, "expected a mapping with name and helm or manifest");
                continue;
            }
            checkKeys(a, ap, {"name", "helm", "manifest"});
            Addon addon;
            if (auto n = requiredString(a, ap, "name")) {
                addon.name = *n;
                if (!names.insert(*n).second) error(ap.key("name"), ap.key("name").field, "addon \"" + *n + "\" is listed twice");
            }
            if (a.contains("helm") == a.contains("manifest")) {
                error(ap, ap.field, "expected exactly one of helm or manifest");
                continue;
            }
            if (const Json* h = objectAt(a, ap, "helm", false)) {
                Path hp = ap.key("helm");
                checkKeys(*h, hp, {"repo", "chart", "version", "release", "namespace", "values"});
                addon.kind = Addon::Kind::Helm;
                if (auto r = requiredString(*h, hp, "repo")) addon.repo = *r;
                if (auto ch = requiredString(*h, hp, "chart")) addon.chart = *ch;
                checkPinned(*h, hp, addon.version);
                addon.release = optionalString(*h, hp, "release").value_or(addon.name);
                if (auto ns = requiredString(*h, hp, "namespace")) addon.ns = *ns;
                if (const Json* values = objectAt(*h, hp, "values", false)) addon.values = *values;
            } else if (const Json* m = objectAt(a, ap, "manifest", false)) {
                Path mp = ap.key("manifest");
                checkKeys(*m, mp, {"url", "path", "version"});
                addon.kind = Addon::Kind::Manifest;
                checkPinned(*m, mp, addon.version);
                auto url = optionalString(*m, mp, "url");
                auto path = optionalString(*m, mp, "path");
                if (url.has_value() == path.has_value()) {
                    error(mp, mp.field, "expected exactly one of url or path");
                } else if (url) {
                    if (url->rfind("https://", 0) != 0) error(mp.key("url"), mp.key("url").field, "must be an https:// URL");
                    addon.url = *url;
                } else {
                    fs::path resolved = fs::path(*path).is_absolute() ? fs::path(*path) : fs::path(baseDir_) / *path;
                    std::error_code ec;
                    if (!fs::is_regular_file(resolved, ec))
                        error(mp.key("path"), mp.key("path").field, "no such manifest file: " + resolved.string());
                    addon.path = resolved.lexically_normal().string();
                }
            }
            cluster.addons.push_back(addon);
        }
    }

    void checkAcrossClusters(const Profile& profile, const Path& at) {
        std::map<std::string, size_t> nodeOwners;
        std::map<std::string, size_t> hostPortOwners;
        for (size_t i = 0; i < profile.clusters.size(); ++i) {
            const auto& c = profile.clusters[i];
            for (const auto& n : c.nodes) {
                if (c.name.empty()) break;
                auto [it, fresh] = nodeOwners.emplace(n.name, i);
                if (!fresh) {
                    error(at.item(i).key("name"), at.item(i).key("name").field,
                          "node name " + n.name + " is also a node of clusters[" + std::to_string(it->second) + "]");
                    break;
                }
            }
            for (const auto& hp : c.hostPorts) {
                std::string key = hp.listenAddress + ":" + std::to_string(hp.hostPort) + "/" + hp.protocol;
                auto [it, fresh] = hostPortOwners.emplace(key, i);
                if (!fresh)
                    error(at.item(i).key("kind"), at.item(i).key("kind").field,
                          "host port " + key + " (node " + hp.node + ") is already mapped" +
                              (it->second == i ? " in this cluster" : " by clusters[" + std::to_string(it->second) + "]"));
            }
        }
        // On kind's shared docker network pod and service ranges must differ between clusters, or routes and
        // cross-cluster discovery cannot tell them apart.
        for (size_t i = 0; i < profile.clusters.size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                const auto& a = profile.clusters[i];
                const auto& b = profile.clusters[j];
                struct Range { const std::string* cidr; const Path* path; const char* what; };
                Range ra[] = {{&a.podSubnet, &subnetPaths_[i].first, "podSubnet"}, {&a.serviceSubnet, &subnetPaths_[i].second, "serviceSubnet"}};
                Range rb[] = {{&b.podSubnet, &subnetPaths_[j].first, "podSubnet"}, {&b.serviceSubnet, &subnetPaths_[j].second, "serviceSubnet"}};
                for (const auto& x : ra) {
                    for (const auto& y : rb) {
                        auto cx = parseCidr(*x.cidr), cy = parseCidr(*y.cidr);
                        if (!cx || !cy || !cx->overlaps(*cy)) continue;
                        error(*x.path, x.path->field,
                              *x.cidr + " overlaps " + y.what + " " + *y.cidr + " of cluster \"" + b.name +
                                  "\" (kind's default when not set; give each cluster its own ranges)");
                    }
                }
            }
        }
    }
};

}  // namespace

Result<Profile> parseProfile(std::string_view text, const std::string& sourcePath) {
    YamlLimits limits;
    limits.maxBytes = kMaxProfileBytes;
    limits.maxDepth = 40;
    auto doc = parseYamlDocument(text, sourcePath, limits);
    if (!doc) return fail(doc.error());
    return ProfileReader(*doc, sourcePath).read();
}

Result<Profile> loadProfileFile(const std::string& path) {
    auto text = readFileBounded(path, kMaxProfileBytes);
    if (!text) return fail(text.error().context("reading profile " + path));
    return parseProfile(*text, path);
}

}  // namespace kc
