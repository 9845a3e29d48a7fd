// Built-in kinds of the API test double and the discovery documents. The table is data: adding a kind is one line.
#include "tests/support/resource_types.h"

#include <algorithm>
#include <map>
#include <set>

namespace kc::testing {

bool ResourceType::hasSubresource(const std::string& name) const {
    return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

bool ResourceType::servesVersion(const std::string& v) const {
    return std::find(versions.begin(), versions.end(), v) != versions.end();
}

namespace {

struct Row {
    const char* groupVersion;
    const char* kind;
    const char* plural;
    bool namespaced;
    std::vector<std::string> shortNames;
    std::vector<std::string> subresources;
    std::vector<std::string> categories;
};

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        {"v1", "Namespace", "namespaces", false, {"ns"}, {"status"}, {}},
        {"v1", "Pod", "pods", true, {"po"}, {"log", "status"}, {"all"}},
        {"v1", "Service", "services", true, {"svc"}, {"status"}, {"all"}},
        {"v1", "ConfigMap", "configmaps", true, {"cm"}, {}, {}},
        {"v1", "Secret", "secrets", true, {}, {}, {}},
        {"v1", "Node", "nodes", false, {"no"}, {"status"}, {}},
        {"v1", "Event", "events", true, {"ev"}, {}, {}},
        {"v1", "ServiceAccount", "serviceaccounts", true, {"sa"}, {}, {}},
        {"v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, {"pvc"}, {"status"}, {}},
        {"v1", "PersistentVolume", "persistentvolumes", false, {"pv"}, {"status"}, {}},
        {"v1", "ResourceQuota", "resourcequotas", true, {"quota"}, {"status"}, {}},
        {"v1", "LimitRange", "limitranges", true, {"limits"}, {}, {}},
        {"v1", "Endpoints", "endpoints", true, {"ep"}, {}, {}},
        {"apps/v1", "Deployment", "deployments", true, {"deploy"}, {"scale", "status"}, {"all"}},
        {"apps/v1", "StatefulSet", "statefulsets", true, {"sts"}, {"scale", "status"}, {"all"}},
        {"apps/v1", "DaemonSet", "daemonsets", true, {"ds"}, {"status"}, {"all"}},
        {"apps/v1", "ReplicaSet", "replicasets", true, {"rs"}, {"scale", "status"}, {"all"}},
        {"batch/v1", "Job", "jobs", true, {}, {"status"}, {"all"}},
        {"batch/v1", "CronJob", "cronjobs", true, {"cj"}, {"status"}, {"all"}},
        {"events.k8s.io/v1", "Event", "events", true, {"ev"}, {}, {}},
        {"apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false, {"crd", "crds"},
         {"status"}, {"api-extensions"}},
        {"rbac.authorization.k8s.io/v1", "Role", "roles", true, {}, {}, {}},
        {"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true, {}, {}, {}},
        {"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, {}, {}, {}},
        {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false, {}, {}, {}},
        {"scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", false, {"pc"}, {}, {}},
        {"networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true, {"netpol"}, {}, {}},
        {"networking.k8s.io/v1", "Ingress", "ingresses", true, {"ing"}, {"status"}, {}},
        {"coordination.k8s.io/v1", "Lease", "leases", true, {}, {}, {}},
        {"storage.k8s.io/v1", "StorageClass", "storageclasses", false, {"sc"}, {}, {}},
        {"node.k8s.io/v1", "RuntimeClass", "runtimeclasses", false, {}, {}, {}},
        {"policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true, {"pdb"}, {"status"}, {}},
        {"autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, {"hpa"}, {"status"}, {"all"}},
        {"apiregistration.k8s.io/v1", "APIService", "apiservices", false, {}, {"status"}, {"api-extensions"}},
        {"authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews", false, {}, {}, {}},
    };
    return table;
}

std::string lowerAscii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

const std::vector<std::string> kObjectVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update",
                                               "watch"};
const std::vector<std::string> kCreateOnlyVerbs = {"create"};

// Reviews are answered, never stored: the server offers only `create` for them.
bool isCreateOnlyKind(const std::string& kind) { return kind == "SubjectAccessReview"; }

const std::vector<std::string>& verbsOf(const ResourceType& t) { return t.createOnly ? kCreateOnlyVerbs : kObjectVerbs; }

std::vector<std::string> subresourceVerbs(const std::string& sub) {
    if (sub == "log") return {"get"};
    return {"get", "patch", "update"};
}

// Groups in first-seen order (the order clients see preferred groups in).
std::vector<std::string> groupsOf(const std::vector<ResourceType>& types) {
    std::vector<std::string> groups;
    for (const auto& t : types)
        if (!t.group.empty() && std::find(groups.begin(), groups.end(), t.group) == groups.end())
            groups.push_back(t.group);
    return groups;
}

std::vector<std::string> versionsOf(const std::vector<ResourceType>& types, const std::string& group) {
    std::vector<std::string> versions;
    for (const auto& t : types) {
        if (t.group != group) continue;
        // The preferred (storage) version first, then the others.
        if (std::find(versions.begin(), versions.end(), t.version) == versions.end())
            versions.insert(versions.begin(), t.version);
        for (const auto& v : t.versions)
            if (std::find(versions.begin(), versions.end(), v) == versions.end()) versions.push_back(v);
    }
    return versions;
}

Json gvk(const ResourceType& t, const std::string& version) {
    return Json{{"group", t.group}, {"version", version}, {"kind", t.kind}};
}

}  // namespace

std::vector<ResourceType> builtinResourceTypes() {
    std::vector<ResourceType> types;
    for (const Row& r : rows()) {
        ResourceType t;
        std::string gv = r.groupVersion;
        size_t slash = gv.find('/');
        t.group = slash == std::string::npos ? "" : gv.substr(0, slash);
        t.version = slash == std::string::npos ? gv : gv.substr(slash + 1);
        t.versions = {t.version};
        t.kind = r.kind;
        t.plural = r.plural;
        t.singular = lowerAscii(r.kind);
        t.namespaced = r.namespaced;
        t.shortNames = r.shortNames;
        t.subresources = r.subresources;
        t.categories = r.categories;
        t.createOnly = isCreateOnlyKind(t.kind);
        types.push_back(std::move(t));
    }
    return types;
}

Json discoveryApiVersions(const std::string& serverAddress) {
    return Json{{"kind", "APIVersions"},
                {"versions", Json::array({"v1"})},
                {"serverAddressByClientCIDRs",
                 Json::array({Json{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}})}};
}

Json discoveryGroup(const std::vector<ResourceType>& types, const std::string& group) {
    std::vector<std::string> versions = versionsOf(types, group);
    if (versions.empty()) return nullptr;
    Json g{{"name", group}, {"versions", Json::array()}};
    for (const auto& v : versions) g["versions"].push_back(Json{{"groupVersion", group + "/" + v}, {"version", v}});
    g["preferredVersion"] = Json{{"groupVersion", group + "/" + versions.front()}, {"version", versions.front()}};
    return g;
}

Json discoveryGroupList(const std::vector<ResourceType>& types) {
    Json list{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", Json::array()}};
    for (const auto& group : groupsOf(types)) list["groups"].push_back(discoveryGroup(types, group));
    return list;
}

Json discoveryResourceList(const std::vector<ResourceType>& types, const std::string& group, const std::string& version) {
    Json list{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", Json::array()}};
    bool any = false;
    for (const auto& t : types) {
        if (t.group != group || !t.servesVersion(version)) continue;
        any = true;
        Json r{{"name", t.plural},       {"singularName", t.singular}, {"namespaced", t.namespaced},
               {"kind", t.kind},         {"verbs", verbsOf(t)}};
        if (!t.shortNames.empty()) r["shortNames"] = t.shortNames;
        if (!t.categories.empty()) r["categories"] = t.categories;
        list["resources"].push_back(r);
        for (const auto& sub : t.subresources)
        {
            Json r2{{"name", t.plural + "/" + sub}, {"singularName", ""}, {"namespaced", t.namespaced}};
            if (sub == "scale") {
                r2["group"] = "autoscaling";
                r2["version"] = "v1";
                r2["kind"] = "Scale";
            } else {
                r2["kind"] = t.kind;
            }
            r2["verbs"] = subresourceVerbs(sub);
            list["resources"].push_back(r2);
        }
    }
    return any ? list : Json(nullptr);
}

Json aggregatedDiscovery(const std::vector<ResourceType>& types, bool core) {
    Json list{{"kind", "APIGroupDiscoveryList"},
              {"apiVersion", "apidiscovery.k8s.io/v2"},
              {"metadata", Json::object()},
              {"items", Json::array()}};
    std::vector<std::string> groups = core ? std::vector<std::string>{""} : groupsOf(types);
    for (const auto& group : groups) {
        Json item{{"metadata", group.empty() ? Json{{"creationTimestamp", nullptr}}
                                             : Json{{"name", group}, {"creationTimestamp", nullptr}}},
                  {"versions", Json::array()}};
        for (const auto& version : versionsOf(types, group)) {
            Json v{{"version", version}, {"resources", Json::array()}, {"freshness", "Current"}};
            for (const auto& t : types) {
                if (t.group != group || !t.servesVersion(version)) continue;
                Json r{{"resource", t.plural},
                       {"responseKind", gvk(t, version)},
                       {"scope", t.namespaced ? "Namespaced" : "Cluster"},
                       {"singularResource", t.singular},
                       {"verbs", verbsOf(t)}};
                if (!t.shortNames.empty()) r["shortNames"] = t.shortNames;
                if (!t.categories.empty()) r["categories"] = t.categories;
                if (!t.subresources.empty()) {
                    r["subresources"] = Json::array();
                    for (const auto& sub : t.subresources) {
                        Json s{{"subresource", sub}, {"verbs", subresourceVerbs(sub)}};
                        if (sub == "log")
                            s["responseKind"] = Json{{"group", ""}, {"version", ""}, {"kind", ""}};
                        else if (sub == "scale")
                            s["responseKind"] = Json{{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}};
                        else
                            s["responseKind"] = gvk(t, version);
                        r["subresources"].push_back(s);
                    }
                }
                v["resources"].push_back(r);
            }
            item["versions"].push_back(v);
        }
        list["items"].push_back(item);
    }
    return list;
}

}  // namespace kc::testing
