// Tests of the API test double over real HTTPS (with the raw OpenSSL client, not the project transport):
// auth, discovery, CRUD, selectors, pagination, watch, server-side apply, /status, logs, faults, CRDs, controllers.
#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/api_double.h"
#include "tests/support/label_selector.h"
#include "tests/support/raw_https_client.h"

using kc::Json;
using namespace kc::testing;
using namespace std::chrono_literals;

namespace {

RawTls certAuth() {
    const TestPki& pki = TestPki::shared();
    return RawTls{pki.caPem, pki.clientCertPem, pki.clientKeyPem, ""};
}

RawTls tokenAuth(const std::string& token = "double-token") { return RawTls{TestPki::shared().caPem, "", "", token}; }

struct Client {
    ApiDouble& api;
    RawTls tls = certAuth();

    RawResponse call(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::string& contentType = "application/json", RawHeaders headers = {}) {
        if (!body.empty() || method == "PATCH" || method == "POST" || method == "PUT")
            headers.emplace_back("Content-Type", contentType);
        return rawHttpsRequest(api.url(), method, target, headers, body, tls);
    }
    Json json(const std::string& method, const std::string& target, const Json& body = nullptr,
              const std::string& contentType = "application/json", int expectStatus = 0) {
        RawResponse r = call(method, target, body.is_null() ? "" : body.dump(), contentType);
        if (expectStatus) {
            INFO(r.body);
            REQUIRE(r.status == expectStatus);
        }
        return Json::parse(r.body);
    }
};

Json pod(const std::string& name, const std::string& ns = "default", Json labels = Json::object()) {
    return Json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
                {"spec", {{"containers", Json::array({Json{{"name", "app"}, {"image", "busybox"}}})}}}};
}

Json namespaceObject(const std::string& name) {
    return Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

}  // namespace

TEST_CASE("api double: client certificate and bearer token authenticate") {
    auto api = ApiDouble::start();
    const TestPki& pki = api->pki();

    RawResponse byCert = rawHttpsRequest(api->url(), "GET", "/api/v1/namespaces", {}, "", certAuth());
    CHECK(byCert.status == 200);
    RawResponse byToken = rawHttpsRequest(api->url(), "GET", "/api/v1/namespaces", {}, "", tokenAuth());
    CHECK(byToken.status == 200);

    RawResponse none = rawHttpsRequest(api->url(), "GET", "/api/v1/namespaces", {}, "", RawTls{pki.caPem, "", "", ""});
    REQUIRE(none.status == 401);
    Json status = Json::parse(none.body);
    CHECK(status["kind"] == "Status");
    CHECK(status["apiVersion"] == "v1");
    CHECK(status["status"] == "Failure");
    CHECK(status["reason"] == "Unauthorized");
    CHECK(status["code"] == 401);

    CHECK(rawHttpsRequest(api->url(), "GET", "/api", {}, "", tokenAuth("wrong")).status == 401);
    // A certificate from an unrelated CA is not a user.
    RawResponse foreign = rawHttpsRequest(api->url(), "GET", "/api", {}, "",
                                          RawTls{pki.caPem, pki.otherClientCertPem, pki.otherClientKeyPem, ""});
    CHECK(foreign.status == 401);

    auto recorded = api->requests();
    REQUIRE(recorded.size() == 5);
    CHECK(recorded[0].user == "student");
    CHECK(recorded[0].status == 200);
    CHECK(recorded[1].user == "token-user");
    CHECK(recorded[2].user.empty());
    CHECK(recorded[2].status == 401);
    CHECK(recorded[4].user.empty());

    api->setTokens({"rotated"});
    CHECK(rawHttpsRequest(api->url(), "GET", "/api", {}, "", tokenAuth()).status == 401);
    CHECK(rawHttpsRequest(api->url(), "GET", "/api", {}, "", tokenAuth("rotated")).status == 200);
    api->clearRequests();
    CHECK(api->requests().empty());
}

TEST_CASE("api double: server certificate verifies only against its own CA") {
    const TestPki& pki = TestPki::shared();
    ApiDoubleOptions options;
    options.useOtherServerCert = true;
    auto impostor = ApiDouble::start(options);
    CHECK_THROWS(rawHttpsRequest(impostor->url(), "GET", "/version", {}, "", certAuth()));
    CHECK(rawHttpsRequest(impostor->url(), "GET", "/version", {}, "", RawTls{pki.otherCaPem, "", "", ""}).status == 200);
    auto real = ApiDouble::start();
    CHECK_THROWS(rawHttpsRequest(real->url(), "GET", "/version", {}, "", RawTls{pki.otherCaPem, "", "", ""}));
}

