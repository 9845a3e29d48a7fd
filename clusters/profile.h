// A cluster profile: the kind clusters one lab needs plus what the harness does around them (labels, taints, GPU
// workers, post-create steps, pinned addons, a resource estimate). Plain data; profile_loader.h fills it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clusters/gpu_node_spec.h"
#include "clusters/json.h"

namespace kc {

struct ProfileNode {
    int index = 0;            // position in the kind config's nodes list
    std::string role;         // control-plane | worker
    std::string name;         // the node's name as kind creates it ("lab-01-worker2")
    std::map<std::string, std::string> labels;  // extras, set through kind's node `labels`
    std::vector<NodeTaint> taints;              // extras, set through a kubeadm JoinConfiguration patch
};

struct PostCreateStep {
    enum class Kind { ApplyManifest, DockerExec };
    Kind kind = Kind::ApplyManifest;
    std::string manifestPath;  // ApplyManifest: absolute, resolved against the profile's folder
    std::string node;          // DockerExec: the node container's name
    std::vector<std::string> command;
    std::string where;         // "FILE:LINE:COL" of the step, for messages
};

struct Addon {
    enum class Kind { Helm, Manifest };
    std::string name;
    Kind kind = Kind::Helm;
    std::string version;  // pinned: a chart version or the manifest's release
    // Helm
    std::string repo;
    std::string chart;
    std::string release;  // defaults to name
    std::string ns;       // namespace, created when missing
    Json values = Json::object();
    // Manifest: exactly one of url (applied with kubectl) or path (absolute, applied with KubeClient)
    std::string url;
    std::string path;
};

struct HostPortMapping {
    int hostPort = 0;
    int containerPort = 0;
    std::string protocol = "TCP";
    std::string listenAddress = "0.0.0.0";
    std::string node;  // node name
};

struct ClusterProfile {
    std::string name;       // kind cluster name
    std::string image;      // kindest/node image; empty: kind's default
    Json kindConfig;        // the embedded kind Cluster config, as written
    std::vector<ProfileNode> nodes;
    std::vector<GpuNodeSpec> gpuNodes;
    std::vector<PostCreateStep> postCreate;
    std::vector<Addon> addons;
    std::string podSubnet;      // as configured, or kind's default
    std::string serviceSubnet;  // as configured, or kind's default
    std::vector<HostPortMapping> hostPorts;

    const ProfileNode* node(const std::string& nodeName) const;
};

struct ResourceEstimate {
    long long memoryMiB = 0;
    double cpus = 0;
    long long diskGiB = 0;
};

struct Profile {
    std::string id;
    std::string description;
    std::string sourcePath;
    std::vector<ClusterProfile> clusters;
    ResourceEstimate estimate;
    // Multi-cluster: add routes on every node to every other cluster's pod subnet (flat pod network on kind's
    // shared docker network).
    bool routePodNetworks = false;

    bool usesRealGpus() const;
    bool usesSimulatedGpus() const;
    bool isMultiCluster() const { return clusters.size() > 1; }
};

// kind's defaults when networking leaves them out (IPv4 clusters).
inline constexpr const char* kKindDefaultPodSubnet = "10.244.0.0/16";
inline constexpr const char* kKindDefaultServiceSubnet = "10.96.0.0/12";

}  // namespace kc
