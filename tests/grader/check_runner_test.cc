// The check runner against the API double: the fixture rubric live, retries driven by watches, step and check
// timeouts, cluster errors versus failures, apply/delete/probe with cleanup and leftovers, cancellation.
#include <catch2/catch.hpp>

#include <thread>

#include "grader/check_runner.h"
#include "grader/rubric_loader.h"
#include "grader/snapshot_source.h"
#include "tests/grader/double_fixture.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FaultKind;
using namespace std::chrono_literals;

namespace {

Rubric rubricFrom(const std::string& text) {
    auto rubric = parseRubric(text, "test-rubric.yaml", "");
    INFO((rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    return *rubric;
}

// One check with the given steps (each a YAML line under `steps:`), in namespace ml by default.
Rubric oneCheck(const std::string& steps, const std::string& checkExtra = "") {
    return rubricFrom("lab: t\ntitle: t\ndefaults: {namespace: ml, timeout: 1s}\nchecks:\n  - id: c\n    title: c\n"
                      "    points: 5\n" +
                      checkExtra + "    steps:\n" + steps);
}

GradeRun gradeLive(const Rubric& rubric, KubeClient& client, RunOptions options = {}) {
    auto source = liveSource(client, "context test");
    return runChecks(rubric, {{"", source.get()}}, options);
}

Json configMap(const std::string& name, const std::string& ns = "ml") {
    return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}},
                {"data", {{"k", name}}}};
}

const CheckResult& result(const GradeRun& run, const std::string& id) {
    for (const auto& c : run.checks)
        if (c.id == id) return c;
    FAIL("no check " << id);
    return run.checks.front();
}

}  // namespace

TEST_CASE("the fixture rubric graded live gives the reasoned outcomes and cleans up") {
    auto server = ApiDouble::start();
    arrangeFixtureState(*server);
    auto client = clientFor(*server);
    auto rubric = loadRubric(kGradingFixtures + "/rubric.yaml");
    REQUIRE(rubric);
    std::vector<std::string> progress;
    RunOptions options;
    options.progress = [&](const std::string& line) { progress.push_back(line); };
    GradeRun run = gradeLive(*rubric, *client, options);
    CHECK(run.mode == "live");
    CHECK(run.source == "context test");
    CHECK(run.clusterVersion == "v1.32.4");
    // Live differs from the snapshot README only where the snapshot cannot tell: logs are readable here,
    // smoke-apply runs (and passes), and after-apply then runs and fails (no ConfigMap "settings").
    CHECK(result(run, "web-deployment").outcome == Outcome::Fail);
    CHECK(result(run, "web-service").outcome == Outcome::Blocked);
    CHECK(result(run, "no-latest").outcome == Outcome::Fail);
    CHECK(result(run, "priority").outcome == Outcome::Pass);
    CHECK(result(run, "gpu-nodes").outcome == Outcome::Pass);
    CHECK(result(run, "operator-logs").outcome == Outcome::Pass);
    CHECK(result(run, "scheduled-events").outcome == Outcome::Pass);
    CHECK(result(run, "pods-by-replicaset").outcome == Outcome::Pass);
    CHECK(result(run, "smoke-apply").outcome == Outcome::Pass);
    CHECK(result(run, "after-apply").outcome == Outcome::Fail);
    CHECK(run.earned() == 12);
    CHECK(run.leftovers.empty());
    CHECK_FALSE(server->get("v1", "ConfigMap", "shop", "grader-smoke"));
    CHECK(progress.size() == 10);
    CHECK(progress[0] == "[1/10] web-deployment: fail");
    const auto& web = result(run, "web-deployment").steps.at(0);
    REQUIRE(web.mismatches.size() == 1);
    CHECK(web.mismatches[0].path == ".spec.replicas");
    CHECK(web.summary.find("still so after 1s") != std::string::npos);
}

