// The additional exercises (labs/exercises/*): every rubric validates with 100 points, hidden checks and hints;
// every example graded from its snapshot gives the outcomes and points its expected.yaml states (written from the
// rubric before the grader ran); every exercise is also graded live against the API double (its RBAC evaluator, a
// scripted reachability controller, Velero's CRDs and the trainer's log, scripted Deployment/adapter/HPA
// controllers), where the reference earns 100.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "clusters/yaml_json.h"
#include "grader/check_runner.h"
#include "grader/rubric_loader.h"
#include "tests/grader/double_fixture.h"
#include "tests/grader/exercise_hpa.h"
#include "tests/grader/exercise_reachability.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
namespace fs = std::filesystem;

namespace {

const std::string kExercises = std::string(KUBECLASS_SOURCE_DIR) + "/labs/exercises";
const std::vector<std::string> kExerciseNames = {"rbac-multi-tenant", "networkpolicies", "hpa-custom-metrics",
                                                 "velero-backup-restore", "production-readiness"};

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<Json> yamlDocuments(const std::string& path) {
    INFO(path);
    REQUIRE(fs::is_regular_file(path));
    auto docs = parseYamlDocuments(readText(path), path);
    INFO(path << ": " << (docs ? std::string() : docs.error().message));
    REQUIRE(docs);
    std::vector<Json> out;
    for (auto& d : *docs)
        if (!d.value.is_null()) out.push_back(d.value);
    return out;
}

struct Expectation {
    double earned = 0;
    std::map<std::string, std::string> outcomes;
};

struct Example {
    std::string name, dir;
    std::optional<Expectation> snapshot, live;
    std::string firstHintCheck, firstHintNudge;  // the first visible check that does not pass, and its nudge
    Json podLogs = Json::array();  // [{namespace, pod, container, text}]: what the pods printed, for live grading
};

Expectation expectationFrom(const Json& j) {
    Expectation e;
    e.earned = j.at("earned").get<double>();
    for (const auto& [id, outcome] : j.at("checks").items()) e.outcomes[id] = outcome.get<std::string>();
    return e;
}

std::vector<Example> examplesOf(const std::string& exercise) {
    std::vector<Example> out;
    for (const auto& entry : fs::directory_iterator(kExercises + "/" + exercise + "/examples")) {
        if (!entry.is_directory()) continue;
        Example e;
        e.name = entry.path().filename().string();
        e.dir = entry.path().string();
        Json expected = yamlDocuments(e.dir + "/expected.yaml").at(0);
        if (expected.contains("snapshot")) e.snapshot = expectationFrom(expected["snapshot"]);
        if (expected.contains("live")) e.live = expectationFrom(expected["live"]);
        CHECK(expected.value("example", "") == e.name);
        if (expected.contains("snapshot") && expected["snapshot"].contains("firstHint")) {
            e.firstHintCheck = expected["snapshot"]["firstHint"].value("check", "");
            e.firstHintNudge = expected["snapshot"]["firstHint"].value("nudge", "");
        }
        if (expected.contains("podLogs")) e.podLogs = expected["podLogs"];
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const Example& a, const Example& b) { return a.name < b.name; });
    return out;
}

