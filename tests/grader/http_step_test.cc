// The `http` step: a GET through the API server's service proxy, judged by status and body. Loading (fields,
// errors with positions), the proxy path, explaining, and grading live against the API double's service proxy:
// pass, wrong body, no endpoints (503), a missing Service, the grader refused (403), a hung service, polling until
// the answer changes, an oversized answer, and skipping on a snapshot.
#include <catch2/catch.hpp>

#include <atomic>

#include "grader/check_runner.h"
#include "grader/rubric_explain.h"
#include "grader/rubric_loader.h"
#include "tests/grader/one_step_rubric.h"
#include "grader/snapshot_source.h"
#include "tests/grader/double_fixture.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FaultKind;
using kc::testing::ServiceProxyRequest;
using kc::testing::ServiceProxyResponse;

namespace {

std::string oneStep(const std::string& step) { return oneStepRubric(step, "lab-03", 1); }

std::string errorText(const std::string& text) { return rubricErrorText(text); }

Rubric rubricWith(const std::string& step) { return rubricWithStep(step, "lab-03", 1); }

const std::string kServices = "http: {namespace: observability, service: jaeger-query, port: 16686, path: /api/services";

void arrangeJaegerService(ApiDouble& api) {
    createNamespace(api, "observability");
    api.create(Json{{"apiVersion", "v1"},
                    {"kind", "Service"},
                    {"metadata", {{"name", "jaeger-query"}, {"namespace", "observability"}}},
                    {"spec", {{"ports", Json::array({Json{{"name", "http-query"}, {"port", 16686}}})}}}});
}

KubeClientOptions oneAttempt() {
    KubeClientOptions options;
    options.retry.maxAttempts = 1;  // each proxy request the step makes is one request in the double's log
    return options;
}

StepResult gradeOne(const Rubric& rubric, KubeClient& client) {
    auto source = liveSource(client, "context test");
    GradeRun run = runChecks(rubric, {{"", source.get()}}, {});
    REQUIRE(run.checks.size() == 1);
    REQUIRE(run.checks[0].steps.size() == 1);
    return run.checks[0].steps[0];
}

size_t proxyRequests(const ApiDouble& api) {
    size_t n = 0;
    for (const auto& r : api.requests())
        if (r.target.find("/proxy") != std::string::npos) ++n;
    return n;
}

}  // namespace

TEST_CASE("http steps are read with their defaults and are live only") {
    Rubric r = rubricWith(kServices + ", json: {data: {$len: {$gte: 1}}}, timeout: 20s}");
    const Step& step = r.checks[0].steps[0];
    CHECK(step.kind == StepKind::Http);
    CHECK(isLiveOnly(step));
    CHECK(step.timeout == Duration(20000));
    const auto& h = std::get<HttpStep>(step.spec);
    CHECK(h.namespace_ == "observability");
    CHECK(h.service == "jaeger-query");
    CHECK(h.port == "16686");
    CHECK(h.path == "/api/services");
    CHECK(h.status == 0);
    CHECK(h.maxBytes == 1048576);
    CHECK(h.json == Json::parse(R"({"data":{"$len":{"$gte":1}}})"));

    Rubric text = rubricWith("http: {service: web, port: http, path: \"/version\", contains: v2, regex: [\"^v[0-9]\"], "
                             "status: 200, maxBytes: 4096}");
    const auto& t = std::get<HttpStep>(text.checks[0].steps[0].spec);
    CHECK(t.port == "http");
    CHECK(t.contains == std::vector<std::string>{"v2"});
    CHECK(t.regex == std::vector<std::string>{"^v[0-9]"});
    CHECK(t.status == 200);
    CHECK(t.maxBytes == 4096);
}

TEST_CASE("http proxy paths follow the API server's scheme name port form") {
    HttpStep h;
    h.service = "jaeger-query";
    h.path = "/api/traces?service=web&limit=20";
    CHECK(h.proxyTarget("obs") == "/api/v1/namespaces/obs/services/jaeger-query/proxy/api/traces?service=web&limit=20");
    h.port = "16686";
    CHECK(h.proxyTarget("obs") == "/api/v1/namespaces/obs/services/jaeger-query:16686/proxy/api/traces?service=web&limit=20");
    h.scheme = "https";
    CHECK(h.proxyTarget("obs") == "/api/v1/namespaces/obs/services/https:jaeger-query:16686/proxy/api/traces?service=web&limit=20");
    h.port.clear();
    CHECK(h.proxyTarget("obs") == "/api/v1/namespaces/obs/services/https:jaeger-query:/proxy/api/traces?service=web&limit=20");
}

TEST_CASE("http steps are explained with their service path status and body pattern") {
    Rubric r = rubricWith(kServices + ", json: {data: {$len: {$gte: 1}}}}");
    std::string text = explainRubric(r, true);
    INFO(text);
    CHECK(text.find("1. http: GET /api/services on service \"jaeger-query\" port 16686 in namespace \"observability\" "
                    "(through the API server's service proxy) answers 2xx with a JSON body where") != std::string::npos);
    CHECK(text.find("[live only]") != std::string::npos);
}

