// KubeClient over the real cpprestsdk transport against the API test double: the behaviours issue #2 names
// (CRD created mid-run, pagination, watch with 410, SSA conflicts, retries, unreachable and hanging servers).
#include <catch2/catch.hpp>

#include <thread>

#include "clusters/cpprest_transport.h"
#include "clusters/kube_client.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_transport.h"

using namespace kc;
using namespace kc::testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<KubeClient> clientFor(const ApiDouble& server, std::shared_ptr<CredentialSource> credentials = nullptr,
                                      KubeClientOptions options = {}) {
    TransportConfig config;
    config.server = server.url();
    config.caPem = server.pki().caPem;
    if (!credentials) {
        config.clientCertPem = server.pki().clientCertPem;
        config.clientKeyPem = server.pki().clientKeyPem;
    }
    return std::make_unique<KubeClient>(config, cpprestTransportFactory(),
                                        credentials ? credentials : noCredentials(), options);
}

Json configMap(const std::string& name, const std::string& ns = "default") {
    return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}},
                {"data", {{"k", name}}}};
}

const char* kTrainingJobCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: trainingjobs.ml.kubeclass.dev
spec:
  group: ml.kubeclass.dev
  scope: Namespaced
  names: {kind: TrainingJob, plural: trainingjobs, singular: trainingjob}
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {status: {}}
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
)";

const char* kTrainingJob = R"(apiVersion: ml.kubeclass.dev/v1
kind: TrainingJob
metadata:
  name: mnist
  namespace: default
spec:
  workers: 2
)";

std::string users(const ApiDouble& server) {
    std::string out;
    for (const auto& r : server.requests()) out += r.user + " ";
    return out;
}

}  // namespace

TEST_CASE("the client reads version and discovery from the double with a client certificate") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    auto version = client->serverVersion();
    REQUIRE(version);
    CHECK((*version)["gitVersion"] == "v1.32.4");
    auto deployments = client->resolve("apps/v1", "Deployment");
    REQUIRE(deployments);
    CHECK(deployments->resource == "deployments");
    CHECK(deployments->namespaced);
    CHECK(client->discovery().usedAggregated());
    CHECK_THAT(users(*server), Catch::Contains("student"));
}

TEST_CASE("discovery falls back to legacy lists on a server without aggregated discovery") {
    ApiDoubleOptions options;
    options.aggregatedDiscovery = false;
    auto server = ApiDouble::start(options);
    auto client = clientFor(*server);
    auto nodes = client->resolve("v1", "Node");
    REQUIRE(nodes);
    CHECK_FALSE(nodes->namespaced);
    CHECK(nodes->hasSubresource("status"));
    CHECK_FALSE(client->discovery().usedAggregated());
}

TEST_CASE("a CRD created mid-run becomes usable and its custom resource can be applied") {
    ApiDoubleOptions options;
    options.crdEstablishDelay = 300ms;
    auto server = ApiDouble::start(options);
    auto client = clientFor(*server);
    REQUIRE(client->resolve("v1", "Pod"));  // discovery is cached before the CRD exists

    auto missing = client->applyManifests(kTrainingJob, "job.yaml");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
    CHECK_THAT(missing.error().message, Catch::Contains("job.yaml:1:1") && Catch::Contains("TrainingJob"));

    // CRD and custom resource in one stream: the client waits for Established and re-reads discovery.
    auto applied = client->applyManifests(std::string(kTrainingJobCrd) + "---\n" + kTrainingJob, "all.yaml");
    REQUIRE(applied);
    REQUIRE(applied->objects.size() == 2);
    CHECK(applied->objects[1]["spec"]["workers"] == 2);
    auto stored = server->get("ml.kubeclass.dev/v1", "TrainingJob", "default", "mnist");
    REQUIRE(stored);
    CHECK((*stored)["spec"]["workers"] == 2);
}

TEST_CASE("a list gathers more than three pages and restarts when a continue token expires") {
    auto server = ApiDouble::start();
    for (int i = 0; i < 7; ++i) server->create(configMap("cm-" + std::to_string(i)));
    auto client = clientFor(*server);
    auto all = client->list({"v1", "ConfigMap", "default", ""}, {.pageSize = 2});
    REQUIRE(all);
    CHECK(all->items.size() == 7);
    CHECK(all->pages == 4);
    CHECK(all->restarts == 0);

    server->injectFault({.kind = FaultKind::Gone, .method = "GET", .pathContains = "continue=", .times = 1});
    auto again = client->list({"v1", "ConfigMap", "default", ""}, {.pageSize = 3});
    REQUIRE(again);
    CHECK(again->items.size() == 7);
    CHECK(again->restarts == 1);
}