TEST_CASE("api double: version health and openapi endpoints") {
    ApiDoubleOptions options;
    options.gitVersion = "v1.31.2";
    auto api = ApiDouble::start(options);
    Client c{*api};
    Json version = c.json("GET", "/version", nullptr, "", 200);
    CHECK(version["gitVersion"] == "v1.31.2");
    CHECK(version["major"] == "1");
    CHECK(version["minor"] == "31");
    CHECK(version["platform"] == "linux/amd64");
    RawResponse health = c.call("GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body == "ok");
    CHECK(c.call("GET", "/readyz").body == "ok");
    CHECK(c.call("GET", "/openapi/v2").status == 404);
    CHECK(c.json("GET", "/openapi/v3", nullptr, "", 200) == Json{{"paths", Json::object()}});
}

TEST_CASE("api double: legacy and aggregated discovery") {
    auto api = ApiDouble::start();
    Client c{*api};
    Json versions = c.json("GET", "/api", nullptr, "", 200);
    CHECK(versions["kind"] == "APIVersions");
    CHECK(versions["versions"] == Json::array({"v1"}));

    Json core = c.json("GET", "/api/v1", nullptr, "", 200);
    CHECK(core["kind"] == "APIResourceList");
    CHECK(core["groupVersion"] == "v1");
    bool podsLog = false, nodesClusterScoped = false;
    for (const auto& r : core["resources"]) {
        if (r["name"] == "pods/log") podsLog = true;
        if (r["name"] == "nodes") nodesClusterScoped = r["namespaced"] == false;
        if (r["name"] == "pods") {
            CHECK(r["kind"] == "Pod");
            CHECK(r["shortNames"] == Json::array({"po"}));
            CHECK(std::find(r["verbs"].begin(), r["verbs"].end(), "watch") != r["verbs"].end());
        }
    }
    CHECK(podsLog);
    CHECK(nodesClusterScoped);

    Json groups = c.json("GET", "/apis", nullptr, "", 200);
    CHECK(groups["kind"] == "APIGroupList");
    std::vector<std::string> names;
    for (const auto& g : groups["groups"]) names.push_back(g["name"]);
    for (const char* expected : {"apps", "batch", "events.k8s.io", "apiextensions.k8s.io", "rbac.authorization.k8s.io",
                                 "scheduling.k8s.io", "networking.k8s.io", "coordination.k8s.io", "storage.k8s.io",
                                 "policy", "autoscaling"})
        CHECK(std::find(names.begin(), names.end(), expected) != names.end());
    Json apps = c.json("GET", "/apis/apps/v1", nullptr, "", 200);
    bool deploymentStatus = false;
    for (const auto& r : apps["resources"]) deploymentStatus = deploymentStatus || r["name"] == "deployments/status";
    CHECK(deploymentStatus);
    CHECK(c.call("GET", "/apis/nosuch.example.com/v1").status == 404);

    const std::string aggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    RawResponse agg = c.call("GET", "/apis", "", "", {{"Accept", aggregatedAccept}});
    REQUIRE(agg.status == 200);
    CHECK(agg.header("content-type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    Json aggDoc = Json::parse(agg.body);
    CHECK(aggDoc["kind"] == "APIGroupDiscoveryList");
    CHECK(aggDoc["apiVersion"] == "apidiscovery.k8s.io/v2");
    bool found = false;
    for (const auto& item : aggDoc["items"])
        if (item["metadata"]["name"] == "apps")
            for (const auto& r : item["versions"][0]["resources"])
                if (r["resource"] == "deployments") {
                    found = true;
                    CHECK(r["scope"] == "Namespaced");
                    CHECK(r["responseKind"]["kind"] == "Deployment");
                    std::vector<std::string> subs;
                    for (const auto& sub : r["subresources"]) subs.push_back(sub["subresource"]);
                    CHECK(subs == std::vector<std::string>{"scale", "status"});
                }
    CHECK(found);
    RawResponse aggCore = c.call("GET", "/api", "", "", {{"Accept", aggregatedAccept}});
    Json aggCoreDoc = Json::parse(aggCore.body);
    REQUIRE(aggCoreDoc["items"].size() == 1);
    CHECK(aggCoreDoc["items"][0]["versions"][0]["version"] == "v1");

    // Only v2beta1 asked for: the double does not serve it, so legacy comes back.
    RawResponse beta = c.call("GET", "/apis", "", "",
                              {{"Accept", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"}});
    CHECK(Json::parse(beta.body)["kind"] == "APIGroupList");

    ApiDoubleOptions legacyOnly;
    legacyOnly.aggregatedDiscovery = false;
    auto old = ApiDouble::start(legacyOnly);
    Client oc{*old};
    RawResponse legacy = oc.call("GET", "/apis", "", "", {{"Accept", aggregatedAccept}});
    CHECK(Json::parse(legacy.body)["kind"] == "APIGroupList");
    CHECK(legacy.header("content-type") == "application/json");
}

TEST_CASE("api double: create get update and delete through HTTP") {
    auto api = ApiDouble::start();
    Client c{*api};
    Json created = c.json("POST", "/api/v1/namespaces/default/pods", pod("web"), "application/json", 201);
    CHECK(created["metadata"]["uid"].get<std::string>().size() == 36);
    CHECK_FALSE(created["metadata"]["resourceVersion"].get<std::string>().empty());
    CHECK(created["metadata"]["generation"] == 1);
    CHECK(created["metadata"].contains("creationTimestamp"));
    CHECK(created["status"]["phase"] == "Pending");

    Json fetched = c.json("GET", "/api/v1/namespaces/default/pods/web", nullptr, "", 200);
    CHECK(fetched["metadata"]["uid"] == created["metadata"]["uid"]);
    CHECK(fetched["kind"] == "Pod");

    Json again = c.json("POST", "/api/v1/namespaces/default/pods", pod("web"), "application/json", 409);
    CHECK(again["reason"] == "AlreadyExists");
    CHECK(again["details"]["name"] == "web");
    CHECK(again["details"]["kind"] == "pods");

    Json missingNs = c.json("POST", "/api/v1/namespaces/nowhere/pods", pod("x", "nowhere"), "application/json", 404);
    CHECK(missingNs["reason"] == "NotFound");
    CHECK(missingNs["details"]["kind"] == "namespaces");

    Json generated = pod("");
    generated["metadata"].erase("name");
    generated["metadata"]["generateName"] = "worker-";
    Json gen = c.json("POST", "/api/v1/namespaces/default/pods", generated, "application/json", 201);
    CHECK(gen["metadata"]["name"].get<std::string>().rfind("worker-", 0) == 0);
    CHECK(gen["metadata"]["name"].get<std::string>().size() == 12);

    // Optimistic concurrency: a stale resourceVersion is a 409 Conflict.
    Json stale = fetched;
    fetched["spec"]["containers"][0]["image"] = "nginx";
    Json updated = c.json("PUT", "/api/v1/namespaces/default/pods/web", fetched, "application/json", 200);
    CHECK(updated["metadata"]["generation"] == 2);
    CHECK(std::stoll(updated["metadata"]["resourceVersion"].get<std::string>()) >
          std::stoll(created["metadata"]["resourceVersion"].get<std::string>()));
    stale["spec"]["containers"][0]["image"] = "httpd";
    Json conflict = c.json("PUT", "/api/v1/namespaces/default/pods/web", stale, "application/json", 409);
    CHECK(conflict["reason"] == "Conflict");

    // Only metadata changed: no generation bump.
    updated["metadata"]["labels"] = Json{{"tier", "web"}};
    Json relabelled = c.json("PUT", "/api/v1/namespaces/default/pods/web", updated, "application/json", 200);
    CHECK(relabelled["metadata"]["generation"] == 2);

    RawResponse protobuf = c.call("POST", "/api/v1/namespaces/default/pods", "\x0a\x03k8s", "application/vnd.kubernetes.protobuf");
    CHECK(protobuf.status == 415);
    CHECK(Json::parse(protobuf.body)["reason"] == "UnsupportedMediaType");

    Json deleted = c.json("DELETE", "/api/v1/namespaces/default/pods/web", Json{{"propagationPolicy", "Background"}},
                          "application/json", 200);
    CHECK(deleted["metadata"]["name"] == "web");
    Json gone = c.json("GET", "/api/v1/namespaces/default/pods/web", nullptr, "", 404);
    CHECK(gone["reason"] == "NotFound");
    CHECK(gone["message"] == "pods \"web\" not found");
    Json deploymentGone = c.json("GET", "/apis/apps/v1/namespaces/default/deployments/none", nullptr, "", 404);
    CHECK(deploymentGone["details"]["group"] == "apps");
    CHECK(c.call("GET", "/api/v1/namespaces/default/nosuchthings").status == 404);

    // Cluster-scoped kinds live outside namespaces.
    Json node{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "worker-1"}}}};
    c.json("POST", "/api/v1/nodes", node, "application/json", 201);
    CHECK(c.call("GET", "/api/v1/nodes/worker-1").status == 200);
}

TEST_CASE("api double: direct store access matches HTTP") {
    auto api = ApiDouble::start();
    Json created = api->create(pod("direct"));
    CHECK(created["metadata"].contains("uid"));
    CHECK_THROWS(api->create(pod("direct")));
    CHECK_THROWS(api->create(Json{{"apiVersion", "example.com/v1"}, {"kind", "Nope"}, {"metadata", {{"name", "x"}}}}));
    auto got = api->get("v1", "Pod", "default", "direct");
    REQUIRE(got);
    (*got)["status"] = Json{{"phase", "Running"}};
    Json updated = api->update(*got);
    CHECK(updated["status"]["phase"] == "Running");  // direct writes keep status as arranged
    Client c{*api};
    CHECK(c.json("GET", "/api/v1/namespaces/default/pods/direct", nullptr, "", 200)["status"]["phase"] == "Running");
    api->remove("v1", "Pod", "default", "direct");
    CHECK_FALSE(api->get("v1", "Pod", "default", "direct"));
}

TEST_CASE("api double: label and field selectors on lists") {
    auto api = ApiDouble::start();
    api->create(namespaceObject("ml"));
    api->create(pod("a", "default", {{"app", "web"}, {"tier", "front"}}));
    api->create(pod("b", "default", {{"app", "db"}}));
    api->create(pod("c", "ml", {{"app", "web"}}));
    Json running = pod("d", "ml", {{"app", "trainer"}});
    running["status"] = Json{{"phase", "Running"}};
    running["spec"]["nodeName"] = "gpu-1";
    api->create(running);
    Client c{*api};
    auto names = [&](const std::string& target) {
        Json list = c.json("GET", target, nullptr, "", 200);
        std::vector<std::string> out;
        for (const auto& i : list["items"]) out.push_back(i["metadata"]["name"]);
        return out;
    };
    using V = std::vector<std::string>;
    Json all = c.json("GET", "/api/v1/pods", nullptr, "", 200);
    CHECK(all["kind"] == "PodList");
    CHECK(all["apiVersion"] == "v1");
    CHECK_FALSE(all["metadata"]["resourceVersion"].get<std::string>().empty());
    CHECK(names("/api/v1/pods") == V{"a", "b", "c", "d"});
    CHECK(names("/api/v1/namespaces/ml/pods") == V{"c", "d"});
    CHECK(names("/api/v1/pods?labelSelector=app%3Dweb") == V{"a", "c"});
    CHECK(names("/api/v1/pods?labelSelector=app!%3Dweb") == V{"b", "d"});
    CHECK(names("/api/v1/pods?labelSelector=app%20in%20(db,trainer)") == V{"b", "d"});
    CHECK(names("/api/v1/pods?labelSelector=app%20notin%20(db,trainer)") == V{"a", "c"});
    CHECK(names("/api/v1/pods?labelSelector=tier") == V{"a"});
    CHECK(names("/api/v1/pods?labelSelector=!tier") == V{"b", "c", "d"});
    CHECK(names("/api/v1/pods?labelSelector=app%3D%3Dweb,tier%3Dfront") == V{"a"});
    CHECK(names("/api/v1/pods?fieldSelector=metadata.name%3Db") == V{"b"});
    CHECK(names("/api/v1/pods?fieldSelector=metadata.namespace%3Dml") == V{"c", "d"});
    CHECK(names("/api/v1/pods?fieldSelector=status.phase%3DRunning") == V{"d"});
    CHECK(names("/api/v1/pods?fieldSelector=spec.nodeName%3Dgpu-1,metadata.name!%3Dd").empty());
    CHECK(c.call("GET", "/api/v1/pods?labelSelector=app%20in%20(").status == 400);
}

TEST_CASE("label selector parsing and matching") {
    auto sel = LabelSelector::parse("env in (prod, staging),!canary,tier!=db");
    REQUIRE(sel);
    CHECK(sel->matches(Json{{"env", "prod"}, {"tier", "web"}}));
    CHECK_FALSE(sel->matches(Json{{"env", "prod"}, {"canary", "true"}}));
    CHECK_FALSE(sel->matches(Json{{"env", "dev"}}));
    CHECK_FALSE(sel->matches(Json{{"env", "prod"}, {"tier", "db"}}));
    CHECK(LabelSelector::parse("")->matches(nullptr));
    CHECK_FALSE(LabelSelector::parse("a in (b"));
    CHECK_FALSE(LabelSelector::parse("a=b c"));
    auto fields = FieldSelector::parse("involvedObject.name=web,type!=Normal");
    REQUIRE(fields);
    CHECK(fields->matches(Json{{"involvedObject", {{"name", "web"}}}, {"type", "Warning"}}));
    CHECK_FALSE(fields->matches(Json{{"involvedObject", {{"name", "web"}}}, {"type", "Normal"}}));
}

TEST_CASE("api double: pagination with continue tokens and expiry") {
    auto api = ApiDouble::start();
    for (int i = 0; i < 7; ++i) api->create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                                 {"metadata", {{"name", "cm-" + std::to_string(i)}, {"namespace", "default"}}}});
    Client c{*api};
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        std::string target = "/api/v1/namespaces/default/configmaps?limit=3";
        if (!token.empty()) target += "&continue=" + token;
        Json page = c.json("GET", target, nullptr, "", 200);
        ++pages;
        CHECK(page["items"].size() <= 3);
        for (const auto& i : page["items"]) seen.push_back(i["metadata"]["name"]);
        token = page["metadata"].value("continue", "");
        if (!token.empty()) CHECK(page["metadata"]["remainingItemCount"] == 7 - static_cast<int>(seen.size()));
    } while (!token.empty());
    CHECK(pages == 3);
    CHECK(seen == std::vector<std::string>{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"});

    Json first = c.json("GET", "/api/v1/namespaces/default/configmaps?limit=2", nullptr, "", 200);
    std::string pending = first["metadata"]["continue"];
    api->expireContinueTokens();
    Json expired = c.json("GET", "/api/v1/namespaces/default/configmaps?limit=2&continue=" + pending, nullptr, "", 410);
    CHECK(expired["reason"] == "Expired");
    CHECK(expired["code"] == 410);
    CHECK(c.call("GET", "/api/v1/namespaces/default/configmaps?limit=2&continue=zz").status == 400);
}

TEST_CASE("api double: watch streams added modified and deleted events and resumes") {
    auto api = ApiDouble::start();
    api->create(pod("existing"));
    RawHttpsConnection watch(api->url(), certAuth());
    watch.send("GET", "/api/v1/namespaces/default/pods?watch=1");
    RawResponse head = watch.readHead();
    REQUIRE(head.status == 200);
    CHECK(head.header("transfer-encoding") == "chunked");
    auto next = [&] {
        auto line = watch.readLine(5s);
        REQUIRE(line);
        return Json::parse(*line);
    };
    Json initial = next();
    CHECK(initial["type"] == "ADDED");
    CHECK(initial["object"]["metadata"]["name"] == "existing");

    Json created = api->create(pod("w1"));
    Json e1 = next();
    CHECK(e1["type"] == "ADDED");
    CHECK(e1["object"]["metadata"]["name"] == "w1");
    CHECK(e1["object"]["kind"] == "Pod");
    Json changed = *api->get("v1", "Pod", "default", "w1");
    changed["metadata"]["labels"] = Json{{"x", "y"}};
    api->update(changed);
    CHECK(next()["type"] == "MODIFIED");
    api->remove("v1", "Pod", "default", "w1");
    Json e3 = next();
    CHECK(e3["type"] == "DELETED");
    CHECK(e3["object"]["metadata"]["name"] == "w1");
    api->create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "other"}}}});
    CHECK_FALSE(watch.readLine(400ms));  // other kinds are not in this stream
    CHECK(watch.timedOut());

    // Resume from the create's resourceVersion: the MODIFIED and DELETED events come again, nothing older.
    RawHttpsConnection resumed(api->url(), certAuth());
    resumed.send("GET", "/api/v1/namespaces/default/pods?watch=true&resourceVersion=" +
                            created["metadata"]["resourceVersion"].get<std::string>());
    REQUIRE(resumed.readHead().status == 200);
    auto l1 = resumed.readLine(5s);
    auto l2 = resumed.readLine(5s);
    REQUIRE(l1);
    REQUIRE(l2);
    CHECK(Json::parse(*l1)["type"] == "MODIFIED");
    CHECK(Json::parse(*l2)["type"] == "DELETED");

    // Selectors apply to watches: an object that stops matching is DELETED for the watcher.
    RawHttpsConnection selected(api->url(), tokenAuth());
    selected.send("GET", "/api/v1/pods?watch=1&labelSelector=team%3Dml");
    REQUIRE(selected.readHead().status == 200);
    api->create(pod("unlabelled"));
    api->create(pod("labelled", "default", {{"team", "ml"}}));
    auto s1 = selected.readLine(5s);
    REQUIRE(s1);
    CHECK(Json::parse(*s1)["object"]["metadata"]["name"] == "labelled");
    Json relabel = *api->get("v1", "Pod", "default", "labelled");
    relabel["metadata"]["labels"] = Json{{"team", "web"}};
    api->update(relabel);
    auto s2 = selected.readLine(5s);
    REQUIRE(s2);
    CHECK(Json::parse(*s2)["type"] == "DELETED");
}

