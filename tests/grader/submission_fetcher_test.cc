// GitSubmissionFetcher against local bare repositories built in the test: which commit is graded around the
// deadline, branches and subfolders, file:// URLs, incremental re-fetch, and hostile repositories refused.
#include "grader/submission_fetcher.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/grader/git_fixture.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace std::chrono;
using kc::grader::CommitChoice;
using kc::grader::FetchedSubmission;
using kc::grader::GitFetcherConfig;
using kc::grader::GitSubmissionFetcher;
using kc::grader::RosterEntry;
using kc::grader::SubmissionWindow;
using kc::testing::file;
using kc::testing::FixtureRepo;
using kc::testing::FixtureTree;
using kc::testing::gitlink;
using kc::testing::symlinkTo;

namespace {

system_clock::time_point deadline() { return sys_days(year(2026) / March / 1) + hours(23) + minutes(59); }

SubmissionWindow onTimeWindow() { return SubmissionWindow{{deadline(), std::nullopt}, CommitChoice::LastOnTime}; }

RosterEntry student(const std::string& id, const std::string& url) {
    RosterEntry entry;
    entry.studentId = id;
    entry.name = "Student " + id;
    entry.email = id + "@example.edu";
    entry.repoUrl = url;
    return entry;
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A work dir and one student remote under one scratch directory.
struct Scene {
    kc::testing::TempDir dir;
    FixtureRepo remote{dir.path() + "/remotes/s1.git"};
    std::string workDir = dir.path() + "/work";

    GitSubmissionFetcher fetcher(kc::grader::SubmissionLimits limits = {}) {
        return GitSubmissionFetcher(GitFetcherConfig{workDir, limits, nullptr});
    }
    std::string treeDir(const std::string& id = "s1") const { return workDir + "/trees/" + id; }
};

FetchedSubmission fetchOk(GitSubmissionFetcher& fetcher, const RosterEntry& entry,
                          const SubmissionWindow& window = onTimeWindow()) {
    auto fetched = fetcher.fetch(entry, window);
    if (!fetched) FAIL(fetched.error().message);
    return *fetched;
}

std::string refusal(GitSubmissionFetcher& fetcher, const RosterEntry& entry) {
    auto fetched = fetcher.fetch(entry, onTimeWindow());
    REQUIRE_FALSE(fetched.has_value());
    CHECK(fetched.error().kind == kc::ErrorKind::Invalid);
    return fetched.error().message;
}

}  // namespace

TEST_CASE("the last commit at or before the deadline is graded and later commits are recorded as late") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("v1")}}, deadline() - hours(1), "first try");
    std::string atDeadline = scene.remote.commit("main", {{"answer.yaml", file("v2")}}, deadline(), "at the bell");
    scene.remote.commit("main", {{"answer.yaml", file("v3")}}, deadline() + seconds(1), "one second late");
    std::string latest = scene.remote.commit("main", {{"answer.yaml", file("v4")}}, deadline() + hours(2), "later");
    scene.remote.setDefaultBranch("main");

    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    REQUIRE(got.graded.has_value());
    CHECK(got.graded->sha == atDeadline);
    CHECK(got.graded->committedAt == deadline());
    CHECK(got.graded->summary == "at the bell");
    CHECK_FALSE(got.lateness.late);
    CHECK(got.branch == "main");
    CHECK(got.late.count == 2);
    REQUIRE(got.late.latest.has_value());
    CHECK(got.late.latest->sha == latest);
    CHECK(got.late.latest->committedAt == deadline() + hours(2));
    // The tree is the graded commit's, not the branch tip's.
    CHECK(got.treeDir == scene.treeDir());
    CHECK(readText(got.treeDir + "/answer.yaml") == "v2");
    CHECK_FALSE(fs::exists(got.treeDir + "/.git"));
}

TEST_CASE("grading the branch tip applies the late penalty to it") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("v1")}}, deadline() - hours(1));
    std::string tip = scene.remote.commit("main", {{"answer.yaml", file("v2")}}, deadline() + hours(30));
    scene.remote.setDefaultBranch("main");
    auto rule = kc::grader::parseLatePenaltyRule("10% per day, max 50%");
    REQUIRE(rule.has_value());
    SubmissionWindow window{{deadline(), *rule}, CommitChoice::BranchTip};

    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()), window);
    REQUIRE(got.graded.has_value());
    CHECK(got.graded->sha == tip);
    // 30 hours late: the second day has started, so 2 × 10%.
    CHECK(got.lateness.late);
    CHECK(got.lateness.lateBy == hours(30));
    CHECK(got.lateness.periodsLate == 2);
    CHECK(got.lateness.penaltyFraction == Approx(0.20));
    CHECK(readText(got.treeDir + "/answer.yaml") == "v2");
}

