// The Submit page and its core: what a folder's plan holds (.gitignore, limits, symlinks), the commit that arrives
// in a bare course remote (read back with libgit2), a rejected push and the way out of it, authentication and
// network failures that never show a credential, and the page walking the student through it.
#include <catch2/catch.hpp>

#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QFrame>
#include <filesystem>
#include <fstream>

#include "app/pages/submit_page.h"
#include "app/submit_commit.h"
#include "app/submit_history.h"
#include "app/submit_labs.h"
#include "app/submit_plan.h"
#include "app/submit_push.h"
#include "app_test_support.h"
#include "submit_test_support.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace kc::app;
using kc::ErrorKind;
using kc::testing::TempDir;

namespace {

const auto kAt = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));  // 2026-11-18 11:06 UTC
const SubmitAuthor kAuthor{"Ada Lovelace", "s1234567"};

std::vector<std::string> paths(const SubmitPlan& plan) {
    std::vector<std::string> out;
    for (const auto& file : plan.files) out.push_back(file.path);
    return out;
}

// A lab folder as a student has it: sources, a script, a build output and a log that .gitignore leaves out, a link
// inside the folder, and a git repository of their own.
std::string makeStudentFolder(const TempDir& dir, const std::string& name = "work") {
    dir.write(name + "/README.md", "# My operator\n");
    dir.write(name + "/src/main.go", "package main\n");
    dir.write(name + "/deploy.sh", "#!/bin/sh\nkubectl apply -f .\n", 0755);
    dir.write(name + "/.gitignore", "build/\n*.log\n");
    dir.write(name + "/build/operator", std::string(64, 'x'));
    dir.write(name + "/debug.log", "noise\n");
    dir.write(name + "/.git/HEAD", "ref: refs/heads/main\n");
    fs::create_symlink("README.md", dir.path() + "/" + name + "/LATEST.md");
    return dir.path() + "/" + name;
}

PushRequest requestFor(const std::string& repoDir, const std::string& remote, const std::string& branch) {
    return PushRequest{repoDir, remote, branch, nullptr, {}};
}

}  // namespace

TEST_CASE("the plan lists what git would track and leaves out ignored files and the student's own .git",
          "[app][submit]") {
    TempDir dir;
    const std::string folder = makeStudentFolder(dir);
    auto plan = planSubmission(dir.path() + "/repo.git", folder);
    REQUIRE(plan);
    CHECK(paths(*plan) == std::vector<std::string>{".gitignore", "LATEST.md", "README.md", "deploy.sh", "src/main.go"});
    CHECK(plan->ignoredEntries == 2);  // build/ and debug.log
    CHECK(plan->problems.empty());
    CHECK(plan->submittable());
    // ".gitignore" 13 + "README.md" 14 + link text 9 + deploy.sh 29 + main.go 13
    CHECK(plan->totalBytes == 13 + 14 + 9 + 29 + 13);
    CHECK_FALSE(fs::exists(folder + "/.git/index"));  // nothing written into the student's folder
}

TEST_CASE("symlinks leaving the folder, oversized files and empty folders block the submission", "[app][submit]") {
    TempDir dir;
    dir.write("outside.txt", "secret\n");
    dir.write("work/notes.md", "fine\n");
    dir.write("work/dataset.bin", std::string(101, 'd'));
    fs::create_symlink("../outside.txt", dir.path() + "/work/escape");
    fs::create_symlink("/etc/passwd", dir.path() + "/work/absolute");
    SubmitLimits limits;
    limits.maxFileBytes = 100;
    auto plan = planSubmission(dir.path() + "/repo.git", dir.path() + "/work", limits);
    REQUIRE(plan);
    CHECK_FALSE(plan->submittable());
    std::map<std::string, std::string> problems;
    for (const auto& problem : plan->problems) problems[problem.path] = problem.reason;
    REQUIRE(problems.size() == 3);
    CHECK_THAT(problems["escape"], Catch::Contains("outside the folder") && Catch::Contains("../outside.txt"));
    CHECK_THAT(problems["absolute"], Catch::Contains("outside the folder"));
    CHECK_THAT(problems["dataset.bin"], Catch::Contains("101 B") && Catch::Contains("over the limit of 100 B"));
    CHECK(paths(*plan) == std::vector<std::string>{"notes.md"});
    auto refused = commitSubmission(dir.path() + "/repo.git", "lab-02", *plan, kAuthor, kAt);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::Invalid);

    dir.write("empty/.gitignore", "*\n");
    auto empty = planSubmission(dir.path() + "/repo.git", dir.path() + "/empty");
    REQUIRE(empty);
    CHECK_FALSE(empty->submittable());
    REQUIRE(empty->problems.size() == 1);
    CHECK_THAT(empty->problems[0].reason, Catch::Contains("no files to submit"));

    auto missing = planSubmission(dir.path() + "/repo.git", dir.path() + "/nowhere");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::NotFound);
}