TEST_CASE("a failing assert is retried until a controller makes the state right") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    server->schedule(500ms, [](ApiDouble& d) { d.create(configMap("late")); });
    Rubric rubric = oneCheck("      - assert: {apiVersion: v1, kind: ConfigMap, name: late, timeout: 10s}\n");
    auto started = std::chrono::steady_clock::now();
    GradeRun run = gradeLive(rubric, *client);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(run.checks[0].outcome == Outcome::Pass);
    CHECK(run.checks[0].earned == 5);
    CHECK(took < 5s);
    // It waited by watch, not by polling: one watch and at most two LISTs of ConfigMaps.
    int watches = 0, lists = 0;
    for (const auto& r : server->requests()) {
        if (r.target.find("/configmaps") == std::string::npos) continue;
        if (r.target.find("watch=1") != std::string::npos) ++watches;
        else ++lists;
    }
    CHECK(watches >= 1);
    CHECK(lists <= 2);
}

TEST_CASE("a step that never passes fails when its timeout runs out") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    Rubric rubric = oneCheck("      - assert: {apiVersion: v1, kind: ConfigMap, name: never, timeout: 300ms, "
                             "message: create the never ConfigMap}\n");
    auto started = std::chrono::steady_clock::now();
    GradeRun run = gradeLive(rubric, *client);
    CHECK(std::chrono::steady_clock::now() - started < 3s);
    CHECK(run.checks[0].outcome == Outcome::Fail);
    CHECK(run.checks[0].steps[0].summary ==
          "no v1 ConfigMap \"never\" found (wanted at least 1) (still so after 300ms)");
    CHECK(run.checks[0].messages == std::vector<std::string>{"create the never ConfigMap"});
}

TEST_CASE("the check timeout bounds all its steps") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    Rubric rubric = oneCheck("      - assert: {apiVersion: v1, kind: ConfigMap, name: never, timeout: 30s}\n",
                             "    timeout: 400ms\n");
    auto started = std::chrono::steady_clock::now();
    GradeRun run = gradeLive(rubric, *client);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(run.checks[0].outcome == Outcome::Fail);
    CHECK(run.checks[0].steps[0].summary.find("the check's time budget ran out") != std::string::npos);
}

TEST_CASE("cluster errors are error and never fail") {
    Rubric rubric = oneCheck("      - assert: {apiVersion: v1, kind: ConfigMap, name: a}\n");
    SECTION("internal errors") {
        auto server = ApiDouble::start();
        createNamespace(*server, "ml");
        server->injectFault({.kind = FaultKind::InternalError, .method = "GET", .pathContains = "/configmaps",
                             .times = -1});
        auto client = clientFor(*server, {.retry = {.maxAttempts = 2, .baseDelay = 10ms}});
        GradeRun run = gradeLive(rubric, *client);
        CHECK(run.checks[0].outcome == Outcome::Error);
        CHECK(run.checks[0].earned == 0);
        REQUIRE_FALSE(run.checks[0].messages.empty());
        CHECK(run.checks[0].messages[0].find("injected fault") != std::string::npos);
    }
    SECTION("a hanging server") {
        auto server = ApiDouble::start();
        createNamespace(*server, "ml");
        server->injectFault({.kind = FaultKind::Hang, .method = "GET", .pathContains = "/configmaps", .times = -1});
        auto client = clientFor(*server, {.retry = {.maxAttempts = 1}, .requestTimeout = 500ms});
        GradeRun run = gradeLive(rubric, *client);
        CHECK(run.checks[0].outcome == Outcome::Error);
    }
    SECTION("an unreachable server") {
        int port;
        {
            auto gone = ApiDouble::start();
            port = gone->port();
        }
        TransportConfig config;
        config.server = "https://127.0.0.1:" + std::to_string(port);
        config.connectTimeout = 1000ms;
        KubeClient client(config, cpprestTransportFactory(), noCredentials(), {.retry = {.maxAttempts = 1}});
        GradeRun run = gradeLive(rubric, client);
        CHECK(run.checks[0].outcome == Outcome::Error);
    }
}

