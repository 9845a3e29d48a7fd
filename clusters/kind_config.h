// kind's view of a cluster profile: node container names exactly as kind assigns them, and the kind config file
// the harness hands to `kind create cluster` (the profile's embedded config plus labels and taint patches).
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"
#include "clusters/profile.h"

namespace kc {

// kind names nodes per role in config order: <cluster>-control-plane, <cluster>-control-plane2, ...,
// <cluster>-worker, <cluster>-worker2, ... (the first of each role has no number).
std::vector<std::string> kindNodeNames(const std::string& clusterName, const std::vector<std::string>& roles);

// The config passed to kind: the embedded config with each node's extra labels merged into its `labels` and its
// taints added as a kubeadm JoinConfiguration patch. JSON, which kind's YAML reader accepts.
Json kindConfigFor(const ClusterProfile& cluster);

}  // namespace kc