Rubric exerciseRubric(const std::string& exercise) {
    auto rubric = loadRubric(kExercises + "/" + exercise + "/rubric.yaml");
    INFO(exercise << ": " << (rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    return *rubric;
}

std::map<std::string, std::string> outcomesOf(const GradeRun& run) {
    std::map<std::string, std::string> out;
    for (const auto& c : run.checks) out[c.id] = outcomeName(c.outcome);
    return out;
}

std::string describe(const GradeRun& run) {
    std::string s;
    for (const auto& c : run.checks) {
        s += c.id + ": " + outcomeName(c.outcome);
        for (const auto& m : c.messages) s += " | " + m;
        s += "\n";
    }
    return s;
}

GradeRun gradeSnapshot(const Rubric& rubric, const std::string& path) {
    auto source = openSnapshot(path);
    INFO(path << ": " << (source ? std::string() : source.error().message));
    REQUIRE(source);
    return runChecks(rubric, {{"", source->get()}}, {});
}

// Live waits are for real clusters; the double's state is final before grading, so a failing read fails fast.
// Probes keep a window long enough for the scripted controller.
Rubric withShortTimeouts(Rubric rubric) {
    for (auto& c : rubric.checks) {
        c.timeout.reset();
        for (auto& s : c.steps) s.timeout = s.kind == StepKind::Probe ? Duration(10000) : Duration(100);
    }
    return rubric;
}

// The objects of a List dump (or of manifests), created in the double with namespaces first.
void arrange(ApiDouble& api, const std::vector<Json>& documents) {
    std::vector<Json> objects;
    for (const auto& d : documents) {
        if (d.value("kind", "") == "List")
            for (const auto& item : d["items"]) objects.push_back(item);
        else
            objects.push_back(d);
    }
    std::stable_partition(objects.begin(), objects.end(),
                          [](const Json& o) { return o.value("kind", "") == "Namespace"; });
    for (auto& o : objects) {
        // The double starts with namespace default (like a real cluster); a dump's copy only adds its labels.
        const Json& meta = o["metadata"];
        if (o.value("kind", "") == "Namespace" && api.get("v1", "Namespace", "", meta.value("name", ""))) {
            Json existing = *api.get("v1", "Namespace", "", meta.value("name", ""));
            existing["metadata"]["labels"] = meta.value("labels", Json::object());
            api.update(existing);
            continue;
        }
        api.create(o);
    }
}

GradeRun gradeLive(const Rubric& rubric, ApiDouble& api) {
    auto client = clientFor(api);
    auto source = liveSource(*client, "context api-double");
    RunOptions options;
    options.cleanupTimeout = std::chrono::seconds(5);
    return runChecks(withShortTimeouts(rubric), {{"", source.get()}}, options);
}

void requireExpected(const GradeRun& run, const Expectation& expected, const std::string& what) {
    INFO(what << "\n" << describe(run));
    CHECK(outcomesOf(run) == expected.outcomes);
    CHECK(run.earned() == Approx(expected.earned));
    CHECK(run.leftovers.empty());
}

// Every example of an exercise graded live in a fresh double; `setup` adds the exercise's scripted controllers.
void gradeExamplesLive(const std::string& exercise, const std::function<void(ApiDouble&)>& setup) {
    Rubric rubric = exerciseRubric(exercise);
    bool sawReference = false;
    for (const auto& example : examplesOf(exercise)) {
        REQUIRE(example.live);
        auto api = ApiDouble::start();
        if (setup) setup(*api);
        arrange(*api, yamlDocuments(example.dir + "/snapshot.yaml"));
        for (const auto& log : example.podLogs)
            api->setPodLog(log.at("namespace"), log.at("pod"), log.at("container"), log.at("text"));
        GradeRun run = gradeLive(rubric, *api);
        requireExpected(run, *example.live, exercise + "/" + example.name + " (live)");
        if (example.name == "reference") {
            sawReference = true;
            CHECK(run.earned() == Approx(100));
        }
    }
    CHECK(sawReference);
}

}  // namespace

TEST_CASE("every exercise rubric validates with 100 points hidden checks and tiered hints") {
    for (const auto& name : kExerciseNames) {
        INFO(name);
        Rubric rubric = exerciseRubric(name);
        CHECK(rubric.totalPoints() == Approx(100));
        CHECK(rubric.lab == "ex-" + name);
        int hidden = 0;
        for (const auto& c : rubric.checks) {
            INFO(c.id);
            if (c.visibility != Visibility::Visible) ++hidden;
            CHECK_FALSE(c.hints.nudge.empty());
            CHECK_FALSE(c.hints.command.empty());
            CHECK_FALSE(c.hints.solution.empty());
        }
        CHECK(hidden >= 1);
        // The walkthrough names every visible check as a checkpoint and says how to grade.
        std::string readme = readText(kExercises + "/" + name + "/README.md");
        for (const auto& c : rubric.checks)
            if (c.visibility == Visibility::Visible) CHECK_THAT(readme, Catch::Contains("`" + c.id + "`"));
        CHECK_THAT(readme, Catch::Contains("kubeclass-grade check --lab labs/exercises/" + name));
    }
}

TEST_CASE("every exercise has a reference an empty and at least two mistake examples") {
    for (const auto& name : kExerciseNames) {
        INFO(name);
        std::set<std::string> names;
        for (const auto& e : examplesOf(name)) {
            names.insert(e.name);
            CHECK(e.snapshot);
        }
        CHECK(names.count("reference") == 1);
        CHECK(names.count("empty") == 1);
        CHECK(names.size() >= 4);
        CHECK(fs::is_directory(kExercises + "/" + name + "/solution"));
    }
}

TEST_CASE("every exercise example graded from its snapshot gives its expected outcomes and points") {
    for (const auto& name : kExerciseNames) {
        Rubric rubric = exerciseRubric(name);
        for (const auto& example : examplesOf(name)) {
            GradeRun run = gradeSnapshot(rubric, example.dir + "/snapshot.yaml");
            requireExpected(run, *example.snapshot, name + "/" + example.name + " (snapshot)");
            if (example.name == "empty") CHECK(run.earned() == 0);
            if (example.firstHintCheck.empty()) continue;
            // The first visible check that did not pass is the one named, and it has a hint to give.
            const CheckResult* first = nullptr;
            for (const auto& c : run.checks)
                if (!first && c.visibility == Visibility::Visible && c.outcome != Outcome::Pass &&
                    c.outcome != Outcome::Skipped)
                    first = &c;
            INFO(name << "/" << example.name);
            REQUIRE(first);
            CHECK(first->id == example.firstHintCheck);
            CHECK(first->hints.nudge == example.firstHintNudge);
        }
    }
}

TEST_CASE("exercise rbac-multi-tenant examples graded live match the double's RBAC answers") {
    gradeExamplesLive("rbac-multi-tenant", nullptr);
}

TEST_CASE("exercise rbac-multi-tenant solution manifests applied to the double earn 100 live") {
    auto api = ApiDouble::start();
    const std::string dir = kExercises + "/rbac-multi-tenant/solution";
    std::vector<Json> docs = yamlDocuments(dir + "/tenants.yaml");
    for (auto& d : yamlDocuments(dir + "/rbac.yaml")) docs.push_back(d);
    arrange(*api, docs);
    GradeRun run = gradeLive(exerciseRubric("rbac-multi-tenant"), *api);
    INFO(describe(run));
    CHECK(run.earned() == Approx(100));
}

TEST_CASE("exercise networkpolicies examples graded live with scripted reachability") {
    gradeExamplesLive("networkpolicies", [](ApiDouble& api) {
        addReachabilityController(api, std::make_shared<NetworkPolicyModel>());
    });
}

TEST_CASE("the reachability model follows NetworkPolicy isolation peers and ports") {
    NetworkPolicyModel model;
    auto ns = [&](const std::string& name) {
        model.observe("ADDED", Json{{"kind", "Namespace"},
                                   {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}}});
    };
    ns("a");
    ns("b");
    NetEndpoint web{"a", Json{{"app", "web"}}, ""}, db{"b", Json{{"app", "db"}}, ""}, other{"b", Json{{"app", "x"}}, ""};
    NetEndpoint internet{"", Json::object(), "1.1.1.1"};
    CHECK(model.reachable(web, db, 5432, "TCP"));  // nothing isolates anyone
    model.observe("ADDED", Json{{"kind", "NetworkPolicy"},
                                {"metadata", {{"name", "deny"}, {"namespace", "b"}}},
                                {"spec", {{"podSelector", Json::object()}, {"policyTypes", {"Ingress"}}}}});
    CHECK_FALSE(model.reachable(web, db, 5432, "TCP"));  // b is ingress-isolated
    CHECK(model.reachable(db, web, 80, "TCP"));          // egress from b is not isolated
    // An allow with namespaceSelector AND podSelector in one peer, on one port.
    model.observe("ADDED", Json{{"kind", "NetworkPolicy"},
                                {"metadata", {{"name", "allow"}, {"namespace", "b"}}},
                                {"spec",
                                 {{"podSelector", {{"matchLabels", {{"app", "db"}}}}},
                                  {"ingress", Json::array({Json{{"from", Json::array({Json{
                                                                    {"namespaceSelector", {{"matchLabels", {{"kubernetes.io/metadata.name", "a"}}}}},
                                                                    {"podSelector", {{"matchLabels", {{"app", "web"}}}}}}})},
                                                                {"ports", Json::array({Json{{"port", 5432}}})}}})}}}});
    CHECK(model.reachable(web, db, 5432, "TCP"));
    CHECK_FALSE(model.reachable(web, db, 5433, "TCP"));
    CHECK_FALSE(model.reachable(web, db, 5432, "UDP"));
    CHECK_FALSE(model.reachable(NetEndpoint{"a", Json{{"app", "batch"}}, ""}, db, 5432, "TCP"));
    CHECK_FALSE(model.reachable(web, other, 5432, "TCP"));  // the allow selects app=db only
    // Egress isolation with an ipBlock: the address inside the block, not its exception.
    model.observe("ADDED", Json{{"kind", "NetworkPolicy"},
                                {"metadata", {{"name", "egress"}, {"namespace", "a"}}},
                                {"spec",
                                 {{"podSelector", Json::object()},
                                  {"policyTypes", {"Egress"}},
                                  {"egress", Json::array({Json{{"to", Json::array({Json{{"ipBlock",
                                                                                          {{"cidr", "1.0.0.0/8"},
                                                                                           {"except", {"1.2.0.0/16"}}}}}})}}})}}}});
    CHECK(model.reachable(web, internet, 80, "TCP"));
    CHECK_FALSE(model.reachable(web, NetEndpoint{"", Json::object(), "1.2.3.4"}, 80, "TCP"));
    CHECK_FALSE(model.reachable(web, db, 5432, "TCP"));  // a's egress now admits only the block
    model.observe("DELETED", Json{{"kind", "NetworkPolicy"}, {"metadata", {{"name", "egress"}, {"namespace", "a"}}}});
    CHECK(model.reachable(web, db, 5432, "TCP"));
}