TEST_CASE("a student with only late commits has no graded commit and no tree") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("late")}}, deadline() + minutes(5));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    CHECK_FALSE(got.graded.has_value());
    CHECK(got.treeDir.empty());
    CHECK_FALSE(fs::exists(scene.treeDir()));
    CHECK(got.late.count == 1);
}

TEST_CASE("the roster's branch is read and without one the remote's default branch is") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("from main")}}, deadline() - hours(3));
    scene.remote.commit("submit", {{"answer.yaml", file("from submit")}}, deadline() - hours(2));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();

    RosterEntry onSubmit = student("s1", scene.remote.path());
    onSubmit.branch = "submit";
    FetchedSubmission got = fetchOk(fetcher, onSubmit);
    CHECK(got.branch == "submit");
    CHECK(readText(got.treeDir + "/answer.yaml") == "from submit");

    FetchedSubmission byDefault = fetchOk(fetcher, student("s1", scene.remote.path()));
    CHECK(byDefault.branch == "main");
    CHECK(readText(byDefault.treeDir + "/answer.yaml") == "from main");

    RosterEntry missing = student("s1", scene.remote.path());
    missing.branch = "nope";
    auto notThere = fetcher.fetch(missing, onTimeWindow());
    REQUIRE_FALSE(notThere.has_value());
    CHECK(notThere.error().kind == kc::ErrorKind::NotFound);
    CHECK_THAT(notThere.error().message, Catch::Contains("branch 'nope'"));
}

TEST_CASE("the roster's path lays out only that subfolder") {
    Scene scene;
    scene.remote.commit("main",
                        {{"README.md", file("top")},
                         {"labs/lab2/answer.yaml", file("lab two")},
                         {"labs/lab2/manifests/deploy.yaml", file("kind: Deployment")},
                         {"labs/lab3/answer.yaml", file("lab three")}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    RosterEntry entry = student("s1", scene.remote.path());
    entry.path = "labs/lab2";
    FetchedSubmission got = fetchOk(fetcher, entry);
    CHECK(readText(got.treeDir + "/answer.yaml") == "lab two");
    CHECK(readText(got.treeDir + "/manifests/deploy.yaml") == "kind: Deployment");
    CHECK_FALSE(fs::exists(got.treeDir + "/README.md"));
    CHECK_FALSE(fs::exists(got.treeDir + "/labs"));

    entry.path = "labs/lab9";
    auto missing = fetcher.fetch(entry, onTimeWindow());
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
    CHECK_THAT(missing.error().message, Catch::Contains("folder 'labs/lab9'"));

    entry.path = "README.md";
    auto notFolder = fetcher.fetch(entry, onTimeWindow());
    REQUIRE_FALSE(notFolder.has_value());
    CHECK_THAT(notFolder.error().message, Catch::Contains("is not a folder"));
}

TEST_CASE("file URLs are fetched like local paths") {
    Scene scene;
    std::string sha = scene.remote.commit("main", {{"answer.yaml", file("via file url")}}, deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", "file://" + scene.remote.path()));
    REQUIRE(got.graded.has_value());
    CHECK(got.graded->sha == sha);
    CHECK(readText(got.treeDir + "/answer.yaml") == "via file url");
}

TEST_CASE("a repository that does not exist is a per-student not-found error") {
    Scene scene;
    auto fetcher = scene.fetcher();
    auto missing = fetcher.fetch(student("s1", scene.dir.path() + "/remotes/nobody.git"), onTimeWindow());
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
    CHECK_THAT(missing.error().message, Catch::Contains("student s1"));
}

TEST_CASE("a second fetch opens the earlier repository and receives only the new objects") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("v1")}, {"notes.md", file("n1")}}, deadline() - hours(5));
    scene.remote.commit("main", {{"answer.yaml", file("v2")}, {"notes.md", file("n1")}}, deadline() - hours(4));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    RosterEntry entry = student("s1", scene.remote.path());

    FetchedSubmission first = fetchOk(fetcher, entry);
    CHECK_FALSE(first.stats.reusedExistingRepo);
    // 2 commits + 2 root trees + 3 distinct blobs (v1, v2, n1).
    CHECK(first.stats.receivedObjects == 7);
    // A file only this fetcher's earlier run could have left: a reclone would lose it.
    std::string marker = scene.workDir + "/repos/s1.git/kubeclass-test-marker";
    std::ofstream(marker) << "still here";

    std::string newest = scene.remote.commit("main", {{"answer.yaml", file("v3")}, {"notes.md", file("n1")}},
                                             deadline() - hours(1));
    FetchedSubmission second = fetchOk(fetcher, entry);
    CHECK(second.stats.reusedExistingRepo);
    // Only the new commit, its root tree and the one changed blob travel.
    CHECK(second.stats.receivedObjects == 3);
    CHECK(fs::exists(marker));
    REQUIRE(second.graded.has_value());
    CHECK(second.graded->sha == newest);
    CHECK(readText(second.treeDir + "/answer.yaml") == "v3");

    git_repository* local = nullptr;
    REQUIRE(git_repository_open_bare(&local, (scene.workDir + "/repos/s1.git").c_str()) == 0);
    CHECK(FixtureRepo::hasObjectIn(local, newest));
    git_repository_free(local);
}