TEST_CASE("a watch that falls behind compaction gets 410 and resynchronises with a fresh list") {
    auto server = ApiDouble::start();
    server->create(configMap("before"));
    auto client = clientFor(*server);
    auto start = client->list({"v1", "ConfigMap", "default", ""});
    REQUIRE(start);
    // While nobody watches, the server moves on and forgets the history this version needs.
    server->create(configMap("missed"));
    server->compactHistory();

    std::vector<std::string> seen;
    std::thread writer([&] {
        std::this_thread::sleep_for(300ms);
        server->create(configMap("after"));
    });
    auto status = client->watch({"v1", "ConfigMap", "default", ""},
                                {.resourceVersion = start->resourceVersion, .timeout = 10s, .serverTimeoutSeconds = 5},
                                [&](const WatchEvent& e) {
                                    if (e.type == "RESYNC") {
                                        std::string names;
                                        for (const auto& item : e.list.items) names += item["metadata"]["name"].get<std::string>() + ",";
                                        seen.push_back("RESYNC:" + names);
                                        return true;
                                    }
                                    if (e.type == "BOOKMARK") return true;
                                    seen.push_back(e.type + ":" + e.object["metadata"]["name"].get<std::string>());
                                    return e.object["metadata"]["name"] != "after";
                                });
    writer.join();
    std::string seenText;
    for (const auto& s : seen) seenText += s + " | ";
    INFO((status ? std::string("ok") : status.error().message) + " seen: " + seenText);
    REQUIRE(status);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "RESYNC:before,missed,");
    CHECK(seen[1] == "ADDED:after");
}

TEST_CASE("a watch that gets 410 in the middle of its life relists and keeps delivering") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    // Each step waits for the double to have answered the request before it rather than for a fixed time, so a
    // slow run (a sanitizer build, a loaded machine) sees the same order of events.
    auto watchesAnswered = [&](int status) {
        int n = 0;
        for (const auto& r : server->requests()) n += r.target.find("watch=1") != std::string::npos && r.status == status;
        return n;
    };
    auto waitUntil = [](const std::function<bool()>& done) {
        for (auto until = std::chrono::steady_clock::now() + 8s; !done() && std::chrono::steady_clock::now() < until;)
            std::this_thread::sleep_for(10ms);
    };
    std::thread writer([&] {
        waitUntil([&] { return watchesAnswered(200) == 1; });
        server->create(configMap("a"));
        // The next watch request (after this 1-second stream ends) is told its version is gone.
        server->injectFault({.kind = FaultKind::Gone, .method = "GET", .pathContains = "watch=1", .times = 1});
        // b is created once the watch after the relist is streaming.
        waitUntil([&] { return watchesAnswered(410) == 1 && watchesAnswered(200) == 2; });
        server->create(configMap("b"));
    });
    std::vector<std::string> seen;
    auto status = client->watch({"v1", "ConfigMap", "default", ""}, {.timeout = 10s, .serverTimeoutSeconds = 1},
                                [&](const WatchEvent& e) {
                                    if (e.type == "BOOKMARK") return true;
                                    std::string entry = e.type;
                                    if (e.type == "RESYNC")
                                        for (const auto& item : e.list.items)
                                            entry += ":" + item["metadata"]["name"].get<std::string>();
                                    else
                                        entry += ":" + e.object["metadata"]["name"].get<std::string>();
                                    seen.push_back(entry);
                                    return entry != "ADDED:b";
                                });
    writer.join();
    REQUIRE(status);
    CHECK(seen == std::vector<std::string>{"RESYNC", "ADDED:a", "RESYNC:a", "ADDED:b"});
    int gone = 0;
    for (const auto& r : server->requests()) gone += r.status == 410;
    CHECK(gone == 1);
}

TEST_CASE("a watch reconnects after the server ends its stream and sees later changes") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    std::thread writer([&] {
        std::this_thread::sleep_for(1500ms);  // after the first 1-second stream has ended
        server->create(configMap("late"));
    });
    bool sawLate = false;
    auto status = client->watch({"v1", "ConfigMap", "default", ""}, {.timeout = 10s, .serverTimeoutSeconds = 1},
                                [&](const WatchEvent& e) {
                                    sawLate = e.type == "ADDED" && e.object["metadata"]["name"] == "late";
                                    return !sawLate;
                                });
    writer.join();
    REQUIRE(status);
    CHECK(sawLate);
    int watchRequests = 0;
    for (const auto& r : server->requests()) watchRequests += r.target.find("watch=1") != std::string::npos;
    CHECK(watchRequests >= 2);
}

