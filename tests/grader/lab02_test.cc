// Lab 2 (GPU scheduling): the rubric validates, and every example under labs/lab-02-gpu-scheduling/examples is
// graded from its snapshot and live against the API double, each demanding what the example's expected.yaml
// says (written from the rubric before the grader was run). In live mode tests/support/scripted_scheduler plays
// kube-scheduler for the grader's preemption fixtures; the grader itself is never scripted.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "cli_test_support.h"
#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "double_fixture.h"
#include "lab02_support.h"
#include "grader/check_runner.h"
#include "grader/lab_locator.h"
#include "grader/object_source.h"
#include "grader/rubric_loader.h"
#include "tests/support/api_double.h"
#include "tests/support/scripted_scheduler.h"
#include "tests/support/temp_dir.h"

using namespace std::chrono_literals;
using kc::Json;
namespace fs = std::filesystem;
using namespace kc::grader::testing;

namespace {

struct Expected {
    double earned = 0;
    double points = 0;
    std::map<std::string, std::string> outcomes;
};

struct Example {
    std::string name;
    std::string dir;
    Expected snapshot;
    Expected live;
    std::string hintCheck;  // empty: no check fails
    std::string hintNudge;
};

Expected expectedFrom(const Json& j) {
    Expected e;
    e.earned = j.at("earned").get<double>();
    e.points = j.at("points").get<double>();
    for (auto it = j.at("outcomes").begin(); it != j.at("outcomes").end(); ++it)
        e.outcomes[it.key()] = it.value().get<std::string>();
    return e;
}

std::vector<Example> examples() {
    std::vector<Example> out;
    for (const auto& entry : fs::directory_iterator(kLab2Dir + "/examples")) {
        if (!entry.is_directory()) continue;
        Json y = readYaml(entry.path().string() + "/expected.yaml");
        Example ex;
        ex.name = entry.path().filename().string();
        ex.dir = entry.path().string();
        ex.snapshot = expectedFrom(y.at("snapshot"));
        ex.live = expectedFrom(y.at("live"));
        if (!y.at("firstHint").is_null()) {
            ex.hintCheck = y["firstHint"].at("check").get<std::string>();
            ex.hintNudge = y["firstHint"].at("nudge").get<std::string>();
        }
        out.push_back(ex);
    }
    std::sort(out.begin(), out.end(), [](const Example& a, const Example& b) { return a.name < b.name; });
    return out;
}

// The nudge of the first check, in rubric order, that failed: what a student reads first.
std::pair<std::string, std::string> firstHint(const kc::grader::GradeRun& run) {
    for (const auto& c : run.checks)
        if (c.outcome == kc::grader::Outcome::Fail) return {c.id, c.hints.nudge};
    return {"", ""};
}

Json crd(const std::string& group, const std::string& version, const std::string& kind, const std::string& plural,
         const std::string& scope) {
    std::string singular = kind;
    std::transform(singular.begin(), singular.end(), singular.begin(), [](unsigned char c) { return std::tolower(c); });
    return Json{{"apiVersion", "apiextensions.k8s.io/v1"},
                {"kind", "CustomResourceDefinition"},
                {"metadata", {{"name", plural + "." + group}}},
                {"spec",
                 {{"group", group},
                  {"scope", scope},
                  {"names", {{"plural", plural}, {"singular", singular}, {"kind", kind}}},
                  {"versions",
                   Json::array({{{"name", version},
                                 {"served", true},
                                 {"storage", true},
                                 {"subresources", {{"status", Json::object()}}},
                                 {"schema", {{"openAPIV3Schema", {{"type", "object"}}}}}}})}}}};
}

// The lab's cluster as the snapshot shows it, in the double: the add-on CRDs (Prometheus Operator, Kueue) are
// installed first, as on a cluster where the student set them up.
void arrangeExample(kc::testing::ApiDouble& api, const std::string& snapshotPath) {
    api.create(crd("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", "Namespaced"));
    for (auto [kind, plural, scope] : {std::tuple{"ResourceFlavor", "resourceflavors", "Cluster"},
                                       std::tuple{"ClusterQueue", "clusterqueues", "Cluster"},
                                       std::tuple{"LocalQueue", "localqueues", "Namespaced"},
                                       std::tuple{"Workload", "workloads", "Namespaced"}})
        api.create(crd("kueue.x-k8s.io", "v1beta1", kind, plural, scope));
    Json list = readYaml(snapshotPath);
    for (const auto& item : list.at("items")) {
        if (item.value("kind", "") != "Namespace") continue;
        if (!api.get("v1", "Namespace", "", item["metadata"]["name"].get<std::string>())) api.create(item);
    }
    for (const auto& item : list.at("items"))
        if (item.value("kind", "") != "Namespace") api.create(item);
}

}  // namespace

