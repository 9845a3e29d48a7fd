// kind create cluster's stderr as kind writes it to a pipe: "Creating cluster", then for each stage a start line
// (" • words ...") and an end line (" ✓ words", or " ✗ words" and an ERROR line when it fails).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clusters/kind_progress.h"

namespace kc::testing {

// The stages of a cluster with workers and one control plane, in kind's order, with kind's words.
inline std::vector<std::pair<KindStage, std::string>> kindStagesWithWorkers() {
    return {{KindStage::EnsuringImage, "Ensuring node image (kindest/node:v1.31.2) \xF0\x9F\x96\xBC"},
            {KindStage::PreparingNodes, "Preparing nodes \xF0\x9F\x93\xA6 \xF0\x9F\x93\xA6 \xF0\x9F\x93\xA6"},
            {KindStage::WritingConfiguration, "Writing configuration \xF0\x9F\x93\x9C"},
            {KindStage::StartingControlPlane, "Starting control-plane \xF0\x9F\x95\xB9\xEF\xB8\x8F"},
            {KindStage::InstallingCni, "Installing CNI \xF0\x9F\x94\x8C"},
            {KindStage::InstallingStorageClass, "Installing StorageClass \xF0\x9F\x92\xBE"},
            {KindStage::JoiningWorkers, "Joining worker nodes \xF0\x9F\x9A\x9C"}};
}

// stderr of a create that fails at stage `failAt` (an index into kindStagesWithWorkers), or succeeds when -1.
inline std::string kindCreateStderr(const std::string& name, int failAt = -1) {
    std::string out = "Creating cluster \"" + name + "\" ...\n";
    auto stages = kindStagesWithWorkers();
    for (int i = 0; i < static_cast<int>(stages.size()); ++i) {
        out += " \xE2\x80\xA2 " + stages[static_cast<size_t>(i)].second + "  ...\n";
        if (i == failAt) {
            out += " \xE2\x9C\x97 " + stages[static_cast<size_t>(i)].second + "\n";
            out += "ERROR: failed to create cluster: stage " + std::to_string(i) + " broke\n";
            out += "Command Output: detail line for stage " + std::to_string(i) + "\n";
            return out;
        }
        out += " \xE2\x9C\x93 " + stages[static_cast<size_t>(i)].second + "\n";
    }
    out += "Set kubectl context to \"kind-" + name + "\"\n";
    return out;
}

}  // namespace kc::testing