TEST_CASE("api double: watch from a compacted resourceVersion ends with a 410 ERROR event") {
    ApiDoubleOptions options;
    options.watchHistory = 3;
    auto api = ApiDouble::start(options);
    Json first = api->create(pod("p0"));
    std::string rv = first["metadata"]["resourceVersion"];
    api->create(pod("p1"));
    api->compactHistory();  // rv (before p1) is now older than the compacted revision
    RawHttpsConnection watch(api->url(), certAuth());
    watch.send("GET", "/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + rv);
    REQUIRE(watch.readHead().status == 200);
    auto line = watch.readLine(5s);
    REQUIRE(line);
    Json event = Json::parse(*line);
    CHECK(event["type"] == "ERROR");
    CHECK(event["object"]["kind"] == "Status");
    CHECK(event["object"]["code"] == 410);
    CHECK(event["object"]["reason"] == "Expired");
    CHECK_FALSE(watch.readLine(2s));
    CHECK_FALSE(watch.timedOut());  // the stream ended

    // History bounded by watchHistory: more than 3 events after rv are not kept either.
    Json base = api->create(pod("p2"));
    for (int i = 3; i < 8; ++i) api->create(pod("p" + std::to_string(i)));
    RawHttpsConnection old(api->url(), certAuth());
    old.send("GET", "/api/v1/namespaces/default/pods?watch=1&resourceVersion=" +
                        base["metadata"]["resourceVersion"].get<std::string>());
    REQUIRE(old.readHead().status == 200);
    auto oldLine = old.readLine(5s);
    REQUIRE(oldLine);
    CHECK(Json::parse(*oldLine)["type"] == "ERROR");
}

TEST_CASE("api double: watch bookmarks and timeoutSeconds") {
    auto api = ApiDouble::start();
    RawHttpsConnection watch(api->url(), certAuth());
    auto started = std::chrono::steady_clock::now();
    watch.send("GET", "/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=2");
    REQUIRE(watch.readHead().status == 200);
    auto line = watch.readLine(3s);
    REQUIRE(line);
    Json bookmark = Json::parse(*line);
    CHECK(bookmark["type"] == "BOOKMARK");
    CHECK(bookmark["object"]["kind"] == "ConfigMap");
    CHECK_FALSE(bookmark["object"]["metadata"]["resourceVersion"].get<std::string>().empty());
    while (watch.readLine(5s)) {}
    CHECK_FALSE(watch.timedOut());
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed >= 1900ms);
    CHECK(elapsed < 4s);
}

