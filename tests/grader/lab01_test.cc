// Lab 1 (labs/lab-01-operator): the rubric validates; every example graded from its snapshot gives the grade its
// expected.yaml reasons out; the same examples arranged in the API double and graded live give the same outcomes
// for every check a snapshot can grade; and the reference solution (CRD, RBAC, Deployment, sample) with the
// reference Python operator running against the double grades 100. What kube-controller-manager and the kubelet
// would do (Deployment availability, Job pods running and completing) is played by scripted controllers here.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "clusters/bounded_file.h"
#include "clusters/process_runner.h"
#include "clusters/yaml_json.h"
#include "grader/check_runner.h"
#include "grader/rubric_loader.h"
#include "grader/snapshot_source.h"
#include "tests/grader/cli_test_support.h"
#include "tests/grader/double_fixture.h"
#include "tests/support/temp_dir.h"

extern char** environ;

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kLab = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-01-operator";
const char* kPython = "/usr/bin/python3";  // Debian's, with python3-kubernetes; the pyenv one on PATH has none

Rubric labRubric() {
    auto r = loadRubric(kLab + "/rubric.yaml");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return *r;
}

Json readYaml(const std::string& path) {
    auto text = readFileBounded(path, 16 * 1024 * 1024);
    INFO(path);
    REQUIRE(text);
    auto doc = parseYamlDocument(*text, path);
    INFO((doc ? std::string() : doc.error().message));
    REQUIRE(doc);
    return doc->value;
}

std::vector<std::string> exampleNames() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kLab + "/examples"))
        if (entry.is_directory() && fs::exists(entry.path() / "expected.yaml")) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

bool hasLiveOnlyStep(const Check& check) {
    return std::any_of(check.steps.begin(), check.steps.end(), [](const Step& s) { return isLiveOnly(s); });
}

std::map<std::string, std::string> outcomes(const GradeRun& run) {
    std::map<std::string, std::string> out;
    for (const auto& c : run.checks) out[c.id] = outcomeName(c.outcome);
    return out;
}

std::map<std::string, std::string> expectedOutcomes(const Json& expected) {
    std::map<std::string, std::string> out;
    for (const auto& [id, outcome] : expected["snapshot"]["checks"].items()) out[id] = outcome.get<std::string>();
    return out;
}

// The hint a student reads first: the nudge of the first check, in rubric order, that failed.
Json firstHint(const GradeRun& run) {
    for (const auto& c : run.checks)
        if (c.outcome == Outcome::Fail) return Json{{"check", c.id}, {"nudge", c.hints.nudge}};
    return nullptr;
}

// Every object of a List dump, created in the double as it is (status and managedFields kept), namespaces first.
void arrangeSnapshot(ApiDouble& api, const std::string& snapshotFile) {
    Json list = readYaml(snapshotFile);
    std::vector<Json> items(list["items"].begin(), list["items"].end());
    std::stable_partition(items.begin(), items.end(), [](const Json& o) {
        return o["kind"] == "Namespace" || o["kind"] == "CustomResourceDefinition";
    });
    for (const auto& item : items) {
        if (api.get(item["apiVersion"], item["kind"], item["metadata"].value("namespace", ""),
                    item["metadata"]["name"]))
            continue;  // the double's own namespaces
        api.create(item);
    }
}

// ---- what the cluster's controllers would do ----

// kube-controller-manager's Deployment and ReplicaSet controllers with a kubelet: every replica is available.
void deploymentsBecomeAvailable(ApiDouble& api) {
    api.addController([](ApiDouble& d, const std::string& type, const Json& obj) {
        if (type == "DELETED" || obj["kind"] != "Deployment") return;
        int replicas = obj["spec"].value("replicas", 1);
        if (obj.contains("status") && obj["status"].value("availableReplicas", -1) == replicas) return;
        Json next = obj;
        next["metadata"].erase("resourceVersion");
        next["status"] = {{"observedGeneration", obj["metadata"].value("generation", 1)},
                          {"replicas", replicas},
                          {"updatedReplicas", replicas},
                          {"readyReplicas", replicas},
                          {"availableReplicas", replicas},
                          {"conditions", Json::array({Json{{"type", "Available"}, {"status", "True"},
                                                           {"reason", "MinimumReplicasAvailable"}}})}};
        d.update(next);
    });
}