TEST_CASE("http step errors name the file line column and field") {
    // Line 8 holds the step; "      - " puts `http` at column 9. Errors about a value point at the value.
    CHECK(errorText(oneStep("http: {service: web, path: /, method: POST}")).find("r.yaml:8:39: unknown key `method`") !=
          std::string::npos);
    CHECK(errorText(oneStep("http: {service: web, path: \"/a b\"}")) ==
          "r.yaml:8:36: `path` holds 'space'; write it percent-encoded");
    CHECK(errorText(oneStep("http: {service: web, path: /api/../secrets}")) ==
          "r.yaml:8:36: `path` holds a '..' segment");
    CHECK(errorText(oneStep("http: {service: web, path: api}")) == "r.yaml:8:36: `path` must start with '/'");
    CHECK(errorText(oneStep("http: {service: Web_1, path: /}")).find("r.yaml:8:25: `service` \"Web_1\" is not a Service "
                                                                    "name") != std::string::npos);
    CHECK(errorText(oneStep("http: {service: web, port: 70000, path: /}")) ==
          "r.yaml:8:36: `port` must be between 1 and 65535, got 70000");
    CHECK(errorText(oneStep("http: {service: web, scheme: ftp, path: /}")) ==
          "r.yaml:8:38: `scheme` must be http or https, got \"ftp\"");
    CHECK(errorText(oneStep("http: {service: web, path: /, status: 700}")) ==
          "r.yaml:8:47: `status` must be between 100 and 599, got 700");
    CHECK(errorText(oneStep("http: {service: web, path: /, regex: \"(open\"}")).find("r.yaml:8:46: invalid regular expression") == 0);
    CHECK(errorText(oneStep("http: {service: web, path: /, json: {a: 1}, contains: x}")) ==
          "r.yaml:8:39: the body is judged either as JSON (`json`) or as text (`contains`, `regex`), not both");
    CHECK(errorText(oneStep("http: {service: web, path: /, json: {a: {$gtt: 1}}}")).find("r.yaml:8:50: unknown operator $gtt") != std::string::npos);
    CHECK(errorText(oneStep("http: {path: /}")) == "r.yaml:8:15: missing required key `service`");
    CHECK(errorText(oneStep("http: {service: web}")) == "r.yaml:8:15: missing required key `path`");
}

TEST_CASE("http passes when the service answers 2xx with a body matching the JSON pattern") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    std::atomic<int> asked{0};
    std::string seenPath, seenPort;
    api->setServiceProxy("observability", "jaeger-query", "16686", [&](const ServiceProxyRequest& r) {
        ++asked;
        seenPath = r.path;
        seenPort = r.port;
        return ServiceProxyResponse{200, R"({"data":["frontend","ranker"],"total":2})"};
    });
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", json: {data: {$len: {$gte: 1}}}}"), *client);
    INFO(step.summary);
    CHECK(step.outcome == Outcome::Pass);
    CHECK(asked == 1);
    CHECK(seenPath == "/api/services");
    CHECK(seenPort == "16686");
    REQUIRE_FALSE(step.evidence.empty());
    CHECK(step.evidence[0].find("HTTP 200") != std::string::npos);
}

TEST_CASE("http fails on a body that does not match and names what differs") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->setServiceProxy("observability", "jaeger-query", "", [](const ServiceProxyRequest&) {
        return ServiceProxyResponse{200, R"({"data":[],"total":0})"};
    });
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", json: {data: {$len: {$gte: 1}}}, timeout: 1500ms}"), *client);
    INFO(step.summary);
    CHECK(step.outcome == Outcome::Fail);
    REQUIRE(step.mismatches.size() == 1);
    CHECK(step.mismatches[0].path == ".data");
    // Polled once a second until the step's 1.5 s ran out: asked at least twice.
    CHECK(proxyRequests(*api) >= 2);
    CHECK(step.summary.find("still so after 1s500ms") != std::string::npos);
}

TEST_CASE("http judges text bodies by contains and regex line by line") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->setServiceProxy("observability", "jaeger-query", "", [](const ServiceProxyRequest&) {
        return ServiceProxyResponse{200, "ready\nversion: v1.57.0\n", "text/plain"};
    });
    auto client = clientFor(*api, oneAttempt());
    StepResult ok = gradeOne(
        rubricWith("http: {namespace: observability, service: jaeger-query, path: /, contains: ready, "
                   "regex: \"^version: v1\\\\.[0-9]+\"}"),
        *client);
    INFO(ok.summary);
    CHECK(ok.outcome == Outcome::Pass);
    StepResult bad = gradeOne(
        rubricWith("http: {namespace: observability, service: jaeger-query, path: /, contains: [ready, healthy], "
                   "regex: \"^v2\", timeout: 500ms}"),
        *client);
    CHECK(bad.outcome == Outcome::Fail);
    REQUIRE(bad.mismatches.size() == 2);
    CHECK(bad.mismatches[0].expected == "text containing \"healthy\"");
    CHECK(bad.mismatches[1].expected == "a line matching /^v2/");
}