TEST_CASE("what a check applies is removed newest first and what cannot be removed is reported") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    Rubric rubric = oneCheck(
        "      - apply: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: first}, data: {a: b}}}\n"
        "      - apply: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: second}, data: {a: b}}}\n"
        "      - apply: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: stuck, finalizers: "
        "[example.com/keep]}, data: {a: b}}}\n"
        "      - assert: {apiVersion: v1, kind: ConfigMap, name: second, match: {data: {a: b}}}\n");
    RunOptions options;
    options.cleanupTimeout = 300ms;
    GradeRun run = gradeLive(rubric, *client, options);
    CHECK(run.checks[0].outcome == Outcome::Pass);
    CHECK_FALSE(server->get("v1", "ConfigMap", "ml", "first"));
    CHECK_FALSE(server->get("v1", "ConfigMap", "ml", "second"));
    CHECK(server->get("v1", "ConfigMap", "ml", "stuck"));
    REQUIRE(run.leftovers.size() == 1);
    CHECK(run.leftovers[0].find("v1 ConfigMap ml/stuck") == 0);
    std::vector<std::string> deletes;
    for (const auto& r : server->requests())
        if (r.method == "DELETE") deletes.push_back(r.target.substr(r.target.rfind('/') + 1));
    CHECK(deletes == std::vector<std::string>{"stuck", "second", "first"});
}

TEST_CASE("an applied object that existed before is left in place") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(configMap("students"));
    auto client = clientFor(*server);
    Rubric rubric =
        oneCheck("      - apply: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: students}, data: {k: x}}, "
                 "expect: {data: {k: x}}}\n");
    GradeRun run = gradeLive(rubric, *client);
    CHECK(run.checks[0].outcome == Outcome::Pass);
    CHECK(server->get("v1", "ConfigMap", "ml", "students"));
}

TEST_CASE("apply expect is matched against what the server returns") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    Rubric rubric = oneCheck(
        "      - apply: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: x}}, "
        "expect: {data: {k: y}}, message: the server changed it}\n");
    GradeRun run = gradeLive(rubric, *client);
    CHECK(run.checks[0].outcome == Outcome::Fail);
    REQUIRE(run.checks[0].steps[0].mismatches.size() == 1);
    CHECK(run.checks[0].steps[0].mismatches[0].path == ".data.k");
    CHECK_FALSE(server->get("v1", "ConfigMap", "ml", "a"));  // cleaned up after a failed check too
}

TEST_CASE("delete removes the target and fails when it cannot go") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(configMap("victim"));
    Json stuck = configMap("stuck");
    stuck["metadata"]["finalizers"] = Json::array({"example.com/keep"});
    server->create(stuck);
    auto client = clientFor(*server);
    GradeRun ok = gradeLive(oneCheck("      - delete: {apiVersion: v1, kind: ConfigMap, name: victim}\n"
                                     "      - absent: {apiVersion: v1, kind: ConfigMap, name: victim}\n"),
                            *client);
    CHECK(ok.checks[0].outcome == Outcome::Pass);
    CHECK_FALSE(server->get("v1", "ConfigMap", "ml", "victim"));
    GradeRun held = gradeLive(oneCheck("      - delete: {apiVersion: v1, kind: ConfigMap, name: stuck, timeout: 300ms}\n"),
                              *client);
    CHECK(held.checks[0].outcome == Outcome::Fail);
    CHECK(held.checks[0].steps[0].summary.find("still there") != std::string::npos);
}

TEST_CASE("logs and events steps pass and fail live") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"op","namespace":"ml",
        "labels":{"app":"op"}},"spec":{"containers":[{"name":"manager","image":"op:1"}]}})"));
    server->setPodLog("ml", "op", "manager", "reconciled mnist\ncreated pod mnist-0\n");
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"ml"},
        "involvedObject":{"kind":"Pod","name":"op","namespace":"ml"},"reason":"Scheduled","type":"Normal",
        "message":"assigned ml/op","lastTimestamp":"2026-11-20T10:00:00Z"})"));
    auto client = clientFor(*server);
    auto outcome = [&](const std::string& step) {
        return gradeLive(oneCheck("      - " + step + "\n"), *client).checks.at(0).outcome;
    };
    CHECK(outcome("logs: {labelSelector: app=op, contains: [reconciled], regex: [\"created pod [a-z0-9-]+\"]}") ==
          Outcome::Pass);
    CHECK(outcome("logs: {pod: op, absent: [reconciled], timeout: 200ms}") == Outcome::Fail);
    CHECK(outcome("events: {involved: {kind: Pod, name: op}, reason: Scheduled}") == Outcome::Pass);
    CHECK(outcome("events: {reason: Preempted, timeout: 200ms}") == Outcome::Fail);
}