// The garbage collector's other half: the double deletes dependents when their owner is deleted, but a child
// created after its owner is gone (an operator racing the grader's delete) would stay. The real collector
// removes it because no owner with that uid exists.
void orphansAreCollected(ApiDouble& api) {
    api.addController([](ApiDouble& d, const std::string& type, const Json& obj) {
        if (type != "ADDED" || !obj["metadata"].contains("ownerReferences")) return;
        const std::string ns = obj["metadata"].value("namespace", "");
        try {
            for (const auto& ref : obj["metadata"]["ownerReferences"]) {
                auto owner = d.get(ref.value("apiVersion", ""), ref.value("kind", ""), ns, ref.value("name", ""));
                if (owner && (*owner)["metadata"].value("uid", "") == ref.value("uid", "")) return;
            }
            d.remove(obj["apiVersion"], obj["kind"], ns, obj["metadata"]["name"]);
        } catch (const std::exception&) {
            // the owner's kind is gone (its CRD deleted) or the orphan already is: nothing to collect
        }
    });
}

std::string nowRfc3339() {
    std::time_t now = std::time(nullptr);
    char buf[32];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Updates a Job's status (and its pods' phase) unless the Job was deleted or replaced meanwhile.
void progressJob(ApiDouble& d, const std::string& ns, const std::string& name, const std::string& uid,
                 const std::string& podPhase, const Json& status) {
    auto job = d.get("batch/v1", "Job", ns, name);
    if (!job || (*job)["metadata"].value("uid", "") != uid) return;
    for (int i = 0; i < status.value("pods", 0); ++i) {
        auto pod = d.get("v1", "Pod", ns, name + "-" + std::to_string(i));
        if (!pod) continue;
        (*pod)["metadata"].erase("resourceVersion");
        (*pod)["status"]["phase"] = podPhase;
        d.update(*pod);
    }
    Json next = *job;
    next["metadata"].erase("resourceVersion");
    next["status"] = status;
    next["status"].erase("pods");
    d.update(next);
}

// The Job controller and the kubelet: a new Job gets one pod per parallelism, which run for 150 ms and succeed
// 300 ms later; the Job's status follows (active, ready, succeeded, the Complete condition).
void jobsRunToCompletion(ApiDouble& api) {
    api.addController([](ApiDouble& d, const std::string& type, const Json& obj) {
        if (type != "ADDED" || obj["kind"] != "Job") return;
        const std::string ns = obj["metadata"]["namespace"], name = obj["metadata"]["name"],
                          uid = obj["metadata"]["uid"];
        const int workers = obj["spec"].value("parallelism", 1);
        Json templ = obj["spec"].value("template", Json::object());
        for (int i = 0; i < workers; ++i) {
            Json labels = templ.value("metadata", Json::object()).value("labels", Json::object());
            labels["job-name"] = name;
            labels["batch.kubernetes.io/job-name"] = name;
            labels["batch.kubernetes.io/job-completion-index"] = std::to_string(i);
            Json pod{{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata",
                      {{"name", name + "-" + std::to_string(i)},
                       {"namespace", ns},
                       {"labels", labels},
                       {"ownerReferences", Json::array({Json{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"name", name},
                                                            {"uid", uid}, {"controller", true},
                                                            {"blockOwnerDeletion", true}}})}}},
                     {"spec", templ.value("spec", Json::object())},
                     {"status", {{"phase", "Pending"}}}};
            d.create(pod);
        }
        const std::string started = nowRfc3339();
        d.schedule(150ms, [=](ApiDouble& dd) {
            progressJob(dd, ns, name, uid, "Running",
                        {{"pods", workers}, {"startTime", started}, {"active", workers}, {"ready", workers}});
        });
        d.schedule(450ms, [=](ApiDouble& dd) {
            std::string done = nowRfc3339();
            progressJob(dd, ns, name, uid, "Succeeded",
                        {{"pods", workers}, {"startTime", started}, {"completionTime", done}, {"active", 0},
                         {"ready", 0}, {"succeeded", workers},
                         {"conditions", Json::array({Json{{"type", "SuccessCriteriaMet"}, {"status", "True"}},
                                                     Json{{"type", "Complete"}, {"status", "True"},
                                                          {"lastTransitionTime", done}}})}});
        });
    });
}

