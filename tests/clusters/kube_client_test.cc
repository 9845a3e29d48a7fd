// KubeClient behaviour against a scripted transport: retries, 401 refresh, pagination restarts, watch
// resynchronisation, CRD-then-CR apply. The same operations run against the API double elsewhere.
#include <catch2/catch.hpp>

#include <atomic>

#include "clusters/kube_client.h"
#include "tests/support/fake_transport.h"

using namespace kc;
using namespace kc::testing;

namespace {

// Legacy discovery for v1 pods/nodes/events and one CRD group that appears once `crdReady` is set.
struct FakeCluster {
    bool crdReady = false;

    std::optional<FakeAnswer> discovery(const HttpRequest& r) const {
        if (r.target == "/api") return FakeAnswer{jsonResponse(200, R"({"kind":"APIVersions","versions":["v1"]})"), {}};
        if (r.target == "/apis") {
            std::string groups = R"({"kind":"APIGroupList","groups":[{"name":"apiextensions.k8s.io","versions":[{"groupVersion":"apiextensions.k8s.io/v1","version":"v1"}]})";
            if (crdReady) groups += R"(,{"name":"ml.example.com","versions":[{"groupVersion":"ml.example.com/v1","version":"v1"}]})";
            return FakeAnswer{jsonResponse(200, groups + "]}"), {}};
        }
        if (r.target == "/api/v1")
            return FakeAnswer{jsonResponse(200, R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
                {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"],"shortNames":["po"]},
                {"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]},
                {"name":"nodes","singularName":"node","namespaced":false,"kind":"Node","verbs":["get","list"]},
                {"name":"nodes/status","namespaced":false,"kind":"Node","verbs":["patch"]}]})"), {}};
        if (r.target == "/apis/apiextensions.k8s.io/v1")
            return FakeAnswer{jsonResponse(200, R"({"kind":"APIResourceList","resources":[
                {"name":"customresourcedefinitions","singularName":"customresourcedefinition","namespaced":false,"kind":"CustomResourceDefinition","verbs":["get","list","watch","patch"]}]})"), {}};
        if (r.target == "/apis/ml.example.com/v1" && crdReady)
            return FakeAnswer{jsonResponse(200, R"({"kind":"APIResourceList","resources":[
                {"name":"trainingjobs","singularName":"trainingjob","namespaced":true,"kind":"TrainingJob","verbs":["get","list","patch"]}]})"), {}};
        if (r.target.rfind("/api", 0) == 0 && r.target.find('?') == std::string::npos &&
            std::count(r.target.begin(), r.target.end(), '/') <= 3 && r.target.find("namespaces") == std::string::npos)
            return FakeAnswer{statusResponse(404, "NotFound", "not found"), {}};
        return std::nullopt;
    }
};

std::string header(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "";
}

struct Harness {
    std::shared_ptr<FakeTransport> transport;
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::unique_ptr<KubeClient> client;

    Harness(FakeTransport::Handler handler, std::shared_ptr<CredentialSource> credentials = nullptr,
            RetrySettings retry = {}) {
        transport = std::make_shared<FakeTransport>(std::move(handler));
        KubeClientOptions options;
        options.clock = clock;
        options.retry = retry;
        options.retrySeed = 7;
        client = std::make_unique<KubeClient>(TransportConfig{.server = "https://fake"}, fakeTransportFactory(transport),
                                              credentials ? credentials : staticToken("t0"), options);
    }

    std::vector<HttpRequest> requestsTo(const std::string& prefix) const {
        std::vector<HttpRequest> out;
        for (const auto& r : transport->requests())
            if (r.target.rfind(prefix, 0) == 0) out.push_back(r);
        return out;
    }
};

}  // namespace