TEST_CASE("a probe runs a Job tallies its output and removes it") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    // A scripted Job controller: a pod from the template that prints 8 × v1 and 2 × v2, then Complete.
    server->addController([](ApiDouble& d, const std::string& type, const Json& object) {
        if (type != "ADDED" || object.value("kind", "") != "Job") return;
        Json job = object;
        d.schedule(100ms, [job](ApiDouble& dd) {
            const std::string ns = job["metadata"]["namespace"], name = job["metadata"]["name"];
            Json pod{{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata",
                      {{"name", name + "-pod"}, {"namespace", ns}, {"labels", job["spec"]["template"]["metadata"]["labels"]}}},
                     {"spec", job["spec"]["template"]["spec"]}};
            dd.create(pod);
            dd.setPodLog(ns, name + "-pod", "probe", "version: v1\nversion: v1\nversion: v1\nversion: v1\n"
                                                     "version: v1\nversion: v1\nversion: v1\nversion: v1\n"
                                                     "version: v2\nversion: v2\n");
            auto current = dd.get("batch/v1", "Job", ns, name);
            if (!current) return;
            (*current)["status"] = Json{{"conditions", Json::array({Json{{"type", "Complete"}, {"status", "True"}}})}};
            dd.update(*current);
        });
    });
    auto client = clientFor(*server);
    auto probe = [&](const std::string& expect) {
        return gradeLive(oneCheck("      - probe: {image: curl, command: [sh, -c, \"run {{requests}}\"], requests: 10, "
                                  "extract: \"version: (v[0-9]+)\", expect: " +
                                  expect + ", timeout: 5s}\n"),
                         *client);
    };
    GradeRun good = probe("{ratio: {v1: 0.8, v2: 0.2}, tolerance: 0.05, counts: {v3: {max: 0}}}");
    CHECK(good.checks[0].outcome == Outcome::Pass);
    GradeRun off = probe("{ratio: {v1: 0.5}, tolerance: 0.1}");
    CHECK(off.checks[0].outcome == Outcome::Fail);
    REQUIRE(off.checks[0].steps[0].mismatches.size() == 1);
    CHECK(off.checks[0].steps[0].mismatches[0].path == "ratio[v1]");
    CHECK(off.checks[0].steps[0].mismatches[0].observed == "0.800 (8 of 10)");
    // The command got the request count, and the Job is gone afterwards.
    bool sawCount = false;
    for (const auto& r : server->requests())
        if (r.method == "POST" && r.target.find("/jobs") != std::string::npos) sawCount = true;
    CHECK(sawCount);
    auto jobs = client->list({"batch/v1", "Job", "ml", ""});
    REQUIRE(jobs);
    CHECK(jobs->items.empty());
    CHECK(good.leftovers.empty());
}

TEST_CASE("cancellation stops a waiting run promptly and errors the rest") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    auto client = clientFor(*server);
    Rubric rubric = rubricFrom(
        "lab: t\ntitle: t\ndefaults: {namespace: ml}\nchecks:\n"
        "  - {id: a, title: a, points: 1, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: x, timeout: 30s}}]}\n"
        "  - {id: b, title: b, points: 1, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: y}}]}\n");
    RunOptions options;
    options.cancel = std::make_shared<Cancellation>();
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        options.cancel->cancel();
    });
    auto started = std::chrono::steady_clock::now();
    GradeRun run = gradeLive(rubric, *client, options);
    canceller.join();
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    REQUIRE(run.checks.size() == 2);
    CHECK(run.checks[0].outcome == Outcome::Error);
    CHECK(run.checks[1].outcome == Outcome::Error);
    CHECK(run.checks[1].messages == std::vector<std::string>{"cancelled"});
}