// The reference operator as a child process (posix_spawn: the test process has threads), output to a file.
class OperatorProcess {
public:
    OperatorProcess(const std::string& kubeconfig, const std::string& logFile) : logFile_(logFile) {
        std::string script = kLab + "/solution/operator/trainingjob_operator.py";
        std::vector<std::string> args = {kPython, script, "--kubeconfig", kubeconfig, "--resync", "5"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        std::vector<std::string> envStrings = {"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1",
                                               "HOME=" + fs::path(logFile).parent_path().string()};
        for (char** e = environ; *e; ++e) {
            std::string v = *e;
            if (v.rfind("HOME=", 0) != 0 && v.rfind("PYTHON", 0) != 0) envStrings.push_back(v);
        }
        std::vector<char*> envp;
        for (auto& e : envStrings) envp.push_back(e.data());
        envp.push_back(nullptr);
        int rc = posix_spawn(&pid_, kPython, &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) pid_ = -1;
    }
    ~OperatorProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    bool started() const { return pid_ > 0; }
    // SIGTERM, then the exit status within `limit` (-1: still running, killed).
    int stop(std::chrono::milliseconds limit) {
        ::kill(pid_, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + limit;
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(20ms);
        }
        return -1;
    }
    std::string log() const {
        auto text = readFileBounded(logFile_, 4 * 1024 * 1024);
        return text ? *text : "";
    }

private:
    pid_t pid_ = -1;
    std::string logFile_;
};

bool pythonClientPresent() {
    kc::ProcessSpec spec;
    spec.program = kPython;
    spec.args = {"-c", "import kubernetes"};
    auto r = kc::posixProcessRunner()->run(spec);
    return r && r->exitCode == 0;
}

void applyFile(KubeClient& client, const std::string& path) {
    auto text = readFileBounded(path, 1024 * 1024);
    REQUIRE(text);
    ApplyOptions options;
    options.fieldManager = "kubectl";  // as `kubectl apply --server-side` would
    auto applied = client.applyManifests(*text, path, options);
    INFO(path << ": " << (applied ? std::string() : applied.error().message));
    REQUIRE(applied);
}

}  // namespace

TEST_CASE("lab 01 rubric validates with 100 points and hints for every check") {
    Rubric rubric = labRubric();
    CHECK(rubric.lab == "lab-01");
    CHECK(rubric.totalPoints() == 100);
    int hidden = 0, liveOnly = 0;
    for (const auto& check : rubric.checks) {
        INFO(check.id);
        CHECK_FALSE(check.hints.nudge.empty());
        CHECK_FALSE(check.hints.command.empty());
        CHECK_FALSE(check.hints.solution.empty());
        CHECK_FALSE(check.objective.empty());
        if (check.visibility == Visibility::Hidden) ++hidden;
        if (hasLiveOnlyStep(check)) ++liveOnly;
    }
    CHECK(hidden >= 2);
    CHECK(liveOnly >= 5);
    // The invalid fixtures are refused as a whole: three objects, each breaking one rule.
    const auto& invalid = std::get<ApplyStep>(rubric.find("invalid-rejected")->steps[0].spec);
    CHECK(invalid.objects.size() == 3);
    REQUIRE(invalid.reject);

    auto cli = grade({"rubric", "validate", kLab});
    INFO(cli.stderrText);
    CHECK(cli.exitCode == 0);
    CHECK(cli.stdoutText.find("18 checks, 100 points") != std::string::npos);
}

