// The text of one row of the Cluster page's nodes table, from node status: "4" GPUs, "8 shared", taints as
// kubectl writes them, Ready as the condition's meaning. Pure, so the table's contents are testable without Qt.
#pragma once

#include <map>
#include <string>

#include "clusters/node_status.h"

namespace kc::app {

struct NodeRowText {
    std::string name, role, ready, taints, capacity, allocatable, requested, product;
    bool readyOk = false;
};

// "4", "4 + 8 shared", "—" when the node has none of the GPU resources.
std::string gpuAmountText(const std::map<std::string, long long>& amounts);
// "key=value:Effect" (or "key:Effect"), one per line; "—" for none.
std::string taintsText(const std::vector<NodeTaint>& taints);
NodeRowText nodeRowText(const NodeStatusRow& row);

// What the page says about a GPU mode, for the badge's tooltip and the nodes header.
std::string gpuModeExplanation(const std::string& mode);

}  // namespace kc::app