TEST_CASE("api double: server-side apply creates updates conflicts and removes omitted fields") {
    auto api = ApiDouble::start();
    Client c{*api};
    const std::string path = "/apis/apps/v1/namespaces/default/deployments/web";
    const std::string yaml1 = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, owner: alice}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
)";
    RawResponse noManager = c.call("PATCH", path, yaml1, "application/apply-patch+yaml");
    CHECK(noManager.status == 400);

    RawResponse created = c.call("PATCH", path + "?fieldManager=alice", yaml1, "application/apply-patch+yaml");
    REQUIRE(created.status == 201);
    Json obj = Json::parse(created.body);
    CHECK(obj["spec"]["replicas"] == 2);
    REQUIRE(obj["metadata"]["managedFields"].size() == 1);
    Json entry = obj["metadata"]["managedFields"][0];
    CHECK(entry["manager"] == "alice");
    CHECK(entry["operation"] == "Apply");
    CHECK(entry["fieldsType"] == "FieldsV1");
    CHECK(entry["fieldsV1"]["f:spec"]["f:replicas"] == Json::object());
    CHECK(entry["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"].contains("k:{\"name\":\"app\"}"));

    // Same apply again: no change, same resourceVersion.
    RawResponse same = c.call("PATCH", path + "?fieldManager=alice", yaml1, "application/apply-patch+yaml");
    REQUIRE(same.status == 200);
    CHECK(Json::parse(same.body)["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]);

    // Another manager changes a field alice owns: conflict naming the field and the owner.
    const std::string yamlBob = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
)";
    RawResponse conflict = c.call("PATCH", path + "?fieldManager=bob", yamlBob, "application/apply-patch+yaml");
    REQUIRE(conflict.status == 409);
    Json status = Json::parse(conflict.body);
    CHECK(status["reason"] == "Conflict");
    REQUIRE(status["details"]["causes"].size() == 1);
    CHECK(status["details"]["causes"][0]["reason"] == "FieldManagerConflict");
    CHECK(status["details"]["causes"][0]["field"] == ".spec.replicas");
    CHECK(status["details"]["causes"][0]["message"] == "conflict with \"alice\": .spec.replicas");
    CHECK(status["message"].get<std::string>().find("conflict with \"alice\"") != std::string::npos);

    // Same value is not a conflict (shared ownership).
    const std::string yamlBobSame = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}})";
    CHECK(c.call("PATCH", path + "?fieldManager=bob", yamlBobSame, "application/apply-patch+yaml").status == 200);

    // force=true takes the field over.
    RawResponse forced = c.call("PATCH", path + "?fieldManager=bob&force=true", yamlBob, "application/apply-patch+yaml");
    REQUIRE(forced.status == 200);
    Json afterForce = Json::parse(forced.body);
    CHECK(afterForce["spec"]["replicas"] == 5);
    for (const auto& e : afterForce["metadata"]["managedFields"]) {
        if (e["manager"] == "alice") CHECK_FALSE(e["fieldsV1"]["f:spec"].contains("f:replicas"));
        if (e["manager"] == "bob") CHECK(e["fieldsV1"]["f:spec"].contains("f:replicas"));
    }

    // alice stops applying the owner label and the image: both go; replicas (bob's) stays.
    const std::string yaml2 = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
      - name: sidecar
        image: envoy
)";
    Json v2 = Json::parse(c.call("PATCH", path + "?fieldManager=alice", yaml2, "application/apply-patch+yaml").body);
    CHECK_FALSE(v2["metadata"]["labels"].contains("owner"));
    CHECK(v2["spec"]["replicas"] == 5);
    CHECK(v2["spec"]["template"]["spec"]["containers"].size() == 2);
    const std::string yaml3 = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: sidecar
        image: envoy
)";
    Json v3 = Json::parse(c.call("PATCH", path + "?fieldManager=alice", yaml3, "application/apply-patch+yaml").body);
    REQUIRE(v3["spec"]["template"]["spec"]["containers"].size() == 1);
    CHECK(v3["spec"]["template"]["spec"]["containers"][0]["name"] == "sidecar");
    CHECK(v3["metadata"]["generation"].get<int>() > 1);

    // An Update (merge patch) takes ownership; the applier then conflicts with it.
    c.call("PATCH", path + "?fieldManager=scaler", R"({"spec":{"replicas":9}})", "application/merge-patch+json");
    const std::string yamlBob3 = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}})";
    RawResponse c2 = c.call("PATCH", path + "?fieldManager=bob", yamlBob3, "application/apply-patch+yaml");
    REQUIRE(c2.status == 409);
    CHECK(Json::parse(c2.body)["details"]["causes"][0]["message"] ==
          "conflict with \"scaler\" using apps/v1: .spec.replicas");
}