TEST_CASE("lab 01 usage check passes the solution's USAGE.md and fails the starter template") {
    Rubric rubric = labRubric();
    const Check* usage = rubric.find("usage-documented");
    REQUIRE(usage);
    CHECK(usage->points == Approx(2));
    REQUIRE(usage->steps.size() == 1);
    CHECK(usage->steps[0].kind == StepKind::File);
    Rubric only = rubric;
    only.checks = {*usage};
    auto empty = snapshotFromText(R"({"apiVersion":"v1","kind":"List","items":[]})", "empty.json");
    REQUIRE(empty);
    auto grade = [&](const std::string& root) {
        RunOptions options;
        options.submissionRoot = root;
        return runChecks(only, {{"", empty->get()}}, options).checks.at(0).outcome;
    };
    CHECK(grade(kLab + "/solution") == Outcome::Pass);
    CHECK(grade(kLab + "/starter") == Outcome::Fail);  // the headings are there, the text is not
    CHECK(grade("") == Outcome::Skipped);
}

TEST_CASE("lab 01 examples graded from their snapshots match expected.yaml") {
    Rubric rubric = labRubric();
    auto names = exampleNames();
    REQUIRE(names.size() >= 6);  // reference, empty and at least four mistakes
    CHECK(std::count(names.begin(), names.end(), "reference") == 1);
    CHECK(std::count(names.begin(), names.end(), "empty") == 1);
    for (const auto& name : names) {
        SECTION(name) {
            Json expected = readYaml(kLab + "/examples/" + name + "/expected.yaml");
            auto source = openSnapshot(kLab + "/examples/" + name + "/snapshot.yaml");
            INFO((source ? std::string() : source.error().message));
            REQUIRE(source);
            GradeRun run = runChecks(rubric, {{"", source->get()}}, {});
            CHECK(outcomes(run) == expectedOutcomes(expected));
            CHECK(run.earned() == expected["snapshot"]["earned"].get<double>());
            CHECK(run.points() == 100);
            CHECK(firstHint(run) == expected["snapshot"]["firstHint"]);
            // Live-only checks are never passed on a snapshot.
            for (const auto& c : run.checks)
                if (hasLiveOnlyStep(*rubric.find(c.id))) CHECK(c.outcome != Outcome::Pass);
        }
    }
}

TEST_CASE("lab 01 examples arranged in the api double grade live like their snapshots") {
    // The checks a snapshot can grade, with short waits: nothing changes in these clusters while the grader waits.
    Rubric rubric = labRubric();
    std::vector<Check> kept;
    for (auto& check : rubric.checks) {
        if (hasLiveOnlyStep(check)) continue;
        check.timeout.reset();
        for (auto& step : check.steps) step.timeout = 300ms;
        kept.push_back(check);
    }
    rubric.checks = kept;
    REQUIRE(rubric.checks.size() == 12);  // 11 cluster checks and usage-documented (a file step, skipped here)
    for (const auto& name : exampleNames()) {
        SECTION(name) {
            Json expected = readYaml(kLab + "/examples/" + name + "/expected.yaml");
            auto api = ApiDouble::start();
            arrangeSnapshot(*api, kLab + "/examples/" + name + "/snapshot.yaml");
            auto client = clientFor(*api);
            auto source = liveSource(*client, "context api-double");
            GradeRun run = runChecks(rubric, {{"", source.get()}}, {});
            auto want = expectedOutcomes(expected);
            for (const auto& [id, got] : outcomes(run)) {
                INFO(id);
                CHECK(got == want.at(id));
            }
            CHECK(run.earned() == expected["snapshot"]["earned"].get<double>());
            CHECK(firstHint(run) == expected["snapshot"]["firstHint"]);
        }
    }
}