TEST_CASE("server-side apply reports a conflict with the other manager and force takes the field") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    const std::string deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)";
    auto withReplicas = [&](int n) {
        std::string s = deployment;
        s.replace(s.find("REPLICAS"), 8, std::to_string(n));
        return s;
    };
    REQUIRE(client->applyManifests(withReplicas(2), "d.yaml", {.fieldManager = "student"}));
    auto conflict = client->applyManifests(withReplicas(3), "d.yaml");
    REQUIRE_FALSE(conflict);
    CHECK(conflict.error().kind == ErrorKind::Conflict);
    CHECK(conflict.error().httpStatus == 409);
    CHECK_THAT(conflict.error().message, Catch::Contains("student") && Catch::Contains("replicas") &&
                                            Catch::Contains("d.yaml:1:1"));
    CHECK((*server->get("apps/v1", "Deployment", "default", "web"))["spec"]["replicas"] == 2);

    auto forced = client->applyManifests(withReplicas(3), "d.yaml", {.force = true});
    REQUIRE(forced);
    CHECK(forced->objects[0]["spec"]["replicas"] == 3);
}

TEST_CASE("429 and 500 answers are retried until the request succeeds") {
    auto server = ApiDouble::start();
    server->create(configMap("target"));
    auto client = clientFor(*server, nullptr, {.retry = {.maxAttempts = 5, .baseDelay = 20ms}});
    REQUIRE(client->resolve("v1", "ConfigMap"));
    server->clearRequests();
    server->injectFault({.kind = FaultKind::TooManyRequests, .method = "GET", .pathContains = "/configmaps/target",
                         .times = 1, .retryAfterSeconds = 1});
    server->injectFault({.kind = FaultKind::InternalError, .method = "GET", .pathContains = "/configmaps/target",
                         .times = 2});
    const auto started = std::chrono::steady_clock::now();
    auto got = client->get({"v1", "ConfigMap", "default", "target"});
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(got);
    REQUIRE(got->has_value());
    std::vector<int> statuses;
    for (const auto& r : server->requests())
        if (r.target.find("/configmaps/target") != std::string::npos) statuses.push_back(r.status);
    CHECK(statuses.size() == 4);
    CHECK(statuses.back() == 200);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 500) == 2);
    CHECK(took >= 1s);  // Retry-After was honoured
}

TEST_CASE("an unreachable server gives a clear error quickly") {
    int closedPort = 0;
    {
        auto server = ApiDouble::start();
        closedPort = server->port();
    }  // stopped: nothing listens there now
    TransportConfig config;
    config.server = "https://127.0.0.1:" + std::to_string(closedPort);
    config.connectTimeout = 2s;
    KubeClient client(config, cpprestTransportFactory(), noCredentials(), {.retry = {.maxAttempts = 2, .baseDelay = 50ms}});
    const auto started = std::chrono::steady_clock::now();
    auto version = client.serverVersion();
    REQUIRE_FALSE(version);
    CHECK(version.error().kind == ErrorKind::Unreachable);
    CHECK_THAT(version.error().message, Catch::Contains("/version"));
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("a hanging server gives a timeout error within the request timeout") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server, nullptr, {.requestTimeout = 1s});
    REQUIRE(client->resolve("v1", "ConfigMap"));
    server->injectFault({.kind = FaultKind::Hang, .method = "GET", .pathContains = "/configmaps", .times = -1});
    const auto started = std::chrono::steady_clock::now();
    auto got = client->get({"v1", "ConfigMap", "default", "x"});
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(got);
    CHECK(got.error().kind == ErrorKind::Timeout);
    CHECK(took < 4s);
    server->clearFaults();
}

TEST_CASE("delete waits until the object is gone and names finalizers when it is not") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    Json pod = Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"held","namespace":"default",
        "finalizers":["kubeclass.dev/hold"]},"spec":{"containers":[{"name":"c","image":"busybox"}]}})");
    server->create(pod);
    auto stuck = client->remove({"v1", "Pod", "default", "held"}, {.timeout = 700ms});
    REQUIRE_FALSE(stuck);
    CHECK(stuck.error().kind == ErrorKind::Timeout);
    CHECK_THAT(stuck.error().message, Catch::Contains("finalizers"));

    server->schedule(300ms, [](ApiDouble& s) {
        auto current = s.get("v1", "Pod", "default", "held");
        if (!current) return;
        (*current)["metadata"].erase("finalizers");
        s.update(*current);
    });
    REQUIRE(client->remove({"v1", "Pod", "default", "held"}, {.timeout = 5s}));
    CHECK_FALSE(server->get("v1", "Pod", "default", "held"));
    // Deleting what is already gone is fine.
    CHECK(client->remove({"v1", "Pod", "default", "held"}));
}