TEST_CASE("api double: status subresource and JSON patch with escaped pointers") {
    auto api = ApiDouble::start();
    Client c{*api};
    c.json("POST", "/api/v1/nodes",
           Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "gpu-node"}}},
                {"status", {{"capacity", {{"cpu", "8"}}}}}},
           "application/json", 201);
    Json patch = Json::array({Json{{"op", "add"}, {"path", "/status/capacity/nvidia.com~1gpu"}, {"value", "4"}}});
    Json patched = c.json("PATCH", "/api/v1/nodes/gpu-node/status", patch, "application/json-patch+json", 200);
    CHECK(patched["status"]["capacity"]["nvidia.com/gpu"] == "4");
    CHECK(patched["status"]["capacity"]["cpu"] == "8");
    CHECK(c.json("GET", "/api/v1/nodes/gpu-node/status", nullptr, "", 200)["status"]["capacity"]["nvidia.com/gpu"] == "4");

    // /status writes change only status; main-resource writes ignore status.
    Json labelViaStatus = Json::array({Json{{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"a", "b"}}}}});
    Json ignored = c.json("PATCH", "/api/v1/nodes/gpu-node/status", labelViaStatus, "application/json-patch+json", 200);
    CHECK_FALSE(ignored["metadata"].contains("labels"));
    Json statusViaMain = c.json("PATCH", "/api/v1/nodes/gpu-node", Json{{"status", {{"capacity", {{"cpu", "1"}}}}}},
                                "application/merge-patch+json", 200);
    CHECK(statusViaMain["status"]["capacity"]["cpu"] == "8");

    Json badTest = Json::array({Json{{"op", "test"}, {"path", "/status/capacity/cpu"}, {"value", "99"}}});
    CHECK(c.call("PATCH", "/api/v1/nodes/gpu-node/status", badTest.dump(), "application/json-patch+json").status == 422);
    CHECK(c.call("PATCH", "/api/v1/nodes/gpu-node", "{}", "application/x-unknown").status == 415);

    // Deployment status via PUT on /status.
    Json dep{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "d"}}},
             {"spec", {{"replicas", 1}}}, {"status", {{"readyReplicas", 7}}}};
    Json created = c.json("POST", "/apis/apps/v1/namespaces/default/deployments", dep, "application/json", 201);
    CHECK_FALSE(created.contains("status"));  // create ignores status for kinds with a status subresource
    created["status"] = Json{{"readyReplicas", 1}};
    created["spec"]["replicas"] = 3;
    Json afterStatus = c.json("PUT", "/apis/apps/v1/namespaces/default/deployments/d/status", created, "application/json", 200);
    CHECK(afterStatus["status"]["readyReplicas"] == 1);
    CHECK(afterStatus["spec"]["replicas"] == 1);
    // Strategic merge patch (as merge patch) on the main resource.
    Json smp = c.json("PATCH", "/apis/apps/v1/namespaces/default/deployments/d",
                      Json{{"spec", {{"replicas", 4}}}, {"$setElementOrder/x", Json::array()}},
                      "application/strategic-merge-patch+json", 200);
    CHECK(smp["spec"]["replicas"] == 4);
    CHECK(smp["metadata"]["generation"] == 2);
}

TEST_CASE("api double: pod logs with container tailLines and follow") {
    auto api = ApiDouble::start();
    Client c{*api};
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/none/log").status == 404);
    Json two = pod("trainer");
    two["spec"]["containers"].push_back(Json{{"name", "sidecar"}, {"image", "x"}});
    api->create(two);
    api->setPodLog("default", "trainer", "app", "epoch 1\nepoch 2\nepoch 3\n");
    api->setPodLog("default", "trainer", "sidecar", "proxy ready\n");
    RawResponse log = c.call("GET", "/api/v1/namespaces/default/pods/trainer/log?container=app");
    CHECK(log.status == 200);
    CHECK(log.header("content-type") == "text/plain");
    CHECK(log.body == "epoch 1\nepoch 2\nepoch 3\n");
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/trainer/log?container=app&tailLines=2").body ==
          "epoch 2\nepoch 3\n");
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/trainer/log?container=sidecar").body == "proxy ready\n");
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/trainer/log").status == 400);  // two containers

    RawHttpsConnection follow(api->url(), certAuth());
    follow.send("GET", "/api/v1/namespaces/default/pods/trainer/log?container=app&follow=true");
    REQUIRE(follow.readHead().status == 200);
    CHECK(follow.readLine(5s) == std::optional<std::string>("epoch 1"));
    CHECK(follow.readLine(5s) == std::optional<std::string>("epoch 2"));
    CHECK(follow.readLine(5s) == std::optional<std::string>("epoch 3"));
    api->setPodLog("default", "trainer", "app", "epoch 1\nepoch 2\nepoch 3\nepoch 4\n");
    CHECK(follow.readLine(5s) == std::optional<std::string>("epoch 4"));
}