TEST_CASE("lab-02 rubric validates with 100 points and resolves by its id") {
    auto byPath = kc::grader::testing::grade({"rubric", "validate", kLab2Dir});
    INFO(byPath.stdoutText << byPath.stderrText);
    CHECK(byPath.exitCode == 0);
    CHECK(byPath.stdoutText.find("ok: 14 checks, 100 points") != std::string::npos);

    auto located = kc::grader::locateRubric("lab-02", {KUBECLASS_SOURCE_DIR});
    REQUIRE(located);
    CHECK(fs::equivalent(*located, kLab2Dir + "/rubric.yaml"));

    auto rubric = lab2Rubric();
    CHECK(rubric.lab == "lab-02");
    CHECK(rubric.totalPoints() == 100);
    // The bonus and the gate are reported but carry no points; exactly one graded check is hidden.
    REQUIRE(rubric.find("bonus-kueue-gang"));
    CHECK(rubric.find("bonus-kueue-gang")->points == 0);
    CHECK(rubric.find("gpu-nodes")->points == 0);
    int hidden = 0;
    for (const auto& c : rubric.checks) hidden += c.visibility == kc::grader::Visibility::Hidden ? 1 : 0;
    CHECK(hidden == 1);
    // Every check tells a stuck student something, in the three tiers.
    for (const auto& c : rubric.checks) {
        INFO(c.id);
        CHECK_FALSE(c.hints.nudge.empty());
        CHECK_FALSE(c.hints.command.empty());
        CHECK_FALSE(c.hints.solution.empty());
    }
}

TEST_CASE("lab-02 has a reference an empty and at least four mistake examples") {
    auto all = examples();
    std::vector<std::string> names;
    for (const auto& e : all) names.push_back(e.name);
    CHECK(std::count(names.begin(), names.end(), "reference") == 1);
    CHECK(std::count(names.begin(), names.end(), "empty") == 1);
    CHECK(all.size() >= 6);
    for (const auto& e : all) {
        INFO(e.name);
        CHECK(e.snapshot.points == 100);
        if (e.name != "reference") CHECK_FALSE(e.hintCheck.empty());
    }
}

TEST_CASE("lab-02 examples graded from their snapshots match expected.yaml") {
    auto rubric = lab2Rubric();
    for (const auto& ex : examples()) {
        DYNAMIC_SECTION(ex.name) {
            auto source = kc::grader::openSnapshot(ex.dir + "/snapshot.yaml");
            REQUIRE(source);
            kc::grader::RunOptions options;
            auto run = kc::grader::runChecks(rubric, {{"", source->get()}}, options);
            INFO(failureDetails(run));
            CHECK(outcomesOf(run) == ex.snapshot.outcomes);
            CHECK(run.earned() == Approx(ex.snapshot.earned));
            CHECK(run.points() == Approx(ex.snapshot.points));
            auto [check, nudge] = firstHint(run);
            CHECK(check == ex.hintCheck);
            CHECK(nudge == ex.hintNudge);
            // A snapshot never passes a check that needs a live cluster.
            CHECK(outcomesOf(run)["preemption"] != "pass");
        }
    }
}

