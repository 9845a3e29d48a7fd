// Benchmark of the grader (issue #4): (a) snapshot grading time per submission over generated submissions;
// (b) API requests in one live pass against the API test double; (c) the same checks as a kubectl verify script
// (the way Killercoda/Instruqt check work) against the same double, timed in the same run, as a ratio.
// Run: cmake --build build --target run-grader-bench   (or build/bench/grader_bench [--submissions N])
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "clusters/cpprest_transport.h"
#include "clusters/kube_client.h"
#include "clusters/process_runner.h"
#include "grader/check_runner.h"
#include "grader/object_source.h"
#include "grader/rubric_loader.h"
#include "kubeclass_version.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using WallClock = std::chrono::steady_clock;

namespace {

const std::string kBenchDir = std::string(KUBECLASS_SOURCE_DIR) + "/bench/fixtures/grader-bench";

double millis(WallClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

Json pod(const std::string& name, const std::string& app, const std::string& tier, const std::string& node,
         const std::string& phase, const std::string& owner) {
    Json p{{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", name}, {"namespace", "ml"}, {"labels", {{"app", app}, {"tier", tier}}}}},
           {"spec", {{"nodeName", node}, {"containers", Json::array({{{"name", app}, {"image", "busybox"}}})}}},
           {"status", {{"phase", phase}}}};
    if (!owner.empty())
        p["metadata"]["ownerReferences"] = Json::array(
            {{{"apiVersion", "apps/v1"}, {"kind", owner}, {"name", app + "-5d8f"}, {"uid", "u-" + app}, {"controller", true}}});
    return p;
}

// One submission's cluster state. `mistakes` picks which typical errors this student made.
std::vector<Json> submission(std::mt19937& rng, bool reference) {
    auto mistake = [&](int oneIn) { return !reference && std::uniform_int_distribution<int>(1, oneIn)(rng) == 1; };
    std::vector<Json> objects;
    objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "ml"}}}});
    objects.push_back({{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"},
                       {"metadata", {{"name", "training-high"}}}, {"value", mistake(4) ? 500 : 100000},
                       {"preemptionPolicy", "PreemptLowerPriority"}});
    objects.push_back({{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"},
                       {"metadata", {{"name", "batch-low"}}}, {"value", 100},
                       {"preemptionPolicy", mistake(5) ? "PreemptLowerPriority" : "Never"}});
    Json trainer = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"trainer","namespace":"ml"},
      "spec":{"replicas":2,"selector":{"matchLabels":{"app":"trainer"}},"template":{"metadata":{"labels":{"app":"trainer"}},
      "spec":{"priorityClassName":"training-high",
        "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
          {"matchExpressions":[{"key":"nvidia.com/gpu.present","operator":"In","values":["true"]}]}]}}},
        "tolerations":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}],
        "containers":[{"name":"sidecar","image":"log"},{"name":"trainer","image":"pytorch",
          "resources":{"limits":{"nvidia.com/gpu":1,"memory":"12Gi"},"requests":{"cpu":"2"}}}]}}}})");
    if (mistake(4)) trainer["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]["matchExpressions"][0]["key"] = "gpu";
    if (mistake(5)) trainer["spec"]["template"]["spec"]["containers"][1]["resources"]["limits"]["memory"] = "32Gi";
    objects.push_back(trainer);
    objects.push_back(Json::parse(std::string(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"inference","namespace":"ml"},
      "spec":{"replicas":1,"selector":{"matchLabels":{"app":"inference"}},"template":{"metadata":{"labels":{"app":"inference"}},
      "spec":{"nodeSelector":{"nvidia.com/gpu.product":")") + (mistake(4) ? "Tesla-T4" : "Tesla-T4-SHARED") +
                                  R"("},"containers":[{"name":"inference","image":"triton"}]}}}})"));
    int workers = mistake(6) ? 1 : 3;
    for (int i = 0; i < workers; ++i)
        objects.push_back(pod("trainer-" + std::to_string(i), "trainer", "gpu", "gpu-worker-" + std::to_string(i), "Running",
                              mistake(8) ? "" : "ReplicaSet"));
    for (int i = 0; i < 4; ++i)
        objects.push_back(pod("etl-" + std::to_string(i), "etl", "cpu", mistake(6) && i == 0 ? "gpu-worker-1" : "cpu-worker",
                              "Running", "ReplicaSet"));
    objects.push_back({{"apiVersion", "v1"}, {"kind", "ResourceQuota"}, {"metadata", {{"name", "gpu-quota"}, {"namespace", "ml"}}},
                       {"spec", {{"hard", {{"requests.nvidia.com/gpu", mistake(5) ? "16" : "8"}}}}}});
    return objects;
}

std::string listDocument(const std::vector<Json>& objects) {
    Json list{{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}};
    return list.dump();
}

}  // namespace