TEST_CASE("a submission arrives in the bare course remote as a commit of the folder on the lab's branch",
          "[app][submit]") {
    TempDir dir;
    const std::string folder = makeStudentFolder(dir);
    const std::string remote = dir.path() + "/course.git";
    REQUIRE(kc::testing::initBareRepository(remote));
    const std::string repoDir = dir.path() + "/data/submissions/lab-02.git";

    auto plan = planSubmission(repoDir, folder);
    REQUIRE(plan);
    auto commit = commitSubmission(repoDir, "lab-02", *plan, kAuthor, kAt);
    REQUIRE(commit);
    CHECK(commit->branch == "lab-02");
    CHECK_FALSE(commit->unchanged);
    CHECK(commit->files == 5);
    REQUIRE(pushSubmission(requestFor(repoDir, remote, "lab-02"), kc::Cancellation{}));

    auto branch = kc::testing::readBranch(remote, "lab-02");
    REQUIRE(branch.exists);
    CHECK(branch.sha == commit->sha);
    CHECK(branch.parents.empty());
    CHECK(branch.authorName == "Ada Lovelace");
    CHECK(branch.authorEmail == "s1234567@students.kubeclass.invalid");
    CHECK_THAT(branch.message, Catch::StartsWith("Submit lab-02 (2026-11-18 11:06 UTC)") &&
                                   Catch::Contains("Student-Id: s1234567") && Catch::Contains("Files: 5"));
    CHECK(branch.files == std::map<std::string, std::string>{{".gitignore", "build/\n*.log\n"},
                                                             {"LATEST.md", "README.md"},
                                                             {"README.md", "# My operator\n"},
                                                             {"deploy.sh", "#!/bin/sh\nkubectl apply -f .\n"},
                                                             {"src/main.go", "package main\n"}});
    CHECK(branch.modes["deploy.sh"] == GIT_FILEMODE_BLOB_EXECUTABLE);
    CHECK(branch.modes["README.md"] == GIT_FILEMODE_BLOB);
    CHECK(branch.modes["LATEST.md"] == GIT_FILEMODE_LINK);

    SECTION("the same files again make no new commit; a change makes one on top") {
        auto again = commitSubmission(repoDir, "lab-02", *planSubmission(repoDir, folder), kAuthor, kAt);
        REQUIRE(again);
        CHECK(again->unchanged);
        CHECK(again->sha == commit->sha);

        dir.write("work/README.md", "# My operator, v2\n");
        auto changed = commitSubmission(repoDir, "lab-02", *planSubmission(repoDir, folder), kAuthor,
                                        kAt + std::chrono::hours(1));
        REQUIRE(changed);
        CHECK_FALSE(changed->unchanged);
        REQUIRE(pushSubmission(requestFor(repoDir, remote, "lab-02"), kc::Cancellation{}));
        auto second = kc::testing::readBranch(remote, "lab-02");
        CHECK(second.sha == changed->sha);
        CHECK(second.parents == std::vector<std::string>{commit->sha});
        CHECK(second.files["README.md"] == "# My operator, v2\n");
    }
}

