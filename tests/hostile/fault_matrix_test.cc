// Cluster faults against the grader as a whole: the check runner over the live source, with the API double
// injecting each fault. A fault that lasts must end as `error` naming its cause, never as `fail`, within a time
// worked out from the configured timeouts; a passing fault (a short 429 storm with Retry-After, a 410 during a
// watch, some latency) must be ridden out and the check pass. Client-level retries of each fault are tested in
// tests/clusters/kube_client_double_test.cc; this file asks what the student's grade becomes.
#include <catch2/catch.hpp>

#include <chrono>

#include "grader/check_runner.h"
#include "grader/rubric_loader.h"
#include "tests/grader/cli_test_support.h"
#include "tests/grader/double_fixture.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FaultKind;
using kc::testing::FaultRule;
using namespace std::chrono_literals;

namespace {

// One check, one assert on a ConfigMap, a 1s step window and a 3s budget for the whole check.
Rubric configMapCheck() {
    auto rubric = parseRubric(
        "lab: t\ntitle: t\ndefaults: {namespace: ml, timeout: 1s}\nchecks:\n  - id: c\n    title: c\n"
        "    points: 5\n    timeout: 3s\n    steps:\n      - assert: {apiVersion: v1, kind: ConfigMap, name: a}\n",
        "fault-rubric.yaml", "");
    REQUIRE(rubric);
    return *rubric;
}

Json configMap(const std::string& name) {
    return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "ml"}}},
                {"data", {{"k", "v"}}}};
}

struct Timed {
    GradeRun run;
    std::chrono::milliseconds elapsed;
};

Timed gradeWith(ApiDouble& server, KubeClientOptions options) {
    auto client = clientFor(server, options);
    auto source = liveSource(*client, "context fault-test");
    auto started = std::chrono::steady_clock::now();
    GradeRun run = runChecks(configMapCheck(), {{"", source.get()}}, {});
    return {std::move(run), std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)};
}

std::string allMessages(const CheckResult& c) {
    std::string out;
    for (const auto& m : c.messages) out += m + "\n";
    for (const auto& s : c.steps) out += s.summary + "\n";
    return out;
}

}  // namespace

TEST_CASE("a lasting cluster fault is an error naming its cause within the configured time") {
    struct Lasting {
        const char* name;
        FaultRule rule;
        std::vector<std::string> cause;  // any one of these must be in the check's messages
    };
    const std::vector<Lasting> faults = {
        {"500 on every list", {FaultKind::InternalError, "GET", "/configmaps", -1}, {"injected fault", "500"}},
        {"a 429 storm", {FaultKind::TooManyRequests, "GET", "/configmaps", -1, 0ms, 1}, {"429", "Too many requests"}},
        {"connection resets", {FaultKind::ConnectionReset, "GET", "/configmaps", -1}, {"reset", "closed", "connect"}},
        {"a hang before the headers", {FaultKind::Hang, "GET", "/configmaps", -1}, {"no response within 0.4s"}},
        {"a hang in the middle of the body", {FaultKind::HangMidBody, "GET", "/configmaps", -1},
         {"no data on the response for 0.4s"}},
        {"latency beyond the request timeout", {FaultKind::Latency, "GET", "/configmaps", -1, 10s},
         {"no response within 0.4s"}},
        {"410 on every list", {FaultKind::Gone, "GET", "/configmaps", -1}, {"410", "too old", "Expired"}},
    };
    // Each request is cut off after 400 ms and tried at most 3 times, 429 waits capped at 100 ms: a call is over
    // in 3 × 400 ms plus small delays. The check budget is 3 s; allow the budget, one call in flight and slack.
    const KubeClientOptions options{.retry = {.maxAttempts = 3, .baseDelay = 10ms, .maxDelay = 50ms,
                                              .maxRetryAfter = 100ms},
                                    .requestTimeout = 400ms};
    const auto bound = 3s + 3 * 400ms + 2s;
    for (const auto& f : faults) {
        DYNAMIC_SECTION(f.name) {
            auto server = ApiDouble::start();
            createNamespace(*server, "ml");
            server->create(configMap("a"));  // the check would pass without the fault
            server->injectFault(f.rule);
            Timed t = gradeWith(*server, options);
            REQUIRE(t.run.checks.size() == 1);
            const CheckResult& c = t.run.checks[0];
            INFO(allMessages(c));
            INFO("elapsed ms: " << t.elapsed.count());
            CHECK(c.outcome == Outcome::Error);
            CHECK(c.earned == 0);
            CHECK(t.elapsed < bound);
            bool named = false;
            for (const auto& word : f.cause) named = named || allMessages(c).find(word) != std::string::npos;
            CHECK(named);
        }
    }
}

