// The Kubernetes objects a submission hands in for live batch grading: the YAML/JSON documents under the paths the
// rubric's `submission.manifests` names (default deploy/), read from an untrusted tree with bounds, and the rules
// that keep a submission inside its own namespace when it shares a cluster with others (--context).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/json.h"
#include "clusters/result.h"

namespace kc::grader {

struct ManifestLimits {
    size_t maxFiles = 200;
    size_t maxFileBytes = 1024 * 1024;
    size_t maxTotalBytes = 8 * 1024 * 1024;
    size_t maxObjects = 1000;
    int maxDepth = 8;  // folder nesting below a manifests path
};

struct ManifestObject {
    Json object;
    std::string where;  // "deploy/app.yaml:12:1" (the document's first line)
};

// Reads every *.yaml, *.yml and *.json file under each path (a folder, walked in name order, or a file), in the order
// the paths are listed. Symbolic links are refused, not followed; a path that does not exist is skipped, but nothing
// found under all of them is NotFound (the student handed in no manifests). Invalid names the file, line and column.
Result<std::vector<ManifestObject>> readSubmissionManifests(const std::string& submissionRoot,
                                                            const std::vector<std::string>& paths,
                                                            const ManifestLimits& limits = {});

// For one object: whether its kind is namespaced. nullopt: the cluster does not know the kind.
using ScopeLookup = std::function<std::optional<bool>(const std::string& apiVersion, const std::string& kind)>;

// Namespace-per-submission (--context): every namespaced object is put in `ns`; one naming another namespace, a
// Namespace object, a cluster-scoped kind not in allowedClusterKinds, or a kind the cluster does not serve (and no
// CustomResourceDefinition in the same submission defines) is refused. Nothing is applied when anything is refused:
// the Invalid error lists every refused object with where it was written. `labNamespaces` are the namespaces the
// lab's rubric names: writing one of them is how students address "the lab's namespace", so it is mapped to `ns`.
Result<std::vector<ManifestObject>> confineToNamespace(std::vector<ManifestObject> objects, const std::string& ns,
                                                       const std::set<std::string>& labNamespaces,
                                                       const std::set<std::string>& allowedClusterKinds,
                                                       const ScopeLookup& isNamespaced);

// "kc-" + the student id lower-cased with anything outside [a-z0-9-] as '-', at most 63 characters, ending in a
// letter or digit: a valid namespace (and kind cluster) name. Distinct ids that sanitise alike get a short hash.
std::string submissionNamespace(const std::string& studentId, size_t maxLength = 63);

}  // namespace kc::grader