TEST_CASE("a rejected push says what happened and submitting on top of the remote keeps both", "[app][submit]") {
    TempDir dir;
    const std::string remote = dir.path() + "/course.git";
    REQUIRE(kc::testing::initBareRepository(remote));
    // Another computer submitted lab-03 first.
    dir.write("laptop/answer.yaml", "from: laptop\n");
    const std::string laptopRepo = dir.path() + "/laptop-data/lab-03.git";
    auto laptop = commitSubmission(laptopRepo, "lab-03", *planSubmission(laptopRepo, dir.path() + "/laptop"), kAuthor, kAt);
    REQUIRE(laptop);
    REQUIRE(pushSubmission(requestFor(laptopRepo, remote, "lab-03"), kc::Cancellation{}));

    dir.write("desktop/answer.yaml", "from: desktop\n");
    const std::string desktopRepo = dir.path() + "/desktop-data/lab-03.git";
    auto desktop = commitSubmission(desktopRepo, "lab-03", *planSubmission(desktopRepo, dir.path() + "/desktop"),
                                    kAuthor, kAt + std::chrono::minutes(5));
    REQUIRE(desktop);
    auto rejected = pushSubmission(requestFor(desktopRepo, remote, "lab-03"), kc::Cancellation{});
    REQUIRE_FALSE(rejected);
    CHECK(rejected.error().kind == ErrorKind::Conflict);
    CHECK_THAT(rejected.error().message, Catch::Contains("Rejected") && Catch::Contains("lab-03") &&
                                             Catch::Contains("Nothing was overwritten") &&
                                             Catch::Contains("Submit on top of the remote"));
    CHECK(kc::testing::readBranch(remote, "lab-03").sha == laptop->sha);  // untouched

    auto onTop = submitOnTopOfRemote(requestFor(desktopRepo, remote, "lab-03"), "lab-03", kAuthor,
                                     kAt + std::chrono::minutes(6), kc::Cancellation{});
    REQUIRE(onTop);
    CHECK(onTop->files == 1);
    REQUIRE(pushSubmission(requestFor(desktopRepo, remote, "lab-03"), kc::Cancellation{}));
    auto branch = kc::testing::readBranch(remote, "lab-03");
    CHECK(branch.sha == onTop->sha);
    CHECK(branch.parents == std::vector<std::string>{laptop->sha, desktop->sha});
    CHECK(branch.files == std::map<std::string, std::string>{{"answer.yaml", "from: desktop\n"}});
}

TEST_CASE("authentication failures name the fix and never show the token", "[app][submit]") {
    TempDir dir;
    dir.write("work/a.txt", "a\n");
    const std::string repoDir = dir.path() + "/repo.git";
    REQUIRE(commitSubmission(repoDir, "lab-01", *planSubmission(repoDir, dir.path() + "/work"), kAuthor, kAt));
    kc::testing::RefusingGitServer server;
    const std::string token = "ghp_SECRETtoken1234567890";
    kc::grader::GitCredentialConfig config;
    config.token = token;
    config.useCredentialHelper = false;
    PushRequest request{repoDir, server.url(), "lab-01", kc::grader::makeGitCredentialProvider(config), {}};
    auto pushed = pushSubmission(request, kc::Cancellation{});
    REQUIRE_FALSE(pushed);
    INFO(pushed.error().message);
    CHECK(pushed.error().kind == ErrorKind::Unauthorized);
    CHECK_THAT(pushed.error().message, Catch::Contains("Authentication failed") &&
                                           Catch::Contains("KUBECLASS_GIT_TOKEN") &&
                                           Catch::Contains("the credentials offered"));
    CHECK(server.requestsWithCredentials() >= 1);  // the token really was sent, and refused
    CHECK(pushed.error().message.find(token) == std::string::npos);

    SECTION("a password written into the URL is not shown either") {
        const std::string inUrl = "pw-in-url-98765";
        PushRequest withUserinfo{repoDir, "http://ada:" + inUrl + "@127.0.0.1:" + server.url().substr(17), "lab-01",
                                 nullptr, {}};
        auto failed = pushSubmission(withUserinfo, kc::Cancellation{});
        REQUIRE_FALSE(failed);
        INFO(failed.error().message);
        CHECK(failed.error().message.find(inUrl) == std::string::npos);
        CHECK(failed.error().message.find("ada:") == std::string::npos);
    }
}

TEST_CASE("no remote, an unreachable remote and a missing repository each say what to do", "[app][submit]") {
    TempDir dir;
    dir.write("work/a.txt", "a\n");
    const std::string repoDir = dir.path() + "/repo.git";
    REQUIRE(commitSubmission(repoDir, "lab-01", *planSubmission(repoDir, dir.path() + "/work"), kAuthor, kAt));

    auto none = pushSubmission(requestFor(repoDir, "", "lab-01"), kc::Cancellation{});
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::Invalid);
    CHECK_THAT(none.error().message, Catch::Contains("No course remote is set") && Catch::Contains("Settings"));

    // A port nothing listens on: bind one, note it, close it.
    int port = 0;
    {
        kc::testing::RefusingGitServer closed;
        port = std::stoi(closed.url().substr(17, 5));
    }
    auto unreachable =
        pushSubmission(requestFor(repoDir, "http://127.0.0.1:" + std::to_string(port) + "/x.git", "lab-01"), kc::Cancellation{});
    REQUIRE_FALSE(unreachable);
    INFO(unreachable.error().message);
    CHECK(unreachable.error().kind == ErrorKind::Unreachable);
    CHECK_THAT(unreachable.error().message, Catch::Contains("Cannot reach the course remote") &&
                                                Catch::Contains("your commit is kept"));

    auto missing = pushSubmission(requestFor(repoDir, dir.path() + "/no-such-remote.git", "lab-01"), kc::Cancellation{});
    REQUIRE_FALSE(missing);
    INFO(missing.error().message);
    CHECK(missing.error().kind == ErrorKind::NotFound);
}