TEST_CASE("api double: injected faults") {
    auto api = ApiDouble::start();
    Client c{*api};
    SECTION("latency") {
        api->injectFault({FaultKind::Latency, "GET", "/api/v1/namespaces", 1, 700ms});
        auto t0 = std::chrono::steady_clock::now();
        CHECK(c.call("GET", "/api/v1/namespaces").status == 200);
        CHECK(std::chrono::steady_clock::now() - t0 >= 700ms);
        auto t1 = std::chrono::steady_clock::now();
        CHECK(c.call("GET", "/api/v1/namespaces").status == 200);  // the rule was used up
        CHECK(std::chrono::steady_clock::now() - t1 < 600ms);
    }
    SECTION("too many requests then success") {
        api->injectFault({FaultKind::TooManyRequests, "", "/api/v1/pods", 2, 0ms, 3});
        RawResponse r = c.call("GET", "/api/v1/pods");
        CHECK(r.status == 429);
        CHECK(r.header("retry-after") == "3");
        CHECK(Json::parse(r.body)["reason"] == "TooManyRequests");
        CHECK(c.call("GET", "/api/v1/pods").status == 429);
        CHECK(c.call("GET", "/api/v1/pods").status == 200);
        CHECK(c.call("GET", "/api/v1/namespaces").status == 200);
    }
    SECTION("internal error forever until cleared") {
        api->injectFault({FaultKind::InternalError, "POST", "", -1});
        CHECK(c.call("POST", "/api/v1/namespaces/default/configmaps", "{}").status == 500);
        CHECK(c.call("POST", "/api/v1/namespaces/default/configmaps", "{}").status == 500);
        CHECK(c.call("GET", "/api/v1/namespaces").status == 200);
        api->clearFaults();
        Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}};
        CHECK(c.call("POST", "/api/v1/namespaces/default/configmaps", cm.dump()).status == 201);
    }
    SECTION("gone") {
        api->injectFault({FaultKind::Gone, "GET", "watch"});
        RawResponse r = c.call("GET", "/api/v1/pods?watch=1");
        CHECK(r.status == 410);
        CHECK(Json::parse(r.body)["reason"] == "Expired");
    }
    SECTION("connection reset") {
        api->injectFault({FaultKind::ConnectionReset, "", "/api/v1/pods"});
        CHECK_THROWS(c.call("GET", "/api/v1/pods"));
        CHECK(c.call("GET", "/api/v1/pods").status == 200);
        CHECK(api->requests().front().status == 0);
    }
    SECTION("hang until the client gives up") {
        api->injectFault({FaultKind::Hang, "GET", "/api/v1/pods"});
        RawHttpsConnection conn(api->url(), certAuth());
        conn.setReadTimeout(500ms);
        auto t0 = std::chrono::steady_clock::now();
        CHECK_THROWS(conn.request("GET", "/api/v1/pods"));
        CHECK(std::chrono::steady_clock::now() - t0 >= 450ms);
        CHECK(c.call("GET", "/api/v1/pods").status == 200);
    }
}

TEST_CASE("api double: stops promptly with hanging requests and open watches") {
    auto api = ApiDouble::start();
    api->injectFault({FaultKind::Hang, "", "/hang", -1});
    RawHttpsConnection hanging(api->url(), certAuth());
    hanging.send("GET", "/hang");
    RawHttpsConnection watch(api->url(), certAuth());
    watch.send("GET", "/api/v1/pods?watch=1");
    REQUIRE(watch.readHead().status == 200);
    std::this_thread::sleep_for(100ms);
    auto t0 = std::chrono::steady_clock::now();
    api.reset();
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    CHECK_FALSE(watch.readLine(2s));
}

TEST_CASE("api double: garbage and oversized requests do not break the server") {
    auto api = ApiDouble::start();
    RawHttpsConnection garbage(api->url(), certAuth());
    garbage.send("\x01\x02 NONSENSE", "/");
    CHECK(garbage.readHead().status == 400);
    RawHttpsConnection huge(api->url(), certAuth());
    huge.send("GET", "/api", {{"X-Big", std::string(70 * 1024, 'a')}});
    CHECK(huge.readHead().status == 431);
    RawHttpsConnection bigBody(api->url(), certAuth());
    bigBody.send("POST", "/api/v1/namespaces/default/configmaps", {{"Content-Length", "99999999999"}});
    RawResponse tooBig = bigBody.readHead();
    CHECK(tooBig.status == 413);
    CHECK(tooBig.header("content-type") == "application/json");
    Client c{*api};
    CHECK(c.call("POST", "/api/v1/namespaces/default/configmaps", "{not json").status == 400);
    RawResponse yaml = c.call("POST", "/api/v1/namespaces/default/configmaps",
                              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\ndata: {k: v}\n",
                              "application/yaml");
    CHECK(yaml.status == 201);
    CHECK(Json::parse(yaml.body)["data"]["k"] == "v");
    RawResponse unknownPath = c.call("GET", "/apis/nowhere.example/v1/things");
    CHECK(unknownPath.status == 404);
    CHECK(Json::parse(unknownPath.body)["details"] == Json::object());
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/x/y/z/w").status == 404);
    // Keep-alive: several requests on one connection.
    RawHttpsConnection keep(api->url(), certAuth());
    CHECK(keep.request("GET", "/api").status == 200);
    CHECK(keep.request("GET", "/apis").status == 200);
    CHECK(keep.request("GET", "/version").status == 200);
}

