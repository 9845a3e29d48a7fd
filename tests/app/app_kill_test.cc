// Kill -9 test for the app's progress (issue #10): a child process writes app records (lectures read, hints,
// check runs, quiz answers) and prints a line after each write returns; the test SIGKILLs it at a random moment,
// three times on one progress.db, and then finds every record the child reported saved, intact.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/progress_store.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz/sqlite_db.h"
#include "tests/support/temp_dir.h"

namespace {

struct KilledRun {
    std::vector<std::string> lines;  // complete lines only: a line cut by the kill is no claim
    int waitStatus = 0;
};

// Starts the helper, waits for "ready", lets it write for `writeFor`, kills it and collects what it said.
KilledRun runAndKill(const std::string& db, const std::string& prefix, std::chrono::milliseconds writeFor) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string helper = APP_KILL_HELPER;
    std::vector<char*> argv = {helper.data(), const_cast<char*>(db.c_str()), const_cast<char*>(prefix.c_str()),
                               nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    REQUIRE(rc == 0);

    std::string text;
    char buffer[65536];
    auto readFor = [&](std::chrono::milliseconds span, bool untilReady) {
        const auto end = std::chrono::steady_clock::now() + span;
        while (std::chrono::steady_clock::now() < end) {
            if (untilReady && text.find("ready\n") != std::string::npos) return;
            pollfd ready{out[0], POLLIN, 0};
            if (::poll(&ready, 1, 5) <= 0) continue;
            ssize_t n = ::read(out[0], buffer, sizeof buffer);
            if (n <= 0) return;
            text.append(buffer, static_cast<size_t>(n));
        }
    };
    readFor(std::chrono::seconds(30), true);
    REQUIRE(text.find("ready\n") != std::string::npos);
    readFor(writeFor, false);  // keeps the pipe drained so the child never blocks on it
    ::kill(pid, SIGKILL);
    KilledRun run;
    ::waitpid(pid, &run.waitStatus, 0);
    // What the child wrote before it died is still in the pipe.
    while (true) {
        ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(out[0]);
    size_t start = 0;
    for (size_t end = text.find('\n'); end != std::string::npos; start = end + 1, end = text.find('\n', start))
        run.lines.push_back(text.substr(start, end - start));
    return run;
}

}  // namespace

TEST_CASE("app records reported saved before a SIGKILL are all in progress.db", "[app][kill]") {
    kc::testing::TempDir dir;
    const std::string db = dir.path() + "/progress.db";
    const unsigned seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> moment(20, 400);

    std::set<std::string> lectures;
    std::vector<std::pair<std::string, std::string>> hints;
    std::map<long long, long long> runs;  // run id → earned
    std::map<long long, std::map<size_t, std::string>> answers;  // attempt → question index → option
    std::string lastLecture;
    size_t claims = 0;
    for (int round = 0; round < 3; ++round) {
        const auto writeFor = std::chrono::milliseconds(moment(random));
        auto run = runAndKill(db, "r" + std::to_string(round), writeFor);
        INFO("round " << round << " killed after " << writeFor.count() << " ms");
        REQUIRE(WIFSIGNALED(run.waitStatus));
        CHECK(WTERMSIG(run.waitStatus) == SIGKILL);
        for (const auto& line : run.lines) {
            std::istringstream words(line);
            std::string kind;
            words >> kind;
            if (kind == "lecture") {
                words >> lastLecture;
                lectures.insert(lastLecture);
            } else if (kind == "hint") {
                std::string lab, check;
                words >> lab >> check;
                hints.emplace_back(lab, check);
            } else if (kind == "run") {
                long long id = 0, earned = 0;
                std::string lab;
                words >> id >> lab >> earned;
                runs[id] = earned;
            } else if (kind == "answer") {
                long long attempt = 0;
                size_t index = 0;
                std::string option;
                words >> attempt >> index >> option;
                answers[attempt][index] = option;
            } else {
                CHECK(kind == "ready");
                continue;
            }
            ++claims;
        }
    }
    INFO(claims << " writes reported saved");
    REQUIRE(claims >= 3);

    auto store = kc::app::ProgressStore::open(db);
    REQUIRE(store);
    auto read = (*store)->lecturesRead();
    REQUIRE(read);
    for (const auto& lecture : lectures) CHECK(read->count(lecture) == 1);
    for (const auto& [lab, check] : hints) {
        INFO(lab << " " << check);
        auto revealed = (*store)->hintsRevealed(lab, check);
        REQUIRE(revealed);
        CHECK(*revealed == 1);
    }
    auto stored = (*store)->checkRuns("lab-04", 1000000);
    REQUIRE(stored);
    std::map<long long, const kc::app::LabCheckRun*> byId;
    for (const auto& run : *stored) byId[run.id] = &run;
    for (const auto& [id, earned] : runs) {
        INFO("check run " << id);
        REQUIRE(byId.count(id) == 1);
        CHECK(byId[id]->earned == static_cast<double>(earned));
        CHECK(byId[id]->reportJson == "{\"n\":" + std::to_string(earned) + "}");
        CHECK(byId[id]->outcome == "graded");
    }
    if (!lastLecture.empty()) {
        // The last location is the last lecture reported, or one the child wrote after it and did not live to report.
        auto location = (*store)->lastLocation();
        REQUIRE(location);
        REQUIRE(location->has_value());
        CHECK((*location)->page == "lectures");
        auto order = [](const std::string& item) {  // "r1-lecture-12" → (1, 12)
            int round = -1;
            long index = -1;
            std::sscanf(item.c_str(), "r%d-lecture-%ld", &round, &index);
            return std::make_pair(round, index);
        };
        INFO("last reported " << lastLecture << ", stored " << (*location)->item);
        CHECK(order((*location)->item) >= order(lastLecture));
    }
    auto quiz = kc::quiz::SqliteAttemptStore::open(db);
    REQUIRE(quiz);
    for (const auto& [attempt, saved] : answers) {
        auto record = (*quiz)->load(attempt);
        REQUIRE(record);
        for (const auto& [index, option] : saved) {
            INFO("attempt " << attempt << " question " << index);
            const auto& questionId = record->questions.at(index).questionId;
            REQUIRE(record->answers.count(questionId) == 1);
            CHECK(record->answers.at(questionId).response.chosenOptions == std::vector<std::string>{option});
        }
    }
    // And the file itself is sound after three kills.
    auto raw = kc::sqlite::Database::open(db);
    REQUIRE(raw);
    auto check = raw->prepare("PRAGMA integrity_check");
    REQUIRE(check);
    auto row = check->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(check->text(0) == "ok");
}