TEST_CASE("the labs offered are the course's labs with their titles", "[app][submit]") {
    auto labs = submittableLabs(KUBECLASS_SOURCE_DIR);
    REQUIRE(labs.size() == 4);
    CHECK(labs[0].id == "lab-01");
    CHECK(labs[0].title == "Operator for ML training jobs");
    CHECK(labs[3].id == "lab-04");
    CHECK(submittableLabs("/nonexistent").empty());
}

TEST_CASE("push history keeps the newest first, survives reopening and is capped", "[app][submit]") {
    TempDir dir;
    {
        auto store = ProgressStore::open(dir.path() + "/progress.db");
        REQUIRE(store);
        for (int i = 0; i < static_cast<int>(kMaxPushesKept) + 3; ++i)
            REQUIRE(recordPush(**store, {"lab-0" + std::to_string(1 + i % 4), "sha" + std::to_string(i), "lab-01",
                                         "https://git.example.edu/c.git", kAt + std::chrono::seconds(i), 2, 30}));
        REQUIRE(rememberSubmitFolder(**store, "lab-02", "/home/ada/lab2"));
    }
    auto store = ProgressStore::open(dir.path() + "/progress.db");
    REQUIRE(store);
    auto history = pushHistory(**store);
    REQUIRE(history.size() == kMaxPushesKept);
    CHECK(history.front().sha == "sha" + std::to_string(kMaxPushesKept + 2));
    CHECK(history.back().sha == "sha3");
    CHECK(history.front().at == kAt + std::chrono::seconds(kMaxPushesKept + 2));
    CHECK(rememberedSubmitFolder(**store, "lab-02") == "/home/ada/lab2");
    CHECK(rememberedSubmitFolder(**store, "lab-03").empty());
}

TEST_CASE("displayRemote drops credentials from URLs", "[app][submit]") {
    CHECK(displayRemote("https://ada:tok123@git.example.edu/c.git") == "https://git.example.edu/c.git");
    CHECK(displayRemote("https://git.example.edu/c.git") == "https://git.example.edu/c.git");
    CHECK(displayRemote("git@git.example.edu:course/ada.git") == "git@git.example.edu:course/ada.git");
}

// --- the page ---

namespace {

struct SubmitPageFixture {
    std::unique_ptr<kc::testing::AppTestContext> test = kc::testing::makeAppTestContext();
    std::string remote;
    std::unique_ptr<SubmitPage> page;

    explicit SubmitPageFixture(bool withSettings = true) {
        REQUIRE(test);
        remote = test->dir.path() + "/course.git";
        REQUIRE(kc::testing::initBareRepository(remote));
        if (withSettings) {
            test->context->settings.studentName = "Ada Lovelace";
            test->context->settings.studentId = "s1234567";
            test->context->settings.remoteUrl = QString::fromStdString(remote);
        }
        page = std::make_unique<SubmitPage>(*test->context);
        page->resize(1080, 800);
        page->show();
        page->activated();
    }
    template <class W>
    W* child(const QString& accessibleName) const {
        for (auto* widget : page->findChildren<W*>())
            if (widget->accessibleName() == accessibleName) return widget;
        return nullptr;
    }
    QPushButton* button(const QString& text) const {
        for (auto* widget : page->findChildren<QPushButton*>())
            if (widget->text().remove(QLatin1Char('&')) == text) return widget;
        return nullptr;
    }
};

}  // namespace