TEST_CASE("a JSON patch on node status sets an extended resource capacity") {
    auto server = ApiDouble::start();
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"gpu-worker"},
        "status":{"capacity":{"cpu":"8"},"allocatable":{"cpu":"8"}}})"));
    auto client = clientFor(*server);
    auto patched = client->patchStatus({"v1", "Node", "", "gpu-worker"},
                                       Json::parse(R"([{"op":"add","path":"/status/capacity/nvidia.com~1gpu","value":"4"}])"));
    REQUIRE(patched);
    CHECK((*patched)["status"]["capacity"]["nvidia.com/gpu"] == "4");
    CHECK((*server->get("v1", "Node", "", "gpu-worker"))["status"]["capacity"]["cpu"] == "8");
}

TEST_CASE("a JSON patch on an object changes only the named paths and a failed test refuses it") {
    auto server = ApiDouble::start();
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"gpu-worker",
        "labels":{"kubernetes.io/hostname":"gpu-worker"}},"spec":{"taints":[]}})"));
    auto client = clientFor(*server);
    auto patched = client->patch({"v1", "Node", "", "gpu-worker"},
                                 Json::parse(R"([{"op":"add","path":"/metadata/labels/nvidia.com~1gpu.present","value":"true"}])"));
    REQUIRE(patched);
    CHECK((*patched)["metadata"]["labels"]["nvidia.com/gpu.present"] == "true");
    CHECK((*patched)["metadata"]["labels"]["kubernetes.io/hostname"] == "gpu-worker");

    auto refused = client->patch({"v1", "Node", "", "gpu-worker"},
                                 Json::parse(R"([{"op":"test","path":"/spec/taints","value":[{"key":"x","effect":"NoSchedule"}]},
                                                 {"op":"add","path":"/spec/taints","value":[]}])"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::Invalid);
    bool sentFieldManager = false;
    for (const auto& r : server->requests())
        if (r.method == "PATCH" && r.target == "/api/v1/nodes/gpu-worker?fieldManager=kubeclass" &&
            r.contentType == "application/json-patch+json")
            sentFieldManager = true;
    CHECK(sentFieldManager);
}

TEST_CASE("pod logs and events come back through the client") {
    auto server = ApiDouble::start();
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"op","namespace":"default"},
        "spec":{"containers":[{"name":"manager","image":"op"}]}})"));
    server->setPodLog("default", "op", "manager", "reconciling TrainingJob mnist\nstatus updated\n");
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},
        "type":"Normal","reason":"Created","message":"created worker","involvedObject":{"kind":"TrainingJob","name":"mnist"},
        "lastTimestamp":"2026-01-01T00:00:02Z"})"));
    server->create(Json::parse(R"({"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e2","namespace":"default"},
        "type":"Warning","reason":"Preempted","note":"by high priority","regarding":{"kind":"Pod","name":"w"},
        "eventTime":"2026-01-01T00:00:01.000000Z","reportingController":"scheduler","reportingInstance":"s","action":"Preempt"})"));
    auto client = clientFor(*server);
    auto logs = client->podLogs("default", "op", {.container = "manager"});
    REQUIRE(logs);
    CHECK(*logs == "reconciling TrainingJob mnist\nstatus updated\n");
    auto tail = client->podLogs("default", "op", {.container = "manager", .tailLines = 1});
    REQUIRE(tail);
    CHECK(*tail == "status updated\n");
    auto missing = client->podLogs("default", "nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);

    auto events = client->events("default");
    REQUIRE(events);
    REQUIRE(events->size() == 2);
    CHECK((*events)[0].reason == "Preempted");
    CHECK((*events)[1].reason == "Created");
    CHECK((*events)[1].involvedName == "mnist");
}

TEST_CASE("bearer tokens are sent and refreshed once after a 401") {
    ApiDoubleOptions options;
    options.tokens = {"rotated-token"};
    auto server = ApiDouble::start(options);
    auto credentials = std::make_shared<SequenceCredentials>(std::vector<std::string>{"stale-token", "rotated-token"});
    auto client = clientFor(*server, credentials);
    auto version = client->serverVersion();
    REQUIRE(version);
    CHECK(credentials->invalidations() == 1);
    CHECK_THAT(users(*server), Catch::Contains("token-user"));
}
