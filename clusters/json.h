// The JSON object model used for Kubernetes objects everywhere in kubeclass.
// An ordered map keeps objects in the order the server or the manifest wrote them, so output is stable.
#pragma once

#include <nlohmann/json.hpp>

namespace kc {
using Json = nlohmann::ordered_json;
}