TEST_CASE("without a remote or a name the page says to set them on Settings and Submit stays off",
          "[app][submit]") {
    SubmitPageFixture fixture(false);
    const std::string folder = makeStudentFolder(fixture.test->dir);
    fixture.page->setFolder(QString::fromStdString(folder));
    auto* files = fixture.child<QTreeWidget>(QStringLiteral("Files that will be submitted"));
    REQUIRE(files);
    REQUIRE(kc::testing::waitUntil([&] { return files->topLevelItemCount() == 5; }));
    auto* submit = fixture.button(QStringLiteral("Submit and push"));
    REQUIRE(submit);
    CHECK_FALSE(submit->isEnabled());
    CHECK_THAT(submit->toolTip().toStdString(), Catch::Contains("course remote on the Settings page"));
    // Said on the page as well, for keyboard users.
    CHECK(fixture.child<QLabel>(QStringLiteral("Submission status"))->text() == submit->toolTip());
    auto* settings = fixture.button(QStringLiteral("Open Settings"));
    REQUIRE(settings);
    CHECK(settings->isVisible());
    QString navigatedTo;
    QObject::connect(fixture.page.get(), &kc::app::Page::navigateRequested,
                     [&](const QString& pageId, const QString&) { navigatedTo = pageId; });
    settings->click();
    CHECK(navigatedTo == QStringLiteral("settings"));
}

TEST_CASE("the page previews the files, pushes them and lists the push", "[app][submit]") {
    SubmitPageFixture fixture;
    fixture.page->openItem(QStringLiteral("lab-02"));
    const std::string folder = makeStudentFolder(fixture.test->dir);
    fixture.page->setFolder(QString::fromStdString(folder));
    auto* files = fixture.child<QTreeWidget>(QStringLiteral("Files that will be submitted"));
    REQUIRE(kc::testing::waitUntil([&] { return files->topLevelItemCount() == 5; }));
    CHECK(files->topLevelItem(3)->text(0) == QStringLiteral("deploy.sh"));
    CHECK(files->topLevelItem(3)->text(1) == QStringLiteral("29 B"));
    auto* submit = fixture.button(QStringLiteral("Submit and push"));
    REQUIRE(submit->isEnabled());
    submit->click();
    auto* status = fixture.child<QLabel>(QStringLiteral("Submission status"));
    REQUIRE(kc::testing::waitUntil([&] { return status->text().startsWith(QStringLiteral("Submitted lab-02")); }));

    auto branch = kc::testing::readBranch(fixture.remote, "lab-02");
    REQUIRE(branch.exists);
    CHECK(branch.files.size() == 5);
    CHECK_THAT(status->text().toStdString(), Catch::Contains(branch.sha.substr(0, 10)));
    auto* history = fixture.child<QTreeWidget>(QStringLiteral("Recent submissions"));
    REQUIRE(history->topLevelItemCount() == 1);
    CHECK(history->topLevelItem(0)->text(0) == QStringLiteral("lab-02"));
    CHECK(history->topLevelItem(0)->text(1) == QString::fromStdString(branch.sha.substr(0, 10)));
    CHECK(history->topLevelItem(0)->text(3) == QString::fromStdString(fixture.remote));
    // Committed to progress.db at once: a fresh connection sees the push and the folder.
    auto reopened = ProgressStore::open(fixture.test->context->progressDbPath());
    REQUIRE(reopened);
    REQUIRE(pushHistory(**reopened).size() == 1);
    CHECK(pushHistory(**reopened)[0].sha == branch.sha);
    CHECK(rememberedSubmitFolder(**reopened, "lab-02") == folder);
    // The repository is in the data folder, one per lab.
    CHECK(fs::exists(fixture.page->repositoryFor(QStringLiteral("lab-02")).toStdString() + "/HEAD"));
}

TEST_CASE("the page refuses a symlink out of the folder and shows why", "[app][submit]") {
    SubmitPageFixture fixture;
    fixture.test->dir.write("secret.txt", "x\n");
    fixture.test->dir.write("work/ok.txt", "x\n");
    fs::create_symlink("../secret.txt", fixture.test->dir.path() + "/work/escape");
    fixture.page->setFolder(QString::fromStdString(fixture.test->dir.path() + "/work"));
    auto* problems = fixture.child<QLabel>(QStringLiteral("Problems that block the submission"));
    REQUIRE(kc::testing::waitUntil([&] { return !problems->text().isEmpty(); }));
    CHECK_THAT(problems->text().toStdString(), Catch::Contains("escape") && Catch::Contains("outside the folder"));
    auto* submit = fixture.button(QStringLiteral("Submit and push"));
    CHECK_FALSE(submit->isEnabled());
    CHECK_THAT(submit->toolTip().toStdString(), Catch::Contains("Fix the problems"));
}

