// RBAC evaluation as kube-apiserver's RBAC authorizer does it (rule, subject and binding scoping rules), over plain
// JSON objects so it can be tested without a server.
#include "tests/support/rbac_evaluator.h"

#include <algorithm>

namespace kc::testing {

namespace {

std::string str(const Json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
    return object[key].get<std::string>();
}

std::vector<std::string> strings(const Json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
    for (const auto& v : object[key])
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

bool contains(const std::vector<std::string>& values, const std::string& wanted) {
    return std::find(values.begin(), values.end(), wanted) != values.end();
}

bool anyOrContains(const std::vector<std::string>& values, const std::string& wanted) {
    return contains(values, "*") || contains(values, wanted);
}

// "pods" grants pods but not pods/log; "pods/log" and "*/log" grant the subresource; "*" grants everything.
bool resourceMatches(const std::vector<std::string>& ruleResources, const std::string& resource,
                     const std::string& subresource) {
    const std::string combined = subresource.empty() ? resource : resource + "/" + subresource;
    for (const auto& r : ruleResources) {
        if (r == "*" || r == combined) return true;
        if (!subresource.empty() && r == "*/" + subresource) return true;
    }
    return false;
}

// A trailing "*" in a nonResourceURL is a prefix match; "*" alone matches every path.
bool pathMatches(const std::vector<std::string>& urls, const std::string& path) {
    for (const auto& u : urls) {
        if (u == "*" || u == path) return true;
        if (!u.empty() && u.back() == '*' && path.rfind(u.substr(0, u.size() - 1), 0) == 0) return true;
    }
    return false;
}

bool ruleAllows(const Json& rule, const AccessRequest& request) {
    if (!anyOrContains(strings(rule, "verbs"), request.verb)) return false;
    if (request.nonResource) return pathMatches(strings(rule, "nonResourceURLs"), request.path);
    if (!anyOrContains(strings(rule, "apiGroups"), request.group)) return false;
    if (!resourceMatches(strings(rule, "resources"), request.resource, request.subresource)) return false;
    std::vector<std::string> names = strings(rule, "resourceNames");
    // A rule naming objects never grants a request that names none (list, create).
    return names.empty() || contains(names, request.name);
}

// `bindingNamespace` is empty for ClusterRoleBindings. A ServiceAccount subject without a namespace means the
// RoleBinding's own namespace.
bool subjectMatches(const Json& subject, const AccessRequest& request, const std::string& bindingNamespace) {
    const std::string kind = str(subject, "kind"), name = str(subject, "name");
    if (kind == "User") return name == request.user;
    if (kind == "Group") return contains(request.groups, name);
    if (kind == "ServiceAccount") {
        std::string ns = str(subject, "namespace");
        if (ns.empty()) ns = bindingNamespace;
        return !ns.empty() && request.user == "system:serviceaccount:" + ns + ":" + name;
    }
    return false;
}

std::string describeSubject(const Json& subject, const std::string& bindingNamespace) {
    const std::string kind = str(subject, "kind"), name = str(subject, "name");
    if (kind == "ServiceAccount") {
        std::string ns = str(subject, "namespace");
        return "ServiceAccount \"" + name + "/" + (ns.empty() ? bindingNamespace : ns) + "\"";
    }
    return kind + " \"" + name + "\"";
}

const Json* findRole(const std::vector<Json>& roles, const std::string& ns, const std::string& name) {
    for (const auto& r : roles) {
        const Json& meta = r.value("metadata", Json::object());
        if (str(meta, "name") == name && str(meta, "namespace") == ns) return &r;
    }
    return nullptr;
}

// The first subject of `binding` that is the requester and whose role has a rule for the request, described as
// the reason; empty when the binding grants nothing.
std::string bindingGrant(const Json& binding, bool clusterBinding, const AccessRequest& request,
                         const RbacObjects& rbac) {
    const Json& meta = binding.value("metadata", Json::object());
    const std::string bindingNs = clusterBinding ? "" : str(meta, "namespace");
    const Json& ref = binding.value("roleRef", Json::object());
    const std::string refKind = str(ref, "kind"), refName = str(ref, "name");
    const Json* role = nullptr;
    if (refKind == "ClusterRole") role = findRole(rbac.clusterRoles, "", refName);
    else if (refKind == "Role" && !clusterBinding) role = findRole(rbac.roles, bindingNs, refName);
    if (!role || !role->contains("rules") || !(*role)["rules"].is_array()) return "";
    bool ruleFound = false;
    for (const auto& rule : (*role)["rules"])
        if (ruleAllows(rule, request)) ruleFound = true;
    if (!ruleFound) return "";
    if (!binding.contains("subjects") || !binding["subjects"].is_array()) return "";
    for (const auto& subject : binding["subjects"]) {
        if (!subjectMatches(subject, request, bindingNs)) continue;
        std::string bindingName = clusterBinding ? "ClusterRoleBinding \"" + str(meta, "name") + "\""
                                                 : "RoleBinding \"" + str(meta, "name") + "/" + bindingNs + "\"";
        return "RBAC: allowed by " + bindingName + " of " + refKind + " \"" + refName + "\" to " +
               describeSubject(subject, bindingNs);
    }
    return "";
}

}  // namespace

AccessDecision authorize(const AccessRequest& request, const RbacObjects& rbac) {
    AccessDecision decision;
    for (const auto& b : rbac.clusterRoleBindings) {
        decision.reason = bindingGrant(b, true, request, rbac);
        if (!decision.reason.empty()) {
            decision.allowed = true;
            return decision;
        }
    }
    // RoleBindings grant only inside their own namespace, so never for cluster-wide or non-resource requests.
    if (request.nonResource || request.namespace_.empty()) return decision;
    for (const auto& b : rbac.roleBindings) {
        if (str(b.value("metadata", Json::object()), "namespace") != request.namespace_) continue;
        decision.reason = bindingGrant(b, false, request, rbac);
        if (!decision.reason.empty()) {
            decision.allowed = true;
            return decision;
        }
    }
    return decision;
}

std::string parseAccessReview(const Json& review, AccessRequest& out) {
    if (!review.is_object() || !review.contains("spec") || !review["spec"].is_object()) return "spec: Required value";
    const Json& spec = review["spec"];
    out.user = str(spec, "user");
    out.groups = strings(spec, "groups");
    if (out.user.empty() && out.groups.empty())
        return "spec.user: Invalid value: \"\": at least one of user or group must be specified";
    const bool hasResource = spec.contains("resourceAttributes") && spec["resourceAttributes"].is_object();
    const bool hasNonResource = spec.contains("nonResourceAttributes") && spec["nonResourceAttributes"].is_object();
    if (hasResource == hasNonResource)
        return "spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified";
    if (hasResource) {
        const Json& a = spec["resourceAttributes"];
        out.namespace_ = str(a, "namespace");
        out.verb = str(a, "verb");
        out.group = str(a, "group");
        out.resource = str(a, "resource");
        out.subresource = str(a, "subresource");
        out.name = str(a, "name");
    } else {
        const Json& a = spec["nonResourceAttributes"];
        out.nonResource = true;
        out.verb = str(a, "verb");
        out.path = str(a, "path");
    }
    return "";
}

Json answerAccessReview(Json review, const RbacObjects& rbac) {
    AccessRequest request;
    parseAccessReview(review, request);
    AccessDecision decision = authorize(request, rbac);
    review["status"] = Json{{"allowed", decision.allowed}};
    if (!decision.reason.empty()) review["status"]["reason"] = decision.reason;
    return review;
}

}  // namespace kc::testing
