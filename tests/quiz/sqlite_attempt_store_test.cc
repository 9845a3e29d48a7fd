// Tests for progress.db's quiz tables: the schema version, what a record holds after a round trip, refusing
// writes to finished attempts, and the kill test: a child process saving answers is SIGKILLed and the parent
// finds every answer the child reported saved, and the time left.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "quiz/attempt.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz/sqlite_db.h"
#include "quiz_test_bank.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"

extern char** environ;

using namespace kc::quiz;
using namespace std::chrono_literals;
using kc::testing::FakeClock;
using kc::testing::TempDir;

TEST_CASE("progress.db gets the quiz and app schema at version 2") {
    TempDir dir;
    const std::string path = dir.path() + "/progress.db";
    REQUIRE(SqliteAttemptStore::open(path));
    auto db = kc::sqlite::Database::open(path);
    REQUIRE(db);
    CHECK(db->userVersion().value() == static_cast<int>(progressDbMigrations().size()));
    CHECK(db->userVersion().value() == 2);
    for (const char* table : {"quiz_attempts", "quiz_attempt_questions", "quiz_answers", "quiz_flags", "lectures_read",
                              "lab_check_runs", "hints_revealed", "app_values"}) {
        auto stmt = db->prepare(std::string("SELECT COUNT(*) FROM ") + table);
        CHECK(stmt);
    }
    REQUIRE(SqliteAttemptStore::open(path));  // reopening migrates nothing and fails nothing
}

TEST_CASE("an attempt record survives a round trip with a seed that uses all 64 bits") {
    TempDir dir;
    auto store = SqliteAttemptStore::open(dir.path() + "/progress.db");
    REQUIRE(store);
    AttemptRecord r;
    r.kind = AttemptKind::Prerequisites;
    r.seed = 0xFEDCBA9876543210ULL;
    r.questions = {{"q1", {"c", "a", "b"}}, {"q2", {}}};
    r.startedAt = FakeClock::defaultStart();
    r.savedAt = r.startedAt;
    r.timeLimit = 90min;
    r.remainingAtLastSave = 90min;
    auto id = (*store)->create(r);
    REQUIRE(id);
    REQUIRE((*store)->saveAnswer(*id, "q2", SavedAnswer{Response{{}, "kubectl get po -n ml"}, r.startedAt + 2min},
                                 88min));
    REQUIRE((*store)->saveAnswer(*id, "q1", SavedAnswer{Response{{"a", "b"}, ""}, r.startedAt + 3min}, 87min));
    auto loaded = (*store)->load(*id);
    REQUIRE(loaded);
    CHECK(loaded->kind == AttemptKind::Prerequisites);
    CHECK(loaded->seed == 0xFEDCBA9876543210ULL);
    REQUIRE(loaded->questions.size() == 2);
    CHECK(loaded->questions[0].questionId == "q1");
    CHECK(loaded->questions[0].optionOrder == std::vector<std::string>{"c", "a", "b"});
    CHECK(loaded->questions[1].optionOrder.empty());
    CHECK(loaded->startedAt == r.startedAt);
    CHECK(loaded->remainingAtLastSave == 87min);
    CHECK(loaded->savedAt == r.startedAt + 3min);
    CHECK(loaded->answers.at("q2").response.text == "kubectl get po -n ml");
    CHECK(loaded->answers.at("q1").response.chosenOptions == std::vector<std::string>{"a", "b"});
    CHECK(loaded->answers.at("q1").answeredAt == r.startedAt + 3min);

    REQUIRE((*store)->finish(*id, AttemptState::Submitted, r.startedAt + 4min, 86min));
    auto refused = (*store)->saveAnswer(*id, "q1", SavedAnswer{Response{{"c"}, ""}, r.startedAt + 5min}, 85min);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "attempt " + std::to_string(*id) + " is not in progress");
    CHECK((*store)->load(*id)->answers.at("q1").response.chosenOptions == std::vector<std::string>{"a", "b"});
    CHECK_FALSE((*store)->saveAnswer(*id + 100, "q1", SavedAnswer{}, 1min));
}

TEST_CASE("answers saved before a SIGKILL are all there after it with the time left") {
    TempDir dir;
    const std::string db = dir.path() + "/progress.db";
    int out[2];
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string helper = QUIZ_AUTOSAVE_HELPER;
    std::vector<char*> argv = {helper.data(), const_cast<char*>(db.c_str()), nullptr};
    pid_t pid = 0;
    const auto before = std::chrono::system_clock::now();
    int rc = posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    REQUIRE(rc == 0);

    // Read until the child reports ten answers saved, then kill it mid-stream.
    std::string lines;
    char buffer[256];
    long long attemptId = -1;
    while (lines.find("saved 9\n") == std::string::npos) {
        ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        lines.append(buffer, static_cast<std::size_t>(n));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out[0]);
    INFO("child said: " << lines);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    REQUIRE(std::sscanf(lines.c_str(), "attempt %lld", &attemptId) == 1);
    REQUIRE(lines.find("saved 9\n") != std::string::npos);

    auto store = SqliteAttemptStore::open(db);
    REQUIRE(store);
    auto record = (*store)->load(attemptId);
    REQUIRE(record);
    CHECK(record->state == AttemptState::InProgress);
    // The child may have saved a few more between "saved 9" and the kill; never fewer.
    REQUIRE(record->answers.size() >= 10);
    for (std::size_t i = 0; i < record->answers.size(); ++i) {
        const auto& id = record->questions[i].questionId;
        INFO("question " << i << " " << id);
        REQUIRE(record->answers.count(id) == 1);
        CHECK(record->answers.at(id).response.chosenOptions == std::vector<std::string>{std::string(1, "abcd"[i % 4])});
    }
    // The child ran for well under a minute: the saved time left is the limit less that, and resuming now on the
    // real clock gives at most that.
    const auto elapsed = std::chrono::system_clock::now() - before;
    CHECK(record->remainingAtLastSave <= 90min);
    CHECK(record->remainingAtLastSave >= 90min - std::chrono::duration_cast<std::chrono::milliseconds>(elapsed) - 1s);
    auto resumed = Attempt::resume(kc::quiz::testing::engineBank(8), attemptId, **store,
                                   std::make_shared<kc::SystemClock>());
    REQUIRE(resumed);
    CHECK(resumed->remaining() <= record->remainingAtLastSave);
    CHECK(resumed->remaining() > 85min);
    CHECK(resumed->result().answered() == static_cast<int>(record->answers.size()));
}
