// The API test double's RBAC authorizer, for SubjectAccessReviews: what kube-apiserver's RBAC authorizer would
// answer for a user, its groups and one request, from the Roles, ClusterRoles and their bindings in the store.
// A test double: no aggregation rules, no other authorizers (Node, webhook, system:masters), no `denied`.
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

// One request, as authorization.k8s.io/v1 SubjectAccessReview spec describes it.
struct AccessRequest {
    std::string user;
    std::vector<std::string> groups;
    bool nonResource = false;
    // resourceAttributes
    std::string namespace_;  // empty: a cluster-wide request
    std::string verb;
    std::string group;  // API group ("" for core)
    std::string resource, subresource, name;
    // nonResourceAttributes
    std::string path;
};

// The RBAC objects of a cluster (as stored JSON).
struct RbacObjects {
    std::vector<Json> roles, clusterRoles, roleBindings, clusterRoleBindings;
};

struct AccessDecision {
    bool allowed = false;
    std::string reason;  // `RBAC: allowed by RoleBinding "b/ns" of Role "r" to Group "g"`; empty when not allowed
};

AccessDecision authorize(const AccessRequest& request, const RbacObjects& rbac);

// Parses a SubjectAccessReview's spec. Empty string on success, else the validation message (the server's 422).
std::string parseAccessReview(const Json& review, AccessRequest& out);

// The review as the server returns it: the request's object with `status` ({allowed, reason}) filled in.
// Throws nothing; an invalid spec is reported through parseAccessReview first.
Json answerAccessReview(Json review, const RbacObjects& rbac);

}  // namespace kc::testing