TEST_CASE("api double: table output for kubectl get") {
    auto api = ApiDouble::start();
    Json p = pod("tabled");
    p["status"] = Json{{"phase", "Running"}};
    api->create(p);
    Client c{*api};
    RawResponse r = c.call("GET", "/api/v1/namespaces/default/pods", "", "",
                           {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
    Json table = Json::parse(r.body);
    CHECK(table["kind"] == "Table");
    CHECK(table["apiVersion"] == "meta.k8s.io/v1");
    CHECK(table["columnDefinitions"][0]["name"] == "Name");
    REQUIRE(table["rows"].size() == 1);
    CHECK(table["rows"][0]["cells"][0] == "tabled");
    CHECK(table["rows"][0]["cells"][1] == "Running");
    CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
    RawResponse full = c.call("GET", "/api/v1/namespaces/default/pods/tabled?includeObject=Object", "", "",
                              {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
    CHECK(Json::parse(full.body)["rows"][0]["object"]["kind"] == "Pod");
}

TEST_CASE("api double: CRD becomes established after a delay and serves custom resources") {
    ApiDoubleOptions options;
    options.crdEstablishDelay = 300ms;
    auto api = ApiDouble::start(options);
    Client c{*api};
    Json crd = Json::parse(R"({
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "trainingjobs.ml.kubeclass.dev"},
      "spec": {"group": "ml.kubeclass.dev", "scope": "Namespaced",
               "names": {"plural": "trainingjobs", "singular": "trainingjob", "kind": "TrainingJob", "shortNames": ["tj"]},
               "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                             "schema": {"openAPIV3Schema": {"type": "object"}}}]}})");
    Json created = c.json("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, "application/json", 201);
    bool establishedAtOnce = false;
    for (const auto& cond : created["status"]["conditions"]) establishedAtOnce = establishedAtOnce || cond["type"] == "Established";
    CHECK_FALSE(establishedAtOnce);
    CHECK(c.call("GET", "/apis/ml.kubeclass.dev/v1/namespaces/default/trainingjobs").status == 404);
    CHECK(c.call("GET", "/apis/ml.kubeclass.dev/v1").status == 404);

    Json current;
    for (int i = 0; i < 100; ++i) {
        current = c.json("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/trainingjobs.ml.kubeclass.dev");
        bool established = false;
        for (const auto& cond : current["status"]["conditions"])
            established = established || (cond["type"] == "Established" && cond["status"] == "True");
        if (established) break;
        std::this_thread::sleep_for(50ms);
    }
    CHECK(current["status"]["acceptedNames"]["kind"] == "TrainingJob");
    Json groupDoc = c.json("GET", "/apis/ml.kubeclass.dev/v1", nullptr, "", 200);
    CHECK(groupDoc["resources"][0]["name"] == "trainingjobs");
    CHECK(groupDoc["resources"][1]["name"] == "trainingjobs/status");

    Json cr{{"apiVersion", "ml.kubeclass.dev/v1"}, {"kind", "TrainingJob"}, {"metadata", {{"name", "resnet"}}},
            {"spec", {{"gpus", 2}}}, {"status", {{"phase", "Ignored"}}}};
    Json made = c.json("POST", "/apis/ml.kubeclass.dev/v1/namespaces/default/trainingjobs", cr, "application/json", 201);
    CHECK_FALSE(made.contains("status"));
    Json st = c.json("PATCH", "/apis/ml.kubeclass.dev/v1/namespaces/default/trainingjobs/resnet/status",
                     Json{{"status", {{"phase", "Running"}}}, {"spec", {{"gpus", 8}}}}, "application/merge-patch+json", 200);
    CHECK(st["status"]["phase"] == "Running");
    CHECK(st["spec"]["gpus"] == 2);
    Json aggregated = Json::parse(c.call("GET", "/apis", "", "",
                                         {{"Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"}}).body);
    bool listed = false;
    for (const auto& item : aggregated["items"]) listed = listed || item["metadata"]["name"] == "ml.kubeclass.dev";
    CHECK(listed);

    RawHttpsConnection crWatch(api->url(), certAuth());
    crWatch.send("GET", "/apis/ml.kubeclass.dev/v1/trainingjobs?watch=1");
    REQUIRE(crWatch.readHead().status == 200);
    REQUIRE(crWatch.readLine(5s));  // ADDED resnet
    c.json("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/trainingjobs.ml.kubeclass.dev", nullptr, "", 200);
    auto deletedEvent = crWatch.readLine(5s);
    REQUIRE(deletedEvent);
    CHECK(Json::parse(*deletedEvent)["type"] == "DELETED");
    CHECK_FALSE(crWatch.readLine(5s));
    CHECK_FALSE(crWatch.timedOut());  // the watch of a type that is gone ends
    CHECK(c.call("GET", "/apis/ml.kubeclass.dev/v1/namespaces/default/trainingjobs").status == 404);
    CHECK_FALSE(api->get("ml.kubeclass.dev/v1", "TrainingJob", "default", "resnet"));
}

TEST_CASE("api double: finalizers and cascading deletion") {
    auto api = ApiDouble::start();
    Client c{*api};
    Json owner = api->create(Json{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"metadata", {{"name", "rs"}}}});
    Json child = pod("rs-pod");
    child["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                                                             {"name", "rs"}, {"uid", owner["metadata"]["uid"]}}});
    api->create(child);
    Json guarded = pod("guarded");
    guarded["metadata"]["finalizers"] = Json::array({"kubeclass.dev/hold"});
    api->create(guarded);

    c.json("DELETE", "/apis/apps/v1/namespaces/default/replicasets/rs", Json{{"propagationPolicy", "Background"}},
           "application/json", 200);
    CHECK_FALSE(api->get("v1", "Pod", "default", "rs-pod"));

    Json pending = c.json("DELETE", "/api/v1/namespaces/default/pods/guarded", nullptr, "", 200);
    CHECK(pending["metadata"].contains("deletionTimestamp"));
    REQUIRE(api->get("v1", "Pod", "default", "guarded"));
    c.json("PATCH", "/api/v1/namespaces/default/pods/guarded", Json{{"metadata", {{"finalizers", nullptr}}}},
           "application/merge-patch+json", 200);
    CHECK_FALSE(api->get("v1", "Pod", "default", "guarded"));

    Json orphanOwner = api->create(Json{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"metadata", {{"name", "rs2"}}}});
    Json orphan = pod("orphan");
    orphan["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                                                              {"name", "rs2"}, {"uid", orphanOwner["metadata"]["uid"]}}});
    api->create(orphan);
    c.call("DELETE", "/apis/apps/v1/namespaces/default/replicasets/rs2?propagationPolicy=Orphan");
    auto survivor = api->get("v1", "Pod", "default", "orphan");
    REQUIRE(survivor);
    CHECK_FALSE((*survivor)["metadata"].contains("ownerReferences"));
}

TEST_CASE("api double: scripted controllers react to changes") {
    auto api = ApiDouble::start();
    // "When a Job is created, complete it 100 ms later", and "a Deployment creates its Pods".
    api->addController([](ApiDouble& d, const std::string& type, const Json& object) {
        if (type != "ADDED") return;
        if (object["kind"] == "Job") {
            std::string name = object["metadata"]["name"];
            d.schedule(100ms, [name](ApiDouble& dd) {
                auto job = dd.get("batch/v1", "Job", "default", name);
                if (!job) return;
                (*job)["status"] = Json{{"succeeded", 1},
                                        {"conditions", Json::array({Json{{"type", "Complete"}, {"status", "True"}}})}};
                dd.update(*job);
            });
        }
        if (object["kind"] == "Deployment") {
            int replicas = object["spec"].value("replicas", 1);
            for (int i = 0; i < replicas; ++i) {
                Json p = pod(object["metadata"]["name"].get<std::string>() + "-" + std::to_string(i));
                p["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                                                                     {"name", object["metadata"]["name"]},
                                                                     {"uid", object["metadata"]["uid"]}}});
                d.create(p);
            }
        }
    });
    Client c{*api};
    c.json("POST", "/apis/apps/v1/namespaces/default/deployments",
           Json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 2}}}},
           "application/json", 201);
    // Controllers run before the response: the pods are there already.
    CHECK(c.json("GET", "/api/v1/namespaces/default/pods", nullptr, "", 200)["items"].size() == 2);

    c.json("POST", "/apis/batch/v1/namespaces/default/jobs",
           Json{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", {{"name", "train"}}}}, "application/json", 201);
    CHECK_FALSE(api->get("batch/v1", "Job", "default", "train")->contains("status"));
    bool complete = false;
    for (int i = 0; i < 200 && !complete; ++i) {
        std::this_thread::sleep_for(25ms);
        auto job = api->get("batch/v1", "Job", "default", "train");
        complete = job && job->contains("status") && (*job)["status"].value("succeeded", 0) == 1;
    }
    CHECK(complete);
    // Deleting the Deployment cascades to the pods it owns.
    c.json("DELETE", "/apis/apps/v1/namespaces/default/deployments/web", nullptr, "", 200);
    CHECK(c.json("GET", "/api/v1/namespaces/default/pods", nullptr, "", 200)["items"].empty());
}

TEST_CASE("api double: events in both groups with involvedObject field selector") {
    auto api = ApiDouble::start();
    api->create(Json{{"apiVersion", "v1"}, {"kind", "Event"}, {"metadata", {{"name", "e1"}}},
                     {"involvedObject", {{"kind", "Pod"}, {"name", "web"}}}, {"reason", "Scheduled"}, {"type", "Normal"}});
    api->create(Json{{"apiVersion", "v1"}, {"kind", "Event"}, {"metadata", {{"name", "e2"}}},
                     {"involvedObject", {{"kind", "Pod"}, {"name", "db"}}}, {"reason", "Failed"}, {"type", "Warning"}});
    api->create(Json{{"apiVersion", "events.k8s.io/v1"}, {"kind", "Event"}, {"metadata", {{"name", "n1"}}},
                     {"regarding", {{"kind", "Pod"}, {"name", "web"}}}, {"reason", "Pulled"}, {"eventTime", nullptr}});
    Client c{*api};
    Json core = c.json("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb", nullptr, "", 200);
    REQUIRE(core["items"].size() == 1);
    CHECK(core["items"][0]["reason"] == "Scheduled");
    Json warnings = c.json("GET", "/api/v1/events?fieldSelector=type%3DWarning", nullptr, "", 200);
    REQUIRE(warnings["items"].size() == 1);
    CHECK(warnings["items"][0]["metadata"]["name"] == "e2");
    Json modern = c.json("GET", "/apis/events.k8s.io/v1/namespaces/default/events", nullptr, "", 200);
    REQUIRE(modern["items"].size() == 1);
    CHECK(modern["items"][0]["apiVersion"] == "events.k8s.io/v1");
}

TEST_CASE("api double: namespace deletion terminates then removes its content") {
    auto api = ApiDouble::start();
    api->create(namespaceObject("lab"));
    api->create(pod("inside", "lab"));
    Client c{*api};
    Json terminating = c.json("DELETE", "/api/v1/namespaces/lab", nullptr, "", 200);
    CHECK(terminating["status"]["phase"] == "Terminating");
    CHECK(terminating["metadata"].contains("deletionTimestamp"));
    // Still there for a moment: a client deleting the namespace and then its pods finds them.
    CHECK(c.call("GET", "/api/v1/namespaces/lab/pods/inside").status == 200);
    Json refused = c.json("POST", "/api/v1/namespaces/lab/pods", pod("late", "lab"), "application/json", 403);
    CHECK(refused["reason"] == "Forbidden");
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
        std::this_thread::sleep_for(25ms);
        gone = c.call("GET", "/api/v1/namespaces/lab").status == 404;
    }
    CHECK(gone);
    CHECK(c.call("GET", "/api/v1/namespaces/lab/pods/inside").status == 404);
}