// Velero's custom resources, as the double needs them (no schema: the double does not validate custom resources).
void installVeleroCrds(ApiDouble& api) {
    for (const auto& [kind, plural] : std::vector<std::pair<std::string, std::string>>{
             {"Backup", "backups"}, {"Restore", "restores"}, {"Schedule", "schedules"},
             {"BackupStorageLocation", "backupstoragelocations"}}) {
        std::string singular = plural.substr(0, plural.size() - 1);
        api.create(Json{{"apiVersion", "apiextensions.k8s.io/v1"},
                        {"kind", "CustomResourceDefinition"},
                        {"metadata", {{"name", plural + ".velero.io"}}},
                        {"spec",
                         {{"group", "velero.io"},
                          {"scope", "Namespaced"},
                          {"names", {{"kind", kind}, {"plural", plural}, {"singular", singular}}},
                          {"versions", Json::array({Json{{"name", "v1"},
                                                         {"served", true},
                                                         {"storage", true},
                                                         {"schema",
                                                          {{"openAPIV3Schema",
                                                            {{"type", "object"},
                                                             {"x-kubernetes-preserve-unknown-fields", true}}}}}}})}}}});
    }
}

TEST_CASE("exercise velero-backup-restore examples graded live read the restored trainer's log") {
    gradeExamplesLive("velero-backup-restore", installVeleroCrds);
}