TEST_CASE("http fails clearly when the service has no endpoints") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);  // the Service exists, but nothing answers for it: the proxy says 503
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", json: {data: {$len: {$gte: 1}}}, timeout: 500ms}"), *client);
    INFO(step.summary);
    CHECK(step.outcome == Outcome::Fail);
    CHECK(step.summary.find("service \"jaeger-query\" port 16686 in namespace \"observability\" has no ready endpoint") == 0);
    REQUIRE(step.mismatches.size() == 1);
    CHECK(step.mismatches[0].expected == "HTTP 2xx");
    CHECK(step.mismatches[0].observed ==
          "HTTP 503 from the API server: no endpoints available for service \"jaeger-query\"");
}

TEST_CASE("http fails when the Service does not exist") {
    auto api = ApiDouble::start();
    createNamespace(*api, "observability");
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", timeout: 300ms}"), *client);
    CHECK(step.outcome == Outcome::Fail);
    CHECK(step.summary.find("service \"jaeger-query\" port 16686 in namespace \"observability\" does not exist") == 0);
}

TEST_CASE("http is an error when the API server refuses the grader and is not retried") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->setServiceProxy("observability", "jaeger-query", "", [](const ServiceProxyRequest&) {
        return ServiceProxyResponse{200, R"({"data":["web"]})"};
    });
    api->denyServiceProxy(true);
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", timeout: 3s}"), *client);
    INFO(step.summary);
    CHECK(step.outcome == Outcome::Error);
    CHECK(step.summary.find("HTTP 403") != std::string::npos);
    CHECK(step.summary.find("services/proxy") != std::string::npos);
    CHECK(proxyRequests(*api) == 1);
}

TEST_CASE("http treats a 403 from the service itself as its answer") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->setServiceProxy("observability", "jaeger-query", "", [](const ServiceProxyRequest&) {
        return ServiceProxyResponse{403, "RBAC: access denied", "text/plain"};  // e.g. a mesh AuthorizationPolicy
    });
    auto client = clientFor(*api, oneAttempt());
    CHECK(gradeOne(rubricWith(kServices + ", status: 403, contains: denied}"), *client).outcome == Outcome::Pass);
    StepResult wanted2xx = gradeOne(rubricWith(kServices + ", timeout: 300ms}"), *client);
    CHECK(wanted2xx.outcome == Outcome::Fail);
    REQUIRE(wanted2xx.mismatches.size() == 1);
    CHECK(wanted2xx.mismatches[0].observed == "HTTP 403: RBAC: access denied");
}

TEST_CASE("http keeps asking until the answer is right within the step timeout") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    // The service is not ready at the first request and is from the second on (counted, not timed, so a slow
    // run cannot make the first answer already right).
    std::atomic<int> asked{0};
    api->setServiceProxy("observability", "jaeger-query", "", [&](const ServiceProxyRequest&) {
        return ServiceProxyResponse{200, ++asked >= 2 ? R"({"data":["web"]})" : R"({"data":[]})"};
    });
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", json: {data: [web]}, timeout: 5s}"), *client);
    INFO(step.summary);
    CHECK(step.outcome == Outcome::Pass);
    CHECK(proxyRequests(*api) >= 2);
    CHECK(step.duration < Duration(4000));
}

TEST_CASE("http is bounded by the step timeout when the service hangs") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->injectFault({FaultKind::Hang, "GET", "/proxy", -1});
    auto client = clientFor(*api, oneAttempt());
    const auto start = std::chrono::steady_clock::now();
    StepResult step = gradeOne(rubricWith(kServices + ", timeout: 1s}"), *client);
    const auto took = std::chrono::steady_clock::now() - start;
    INFO(step.summary);
    // The transport gave up: the grader cannot tell whose fault that is.
    CHECK(step.outcome == Outcome::Error);
    CHECK(took < std::chrono::seconds(4));
    api->clearFaults();
}

TEST_CASE("http is an error when the answer is over maxBytes") {
    auto api = ApiDouble::start();
    arrangeJaegerService(*api);
    api->setServiceProxy("observability", "jaeger-query", "", [](const ServiceProxyRequest&) {
        return ServiceProxyResponse{200, "{\"data\":\"" + std::string(5000, 'x') + "\"}"};
    });
    auto client = clientFor(*api, oneAttempt());
    StepResult step = gradeOne(rubricWith(kServices + ", maxBytes: 4096}"), *client);
    CHECK(step.outcome == Outcome::Error);
    CHECK(step.summary.find("over the step's bound of 4096 (maxBytes)") != std::string::npos);
}

TEST_CASE("http is skipped on a snapshot") {
    auto snapshot = snapshotFromText("apiVersion: v1\nkind: List\nitems: []\n", "dump.yaml");
    REQUIRE(snapshot);
    GradeRun run = runChecks(rubricWith(kServices + "}"), {{"", snapshot->get()}}, {});
    REQUIRE(run.checks.size() == 1);
    CHECK(run.checks[0].outcome == Outcome::Skipped);
    CHECK(run.checks[0].earned == 0);
}