TEST_CASE("a 429 is retried after the Retry-After the server asked for") {
    FakeCluster cluster;
    std::atomic<int> podGets{0};
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        if (r.target == "/api/v1/namespaces/default/pods/web") {
            if (podGets++ == 0) {
                HttpResponse busy = statusResponse(429, "TooManyRequests", "slow down");
                busy.headers["retry-after"] = "3";
                return {busy, {}};
            }
            return {jsonResponse(200, R"({"kind":"Pod","metadata":{"name":"web"}})"), {}};
        }
        return {statusResponse(404, "NotFound", "no"), {}};
    });
    auto pod = h.client->get({"v1", "Pod", "default", "web"});
    REQUIRE(pod);
    REQUIRE(pod->has_value());
    CHECK((**pod)["metadata"]["name"] == "web");
    CHECK(podGets == 2);
    REQUIRE(h.clock->sleeps().size() == 1);
    CHECK(h.clock->sleeps()[0] == std::chrono::milliseconds(3000));
}

TEST_CASE("a GET is retried on 500 a bounded number of times with growing jittered delays") {
    FakeCluster cluster;
    Harness h(
        [&](const HttpRequest& r) -> FakeAnswer {
            if (auto d = cluster.discovery(r)) return *d;
            return {statusResponse(500, "InternalError", "etcd is sad"), {}};
        },
        nullptr, RetrySettings{.maxAttempts = 4, .baseDelay = std::chrono::milliseconds(100)});
    auto pod = h.client->get({"v1", "Pod", "default", "web"});
    REQUIRE_FALSE(pod);
    CHECK(pod.error().kind == ErrorKind::Server);
    CHECK(pod.error().httpStatus == 500);
    CHECK_THAT(pod.error().message, Catch::Contains("etcd is sad") && Catch::Contains("getting v1 Pod default/web"));
    CHECK(h.requestsTo("/api/v1/namespaces/default/pods/web").size() == 4);
    auto sleeps = h.clock->sleeps();
    REQUIRE(sleeps.size() == 3);
    // Attempt n waits between half and all of base * 2^(n-1).
    for (size_t i = 0; i < sleeps.size(); ++i) {
        long long full = 100LL << i;
        CHECK(sleeps[i].count() >= full / 2);
        CHECK(sleeps[i].count() <= full);
    }
}

TEST_CASE("a POST is not sent again after a 500 since the server may have acted on it") {
    FakeCluster cluster;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        return {statusResponse(500, "InternalError", "boom"), {}};
    });
    auto created = h.client->create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}})"));
    REQUIRE_FALSE(created);
    CHECK(h.requestsTo("/api/v1/namespaces/default/pods").size() == 1);
}

TEST_CASE("connection errors are retried and then reported as unreachable with what was being done") {
    FakeCluster cluster;
    Harness h(
        [&](const HttpRequest& r) -> FakeAnswer {
            if (auto d = cluster.discovery(r)) return *d;
            return {fail(ErrorKind::Unreachable, "connection refused"), {}};
        },
        nullptr, RetrySettings{.maxAttempts = 3});
    auto pods = h.client->list({"v1", "Pod", "default", ""});
    REQUIRE_FALSE(pods);
    CHECK(pods.error().kind == ErrorKind::Unreachable);
    CHECK_THAT(pods.error().message, Catch::Contains("listing v1 Pod in namespace default") &&
                                         Catch::Contains("connection refused"));
    CHECK(h.requestsTo("/api/v1/namespaces/default/pods").size() == 3);
}

TEST_CASE("after a 401 the client asks for fresh credentials once and retries") {
    FakeCluster cluster;
    auto credentials = std::make_shared<SequenceCredentials>(std::vector<std::string>{"old", "new", "newer"});
    Harness h(
        [&](const HttpRequest& r) -> FakeAnswer {
            if (header(r, "Authorization") != "Bearer new") return {statusResponse(401, "Unauthorized", "who?"), {}};
            if (auto d = cluster.discovery(r)) return *d;
            return {jsonResponse(200, R"({"kind":"Pod","metadata":{"name":"web"}})"), {}};
        },
        credentials);
    auto pod = h.client->get({"v1", "Pod", "default", "web"});
    REQUIRE(pod);
    CHECK(credentials->invalidations() == 1);
    for (const auto& r : h.transport->requests()) CHECK(!header(r, "Authorization").empty());
}

