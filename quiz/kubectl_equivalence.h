// Kubernetes-aware comparison of short answers: resource aliases, kubectl flag spellings and order, quantities.
// Lets "kubectl get po -n ml -o yaml" and "kubectl get pods --output=yaml --namespace=ml" earn the same mark.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kc::quiz {

// The canonical (singular, lower-case kind) name for a resource alias: "po", "pods" and "Pod" give "pod",
// "deploy" gives "deployment", "pc" gives "priorityclass". Nullopt when the word is not a known resource name.
std::optional<std::string> canonicalResource(std::string_view word);

// The value of a Kubernetes quantity in base units: "1Gi" → 1073741824, "500m" → 0.5, "2k" → 2000.
// Nullopt when the text is not a quantity.
std::optional<long double> parseQuantity(std::string_view text);

// True when two answers mean the same thing to Kubernetes. Two kubectl commands are equal when their verb and
// positional words match in order (resource aliases canonicalised) and their flags match as a set, whatever
// the order or spelling (-n x, --namespace x, --namespace=x). Anything else compares word by word, where a
// word matches case-insensitively, as the same resource, or as the same quantity.
bool kubernetesEquivalent(std::string_view a, std::string_view b);

}  // namespace kc::quiz
