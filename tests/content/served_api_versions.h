// Which apiVersion each built-in kind is served at by Kubernetes 1.33, for checking the YAML in the lecture notes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kc::content {

// Why Kubernetes 1.33 would not accept this apiVersion for this kind, or nullopt when it would. Kinds in groups
// that are not built in (custom resources: Istio, Karmada, Kueue, Gateway API...) are not judged and give nullopt.
// Removed versions that readers still meet in old blog posts get a specific message and the replacement.
std::optional<std::string> apiVersionProblem(std::string_view apiVersion, std::string_view kind);

}  // namespace kc::content
