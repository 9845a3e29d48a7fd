// The live source against the API double: one LIST per (type, namespace) per pass whatever the number of
// checks, namespaced reads served from an all-namespaces LIST, unserved kinds as empty lists, watch-driven waits.
#include <catch2/catch.hpp>

#include "grader/check_runner.h"
#include "grader/live_source.h"
#include "grader/rubric_loader.h"
#include "tests/grader/double_fixture.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FaultKind;
using namespace std::chrono_literals;

namespace {

bool isList(const kc::testing::RecordedRequest& r) {
    if (r.method != "GET" || r.target.find("watch=1") != std::string::npos) return false;
    const std::string path = r.target.substr(0, r.target.find('?'));
    for (const char* type : {"/configmaps", "/deployments", "/nodes", "/pods", "/services", "/events"})
        if (path.size() >= std::string(type).size() && path.ends_with(type)) return true;
    return false;
}

// Discovery documents: /api, /apis and group/version resource lists (never under a namespace, never a LIST).
bool isDiscovery(const kc::testing::RecordedRequest& r) {
    const std::string path = r.target.substr(0, r.target.find('?'));
    if (isList(r) || path.find("/namespaces") != std::string::npos) return false;
    return path == "/api" || path == "/apis" || path.rfind("/api/", 0) == 0 || path.rfind("/apis/", 0) == 0;
}

Json cm(const std::string& name, const std::string& ns) {
    return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}},
                {"data", {{"k", name}}}};
}

}  // namespace

TEST_CASE("a live pass lists each resource type and namespace once whatever the number of checks") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    for (int i = 0; i < 5; ++i) server->create(cm("cm-" + std::to_string(i), "ml"));
    server->create(Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ml"},
        "spec":{"replicas":2}})"));
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"gpu":"true"}}})"));
    // 9 checks over K = 3 (type, namespace) pairs: ConfigMaps in ml, Deployments in ml, Nodes.
    std::string checks;
    for (int i = 0; i < 5; ++i)
        checks += "  - {id: cm-" + std::to_string(i) + ", title: t, points: 1, steps: [{assert: {apiVersion: v1, "
                  "kind: ConfigMap, name: cm-" + std::to_string(i) + "}}]}\n";
    checks += "  - {id: d1, title: t, points: 1, steps: [{assert: {apiVersion: apps/v1, kind: Deployment, name: web, "
              "match: {spec: {replicas: 2}}}}]}\n"
              "  - {id: d2, title: t, points: 1, steps: [{absent: {apiVersion: apps/v1, kind: Deployment, name: api}}]}\n"
              "  - {id: n1, title: t, points: 1, steps: [{assert: {apiVersion: v1, kind: Node, count: {exactly: 1}}}]}\n"
              "  - {id: n2, title: t, points: 1, steps: [{assert: {apiVersion: v1, kind: Node, labelSelector: gpu=true}}]}\n";
    auto rubric = parseRubric("lab: t\ntitle: t\ndefaults: {namespace: ml}\nchecks:\n" + checks, "budget.yaml", "");
    REQUIRE(rubric);
    auto client = clientFor(*server);
    server->clearRequests();
    auto source = liveSource(*client, "context budget");
    GradeRun run = runChecks(*rubric, {{"", source.get()}}, RunOptions{});
    CHECK(run.earned() == 9);
    int lists = 0, other = 0;
    for (const auto& r : server->requests()) {
        if (isList(r)) ++lists;
        else if (!isDiscovery(r) && r.target != "/version") ++other;
    }
    CHECK(lists == 3);
    CHECK(other == 0);
    CHECK(liveListCount(*source) == 3);
}

TEST_CASE("a namespace read is served from an all-namespaces list of the same pass") {
    auto server = ApiDouble::start();
    createNamespace(*server, "a");
    createNamespace(*server, "b");
    server->create(cm("one", "a"));
    server->create(cm("two", "b"));
    auto client = clientFor(*server);
    auto source = liveSource(*client, "test");
    auto all = source->list({"v1", "ConfigMap", ""});
    REQUIRE(all);
    CHECK((*all)->size() >= 2);
    auto inA = source->list({"v1", "ConfigMap", "a"});
    REQUIRE(inA);
    REQUIRE((*inA)->size() == 1);
    CHECK((**inA)[0]["metadata"]["name"] == "one");
    CHECK(liveListCount(*source) == 1);
    // A new pass sees fresh state.
    server->create(cm("three", "a"));
    auto stale = source->list({"v1", "ConfigMap", "a"});
    CHECK((*stale)->size() == 1);
    source->newPass();
    auto fresh = source->list({"v1", "ConfigMap", "a"});
    REQUIRE(fresh);
    CHECK((*fresh)->size() == 2);
    CHECK(liveListCount(*source) == 2);
}