TEST_CASE("a passing cluster fault is ridden out and the check passes") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    server->create(configMap("a"));
    SECTION("two 429 answers with Retry-After: 1 are waited out as the server asks") {
        server->injectFault({FaultKind::TooManyRequests, "GET", "/configmaps", 2, 0ms, 1});
        Timed t = gradeWith(*server, {.retry = {.maxAttempts = 5}, .requestTimeout = 5s});
        INFO(allMessages(t.run.checks[0]));
        CHECK(t.run.checks[0].outcome == Outcome::Pass);
        // Retry-After is honoured: two waits of one second each, not the 100 ms base backoff.
        CHECK(t.elapsed >= 1900ms);
    }
    SECTION("latency below the request timeout") {
        server->injectFault({FaultKind::Latency, "GET", "/configmaps", -1, 200ms});
        Timed t = gradeWith(*server, {.requestTimeout = 2s});
        CHECK(t.run.checks[0].outcome == Outcome::Pass);
    }
    SECTION("one 500 on the list is retried") {
        server->injectFault({FaultKind::InternalError, "GET", "/configmaps", 1});
        Timed t = gradeWith(*server, {.retry = {.maxAttempts = 3, .baseDelay = 10ms}});
        CHECK(t.run.checks[0].outcome == Outcome::Pass);
    }
    SECTION("one reset connection is retried") {
        server->injectFault({FaultKind::ConnectionReset, "GET", "/configmaps", 1});
        Timed t = gradeWith(*server, {.retry = {.maxAttempts = 3, .baseDelay = 10ms}});
        CHECK(t.run.checks[0].outcome == Outcome::Pass);
    }
}

TEST_CASE("a 410 on the watch while a step waits is answered by a relist and the check passes") {
    auto server = ApiDouble::start();
    createNamespace(*server, "ml");
    // The ConfigMap appears after the first list; the step waits by watch, whose first attempt gets 410 Gone.
    server->injectFault({FaultKind::Gone, "GET", "watch=", 1});
    server->schedule(300ms, [](ApiDouble& d) { d.create(configMap("a")); });
    auto client = clientFor(*server, {.retry = {.maxAttempts = 3, .baseDelay = 10ms}});
    auto source = liveSource(*client, "context fault-test");
    GradeRun run = runChecks(configMapCheck(), {{"", source.get()}}, {});
    INFO(allMessages(run.checks[0]));
    CHECK(run.checks[0].outcome == Outcome::Pass);
}

TEST_CASE("kubeclass-grade check live is bounded and reports error when the server hangs mid-body") {
    auto server = ApiDouble::start();
    createNamespace(*server, "shop");
    server->injectFault({FaultKind::HangMidBody, "GET", "/configmaps", -1});
    kc::testing::TempDir dir;
    std::string kubeconfig = server->writeKubeconfig(dir.path() + "/kubeconfig", /*useToken=*/true);
    auto started = std::chrono::steady_clock::now();
    auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kubeconfig, "--format", "json"});
    auto elapsed = std::chrono::steady_clock::now() - started;
    INFO(r.stdoutText << r.stderrText);
    // Every request of the CLI is bounded; five checks of 1 s windows must not take minutes.
    CHECK(elapsed < 90s);
    REQUIRE((r.exitCode == 0 || r.exitCode == 3));
    auto report = Json::parse(r.stdoutText, nullptr, false);
    REQUIRE(report.is_object());
    bool sawConfigCheck = false;
    for (const auto& c : report["checks"]) {
        if (c.value("id", "") != "config-present") continue;
        sawConfigCheck = true;
        CHECK(c.value("outcome", "") == "error");
    }
    CHECK(sawConfigCheck);
}