TEST_CASE("api double: scale subresource reads and writes replicas") {
    auto api = ApiDouble::start();
    api->create(Json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "web"}}},
                     {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "web"}}}}}}}});
    Client c{*api};
    Json scale = c.json("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale", nullptr, "", 200);
    CHECK(scale["kind"] == "Scale");
    CHECK(scale["apiVersion"] == "autoscaling/v1");
    CHECK(scale["spec"]["replicas"] == 2);
    CHECK(scale["status"]["selector"] == "app=web");
    Json patched = c.json("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                          Json{{"spec", {{"replicas", 5}}}}, "application/merge-patch+json", 200);
    CHECK(patched["spec"]["replicas"] == 5);
    Json deployment = *api->get("apps/v1", "Deployment", "default", "web");
    CHECK(deployment["spec"]["replicas"] == 5);
    CHECK(deployment["metadata"]["generation"] == 2);
    CHECK(c.call("GET", "/api/v1/namespaces/default/pods/x/scale").status == 404);  // pods have no /scale
}

namespace {

// A plain TCP connection to the double (no TLS), for handshake-level garbage.
int plainConnect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

}  // namespace

TEST_CASE("api double: plaintext and silent connections neither break nor block it") {
    auto api = ApiDouble::start();
    int plaintext = plainConnect(api->port());
    const char request[] = "GET /version HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK(::write(plaintext, request, sizeof request - 1) > 0);
    char buf[256];
    timeval tv{5, 0};
    ::setsockopt(plaintext, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n;
    while ((n = ::read(plaintext, buf, sizeof buf)) > 0) {}
    int readError = n < 0 ? errno : 0;
    // The server ended the connection (closed, or reset because our bytes were unread); a timeout would fail.
    CHECK((n == 0 || readError == ECONNRESET));
    ::close(plaintext);
    int silent = plainConnect(api->port());  // never starts a handshake
    Client c{*api};
    CHECK(c.call("GET", "/api").status == 200);  // other clients are served meanwhile
    auto t0 = std::chrono::steady_clock::now();
    api.reset();
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    ::close(silent);
}

TEST_CASE("api double: identity in a write body cannot move an object") {
    auto api = ApiDouble::start();
    api->create(Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "n1"}}}});
    Client c{*api};
    Json node = c.json("GET", "/api/v1/nodes/n1", nullptr, "", 200);
    node["metadata"]["namespace"] = "default";
    node["metadata"]["labels"] = Json{{"a", "b"}};
    Json updated = c.json("PUT", "/api/v1/nodes/n1", node, "application/json", 200);
    CHECK_FALSE(updated["metadata"].contains("namespace"));
    CHECK(api->get("v1", "Node", "", "n1"));
    Json renamed = node;
    renamed["metadata"]["name"] = "n2";
    CHECK(c.call("PUT", "/api/v1/nodes/n1", renamed.dump()).status == 400);
    Json patched = c.json("PATCH", "/api/v1/nodes/n1",
                          Json::array({Json{{"op", "replace"}, {"path", "/metadata/name"}, {"value", "n3"}}}),
                          "application/json-patch+json", 200);
    CHECK(patched["metadata"]["name"] == "n1");
    CHECK(c.json("GET", "/api/v1/nodes", nullptr, "", 200)["items"].size() == 1);
}