TEST_CASE("a kind the server does not serve is an empty list and cluster-scoped kinds ignore the namespace") {
    auto server = ApiDouble::start();
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}})"));
    auto client = clientFor(*server);
    auto source = liveSource(*client, "test");
    auto crs = source->list({"ml.example.com/v1", "TrainingJob", "ml"});
    REQUIRE(crs);
    CHECK((*crs)->empty());
    auto nodes = source->list({"v1", "Node", "ml"});
    REQUIRE(nodes);
    CHECK((*nodes)->size() == 1);
    auto again = source->list({"v1", "Node", ""});
    REQUIRE(again);
    CHECK(liveListCount(*source) == 1);
}

TEST_CASE("a forbidden or failing list is an error") {
    auto server = ApiDouble::start();
    server->injectFault({.kind = FaultKind::InternalError, .method = "GET", .pathContains = "/configmaps", .times = -1});
    auto client = clientFor(*server, {.retry = {.maxAttempts = 1}});
    auto source = liveSource(*client, "test");
    auto listed = source->list({"v1", "ConfigMap", "default"});
    REQUIRE_FALSE(listed);
    CHECK(listed.error().kind == ErrorKind::Server);
}

TEST_CASE("waitForChange wakes on a change by watch and times out when nothing changes") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    auto source = liveSource(*client, "test");
    REQUIRE(source->list({"v1", "ConfigMap", "default"}));
    auto started = std::chrono::steady_clock::now();
    auto quiet = source->waitForChange({"v1", "ConfigMap", "default"}, 300ms, nullptr);
    REQUIRE_FALSE(quiet);
    CHECK(quiet.error().kind == ErrorKind::Timeout);
    CHECK(std::chrono::steady_clock::now() - started >= 250ms);

    // A change made after the LIST but before the wait started is not missed: the watch starts at the list's version.
    server->create(cm("early", "default"));
    started = std::chrono::steady_clock::now();
    CHECK(source->waitForChange({"v1", "ConfigMap", "default"}, 5s, nullptr));
    CHECK(std::chrono::steady_clock::now() - started < 2s);

    source->newPass();
    REQUIRE(source->list({"v1", "ConfigMap", "default"}));
    server->schedule(300ms, [](ApiDouble& d) { d.create(cm("late", "default")); });
    started = std::chrono::steady_clock::now();
    CHECK(source->waitForChange({"v1", "ConfigMap", "default"}, 5s, nullptr));
    CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("a cancelled wait returns Cancelled") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    auto source = liveSource(*client, "test");
    REQUIRE(source->list({"v1", "ConfigMap", "default"}));
    auto cancel = std::make_shared<Cancellation>();
    cancel->cancel();
    auto waited = source->waitForChange({"v1", "ConfigMap", "default"}, 5s, cancel);
    REQUIRE_FALSE(waited);
    CHECK(waited.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("an unserved kind costs one discovery reread per pass") {
    auto server = ApiDouble::start();
    auto client = clientFor(*server);
    auto source = liveSource(*client, "test");
    REQUIRE(source->list({"v1", "ConfigMap", "default"}));
    server->clearRequests();
    for (int i = 0; i < 3; ++i) REQUIRE(source->list({"ml.example.com/v1", "TrainingJob", "ml"}));
    const size_t firstPass = server->requests().size();
    CHECK(firstPass > 0);
    for (int i = 0; i < 3; ++i) REQUIRE(source->list({"ml.example.com/v1", "TrainingJob", "ml"}));
    CHECK(server->requests().size() == firstPass);
    source->newPass();
    REQUIRE(source->list({"ml.example.com/v1", "TrainingJob", "ml"}));
    CHECK(server->requests().size() > firstPass);  // a CRD installed meanwhile would be found now
}