int main(int argc, char** argv) {
    const int submissions = kc::bench::intArgument(argc, argv, "--submissions", 1000);
    const int scriptRuns = kc::bench::intArgument(argc, argv, "--script-runs", 3);
    auto rubric = loadRubric(kBenchDir + "/rubric.yaml");
    if (!rubric) {
        std::fprintf(stderr, "grader_bench: %s\n", rubric.error().message.c_str());
        return 2;
    }
    std::printf("kubeclass grader benchmark: rubric %s, %zu checks\n", rubric->lab.c_str(), rubric->checks.size());

    // (a) Snapshot grading over generated submissions, each a kubectl-style List file.
    testing::TempDir dir;
    std::mt19937 rng(20261122);
    std::vector<std::string> files;
    for (int i = 0; i < submissions; ++i)
        files.push_back(dir.write("s" + std::to_string(i) + ".json", listDocument(submission(rng, i == 0))));
    std::vector<double> perSubmission;
    std::map<int, int> scores;
    const auto allStarted = WallClock::now();
    for (const auto& file : files) {
        const auto started = WallClock::now();
        auto source = openSnapshot(file);
        if (!source) {
            std::fprintf(stderr, "grader_bench: %s\n", source.error().message.c_str());
            return 1;
        }
        GradeRun run = runChecks(*rubric, {{"", source->get()}}, {});
        perSubmission.push_back(millis(WallClock::now() - started));
        scores[static_cast<int>(run.earned())]++;
    }
    const double allMs = millis(WallClock::now() - allStarted);
    std::sort(perSubmission.begin(), perSubmission.end());
    std::printf("(a) snapshot:  %d submissions in %.1f ms: mean %.3f ms, p50 %.3f ms, p95 %.3f ms per submission "
                "(target < 5 ms)\n",
                submissions, allMs, allMs / submissions, perSubmission[perSubmission.size() / 2],
                perSubmission[perSubmission.size() * 95 / 100]);
    std::printf("    score spread:");
    for (const auto& [score, count] : scores) std::printf(" %d:%d", score, count);
    std::printf("\n");

    // (b) One live pass against the API double holding the reference submission.
    auto server = testing::ApiDouble::start();
    std::mt19937 referenceRng(1);
    for (const auto& object : submission(referenceRng, true)) server->create(object);
    TransportConfig config;
    config.server = server->url();
    config.caPem = server->pki().caPem;
    config.clientCertPem = server->pki().clientCertPem;
    config.clientKeyPem = server->pki().clientKeyPem;
    KubeClient client(config, cpprestTransportFactory(), noCredentials());
    auto live = liveSource(client, "API double");
    server->clearRequests();
    const auto liveStarted = WallClock::now();
    GradeRun liveRun = runChecks(*rubric, {{"", live.get()}}, {});
    const double liveMs = millis(WallClock::now() - liveStarted);
    int discovery = 0, lists = 0, other = 0;
    std::set<std::string> listTargets;
    for (const auto& r : server->requests()) {
        std::string path = r.target.substr(0, r.target.find('?'));
        const bool groupVersionList = path.rfind("/apis/", 0) == 0 && std::count(path.begin(), path.end(), '/') == 3;
        if (path == "/api" || path == "/apis" || path == "/api/v1" || groupVersionList)
            ++discovery;
        else if (r.method == "GET" && r.target.find("watch=") == std::string::npos)
            ++lists, listTargets.insert(path);
        else
            ++other;
    }
    std::printf("(b) live pass: score %.0f/%.0f in %.1f ms; %zu requests = %d discovery + %d LIST (%zu distinct "
                "resource/namespace) + %d other\n",
                liveRun.earned(), liveRun.points(), liveMs, server->requests().size(), discovery, lists,
                listTargets.size(), other);

    // (c) The same checks as a kubectl verify script, same double, same state.
    std::string kubeconfig = server->writeKubeconfig(dir.path() + "/kubeconfig");
    auto runner = posixProcessRunner();
    if (!runner->run({.program = "kubectl", .args = {"version", "--client"}})) {
        std::printf("(c) kubectl:   not found on PATH; no comparison\n");
        return 0;
    }
    double scriptMs = 0;
    std::string scriptScore;
    for (int i = 0; i < scriptRuns; ++i) {
        const auto started = WallClock::now();
        auto result = runner->run({.program = "bash",
                                   .args = {kBenchDir + "/kubectl-verify.sh", kubeconfig},
                                   .extraEnv = {{"HOME", dir.path()}},
                                   .timeout = std::chrono::minutes(5)});
        scriptMs += millis(WallClock::now() - started);
        if (!result || result->exitCode != 0) {
            std::fprintf(stderr, "grader_bench: the kubectl script failed\n");
            return 1;
        }
        scriptScore = result->stdoutText.substr(0, result->stdoutText.find('\n'));
    }
    scriptMs /= scriptRuns;
    std::printf("(c) kubectl script: score %s/100 in %.1f ms (mean of %d runs); live pass %.1f ms; "
                "kubeclass is %.0fx faster (target >= 20x)\n",
                scriptScore.c_str(), scriptMs, scriptRuns, liveMs, scriptMs / liveMs);
    return 0;
}