TEST_CASE("a 401 that persists after one refresh is an unauthorized error") {
    auto credentials = std::make_shared<SequenceCredentials>(std::vector<std::string>{"a", "b", "c"});
    Harness h([&](const HttpRequest&) -> FakeAnswer { return {statusResponse(401, "Unauthorized", "no"), {}}; },
              credentials);
    auto version = h.client->serverVersion();
    REQUIRE_FALSE(version);
    CHECK(version.error().kind == ErrorKind::Unauthorized);
    CHECK(h.transport->requests().size() == 2);
    CHECK(credentials->invalidations() == 1);
}

TEST_CASE("a list follows continue tokens and starts over when a token expires") {
    FakeCluster cluster;
    std::atomic<int> expiredOnce{0};
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        const std::string& t = r.target;
        if (t.rfind("/api/v1/nodes?", 0) != 0) return {statusResponse(404, "NotFound", "no"), {}};
        if (t.find("continue=") == std::string::npos)
            return {jsonResponse(200, R"({"kind":"NodeList","metadata":{"resourceVersion":"10","continue":"c1"},"items":[{"metadata":{"name":"n1"}}]})"), {}};
        if (t.find("continue=c1") != std::string::npos && expiredOnce++ == 0)
            return {statusResponse(410, "Expired", "The provided continue parameter is too old"), {}};
        if (t.find("continue=c1") != std::string::npos)
            return {jsonResponse(200, R"({"kind":"NodeList","metadata":{"resourceVersion":"10","continue":"c2"},"items":[{"metadata":{"name":"n2"}}]})"), {}};
        return {jsonResponse(200, R"({"kind":"NodeList","metadata":{"resourceVersion":"12"},"items":[{"metadata":{"name":"n3"}}]})"), {}};
    });
    auto nodes = h.client->list({"v1", "Node", "", ""}, {.pageSize = 1});
    REQUIRE(nodes);
    REQUIRE(nodes->items.size() == 3);
    CHECK(nodes->items[0]["metadata"]["name"] == "n1");
    CHECK(nodes->items[2]["metadata"]["name"] == "n3");
    CHECK(nodes->items[1]["kind"] == "Node");
    CHECK(nodes->items[1]["apiVersion"] == "v1");
    CHECK(nodes->restarts == 1);
    CHECK(nodes->pages == 3);
    CHECK(nodes->resourceVersion == "12");
    CHECK(h.requestsTo("/api/v1/nodes?").front().target.find("limit=1") != std::string::npos);
}

TEST_CASE("a watch that meets 410 relists and goes on without taking a version from the ERROR") {
    FakeCluster cluster;
    std::vector<std::string> watchTargets;
    std::atomic<int> lists{0};
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        if (r.target.find("watch=1") != std::string::npos) {
            watchTargets.push_back(r.target);
            if (watchTargets.size() == 1)
                return {jsonResponse(200, ""),
                        {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})",
                         R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"7"}}})",
                         R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","metadata":{"resourceVersion":"999"}}})"}};
            return {jsonResponse(200, ""),
                    {R"({"type":"MODIFIED","object":{"metadata":{"name":"b","resourceVersion":"21"}}})"}};
        }
        lists++;
        std::string rv = lists == 1 ? "4" : "20";
        return {jsonResponse(200, R"({"kind":"PodList","metadata":{"resourceVersion":")" + rv + R"("},"items":[]})"), {}};
    });
    std::vector<std::string> seen;
    auto status = h.client->watch({"v1", "Pod", "default", ""}, {.timeout = std::chrono::seconds(30)},
                                  [&](const WatchEvent& e) {
                                      seen.push_back(e.type);
                                      return e.type != "MODIFIED";
                                  });
    REQUIRE(status);
    CHECK(seen == std::vector<std::string>{"RESYNC", "ADDED", "BOOKMARK", "RESYNC", "MODIFIED"});
    REQUIRE(watchTargets.size() == 2);
    CHECK(watchTargets[0].find("resourceVersion=4") != std::string::npos);
    CHECK(watchTargets[0].find("allowWatchBookmarks=true") != std::string::npos);
    // The second watch starts from the fresh list, not from the ERROR's 999 nor the stale bookmark.
    CHECK(watchTargets[1].find("resourceVersion=20") != std::string::npos);
}