TEST_CASE("exercise production-readiness examples graded live give the snapshot's outcomes") {
    gradeExamplesLive("production-readiness", nullptr);
}

// The HPA exercise live: the snapshot's objects without what controllers write (statuses, Events, the replica count
// the HPA chose), so the scripted Deployment, adapter and HPA controllers of exercise_hpa.h must produce them.
std::vector<Json> hpaDesiredState(const std::vector<Json>& dump) {
    std::map<std::string, int> starterReplicas;  // "ns/name" → spec.replicas as starter/app.yaml applies it
    for (const auto& o : yamlDocuments(kExercises + "/hpa-custom-metrics/starter/app.yaml"))
        if (o.value("kind", "") == "Deployment")
            starterReplicas[o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", "")] =
                o["spec"].value("replicas", 1);
    std::vector<Json> out;
    for (const auto& list : dump)
        for (Json o : list.value("items", Json::array())) {
            const std::string kind = o.value("kind", "");
            if (kind == "Event") continue;
            const std::string group = o.value("spec", Json::object()).value("group", "");
            const bool adapterApiService =
                kind == "APIService" && (group == "custom.metrics.k8s.io" || group == "external.metrics.k8s.io");
            if (kind == "Deployment" || kind == "HorizontalPodAutoscaler" || adapterApiService) o.erase("status");
            const std::string key = o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", "");
            if (kind == "Deployment" && starterReplicas.count(key)) o["spec"]["replicas"] = starterReplicas[key];
            out.push_back(o);
        }
    return out;
}

HpaWorld hpaWorld(const Json& liveWorld) {
    HpaWorld world;
    // The load the test applies: 14 requests/s in all, and 85% of one pod's CPU request.
    world.totalRequestsPerSecond = 14;
    world.totalCpuUtilizationPercent = 85;
    world.metricsServed =
        adapterMetricNames(yamlDocuments(kExercises + "/hpa-custom-metrics/solution/adapter-values.yaml").at(0));
    for (const auto& d : liveWorld.value("unreadyDeployments", Json::array()))
        world.unreadyDeployments.insert(d.get<std::string>());
    return world;
}

std::vector<Json> hpaEvents(ApiDouble& api, const std::string& reason) {
    std::vector<Json> out;
    auto client = clientFor(api);
    auto list = client->list(ObjectRef{"v1", "Event", "serving", ""});
    REQUIRE(list);
    for (const auto& e : list->items)
        if (e.value("reason", "") == reason) out.push_back(e);
    return out;
}

TEST_CASE("the adapter rules serve http_requests_per_second from http_requests_total") {
    auto names =
        adapterMetricNames(yamlDocuments(kExercises + "/hpa-custom-metrics/solution/adapter-values.yaml").at(0));
    CHECK(names == std::set<std::string>{"http_requests_per_second"});
    CHECK(quantityValue(Json("5")) == Approx(5));
    CHECK(quantityValue(Json("4800m")) == Approx(4.8));
}

TEST_CASE("exercise hpa-custom-metrics examples graded live with scripted adapter HPA and Deployment controllers") {
    Rubric rubric = exerciseRubric("hpa-custom-metrics");
    bool sawReference = false;
    for (const auto& example : examplesOf("hpa-custom-metrics")) {
        REQUIRE(example.live);
        Json expected = yamlDocuments(example.dir + "/expected.yaml").at(0);
        HpaScenario scenario(hpaWorld(expected.value("liveWorld", Json::object())));  // outlives the double
        auto api = ApiDouble::start();
        scenario.install(*api);
        arrange(*api, hpaDesiredState(yamlDocuments(example.dir + "/snapshot.yaml")));
        GradeRun run = gradeLive(rubric, *api);
        requireExpected(run, *example.live, "hpa-custom-metrics/" + example.name + " (live)");
        if (example.name != "reference") continue;
        sawReference = true;
        CHECK(run.earned() == Approx(100));
        // 14 req/s on 1 pod against 5 per pod: ceil(1 * 14 / 5) = 3. On 3 pods 14/3 = 4.667 is within the 10%
        // tolerance of 5, so the HPA stays at 3.
        auto deployment = api->get("apps/v1", "Deployment", "serving", "model-server");
        REQUIRE(deployment);
        CHECK((*deployment)["spec"]["replicas"] == 3);
        CHECK((*deployment)["status"]["availableReplicas"] == 3);
        auto hpa = api->get("autoscaling/v2", "HorizontalPodAutoscaler", "serving", "model-server");
        REQUIRE(hpa);
        CHECK((*hpa)["status"]["currentReplicas"] == 3);
        CHECK((*hpa)["status"]["desiredReplicas"] == 3);
        CHECK((*hpa)["status"]["currentMetrics"][0]["pods"]["current"]["averageValue"] == "4667m");
        auto rescales = hpaEvents(*api, "SuccessfulRescale");
        REQUIRE(rescales.size() == 1);
        CHECK(rescales[0]["message"] == "New size: 3; reason: pods metric http_requests_per_second above target");
    }
    CHECK(sawReference);
}

TEST_CASE("the scripted HPA clamps to maxReplicas and reports why it cannot read a metric") {
    HpaWorld world;
    world.totalRequestsPerSecond = 100;  // ceil(1 * 100 / 5) = 20, above maxReplicas 6
    world.metricsServed = {"http_requests_per_second"};
    HpaScenario scenario(world);  // outlives the double
    auto api = ApiDouble::start();
    scenario.install(*api);
    const std::vector<Json> dump = yamlDocuments(kExercises + "/hpa-custom-metrics/examples/reference/snapshot.yaml");
    arrange(*api, hpaDesiredState(dump));
    auto hpa = api->get("autoscaling/v2", "HorizontalPodAutoscaler", "serving", "model-server");
    REQUIRE(hpa);
    CHECK((*hpa)["status"]["desiredReplicas"] == 6);
    CHECK((*hpa)["status"]["conditions"][2]["type"] == "ScalingLimited");
    CHECK((*hpa)["status"]["conditions"][2]["status"] == "True");
    CHECK((*api->get("apps/v1", "Deployment", "serving", "model-server"))["spec"]["replicas"] == 6);

    // The adapter's pods go away: its APIService turns unavailable and the HPA stops scaling.
    Json adapter = *api->get("apps/v1", "Deployment", "monitoring", "prometheus-adapter");
    adapter["spec"]["replicas"] = 0;
    adapter["metadata"].erase("resourceVersion");
    api->update(adapter);
    auto service = api->get("apiregistration.k8s.io/v1", "APIService", "", "v1beta1.custom.metrics.k8s.io");
    REQUIRE(service);
    CHECK((*service)["status"]["conditions"][0]["status"] == "False");
    hpa = api->get("autoscaling/v2", "HorizontalPodAutoscaler", "serving", "model-server");
    CHECK((*hpa)["status"]["conditions"][1]["status"] == "False");
    CHECK((*hpa)["status"]["conditions"][1]["reason"] == "FailedGetPodsMetric");
    CHECK(hpaEvents(*api, "FailedGetPodsMetric").size() == 1);
}
