// Benchmark of batch grading (issue #9): wall time for N snapshot submissions end to end — clone each local bare
// repository with libgit2, grade its capture, save it in a fresh gradebook — then every export. Repository set-up
// is timed apart. Target: 200 submissions under 60 s on 2 cores. Then the live modes side by side: the
// per-submission reset time of --mode reuse against what --mode fresh pays per submission (a cluster created and
// deleted), with a fake kind that replays a recorded create time, and their ratio.
// Run: cmake --build build --target run-batch-bench   (or build/bench/batch_bench [--submissions N] [--jobs J]
//      [--live-submissions N] [--kind-scale-permille P]: the fake kind sleeps P/1000 of the recorded create time)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "bench/bench_args.h"
#include "grader/batch_export.h"
#include "grader/batch_runner.h"
#include "grader/gradebook.h"
#include "grader/late_policy.h"
#include "grader/roster.h"
#include "grader/rubric_loader.h"
#include "grader/submission_fetcher.h"
#include "clusters/profile_loader.h"
#include "grader/live_batch.h"
#include "kubeclass_version.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_tool.h"
#include "tests/grader/git_fixture.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using WallClock = std::chrono::steady_clock;

namespace {

const std::string kFixtures = std::string(KUBECLASS_SOURCE_DIR) + "/tests/fixtures/cli";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

double seconds(WallClock::duration d) { return std::chrono::duration<double>(d).count(); }

// --mode fresh against --mode reuse with the fake kind replaying a recorded create time (scaled by --kind-scale so
// the run stays short; the figures are also projected back to the recorded speed). Returns false on failure.
bool liveSection(int submissions, double kindScale) {
    std::ifstream fixture(std::string(KUBECLASS_SOURCE_DIR) + "/bench/fixtures/kind-create-timing.txt");
    double createSeconds = 0;
    for (std::string line; std::getline(fixture, line);)
        if (line.rfind("create_seconds ", 0) == 0) createSeconds = std::stod(line.substr(15));
    if (createSeconds <= 0) {
        std::fprintf(stderr, "batch_bench: bench/fixtures/kind-create-timing.txt has no create_seconds\n");
        return false;
    }
    kc::testing::TempDir dir;
    kc::testing::FakeTool kind(dir, "kind"), docker(dir, "docker");
    kind.on({"create", "cluster"}, {.sleepSeconds = createSeconds * kindScale});

    auto rubric = loadRubricWithOverlays(dir.write("lab/rubric.yaml", R"(lab: bench-live
title: Live batch benchmark lab
defaults: {timeout: 2s, namespace: shop}
checks:
  - id: web
    title: Deployment web
    points: 10
    steps:
      - assert: {apiVersion: apps/v1, kind: Deployment, namespace: shop, name: web}
)"), {});
    auto profile = kc::parseProfile("id: bench\ndescription: one node\nresources: {memoryMiB: 1024, cpus: 1, diskGiB: 5}\n"
                                    "clusters:\n  - name: bench\n    kind: {kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4,"
                                    " nodes: [{role: control-plane}]}\n",
                                    dir.path() + "/bench.yaml");
    if (!rubric || !profile) {
        std::fprintf(stderr, "batch_bench: %s\n", (!rubric ? rubric.error().message : profile.error().message).c_str());
        return false;
    }
    auto sharedRubric = std::make_shared<const Rubric>(std::move(*rubric));
    std::string manifests =
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        "spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}},"
        " spec: {containers: [{name: web, image: nginx:1.27}]}}}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}\n";
    std::vector<std::string> ids;
    for (int i = 0; i < submissions; ++i) {
        ids.push_back("s" + std::to_string(i));
        dir.write("subs/" + ids.back() + "/deploy/app.yaml", manifests);
    }
    auto readyNode = [](const std::string& cluster) {
        return Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", cluster + "-control-plane"}}},
                    {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
    };

    struct Folders final : SubmissionSource {
        std::string root;
        Result<FetchedSubmission> fetch(const RosterEntry& s, const SubmissionWindow&) override {
            FetchedSubmission f;
            f.studentId = s.studentId;
            f.treeDir = root + "/" + s.studentId;
            f.graded = SubmissionCommit{std::string(40, 'a'), std::chrono::system_clock::now(), "work"};
            return f;
        }
    } source;
    source.root = dir.path() + "/subs";
    Roster roster;
    for (const auto& id : ids) roster.entries.push_back({id, id, id + "@uni.example", "file:///x", "", "", 2});

    LifecycleOptions lifecycle;
    lifecycle.preflight.tools.kind = kind.path();
    lifecycle.preflight.tools.docker = docker.path();
    lifecycle.preflight.tools.extraEnv = {kind.pathEnv()};
    lifecycle.kubeconfigPath = dir.path() + "/state/kubeconfig";
    lifecycle.skipPreflight = true;

    struct Figures {
        double wall = 0;
        LiveTimings timings;
        size_t graded = 0;
    };
    auto runMode = [&](LiveMode mode, const std::string& name) -> std::optional<Figures> {
        // Each mode gets its own API double, which stands in for every cluster the mode creates.
        auto api = kc::testing::ApiDouble::start();
        for (const auto& id : ids) api->create(readyNode("kcb-" + id));
        api->create(readyNode("kcb-1-w1"));
        kind.on({"get", "kubeconfig"}, {.stdoutFile = api->writeKubeconfig(dir.path() + "/" + name + ".kubeconfig")});
        auto book = Gradebook::open(dir.path() + "/" + name + ".db");
        if (!book) return std::nullopt;
        auto batch = (*book)->openBatch({"bench-live", "", name, ""}, "now");
        if (!batch) return std::nullopt;
        LiveGraderOptions o;
        o.mode = mode;
        o.rubric = sharedRubric;
        o.batchTag = "1";
        o.factory = makeKindClusterFactory(*profile, posixProcessRunner(), lifecycle);
        BatchOptions options;
        options.batchId = batch->id;
        options.window.policy.deadline = std::chrono::system_clock::time_point::max();
        options.window.choice = CommitChoice::BranchTip;
        options.pointsAvailable = 10;
        Figures f;
        auto start = WallClock::now();
        {
            auto grader = makeLiveGrader(o);
            auto summary = runBatch(roster, source, *grader, **book, options);
            if (!summary) return std::nullopt;
            f.graded = summary->graded;
            f.timings = grader->timings();  // the reuse cluster is deleted when the grader goes, below
        }
        f.wall = seconds(WallClock::now() - start);
        return f;
    };
    auto fresh = runMode(LiveMode::Fresh, "fresh");
    auto reuse = runMode(LiveMode::Reuse, "reuse");
    if (!fresh || !reuse) return false;

    auto ms = [](std::chrono::milliseconds d) { return static_cast<double>(d.count()); };
    // fresh pays a create and a delete per submission; reuse a verified reset (its one create is amortised).
    double freshPer = (ms(fresh->timings.create) + ms(fresh->timings.destroy)) / submissions;
    double reusePer = ms(reuse->timings.reset) / std::max<size_t>(reuse->timings.resets, 1);
    double scaledSleep = 1000 * createSeconds * kindScale;
    double freshProjected = freshPer + (1000 * createSeconds - scaledSleep);
    std::printf("live modes: %d submissions each, fake kind create %.3f s (recorded %.3f s x %.3g, "
                "bench/fixtures/kind-create-timing.txt), API double\n",
                submissions, createSeconds * kindScale, createSeconds, kindScale);
    std::printf("  %-7s %10s %14s %24s %12s\n", "mode", "wall s", "graded", "per-submission reset ms", "clusters");
    std::printf("  %-7s %10.2f %14zu %24.1f %12zu\n", "fresh", fresh->wall, fresh->graded, freshPer, fresh->timings.creates);
    std::printf("  %-7s %10.2f %14zu %24.1f %12zu\n", "reuse", reuse->wall, reuse->graded, reusePer, reuse->timings.creates);
    std::printf("  reset ratio fresh/reuse: %.1fx as run; %.1fx at the recorded kind speed (fresh %.0f ms)\n",
                reusePer > 0 ? freshPer / reusePer : 0.0, reusePer > 0 ? freshProjected / reusePer : 0.0, freshProjected);
    return fresh->graded == static_cast<size_t>(submissions) && reuse->graded == static_cast<size_t>(submissions);
}

}  // namespace

int main(int argc, char** argv) {
    const int submissions = kc::bench::intArgument(argc, argv, "--submissions", 200);
    const int jobs = kc::bench::intArgument(argc, argv, "--jobs", 2);
    kc::testing::TempDir dir;
    auto deadline = parseIso8601("2026-03-01T23:59:00Z").value();

    // Set-up (not part of the figure): one bare repository per student, two commits before the deadline and one
    // after, alternating the reference and the partial capture.
    auto setupStart = WallClock::now();
    const std::string reference = slurp(kFixtures + "/snapshots/reference.yaml");
    const std::string partial = slurp(kFixtures + "/snapshots/partial.yaml");
    std::string roster = "student_id,name,email,repo_url\n";
    for (int i = 0; i < submissions; ++i) {
        std::string id = "s" + std::to_string(i);
        std::string path = dir.path() + "/repos/" + id + ".git";
        kc::testing::FixtureRepo repo(path);
        repo.commit("main", {{"README.md", kc::testing::file("start")}}, deadline - std::chrono::hours(48));
        repo.commit("main", {{"capture.yaml", kc::testing::file(i % 2 ? partial : reference)}},
                    deadline - std::chrono::hours(1));
        repo.commit("main", {{"capture.yaml", kc::testing::file(reference)}}, deadline + std::chrono::hours(3));
        repo.setDefaultBranch("main");
        roster += id + ",Student " + id + "," + id + "@uni.example," + path + "\n";
    }
    std::string rosterPath = dir.write("roster.csv", roster);
    double setupSeconds = seconds(WallClock::now() - setupStart);

    auto start = WallClock::now();
    auto parsedRoster = loadRoster(rosterPath);
    auto rubric = loadRubricWithOverlays(kFixtures + "/labs/lab-90-cli/rubric.yaml", {});
    if (!parsedRoster || !rubric) {
        std::fprintf(stderr, "batch_bench: %s\n",
                     (!parsedRoster ? parsedRoster.error().message : rubric.error().message).c_str());
        return 1;
    }
    auto sharedRubric = std::make_shared<const Rubric>(std::move(*rubric));
    auto book = Gradebook::open(dir.path() + "/gradebook.db");
    if (!book) return 1;
    auto batch = (*book)->openBatch({"lab-90", "2026-03-01T23:59:00Z", "snapshot", ""}, "now");
    GitSubmissionFetcher fetcher({.workDir = dir.path() + "/work"});
    auto grader = makeSnapshotGrader(sharedRubric);
    BatchOptions options;
    options.batchId = batch->id;
    options.window.policy.deadline = deadline;
    options.jobs = jobs;
    options.pointsAvailable = 15;
    auto summary = runBatch(*parsedRoster, fetcher, *grader, **book, options);
    if (!summary) {
        std::fprintf(stderr, "batch_bench: %s\n", summary.error().message.c_str());
        return 1;
    }
    double batchSeconds = seconds(WallClock::now() - start);

    auto exportStart = WallClock::now();
    auto rows = (*book)->latest(batch->id);
    ExportContext context{"lab-90", "CLI fixture shop", 15, "2026-03-01T23:59:00Z", "", ""};
    auto files = renderExports(parseExportList("all").value(), *rows, context);
    for (const auto& f : files) {
        auto target = std::filesystem::path(dir.path()) / "out" / f.path;
        std::filesystem::create_directories(target.parent_path());
        std::ofstream(target) << f.content;
    }
    double exportSeconds = seconds(WallClock::now() - exportStart);
    double total = batchSeconds + exportSeconds;

    std::printf("kubeclass %s batch benchmark: %d snapshot submissions, %d jobs\n", KUBECLASS_VERSION, submissions, jobs);
    std::printf("  set-up (libgit2 repositories, not counted): %.2f s\n", setupSeconds);
    std::printf("  fetch + grade + save:  %.2f s (%.1f ms per submission; graded %zu, missing %zu, errors %zu)\n",
                batchSeconds, 1000 * batchSeconds / submissions, summary->graded, summary->missing, summary->errors);
    std::printf("  exports (all, %zu files): %.2f s\n", files.size(), exportSeconds);
    std::printf("  end to end: %.2f s (target: 200 under 60 s on 2 cores)\n", total);
    bool live = liveSection(kc::bench::intArgument(argc, argv, "--live-submissions", 10),
                            kc::bench::intArgument(argc, argv, "--kind-scale-permille", 20) / 1000.0);
    return summary->graded == static_cast<size_t>(submissions) && live ? 0 : 1;
}