TEST_CASE("a symlink inside the submission is kept as a symlink") {
    Scene scene;
    scene.remote.commit("main", {{"config/real.yaml", file("x: 1")}, {"current.yaml", symlinkTo("config/real.yaml")}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    CHECK(fs::is_symlink(got.treeDir + "/current.yaml"));
    CHECK(fs::read_symlink(got.treeDir + "/current.yaml") == "config/real.yaml");
    CHECK(readText(got.treeDir + "/current.yaml") == "x: 1");
}

TEST_CASE("symlinks that leave the submission are refused and nothing is written") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("ok")}, {"passwd", symlinkTo("/etc/passwd")}},
                        deadline() - hours(2));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    std::string absolute = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(absolute, Catch::Contains("symlink 'passwd' -> '/etc/passwd' is refused"));
    CHECK_FALSE(fs::exists(scene.treeDir()));

    scene.remote.commit("main", {{"answer.yaml", file("ok")}, {"deep/up", symlinkTo("../..")}}, deadline() - hours(1));
    std::string upward = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(upward, Catch::Contains("symlink 'deep/up' -> '../..' is refused: it points outside the submission"));
    CHECK_FALSE(fs::exists(scene.treeDir()));
}

TEST_CASE("a symlink that escapes by passing through another symlink is refused") {
    Scene scene;
    // a/b/root -> ../.. lands on the submission root (allowed); "out" -> a/b/root/.. would then leave it,
    // though by name alone it looks like a/b.
    scene.remote.commit("main", {{"a/b/root", symlinkTo("../..")}, {"out", symlinkTo("a/b/root/..")}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    std::string message = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(message, Catch::Contains("symlink 'out' -> 'a/b/root/..' is refused: it goes through another symlink"));
}

TEST_CASE("paths with dot-dot and .git entries are refused") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("ok")}, {"../escape.txt", file("owned")}}, deadline() - hours(2));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    std::string dotdot = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(dotdot, Catch::Contains("path '..' is refused"));
    CHECK_FALSE(fs::exists(scene.workDir + "/trees/escape.txt"));
    CHECK_FALSE(fs::exists(scene.treeDir()));

    scene.remote.commit("main", {{"answer.yaml", file("ok")}, {"sub/.GIT/config", file("[core]")}},
                        deadline() - hours(1));
    std::string dotgit = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(dotgit, Catch::Contains("path 'sub/.GIT' is refused"));
}