TEST_CASE("lab-02 examples graded live against the API double match expected.yaml") {
    auto rubric = lab2Rubric();
    shortenTimeouts(rubric);
    for (const auto& ex : examples()) {
        DYNAMIC_SECTION(ex.name) {
            auto api = kc::testing::ApiDouble::start();
            auto scheduler = kc::testing::ScriptedScheduler::attach(*api);
            // What a student would see with `kubectl get pods -w`: the victim carries DisruptionTarget before
            // it goes.
            auto disrupted = std::make_shared<std::vector<std::string>>();
            auto disruptedMutex = std::make_shared<std::mutex>();
            api->addController([disrupted, disruptedMutex](kc::testing::ApiDouble&, const std::string& type,
                                                            const Json& object) {
                if (type != "MODIFIED" || object.value("kind", "") != "Pod") return;
                for (const auto& c : object["status"].value("conditions", Json::array()))
                    if (c.value("type", "") == "DisruptionTarget" && c.value("reason", "") == "PreemptionByScheduler") {
                        std::lock_guard lock(*disruptedMutex);
                        disrupted->push_back(object["metadata"]["name"].get<std::string>());
                    }
            });
            arrangeExample(*api, ex.dir + "/snapshot.yaml");
            auto run = gradeLive(*api, rubric);
            INFO(failureDetails(run));
            CHECK(run.mode == "live");
            CHECK(outcomesOf(run) == ex.live.outcomes);
            CHECK(run.earned() == Approx(ex.live.earned));
            auto [check, nudge] = firstHint(run);
            CHECK(check == ex.hintCheck);
            CHECK(nudge == ex.hintNudge);
            CHECK(run.leftovers.empty());
            // Where the scenario ran, the scheduler really preempted (once, for the training-high pod) and the
            // grader removed everything it applied.
            if (ex.live.outcomes.at("preemption") == "pass") {
                CHECK(scheduler->preempted() == 1);
                std::lock_guard lock(*disruptedMutex);
                REQUIRE(disrupted->size() == 1);
                // The lowest priority goes first: a filler (-10), never the student's batch-low sweep.
                CHECK(disrupted->front().rfind("gpu-filler-", 0) == 0);
                CHECK_FALSE(api->get("v1", "Pod", "kubeclass-preemption", disrupted->front()));
                CHECK_FALSE(api->get("v1", "Namespace", "", "kubeclass-preemption"));
                CHECK_FALSE(api->get("scheduling.k8s.io/v1", "PriorityClass", "", "kubeclass-filler"));
            }
        }
    }
}

TEST_CASE("lab-02 preemption fails live when the GPUs cannot be filled") {
    // Capacity far beyond the grader's 40 fillers (as with replicas: 64): no filler is left unschedulable, so the
    // scenario cannot show preemption and says so, instead of passing on a cluster that never preempted.
    auto rubric = lab2Rubric();
    shortenTimeouts(rubric);
    for (auto& check : rubric.checks)
        if (check.id == "preemption")
            for (auto& step : check.steps) step.timeout = 1s;
    auto api = kc::testing::ApiDouble::start();
    auto scheduler = kc::testing::ScriptedScheduler::attach(*api);
    arrangeExample(*api, kLab2Dir + "/examples/reference/snapshot.yaml");
    for (const char* name : {"lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2"}) {
        Json node = *api->get("v1", "Node", "", name);
        node["status"]["capacity"]["nvidia.com/gpu"] = "64";
        node["status"]["allocatable"]["nvidia.com/gpu"] = "64";
        node["metadata"].erase("resourceVersion");
        api->update(node);
    }
    auto run = gradeLive(*api, rubric);
    const auto* preemption = &run.checks.at(8);
    REQUIRE(preemption->id == "preemption");
    CHECK(kc::grader::outcomeName(preemption->outcome) == std::string("fail"));
    REQUIRE_FALSE(preemption->messages.empty());
    CHECK(preemption->messages.front().find("did not fill the GPUs") != std::string::npos);
    CHECK(scheduler->preempted() == 0);
    CHECK(scheduler->bound() >= 40);
    CHECK(run.leftovers.empty());
}

TEST_CASE("lab-02 preemption fails live when batch-low is allowed to preempt") {
    // Only the PriorityClass object changes after priority-classes has judged it: the scenario itself must catch
    // a batch pod that evicts a filler (it is nominated to a node), not just the static check.
    auto rubric = lab2Rubric();
    shortenTimeouts(rubric);
    auto api = kc::testing::ApiDouble::start();
    auto scheduler = kc::testing::ScriptedScheduler::attach(*api);
    arrangeExample(*api, kLab2Dir + "/examples/reference/snapshot.yaml");
    auto scenarioOnly = onlyChecks(rubric, {"preemption"});
    Json batch = *api->get("scheduling.k8s.io/v1", "PriorityClass", "", "batch-low");
    batch["preemptionPolicy"] = "PreemptLowerPriority";
    batch["metadata"].erase("resourceVersion");
    api->update(batch);
    for (auto& step : scenarioOnly.checks.front().steps) step.timeout = 2s;

    auto run = gradeLive(*api, scenarioOnly);
    REQUIRE(run.checks.size() == 1);
    CHECK(kc::grader::outcomeName(run.checks[0].outcome) == std::string("fail"));
    REQUIRE_FALSE(run.checks[0].messages.empty());
    CHECK(run.checks[0].messages.front().find("batch-low pod preempted a filler") != std::string::npos);
    CHECK(scheduler->preempted() == 2);  // one for the training pod, one for the batch pod
    CHECK(run.leftovers.empty());
}