TEST_CASE("a watch answered by empty streams at once does not spin and relists") {
    FakeCluster cluster;
    std::atomic<int> watches{0}, lists{0};
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        if (r.target.find("watch=1") != std::string::npos) {
            if (++watches <= 2) return {jsonResponse(200, ""), {}};
            return {jsonResponse(200, ""), {R"({"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"31"}}})"}};
        }
        ++lists;
        return {jsonResponse(200, R"({"kind":"PodList","metadata":{"resourceVersion":"30"},"items":[]})"), {}};
    });
    std::vector<std::string> seen;
    auto status = h.client->watch({"v1", "Pod", "default", ""}, {.resourceVersion = "3", .timeout = std::chrono::seconds(30)},
                                  [&](const WatchEvent& e) {
                                      seen.push_back(e.type);
                                      return e.type != "ADDED";
                                  });
    REQUIRE(status);
    CHECK(seen == std::vector<std::string>{"RESYNC", "ADDED"});
    CHECK(lists == 1);
    CHECK(watches == 3);
}

TEST_CASE("a watch ends with a timeout error when nothing it waits for comes") {
    FakeCluster cluster;
    Harness* self = nullptr;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        if (r.target.find("watch=1") != std::string::npos) {
            self->clock->advance(r.timeout);  // the stream stays silent for its whole window
            return {fail(ErrorKind::Timeout, "no data"), {}};
        }
        return {jsonResponse(200, R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]})"), {}};
    });
    self = &h;
    auto found = h.client->waitFor({"v1", "Pod", "default", "web"}, [](const Json&) { return true; },
                                   std::chrono::seconds(10));
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == ErrorKind::Timeout);
    CHECK_THAT(found.error().message, Catch::Contains("does not exist") && Catch::Contains("10000 ms"));
}

TEST_CASE("discovery falls back to legacy lists and re-reads once on a miss") {
    FakeCluster cluster;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        return {statusResponse(404, "NotFound", "no"), {}};
    });
    auto pod = h.client->resolve("v1", "Pod");
    REQUIRE(pod);
    CHECK(pod->resource == "pods");
    CHECK(pod->namespaced);
    CHECK(pod->hasSubresource("log"));
    CHECK_FALSE(h.client->discovery().usedAggregated());
    auto node = h.client->resolve("v1", "Node");
    REQUIRE(node);
    CHECK_FALSE(node->namespaced);
    CHECK(node->path("ignored", "kind-worker", "status") == "/api/v1/nodes/kind-worker/status");

    auto missing = h.client->resolve("ml.example.com/v1", "TrainingJob");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
    cluster.crdReady = true;
    size_t before = h.requestsTo("/apis").size();
    auto job = h.client->resolve("ml.example.com/v1", "TrainingJob");
    REQUIRE(job);
    CHECK(job->path("team-a", "j1") == "/apis/ml.example.com/v1/namespaces/team-a/trainingjobs/j1");
    CHECK(h.requestsTo("/apis").size() > before);
    auto byShortName = h.client->discovery().resolveResource("po");
    REQUIRE(byShortName);
    CHECK(byShortName->kind == "Pod");
}

TEST_CASE("applying a CRD and its custom resource in one stream waits for the CRD") {
    FakeCluster cluster;
    std::vector<std::string> applied;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        if (r.method == "PATCH") {
            CHECK(header(r, "Content-Type") == "application/apply-patch+yaml");
            CHECK(r.target.find("fieldManager=kubeclass") != std::string::npos);
            applied.push_back(r.target.substr(0, r.target.find('?')));
            return {jsonResponse(200, r.body), {}};
        }
        if (r.target.find("/customresourcedefinitions") != std::string::npos) {
            cluster.crdReady = true;  // established by the time anyone looks
            std::string crd = R"({"metadata":{"name":"trainingjobs.ml.example.com","resourceVersion":"3"},
                "status":{"conditions":[{"type":"Established","status":"True"}]}})";
            if (r.target.find("watch=1") != std::string::npos) return {jsonResponse(200, ""), {R"({"type":"MODIFIED","object":)" + crd + "}"}};
            return {jsonResponse(200, R"({"kind":"CustomResourceDefinitionList","metadata":{"resourceVersion":"3"},"items":[)" + crd + "]}"), {}};
        }
        return {statusResponse(404, "NotFound", "no"), {}};
    });
    const std::string manifest = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: trainingjobs.ml.example.com
