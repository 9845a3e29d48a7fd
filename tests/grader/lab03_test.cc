// Lab 3 (service mesh): the rubric and its track overlays validate, and every example in
// labs/lab-03-service-mesh/examples grades to the score, outcomes and first hint its expected.yaml states, from
// a snapshot and live against the API double, where lab03_mesh_simulator.h plays the mesh, kubelet and Job
// controller from the configuration the example applies.
#include <catch2/catch.hpp>

#include <filesystem>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "clusters/yaml_json.h"
#include "grader/check_runner.h"
#include "grader/object_source.h"
#include "grader/rubric_loader.h"
#include "tests/grader/double_fixture.h"
#include "tests/grader/lab03_mesh_simulator.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using namespace std::chrono_literals;
using namespace kc::grader::testing::mesh;

namespace {

const std::string kLabDir = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-03-service-mesh";

std::string readText(const std::string& path) {
    std::string text;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot read " + path);
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
}

Json readYaml(const std::string& path) {
    auto docs = parseYamlDocuments(readText(path), path);
    if (!docs || docs->empty()) throw std::runtime_error("cannot parse " + path);
    return docs->front().value;
}

std::vector<std::string> exampleNames() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kLabDir + "/examples"))
        if (entry.is_directory() && std::filesystem::exists(entry.path() / "expected.yaml"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---- expectations --------------------------------------------------------------------------------------------

struct Expectation {
    double score = 0;
    std::map<std::string, std::string> notPassed;  // check id → outcome; every other check passes
    std::string firstHint;
};

Expectation expectationFrom(const Json& mode) {
    Expectation e;
    e.score = mode.at("score").get<double>();
    for (const auto& [id, outcome] : mode.at("notPassed").items()) e.notPassed[id] = outcome.get<std::string>();
    e.firstHint = mode.value("firstHint", "");
    return e;
}

// The nudge a student reads first: the first visible check, in rubric order, that failed or errored.
std::string firstHint(const Rubric& rubric, const GradeRun& run) {
    for (const auto& c : run.checks) {
        const Check* check = rubric.find(c.id);
        if (check && check->visibility == Visibility::Visible &&
            (c.outcome == Outcome::Fail || c.outcome == Outcome::Error))
            return check->hints.nudge;
    }
    return "";
}

void demand(const std::string& label, const Rubric& rubric, const GradeRun& run, const Expectation& want) {
    INFO(label);
    for (const auto& c : run.checks) {
        auto it = want.notPassed.find(c.id);
        std::string expected = it == want.notPassed.end() ? "pass" : it->second;
        std::string why;
        for (const auto& m : c.messages) why += m + " | ";
        for (const auto& s : c.steps)
            for (const auto& mm : s.mismatches) why += mm.path + ": " + mm.expected + " vs " + mm.observed + " | ";
        INFO(c.id << ": " << why);
        CHECK(outcomeName(c.outcome) == expected);
    }
    CHECK(run.earned() == Approx(want.score));
    CHECK(firstHint(rubric, run) == want.firstHint);
}

// The lab's rubric with the track overlays (paths relative to the lab directory) applied in order.
Rubric labRubric(const std::vector<std::string>& overlays = {}) {
    std::vector<std::string> files;
    for (const auto& o : overlays) files.push_back(kLabDir + "/" + o);
    auto rubric = loadRubricWithOverlays(kLabDir + "/rubric.yaml", files);
    INFO((rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    return *rubric;
}

std::vector<std::string> overlaysOf(const Json& expected) {
    std::vector<std::string> overlays;
    if (expected.contains("overlays"))
        for (const auto& o : expected["overlays"]) overlays.push_back(o.get<std::string>());
    return overlays;
}

// Short retry windows so that the failing checks of the mistakes do not wait out the lab's minute; probes keep
// enough time for the scripted Job controller.
Rubric quickRubric(const std::vector<std::string>& overlays) {
    Rubric rubric = labRubric(overlays);
    for (auto& check : rubric.checks) {
        check.timeout.reset();
        for (auto& step : check.steps)
            step.timeout = step.kind == StepKind::Probe || step.kind == StepKind::Apply ? Duration(10s) : Duration(300ms);
    }
    return rubric;
}

GradeRun gradeLive(const std::string& example, const Rubric& rubric, ApiDouble*& serverOut,
                   std::unique_ptr<ApiDouble>& holder) {
    holder = ApiDouble::start();
    serverOut = holder.get();
    auto mesh = std::make_shared<MeshSimulator>();
    playProbeJobs(*holder, mesh);
    serveJaegerQuery(*holder, mesh);
    Json cluster = readYaml(kLabDir + "/examples/" + example + "/cluster.yaml");
    bool meshInstalled = false;
    for (const auto& item : cluster["items"]) {
        std::string name = str(item["metadata"], "name");
        meshInstalled = meshInstalled || name == "istiod" || name == "linkerd-destination";
    }
    if (meshInstalled) installMeshCrds(*holder);
    for (const auto& item : cluster["items"]) {
        if (holder->get(str(item, "apiVersion"), str(item, "kind"), str(item["metadata"], "namespace"),
                        str(item["metadata"], "name")))
            continue;  // the double starts with namespace default
        // A custom resource can be created once its CRD is Established (at once, on the double's scheduler).
        for (int attempt = 0;; ++attempt) {
            try {
                holder->create(item);
                break;
            } catch (const std::exception&) {
                if (attempt >= 100) throw;
                std::this_thread::sleep_for(20ms);
            }
        }
    }
    auto client = clientFor(*holder);
    auto source = liveSource(*client, "double");
    RunOptions options;
    options.cleanupTimeout = 5s;
    return runChecks(rubric, {{"", source.get()}}, options);
}

}  // namespace

TEST_CASE("lab 3 rubric validates with 100 points and a hidden check") {
    Rubric rubric = labRubric();
    CHECK(rubric.lab == "lab-03");
    CHECK(rubric.totalPoints() == Approx(100));
    CHECK(rubric.totalPoints(false) < 100);
    for (const auto& check : rubric.checks) {
        INFO(check.id);
        CHECK_FALSE(check.hints.nudge.empty());
        CHECK_FALSE(check.hints.solution.empty());
    }
}

TEST_CASE("lab 3 track overlays keep 100 points and replace checks point for point") {
    const std::vector<std::vector<std::string>> tracks = {
        {"tracks/gateway-api.yaml"},
        {"tracks/gateway-api.yaml", "tracks/linkerd.yaml"},
        {"tracks/gateway-api.yaml", "tracks/ambient.yaml"}};
    for (const auto& overlays : tracks) {
        Rubric rubric = labRubric(overlays);
        INFO(overlays.back());
        CHECK(rubric.totalPoints() == Approx(100));
        CHECK(rubric.find("split-traffic") != nullptr);  // the probes are shared by every track
        CHECK(rubric.find("mtls-probe") != nullptr);
        CHECK(rubric.find("authz-probe") != nullptr);
        CHECK(rubric.find("split-weights") == nullptr);
    }
    CHECK(labRubric({"tracks/gateway-api.yaml", "tracks/linkerd.yaml"}).find("authz-policy") == nullptr);
    CHECK(labRubric({"tracks/gateway-api.yaml", "tracks/ambient.yaml"}).find("proxies-injected") == nullptr);
}

TEST_CASE("lab 3 examples graded from snapshots give the expected results") {
    auto names = exampleNames();
    REQUIRE(names.size() >= 7);
    for (const auto& name : names) {
        Json expected = readYaml(kLabDir + "/examples/" + name + "/expected.yaml");
        Rubric rubric = labRubric(overlaysOf(expected));
        auto snapshot = openSnapshot(kLabDir + "/examples/" + name + "/cluster.yaml");
        INFO((snapshot ? std::string() : snapshot.error().message));
        REQUIRE(snapshot);
        GradeRun run = runChecks(rubric, {{"", snapshot->get()}}, RunOptions{});
        demand(name + " (snapshot)", rubric, run, expectationFrom(expected["snapshot"]));
    }
}

TEST_CASE("lab 3 examples graded live against a simulated mesh give the expected results") {
    for (const auto& name : exampleNames()) {
        Json expected = readYaml(kLabDir + "/examples/" + name + "/expected.yaml");
        if (!expected.contains("live")) {
            WARN("not graded live: " << name << ": the simulated mesh plays Istio sidecars and Linkerd, not ambient mode; graded from its snapshot");
            continue;
        }
        Rubric rubric = quickRubric(overlaysOf(expected));
        std::unique_ptr<ApiDouble> holder;
        ApiDouble* server = nullptr;
        GradeRun live = gradeLive(name, rubric, server, holder);
        demand(name + " (live)", rubric, live, expectationFrom(expected["live"]));
        CHECK(live.leftovers.empty());
        // What a snapshot can grade, it grades as live does.
        auto snapshot = openSnapshot(kLabDir + "/examples/" + name + "/cluster.yaml");
        REQUIRE(snapshot);
        GradeRun fromSnapshot = runChecks(rubric, {{"", snapshot->get()}}, RunOptions{});
        for (size_t i = 0; i < live.checks.size(); ++i) {
            if (fromSnapshot.checks[i].outcome == Outcome::Skipped) continue;
            INFO(name << " " << live.checks[i].id);
            CHECK(live.checks[i].outcome == fromSnapshot.checks[i].outcome);
        }
    }
}

// The tracing checks read Jaeger's query API through the API server's service proxy after the probe's traffic:
// the reference solutions pass both http steps; with ranker unreachable (subset labels that select no pod) Jaeger
// lists only frontend, so the services step fails on `.data`.
TEST_CASE("lab 3 tracing reads Jaeger through the service proxy") {
    struct Case {
        std::string example, check, proxyPath;
        Outcome servicesStep;
    };
    const std::vector<Case> cases = {
        {"reference", "tracing-traces", "/api/v1/namespaces/istio-system/services/tracing:80/proxy/jaeger/api/services",
         Outcome::Pass},
        {"reference-linkerd", "tracing-traces-linkerd",
         "/api/v1/namespaces/linkerd-jaeger/services/jaeger:16686/proxy/api/traces?service=linkerd-proxy", Outcome::Pass},
        {"subset-labels-mismatch", "tracing-traces",
         "/api/v1/namespaces/istio-system/services/tracing:80/proxy/jaeger/api/services", Outcome::Fail}};
    for (const auto& c : cases) {
        INFO(c.example);
        Json expected = readYaml(kLabDir + "/examples/" + c.example + "/expected.yaml");
        std::unique_ptr<ApiDouble> holder;
        ApiDouble* server = nullptr;
        GradeRun run = gradeLive(c.example, quickRubric(overlaysOf(expected)), server, holder);
        const CheckResult* traces = nullptr;
        for (const auto& check : run.checks)
            if (check.id == c.check) traces = &check;
        REQUIRE(traces != nullptr);
        REQUIRE(traces->steps.size() >= 2);
        CHECK(traces->steps[0].kind == StepKind::Probe);
        CHECK(traces->steps[0].outcome == Outcome::Pass);  // the traffic was sent in every case
        CHECK(traces->steps[1].kind == StepKind::Http);
        CHECK(traces->steps[1].outcome == c.servicesStep);
        if (c.servicesStep == Outcome::Fail) {
            REQUIRE_FALSE(traces->steps[1].mismatches.empty());
            CHECK(traces->steps[1].mismatches[0].path.rfind(".data", 0) == 0);
        }
        bool asked = false;
        for (const auto& r : server->requests()) asked = asked || r.target.rfind(c.proxyPath, 0) == 0;
        CHECK(asked);
    }
}