TEST_CASE("a rejected push shows the way out on the page and it works", "[app][submit]") {
    SubmitPageFixture fixture;
    fixture.page->openItem(QStringLiteral("lab-01"));
    // The remote already has a lab-01 submission from elsewhere.
    fixture.test->dir.write("other/x.txt", "other\n");
    const std::string otherRepo = fixture.test->dir.path() + "/other.git";
    REQUIRE(commitSubmission(otherRepo, "lab-01", *planSubmission(otherRepo, fixture.test->dir.path() + "/other"),
                             kAuthor, kAt));
    REQUIRE(pushSubmission(requestFor(otherRepo, fixture.remote, "lab-01"), kc::Cancellation{}));

    fixture.test->dir.write("mine/x.txt", "mine\n");
    fixture.page->setFolder(QString::fromStdString(fixture.test->dir.path() + "/mine"));
    auto* files = fixture.child<QTreeWidget>(QStringLiteral("Files that will be submitted"));
    REQUIRE(kc::testing::waitUntil([&] { return files->topLevelItemCount() == 1; }));
    fixture.button(QStringLiteral("Submit and push"))->click();
    auto* error = fixture.child<QLabel>(QStringLiteral("Submission error"));
    REQUIRE(kc::testing::waitUntil([&] { return error->isVisible(); }));
    CHECK_THAT(error->text().toStdString(), Catch::Contains("Rejected") && Catch::Contains("Nothing was overwritten"));
    auto* onTop = fixture.button(QStringLiteral("Submit on top of the remote"));
    REQUIRE(onTop);
    REQUIRE(onTop->isVisible());
    onTop->click();
    auto* status = fixture.child<QLabel>(QStringLiteral("Submission status"));
    REQUIRE(kc::testing::waitUntil([&] { return status->text().contains(QStringLiteral("on top of the remote")); }));
    CHECK_FALSE(error->isVisible());
    CHECK(kc::testing::readBranch(fixture.remote, "lab-01").files.at("x.txt") == "mine\n");
}

TEST_CASE("cancelling a push to a remote that hangs gives the page back at once", "[app][submit]") {
    SubmitPageFixture fixture;
    kc::testing::RefusingGitServer hanging(true);
    fixture.test->context->settings.remoteUrl = QString::fromStdString(hanging.url());
    fixture.page->activated();
    fixture.test->dir.write("work/a.txt", "a\n");
    fixture.page->setFolder(QString::fromStdString(fixture.test->dir.path() + "/work"));
    auto* files = fixture.child<QTreeWidget>(QStringLiteral("Files that will be submitted"));
    REQUIRE(kc::testing::waitUntil([&] { return files->topLevelItemCount() == 1; }));
    auto* submit = fixture.button(QStringLiteral("Submit and push"));
    auto* cancel = fixture.button(QStringLiteral("Cancel"));
    REQUIRE(submit->isEnabled());
    CHECK_FALSE(cancel->isEnabled());
    submit->click();
    CHECK_FALSE(submit->isEnabled());
    REQUIRE(cancel->isEnabled());
    REQUIRE(kc::testing::waitUntil([&] { return hanging.requests() >= 1; }));  // the push is waiting on the remote
    cancel->click();
    CHECK(submit->isEnabled());
    CHECK_FALSE(cancel->isEnabled());
    auto* status = fixture.child<QLabel>(QStringLiteral("Submission status"));
    CHECK(status->text().startsWith(QStringLiteral("Cancelled.")));
    auto* error = fixture.child<QLabel>(QStringLiteral("Submission error"));
    CHECK_FALSE(error->isVisible());
}

TEST_CASE("the push token comes from KUBECLASS_GIT_TOKEN, else GIT_TOKEN", "[app][submit]") {
    // Saved and restored: the environment is the process's, not this test's.
    auto saved = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
    const auto kubeclassToken = saved("KUBECLASS_GIT_TOKEN");
    const auto gitToken = saved("GIT_TOKEN");
    ::unsetenv("KUBECLASS_GIT_TOKEN");
    ::setenv("GIT_TOKEN", "generic-token-1", 1);
    CHECK(submitCredentialConfigFromEnvironment().token == std::optional<std::string>("generic-token-1"));
    ::setenv("KUBECLASS_GIT_TOKEN", "course-token-2", 1);
    CHECK(submitCredentialConfigFromEnvironment().token == std::optional<std::string>("course-token-2"));
    ::unsetenv("KUBECLASS_GIT_TOKEN");
    ::unsetenv("GIT_TOKEN");
    CHECK_FALSE(submitCredentialConfigFromEnvironment().token);
    if (kubeclassToken) ::setenv("KUBECLASS_GIT_TOKEN", kubeclassToken->c_str(), 1);
    if (gitToken) ::setenv("GIT_TOKEN", gitToken->c_str(), 1);
}