TEST_CASE("checks name their cluster and an unknown one is an error") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(configMap("a"));
    auto client = clientFor(*server);
    auto east = liveSource(*client, "context east");
    Rubric rubric = rubricFrom(
        "lab: t\ntitle: t\nclusters: [east, west]\ndefaults: {namespace: ml}\nchecks:\n"
        "  - {id: a, title: a, points: 1, cluster: east, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: a}}]}\n"
        "  - {id: b, title: b, points: 1, cluster: west, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: a}}]}\n");
    auto snapshot = openSnapshot(kGradingFixtures + "/kubectl-dump.yaml");
    REQUIRE(snapshot);
    GradeRun run = runChecks(rubric, {{"east", east.get()}, {"", snapshot->get()}}, RunOptions{});
    CHECK(run.checks[0].outcome == Outcome::Pass);
    CHECK(run.checks[1].outcome == Outcome::Error);  // with several sources, no fallback to ""
    CHECK(run.checks[1].messages.at(0).find("\"west\"") != std::string::npos);
}

TEST_CASE("absent and provenance steps pass and fail live") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"w-1","namespace":"ml",
        "labels":{"app":"w"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"w-rs","uid":"u",
        "controller":true}]},"spec":{"containers":[{"name":"c","image":"nginx:latest"}]}})"));
    auto client = clientFor(*server);
    auto outcome = [&](const std::string& step) {
        return gradeLive(oneCheck("      - " + step + "\n"), *client).checks.at(0).outcome;
    };
    CHECK(outcome("absent: {apiVersion: v1, kind: Pod, labelSelector: app=other}") == Outcome::Pass);
    CHECK(outcome("absent: {apiVersion: v1, kind: Pod, match: {spec: {containers: [{image: {$regex: \":latest$\"}}]}}, "
                  "timeout: 200ms}") == Outcome::Fail);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=w, controller: {kind: ReplicaSet}}") ==
          Outcome::Pass);
    CHECK(outcome("provenance: {apiVersion: v1, kind: Pod, labelSelector: app=w, controller: {kind: StatefulSet}, "
                  "timeout: 200ms}") == Outcome::Fail);
}

TEST_CASE("an absent step passes once a controller removes the object") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(configMap("old"));
    server->schedule(400ms, [](ApiDouble& d) { d.remove("v1", "ConfigMap", "ml", "old"); });
    auto client = clientFor(*server);
    GradeRun run = gradeLive(oneCheck("      - absent: {apiVersion: v1, kind: ConfigMap, name: old, timeout: 10s}\n"),
                             *client);
    CHECK(run.checks[0].outcome == Outcome::Pass);
    CHECK(run.checks[0].steps[0].duration < 5s);
}

TEST_CASE("a check that needs a later check is graded after it and reported in rubric order") {
    // An overlay appends its checks, and an existing check may then need one of them.
    Rubric rubric = rubricFrom(
        "lab: t\ntitle: t\ndefaults: {namespace: ml}\nchecks:\n"
        "  - {id: probe-like, title: a, points: 3, needs: [config], steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: a}}]}\n"
        "  - {id: config, title: b, points: 2, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: b}}]}\n"
        "  - {id: missing-config, title: c, points: 1, steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: z}}]}\n"
        "  - {id: first-needs-missing, title: d, points: 1, needs: [missing-config], steps: [{assert: {apiVersion: v1, kind: ConfigMap, name: a}}]}\n");
    auto snapshot = snapshotFromText(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: ml}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: ml}}\n",
        "dump.yaml");
    REQUIRE(snapshot);
    GradeRun run = runChecks(rubric, {{"", snapshot->get()}}, RunOptions{});
    REQUIRE(run.checks.size() == 4);
    CHECK(run.checks[0].id == "probe-like");
    CHECK(run.checks[0].outcome == Outcome::Pass);  // not blocked: config was graded first
    CHECK(run.checks[1].id == "config");
    CHECK(run.checks[2].outcome == Outcome::Fail);
    CHECK(run.checks[3].outcome == Outcome::Blocked);
    CHECK(run.checks[3].blockedBy == "missing-config");
    CHECK(run.earned() == 5);
}
