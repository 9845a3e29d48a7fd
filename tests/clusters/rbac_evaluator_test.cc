// The API double's RBAC evaluator (tests/support/rbac_evaluator.h): rule matching, subjects, binding scope, and
// SubjectAccessReviews answered over HTTP. Expected decisions follow the Kubernetes RBAC documentation.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>

#include "clusters/cpprest_transport.h"
#include "clusters/process_runner.h"
#include "clusters/kube_client.h"
#include "clusters/yaml_json.h"
#include "tests/support/api_double.h"
#include "tests/support/rbac_evaluator.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::testing;

namespace {

Json yaml(const std::string& text) {
    auto docs = parseYamlDocuments(text, "test.yaml");
    REQUIRE(docs);
    return docs->at(0).value;
}

Json role(const std::string& ns, const std::string& name, const std::string& rulesYaml) {
    Json r = yaml("rules: " + rulesYaml);
    r["apiVersion"] = "rbac.authorization.k8s.io/v1";
    r["kind"] = ns.empty() ? "ClusterRole" : "Role";
    r["metadata"] = Json{{"name", name}};
    if (!ns.empty()) r["metadata"]["namespace"] = ns;
    return r;
}

Json binding(const std::string& ns, const std::string& name, const std::string& roleKind, const std::string& roleName,
             const std::string& subjectsYaml) {
    Json b = yaml("subjects: " + subjectsYaml);
    b["apiVersion"] = "rbac.authorization.k8s.io/v1";
    b["kind"] = ns.empty() ? "ClusterRoleBinding" : "RoleBinding";
    b["metadata"] = Json{{"name", name}};
    if (!ns.empty()) b["metadata"]["namespace"] = ns;
    b["roleRef"] = Json{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", roleKind}, {"name", roleName}};
    return b;
}

AccessRequest req(const std::string& user, std::vector<std::string> groups, const std::string& ns,
                  const std::string& verb, const std::string& group, const std::string& resource,
                  const std::string& subresource = "", const std::string& name = "") {
    AccessRequest r;
    r.user = user;
    r.groups = std::move(groups);
    r.namespace_ = ns;
    r.verb = verb;
    r.group = group;
    r.resource = resource;
    r.subresource = subresource;
    r.name = name;
    return r;
}

// Two tenants: vision (a Role bound to a group and a ServiceAccount) and nlp (a ClusterRole bound by RoleBinding).
RbacObjects tenants() {
    RbacObjects o;
    o.roles.push_back(role("vision", "trainer",
                           "[{apiGroups: [batch], resources: [jobs], verbs: [create, get, list]},"
                           " {apiGroups: [''], resources: [pods, pods/log], verbs: [get, list]}]"));
    o.roleBindings.push_back(binding("vision", "trainers", "Role", "trainer",
                                     "[{kind: Group, name: vision-team}, {kind: ServiceAccount, name: pipeline}]"));
    o.clusterRoles.push_back(role("", "ml-researcher", "[{apiGroups: [batch], resources: [jobs], verbs: ['*']}]"));
    o.roleBindings.push_back(binding("nlp", "researchers", "ClusterRole", "ml-researcher",
                                     "[{kind: User, name: carol}, {kind: ServiceAccount, name: runner, namespace: nlp}]"));
    return o;
}

}  // namespace

TEST_CASE("rbac evaluator grants what a bound Role's rules name and nothing else") {
    RbacObjects o = tenants();
    auto d = authorize(req("bob", {"vision-team"}, "vision", "create", "batch", "jobs"), o);
    CHECK(d.allowed);
    CHECK(d.reason == "RBAC: allowed by RoleBinding \"trainers/vision\" of Role \"trainer\" to Group \"vision-team\"");
    CHECK(authorize(req("bob", {"vision-team"}, "vision", "get", "", "pods", "log"), o).allowed);
    // A verb, a group or a resource the rule does not name.
    CHECK_FALSE(authorize(req("bob", {"vision-team"}, "vision", "delete", "batch", "jobs"), o).allowed);
    CHECK_FALSE(authorize(req("bob", {"vision-team"}, "vision", "create", "", "jobs"), o).allowed);
    CHECK_FALSE(authorize(req("bob", {"vision-team"}, "vision", "get", "", "secrets"), o).allowed);
    // Not in the group, or in another namespace, or cluster-wide.
    CHECK_FALSE(authorize(req("bob", {"other"}, "vision", "create", "batch", "jobs"), o).allowed);
    CHECK_FALSE(authorize(req("bob", {"vision-team"}, "nlp", "create", "batch", "jobs"), o).allowed);
    CHECK_FALSE(authorize(req("bob", {"vision-team"}, "", "list", "batch", "jobs"), o).allowed);
    CHECK(authorize(req("bob", {"vision-team"}, "vision", "get", "", "pods", "log"), o).reason.find("Group") !=
          std::string::npos);
    CHECK(authorize(req("bob", {"other"}, "vision", "create", "batch", "jobs"), o).reason.empty());
}

TEST_CASE("rbac evaluator matches subresources wildcards and resourceNames like the RBAC authorizer") {
    RbacObjects o;
    o.roles.push_back(role("ns", "r",
                           "[{apiGroups: [''], resources: [pods], verbs: [get]},"
                           " {apiGroups: [''], resources: ['*/status'], verbs: [get]},"
                           " {apiGroups: [''], resources: [configmaps], resourceNames: [settings], verbs: [get, list]},"
                           " {apiGroups: ['*'], resources: [leases], verbs: ['*']}]"));
    o.roleBindings.push_back(binding("ns", "b", "Role", "r", "[{kind: User, name: u}]"));
    CHECK(authorize(req("u", {}, "ns", "get", "", "pods"), o).allowed);
    CHECK_FALSE(authorize(req("u", {}, "ns", "get", "", "pods", "log"), o).allowed);  // pods does not grant pods/log
    CHECK(authorize(req("u", {}, "ns", "get", "", "pods", "status"), o).allowed);     // */status does
    CHECK(authorize(req("u", {}, "ns", "get", "", "configmaps", "", "settings"), o).allowed);
    CHECK_FALSE(authorize(req("u", {}, "ns", "get", "", "configmaps", "", "other"), o).allowed);
    CHECK_FALSE(authorize(req("u", {}, "ns", "list", "", "configmaps"), o).allowed);  // no name, rule names one
    CHECK(authorize(req("u", {}, "ns", "delete", "coordination.k8s.io", "leases"), o).allowed);
    RbacObjects all;
    all.clusterRoles.push_back(role("", "admin-ish", "[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]"));
    all.roleBindings.push_back(binding("ns", "b", "ClusterRole", "admin-ish", "[{kind: User, name: u}]"));
    CHECK(authorize(req("u", {}, "ns", "get", "", "pods", "log"), all).allowed);  // "*" covers subresources
    CHECK_FALSE(authorize(req("u", {}, "", "list", "", "nodes"), all).allowed);   // a RoleBinding never grants cluster-wide
}

TEST_CASE("rbac evaluator ServiceAccount subjects default to the binding namespace") {
    RbacObjects o = tenants();
    CHECK(authorize(req("system:serviceaccount:vision:pipeline", {}, "vision", "create", "batch", "jobs"), o).allowed);
    CHECK(authorize(req("system:serviceaccount:vision:pipeline", {}, "vision", "create", "batch", "jobs"), o).reason ==
          "RBAC: allowed by RoleBinding \"trainers/vision\" of Role \"trainer\" to ServiceAccount \"pipeline/vision\"");
    CHECK_FALSE(authorize(req("system:serviceaccount:nlp:pipeline", {}, "vision", "create", "batch", "jobs"), o).allowed);
    CHECK(authorize(req("system:serviceaccount:nlp:runner", {}, "nlp", "delete", "batch", "jobs"), o).allowed);
    CHECK(authorize(req("carol", {}, "nlp", "watch", "batch", "jobs"), o).allowed);
    // The ClusterRole bound by a RoleBinding grants only inside that namespace.
    CHECK_FALSE(authorize(req("carol", {}, "vision", "watch", "batch", "jobs"), o).allowed);
    CHECK_FALSE(authorize(req("carol", {}, "", "watch", "batch", "jobs"), o).allowed);
}

TEST_CASE("rbac evaluator ClusterRoleBindings grant everywhere and cluster-scoped and non-resource requests") {
    RbacObjects o;
    o.clusterRoles.push_back(role("", "node-reader",
                                  "[{apiGroups: [''], resources: [nodes], verbs: [get, list]},"
                                  " {nonResourceURLs: ['/healthz', '/metrics/*'], verbs: [get]}]"));
    o.clusterRoleBindings.push_back(binding("", "readers", "ClusterRole", "node-reader", "[{kind: Group, name: ops}]"));
    // A ClusterRoleBinding to a Role is meaningless and grants nothing.
    o.roles.push_back(role("ns", "r", "[{apiGroups: [''], resources: [pods], verbs: [get]}]"));
    o.clusterRoleBindings.push_back(binding("", "bad", "Role", "r", "[{kind: Group, name: ops}]"));
    CHECK(authorize(req("x", {"ops"}, "", "list", "", "nodes"), o).allowed);
    CHECK(authorize(req("x", {"ops"}, "", "list", "", "nodes"), o).reason ==
          "RBAC: allowed by ClusterRoleBinding \"readers\" of ClusterRole \"node-reader\" to Group \"ops\"");
    CHECK_FALSE(authorize(req("x", {"ops"}, "ns", "get", "", "pods"), o).allowed);
    AccessRequest path;
    path.user = "x";
    path.groups = {"ops"};
    path.nonResource = true;
    path.verb = "get";
    path.path = "/metrics/cadvisor";
    CHECK(authorize(path, o).allowed);
    path.path = "/healthz/etcd";
    CHECK_FALSE(authorize(path, o).allowed);
    path.path = "/healthz";
    CHECK(authorize(path, o).allowed);
    // A binding whose role does not exist grants nothing.
    o.clusterRoleBindings.push_back(binding("", "dangling", "ClusterRole", "missing", "[{kind: User, name: y}]"));
    CHECK_FALSE(authorize(req("y", {}, "", "list", "", "nodes"), o).allowed);
}

TEST_CASE("rbac evaluator rejects reviews without a subject or with both or neither attribute sets") {
    AccessRequest out;
    CHECK(parseAccessReview(yaml("spec: {resourceAttributes: {verb: get, resource: pods}}"), out).find("user or group") !=
          std::string::npos);
    CHECK(parseAccessReview(yaml("spec: {user: u}"), out).find("exactly one") != std::string::npos);
    CHECK(parseAccessReview(yaml("spec: {user: u, resourceAttributes: {verb: get}, nonResourceAttributes: {path: /}}"),
                            out)
              .find("exactly one") != std::string::npos);
    CHECK(parseAccessReview(yaml("spec: {groups: [g], nonResourceAttributes: {path: /x, verb: get}}"), out).empty());
    CHECK(out.nonResource);
    CHECK(out.path == "/x");
}

TEST_CASE("the API double answers SubjectAccessReviews from its stored RBAC objects and keeps none") {
    auto api = ApiDouble::start();
    for (const char* ns : {"vision", "nlp"})
        api->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    RbacObjects o = tenants();
    for (auto& r : o.roles) api->create(r);
    for (auto& b : o.roleBindings) api->create(b);
    for (auto& r : o.clusterRoles) api->create(r);
    TransportConfig config;
    config.server = api->url();
    config.caPem = api->pki().caPem;
    config.clientCertPem = api->pki().clientCertPem;
    config.clientKeyPem = api->pki().clientKeyPem;
    KubeClient client(config, cpprestTransportFactory(), noCredentials());

    auto info = client.resolve("authorization.k8s.io/v1", "SubjectAccessReview");
    REQUIRE(info);
    CHECK_FALSE(info->namespaced);
    CHECK(info->verbs == std::vector<std::string>{"create"});

    auto review = [&](const std::string& spec) {
        Json sar = yaml("spec: " + spec);
        sar["apiVersion"] = "authorization.k8s.io/v1";
        sar["kind"] = "SubjectAccessReview";
        return client.create(sar);
    };
    auto yes = review("{user: bob, groups: [vision-team], resourceAttributes: {namespace: vision, verb: get, "
                      "resource: pods, subresource: log}}");
    REQUIRE(yes);
    CHECK((*yes)["status"]["allowed"] == true);
    CHECK((*yes)["status"]["reason"] ==
          "RBAC: allowed by RoleBinding \"trainers/vision\" of Role \"trainer\" to Group \"vision-team\"");
    CHECK((*yes)["spec"]["user"] == "bob");
    auto no = review("{user: bob, groups: [vision-team], resourceAttributes: {namespace: nlp, verb: create, "
                     "group: batch, resource: jobs}}");
    REQUIRE(no);
    CHECK((*no)["status"]["allowed"] == false);
    CHECK_FALSE((*no)["status"].contains("reason"));
    auto bad = review("{resourceAttributes: {verb: get, resource: pods}}");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().httpStatus == 422);
    // Reviews are not stored: nothing to list, and a GET is not allowed.
    auto listed = client.list({"authorization.k8s.io/v1", "SubjectAccessReview", "", ""});
    CHECK_FALSE(listed);
}