TEST_CASE("a file over the size limit is refused before anything is written") {
    Scene scene;
    // 60 MB against the default 50 MB limit; zeros keep the fixture cheap to compress.
    scene.remote.commit("main", {{"answer.yaml", file("ok")}, {"big.bin", file(std::string(60u << 20, '\0'))}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    std::string message = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(message, Catch::Contains("file 'big.bin' is 62914560 bytes, more than the limit of 52428800"));
    CHECK_FALSE(fs::exists(scene.treeDir()));
}

TEST_CASE("the total size limit covers all files together") {
    Scene scene;
    scene.remote.commit("main", {{"a.bin", file(std::string(600, 'a'))}, {"b.bin", file(std::string(600, 'b'))}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    kc::grader::SubmissionLimits limits;
    limits.maxTotalBytes = 1000;  // each file fits, the two together do not
    auto fetcher = scene.fetcher(limits);
    std::string message = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(message, Catch::Contains("add up to more than the limit of 1000 bytes"));
}

TEST_CASE("a submission with more files than the limit is refused") {
    Scene scene;
    FixtureTree many;
    for (int i = 0; i < 20000; ++i) many["files/f" + std::to_string(i) + ".txt"] = file("same content");
    scene.remote.commit("main", many, deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();  // default limit: 10000 files
    std::string message = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(message, Catch::Contains("more than the limit of 10000 files"));
    CHECK_FALSE(fs::exists(scene.treeDir()));
}

TEST_CASE("a submodule is not followed and the student is told") {
    Scene scene;
    scene.remote.commit("main",
                        {{"answer.yaml", file("ok")},
                         {".gitmodules", file("[submodule \"vendor/lib\"]\n\tpath = vendor/lib\n\turl = ../lib.git\n")},
                         {"vendor/lib", gitlink("0123456789abcdef0123456789abcdef01234567")}},
                        deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    REQUIRE(got.notes.size() == 1);
    CHECK_THAT(got.notes[0], Catch::Contains("submodule at 'vendor/lib' (commit 0123456789ab) was not fetched"));
    CHECK(readText(got.treeDir + "/answer.yaml") == "ok");
    CHECK(fs::is_directory(got.treeDir + "/vendor"));
    CHECK_FALSE(fs::exists(got.treeDir + "/vendor/lib"));
}

TEST_CASE("one student's refused submission does not stop the next and leaves no stale tree") {
    kc::testing::TempDir dir;
    FixtureRepo hostile(dir.path() + "/remotes/bad.git");
    FixtureRepo honest(dir.path() + "/remotes/good.git");
    hostile.commit("main", {{"answer.yaml", file("first")}}, deadline() - hours(3));
    hostile.setDefaultBranch("main");
    honest.commit("main", {{"answer.yaml", file("fine")}}, deadline() - hours(1));
    honest.setDefaultBranch("main");
    GitSubmissionFetcher fetcher(GitFetcherConfig{dir.path() + "/work", {}, nullptr});

    // The hostile student's earlier, harmless tree must not survive a refused fetch to be graded by mistake.
    FetchedSubmission before = fetchOk(fetcher, student("bad", hostile.path()));
    CHECK(fs::exists(before.treeDir + "/answer.yaml"));
    hostile.commit("main", {{"answer.yaml", file("x")}, {"link", symlinkTo("/etc/passwd")}}, deadline() - hours(2));
    auto refused = fetcher.fetch(student("bad", hostile.path()), onTimeWindow());
    REQUIRE_FALSE(refused.has_value());
    CHECK_FALSE(fs::exists(before.treeDir));

    FetchedSubmission good = fetchOk(fetcher, student("good", honest.path()));
    CHECK(readText(good.treeDir + "/answer.yaml") == "fine");
}

TEST_CASE("executable bits survive and plain files are not executable") {
    Scene scene;
    kc::testing::FixtureEntry script{kc::testing::FixtureEntry::Kind::Executable, "#!/bin/sh\n"};
    scene.remote.commit("main", {{"run.sh", script}, {"answer.yaml", file("ok")}}, deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    struct stat info {};
    REQUIRE(::stat((got.treeDir + "/run.sh").c_str(), &info) == 0);
    CHECK((info.st_mode & 0100) != 0);
    REQUIRE(::stat((got.treeDir + "/answer.yaml").c_str(), &info) == 0);
    CHECK((info.st_mode & 0100) == 0);
}

TEST_CASE("a fetch that receives more than the byte limit is stopped") {
    Scene scene;
    // Incompressible content, so the pack really is larger than the limit.
    std::string noise(256 * 1024, '\0');
    uint32_t state = 12345;
    for (char& c : noise) {
        state = state * 1664525u + 1013904223u;
        c = static_cast<char>(state >> 24);
    }
    scene.remote.commit("main", {{"noise.bin", file(noise)}}, deadline() - hours(1));
    scene.remote.setDefaultBranch("main");
    kc::grader::SubmissionLimits limits;
    limits.maxFetchBytes = 64 * 1024;
    auto fetcher = scene.fetcher(limits);
    std::string message = refusal(fetcher, student("s1", scene.remote.path()));
    CHECK_THAT(message, Catch::Contains("sent more than the limit of 65536 bytes"));
}

TEST_CASE("of two commits with the same time the later one in history is graded") {
    Scene scene;
    scene.remote.commit("main", {{"answer.yaml", file("parent")}}, deadline() - minutes(1));
    std::string child = scene.remote.commit("main", {{"answer.yaml", file("child")}}, deadline() - minutes(1));
    scene.remote.setDefaultBranch("main");
    auto fetcher = scene.fetcher();
    FetchedSubmission got = fetchOk(fetcher, student("s1", scene.remote.path()));
    REQUIRE(got.graded.has_value());
    CHECK(got.graded->sha == child);
    CHECK(readText(got.treeDir + "/answer.yaml") == "child");
}
