// Benchmark of batch grading (issue #9): wall time for N snapshot submissions end to end — clone each local bare
// repository with libgit2, grade its capture, save it in a fresh gradebook — then every export. Repository set-up
// is timed apart. Target: 200 submissions under 60 s on 2 cores.
// Run: cmake --build build --target run-batch-bench   (or build/bench/batch_bench [--submissions N] [--jobs J])
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/bench_args.h"
#include "grader/batch_export.h"
#include "grader/batch_runner.h"
#include "grader/gradebook.h"
#include "grader/late_policy.h"
#include "grader/roster.h"
#include "grader/rubric_loader.h"
#include "grader/submission_fetcher.h"
#include "kubeclass_version.h"
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
    return summary->graded == static_cast<size_t>(submissions) ? 0 : 1;
}