// A real client: kubectl applies the Roles and bindings and creates SubjectAccessReviews from manifests (JSON
// bodies; `kubectl auth can-i` itself sends protobuf, which the double does not decode).
TEST_CASE("kubectl creates SubjectAccessReviews against the api double and reads its RBAC answers") {
    const char* kubectl = "/usr/bin/kubectl";
    if (::access(kubectl, X_OK) != 0) {
        WARN("SKIPPED: /usr/bin/kubectl is not installed");
        return;
    }
    auto api = ApiDouble::start();
    kc::testing::TempDir home;
    std::string kubeconfig = api->writeKubeconfig(home.path() + "/kubeconfig");
    auto run = [&](std::vector<std::string> args, const std::string& file) {
        kc::ProcessSpec spec;
        spec.program = kubectl;
        spec.args = {"--kubeconfig", kubeconfig, "--validate=false", "-f", file};
        spec.args.insert(spec.args.begin() + 2, args.begin(), args.end());
        spec.extraEnv = {{"HOME", home.path()}, {"KUBECONFIG", ""}};
        spec.timeout = std::chrono::seconds(30);
        auto result = kc::posixProcessRunner()->run(spec);
        REQUIRE(result);
        INFO("stderr: " << result->stderrText);
        REQUIRE(result->exitCode == 0);
        return result->stdoutText;
    };
    auto write = [&](const std::string& name, const std::string& text) {
        std::string path = home.path() + "/" + name;
        std::ofstream(path) << text;
        return path;
    };
    run({"apply"}, write("rbac.yaml", R"(apiVersion: v1
kind: Namespace
metadata: {name: vision}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: trainer, namespace: vision}
rules:
  - {apiGroups: [batch], resources: [jobs], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: trainers, namespace: vision}
subjects: [{kind: Group, name: vision-team, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: trainer}
)"));
    auto ask = [&](const std::string& ns) {
        std::string out = run({"create", "-o", "json"},
                              write("sar-" + ns + ".yaml",
                                    "apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n"
                                    "  user: someone\n  groups: [vision-team]\n"
                                    "  resourceAttributes: {namespace: " + ns + ", verb: create, group: batch, resource: jobs}\n"));
        return Json::parse(out);
    };
    Json yes = ask("vision");
    CHECK(yes["kind"] == "SubjectAccessReview");
    CHECK(yes["status"]["allowed"] == true);
    Json no = ask("nlp");
    CHECK(no["status"]["allowed"] == false);
}