TEST_CASE("lab 01 reference operator logic passes its unit tests") {
    // children.py and status.py need only the standard library, so these run wherever python3 does.
    kc::ProcessSpec spec;
    spec.program = kPython;
    spec.args = {"-B", "-m", "unittest", "discover", "-s", kLab + "/solution/operator", "-p", "test_*.py"};
    spec.timeout = 60s;
    auto result = kc::posixProcessRunner()->run(spec);
    if (!result) {
        WARN("SKIPPED: " << kPython << " cannot run: " << result.error().message);
        return;
    }
    INFO(result->stderrText);
    CHECK(result->exitCode == 0);
    CHECK(result->stderrText.find("Ran 9 tests") != std::string::npos);
}

TEST_CASE("lab 01 reference operator against the api double grades 100 live") {
    if (!pythonClientPresent()) {
        WARN("SKIPPED: /usr/bin/python3 cannot import kubernetes (Debian python3-kubernetes), so the reference "
             "operator cannot run");
        return;
    }
    Json expected = readYaml(kLab + "/examples/reference/expected.yaml");
    auto api = ApiDouble::start();
    deploymentsBecomeAvailable(*api);
    jobsRunToCompletion(*api);
    orphansAreCollected(*api);
    kc::testing::TempDir dir;
    auto client = clientFor(*api);
    const std::string config = kLab + "/solution/config/";
    for (const char* file : {"crd/trainingjobs.ml.example.com.yaml", "rbac/service_account.yaml", "rbac/role.yaml",
                             "rbac/role_binding.yaml", "manager/deployment.yaml"})
        applyFile(*client, config + file);

    OperatorProcess op(api->writeKubeconfig(dir.path() + "/kubeconfig"), dir.path() + "/operator.log");
    REQUIRE(op.started());
    applyFile(*client, config + "samples/mnist.yaml");

    Rubric rubric = labRubric();
    auto source = liveSource(*client, "context api-double");
    RunOptions options;
    options.cleanupTimeout = 5s;
    options.submissionRoot = kLab + "/solution";  // its USAGE.md, for usage-documented
    GradeRun run = runChecks(rubric, {{"", source.get()}}, options);
    std::ostringstream report;
    for (const auto& c : run.checks) {
        report << c.id << ": " << outcomeName(c.outcome);
        for (const auto& m : c.messages) report << " | " << m;
        if (!c.steps.empty()) report << " | " << c.steps.back().summary;
        report << "\n";
    }
    INFO(report.str() << "operator log:\n" << op.log());
    CHECK(run.earned() == expected["live"]["earned"].get<double>());
    for (const auto& c : run.checks) CHECK(c.outcome == Outcome::Pass);
    CHECK(run.leftovers.empty());

    // What the operator did is what the rubric says it did: its own field manager, events from both phases.
    auto svc = api->get("v1", "Service", "ml", "mnist");
    REQUIRE(svc);
    CHECK((*svc)["metadata"]["managedFields"][0]["manager"] == "trainingjob-operator");
    auto tj = api->get("ml.example.com/v1", "TrainingJob", "ml", "mnist");
    REQUIRE(tj);
    CHECK((*tj)["status"]["phase"] == "Succeeded");
    CHECK((*tj)["status"]["succeeded"] == 2);

    // ttlSecondsAfterFinished: a finished TrainingJob is deleted by the operator, and its children with it.
    auto ttl = client->applyManifests("apiVersion: ml.example.com/v1\nkind: TrainingJob\nmetadata: {name: short-lived, namespace: ml}\n"
                           "spec: {image: busybox, workers: 1, gpusPerWorker: 0, ttlSecondsAfterFinished: 1}\n",
                           "ttl.yaml");
    REQUIRE(ttl);
    bool seen = false, gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        auto current = api->get("ml.example.com/v1", "TrainingJob", "ml", "short-lived");
        seen = seen || (current && current->value("status", Json::object()).value("phase", "") == "Succeeded");
        gone = seen && !current;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(seen);
    CHECK(gone);
    CHECK_FALSE(api->get("v1", "Service", "ml", "short-lived"));

    // SIGTERM ends it cleanly and promptly.
    CHECK(op.stop(5s) == 0);
}
