// The served-version table for Kubernetes 1.33. Sources: the Kubernetes API reference for v1.33 and the deprecated
// API migration guide. Beta versions are listed when 1.33 ships them (enabled or behind the runtime-config switch),
// alpha versions only where a kind has no other version in 1.33, because lectures may show such a feature with a
// warning.
#include "tests/content/served_api_versions.h"

#include <set>
#include <vector>

namespace kc::content {
namespace {

struct Served {
    const char* group;  // "" for the core group
    const char* kind;
    std::set<std::string> versions;
};

const std::vector<Served>& servedTable() {
    static const std::vector<Served> table = {
        // core
        {"", "Pod", {"v1"}},
        {"", "Service", {"v1"}},
        {"", "ConfigMap", {"v1"}},
        {"", "Secret", {"v1"}},
        {"", "Namespace", {"v1"}},
        {"", "Node", {"v1"}},
        {"", "PersistentVolume", {"v1"}},
        {"", "PersistentVolumeClaim", {"v1"}},
        {"", "ServiceAccount", {"v1"}},
        {"", "Endpoints", {"v1"}},
        {"", "Event", {"v1"}},
        {"", "LimitRange", {"v1"}},
        {"", "ResourceQuota", {"v1"}},
        {"", "ReplicationController", {"v1"}},
        {"", "PodTemplate", {"v1"}},
        {"", "Binding", {"v1"}},
        {"", "List", {"v1"}},  // not a resource, but kubectl reads and writes it
        // apps, batch, autoscaling, policy
        {"apps", "Deployment", {"v1"}},
        {"apps", "StatefulSet", {"v1"}},
        {"apps", "DaemonSet", {"v1"}},
        {"apps", "ReplicaSet", {"v1"}},
        {"apps", "ControllerRevision", {"v1"}},
        {"batch", "Job", {"v1"}},
        {"batch", "CronJob", {"v1"}},
        {"autoscaling", "HorizontalPodAutoscaler", {"v1", "v2"}},
        {"policy", "PodDisruptionBudget", {"v1"}},
        {"policy", "Eviction", {"v1"}},
        // networking and discovery
        {"networking.k8s.io", "NetworkPolicy", {"v1"}},
        {"networking.k8s.io", "Ingress", {"v1"}},
        {"networking.k8s.io", "IngressClass", {"v1"}},
        {"networking.k8s.io", "ServiceCIDR", {"v1", "v1beta1"}},
        {"networking.k8s.io", "IPAddress", {"v1", "v1beta1"}},
        {"discovery.k8s.io", "EndpointSlice", {"v1"}},
        // access control and admission
        {"rbac.authorization.k8s.io", "Role", {"v1"}},
        {"rbac.authorization.k8s.io", "ClusterRole", {"v1"}},
        {"rbac.authorization.k8s.io", "RoleBinding", {"v1"}},
        {"rbac.authorization.k8s.io", "ClusterRoleBinding", {"v1"}},
        {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration", {"v1"}},
        {"admissionregistration.k8s.io", "MutatingWebhookConfiguration", {"v1"}},
        {"admissionregistration.k8s.io", "ValidatingAdmissionPolicy", {"v1", "v1beta1"}},
        {"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", {"v1", "v1beta1"}},
        {"admissionregistration.k8s.io", "MutatingAdmissionPolicy", {"v1alpha1"}},
        {"admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding", {"v1alpha1"}},
        {"authentication.k8s.io", "TokenReview", {"v1"}},
        {"authentication.k8s.io", "TokenRequest", {"v1"}},
        {"authentication.k8s.io", "SelfSubjectReview", {"v1"}},
        {"authorization.k8s.io", "SubjectAccessReview", {"v1"}},
        {"authorization.k8s.io", "SelfSubjectAccessReview", {"v1"}},
        {"authorization.k8s.io", "LocalSubjectAccessReview", {"v1"}},
        {"authorization.k8s.io", "SelfSubjectRulesReview", {"v1"}},
        {"certificates.k8s.io", "CertificateSigningRequest", {"v1"}},
        {"certificates.k8s.io", "ClusterTrustBundle", {"v1beta1", "v1alpha1"}},
        {"flowcontrol.apiserver.k8s.io", "FlowSchema", {"v1"}},
        {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", {"v1"}},
        // scheduling, nodes, devices
        {"scheduling.k8s.io", "PriorityClass", {"v1"}},
        {"node.k8s.io", "RuntimeClass", {"v1"}},
        {"coordination.k8s.io", "Lease", {"v1"}},
        {"resource.k8s.io", "DeviceClass", {"v1beta1", "v1beta2"}},
        {"resource.k8s.io", "ResourceClaim", {"v1beta1", "v1beta2"}},
        {"resource.k8s.io", "ResourceClaimTemplate", {"v1beta1", "v1beta2"}},
        {"resource.k8s.io", "ResourceSlice", {"v1beta1", "v1beta2"}},
        {"resource.k8s.io", "DeviceTaintRule", {"v1alpha3"}},
        // storage (snapshot.storage.k8s.io is installed by the CSI snapshotter, but every CSI cluster has it)
        {"storage.k8s.io", "StorageClass", {"v1"}},
        {"storage.k8s.io", "CSIDriver", {"v1"}},
        {"storage.k8s.io", "CSINode", {"v1"}},
        {"storage.k8s.io", "CSIStorageCapacity", {"v1"}},
        {"storage.k8s.io", "VolumeAttachment", {"v1"}},
        {"storage.k8s.io", "VolumeAttributesClass", {"v1beta1"}},
        {"snapshot.storage.k8s.io", "VolumeSnapshot", {"v1"}},
        {"snapshot.storage.k8s.io", "VolumeSnapshotClass", {"v1"}},
        {"snapshot.storage.k8s.io", "VolumeSnapshotContent", {"v1"}},
        // extending the API
        {"apiextensions.k8s.io", "CustomResourceDefinition", {"v1"}},
        {"apiregistration.k8s.io", "APIService", {"v1"}},
        {"events.k8s.io", "Event", {"v1"}},
    };
    return table;
}

bool isBuiltInGroup(std::string_view group) {
    for (const auto& s : servedTable())
        if (group == s.group) return true;
    return false;
}

// Every apiVersion 1.33 serves the kind at, across groups ("apps/v1"), to suggest a replacement.
std::string servedAlternatives(std::string_view kind) {
    std::string out;
    for (const auto& s : servedTable()) {
        if (kind != s.kind) continue;
        for (const auto& v : s.versions) {
            if (!out.empty()) out += " or ";
            out += std::string(s.group).empty() ? v : std::string(s.group) + "/" + v;
        }
    }
    return out;
}

std::string useInstead(std::string_view kind) {
    std::string alternatives = servedAlternatives(kind);
    return alternatives.empty() ? std::string() : "; use " + alternatives;
}

}  // namespace

std::optional<std::string> apiVersionProblem(std::string_view apiVersion, std::string_view kind) {
    std::size_t slash = apiVersion.find('/');
    std::string group(slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash));
    std::string version(slash == std::string_view::npos ? apiVersion : apiVersion.substr(slash + 1));
    std::string what = std::string(kind) + " at " + std::string(apiVersion);

    // The removals readers still copy from old material get a message that says when and what replaced them.
    if (kind == "PodSecurityPolicy")
        return what + ": PodSecurityPolicy was removed in Kubernetes 1.25; use Pod Security admission "
                      "(pod-security.kubernetes.io labels) or ValidatingAdmissionPolicy";
    if (group == "extensions")
        return what + ": extensions/v1beta1 is not served (workloads removed in 1.16, Ingress in 1.22)" +
               useInstead(kind);
    if (group == "autoscaling" && version.rfind("v2beta", 0) == 0)
        return what + ": autoscaling/v2beta1 and v2beta2 were removed (1.25 and 1.26); use autoscaling/v2";

    if (!isBuiltInGroup(group)) return std::nullopt;  // a custom resource: its CRD decides
    for (const auto& s : servedTable()) {
        if (group != s.group || kind != s.kind) continue;
        if (s.versions.count(version)) return std::nullopt;
        return what + ": Kubernetes 1.33 does not serve this version" + useInstead(kind);
    }
    return what + ": " + (group.empty() ? std::string("the core group") : "group " + group) +
           " has no kind " + std::string(kind) + " in Kubernetes 1.33" + useInstead(kind);
}

}  // namespace kc::content