spec:
  group: ml.example.com
  names: {kind: TrainingJob, plural: trainingjobs}
  scope: Namespaced
---
apiVersion: ml.example.com/v1
kind: TrainingJob
metadata:
  name: mnist
spec:
  replicas: 2
)";
    auto result = h.client->applyManifests(manifest, "job.yaml");
    REQUIRE(result);
    REQUIRE(result->objects.size() == 2);
    CHECK(result->objects[1]["metadata"]["namespace"] == "default");
    CHECK(applied == std::vector<std::string>{
                         "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/trainingjobs.ml.example.com",
                         "/apis/ml.example.com/v1/namespaces/default/trainingjobs/mnist"});
}

TEST_CASE("manifests missing required fields are rejected before anything is applied") {
    FakeCluster cluster;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (auto d = cluster.discovery(r)) return *d;
        FAIL("nothing may be sent");
        return {statusResponse(500, "InternalError", "x"), {}};
    });
    auto result = h.client->applyManifests("apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\n---\nkind: Pod\nmetadata:\n  name: b\n", "bad.yaml");
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::Invalid);
    CHECK_THAT(result.error().message, Catch::Contains("bad.yaml:4:3: missing field \"metadata.name\"") &&
                                           Catch::Contains("bad.yaml:6:1: missing field \"apiVersion\""));
}

TEST_CASE("events from both APIs merge into one oldest-first list without duplicates") {
    FakeCluster cluster;
    Harness h([&](const HttpRequest& r) -> FakeAnswer {
        if (r.target == "/apis")
            return {jsonResponse(200, R"({"kind":"APIGroupList","groups":[{"name":"events.k8s.io","versions":[{"groupVersion":"events.k8s.io/v1","version":"v1"}]}]})"), {}};
        if (r.target == "/apis/events.k8s.io/v1")
            return {jsonResponse(200, R"({"kind":"APIResourceList","resources":[{"name":"events","namespaced":true,"kind":"Event","verbs":["list"]}]})"), {}};
        if (r.target == "/api/v1")
            return {jsonResponse(200, R"({"kind":"APIResourceList","resources":[{"name":"events","namespaced":true,"kind":"Event","verbs":["list"]}]})"), {}};
        if (auto d = cluster.discovery(r)) return *d;
        if (r.target.rfind("/api/v1/namespaces/ml/events", 0) == 0) {
            CHECK(r.target.find("fieldSelector=involvedObject.name%3Dtrainer") != std::string::npos);
            return {jsonResponse(200, R"({"items":[
                {"metadata":{"uid":"u1"},"type":"Warning","reason":"FailedScheduling","message":"0/3 nodes","involvedObject":{"kind":"Pod","name":"trainer"},"lastTimestamp":"2026-01-01T10:00:05Z","count":3}]})"), {}};
        }
        if (r.target.rfind("/apis/events.k8s.io/v1/namespaces/ml/events", 0) == 0)
            return {jsonResponse(200, R"({"items":[
                {"metadata":{"uid":"u1"},"type":"Warning","reason":"FailedScheduling","note":"dup"},
                {"metadata":{"uid":"u2"},"type":"Normal","reason":"Scheduled","note":"assigned","regarding":{"kind":"Pod","name":"trainer"},"reportingController":"default-scheduler","eventTime":"2026-01-01T10:00:01.000000Z"}]})"), {}};
        return {statusResponse(404, "NotFound", "no"), {}};
    });
    auto events = h.client->events("ml", "trainer");
    REQUIRE(events);
    REQUIRE(events->size() == 2);
    CHECK((*events)[0].reason == "Scheduled");
    CHECK((*events)[0].reportingController == "default-scheduler");
    CHECK((*events)[0].source == "events.k8s.io/v1");
    CHECK((*events)[1].reason == "FailedScheduling");
    CHECK((*events)[1].count == 3);
}

TEST_CASE("query values are percent-encoded") {
    CHECK(encodeQueryValue("app in (a,b)") == "app%20in%20%28a%2Cb%29");
    CHECK(encodeQueryValue("metadata.name=x") == "metadata.name%3Dx");
}
