// Test helper for the app's kill test (app_kill_test.cc): writes app records to the progress.db named on the command
// line as fast as it can, as the app does when the student works, and prints one line after each write has
// returned (so is committed):
//   lecture ID                  a lecture marked read, and the last location set to it
//   hint LAB CHECK              hint tier 0 of CHECK revealed
//   run ID LAB EARNED           a lab check run recorded with report {"n":EARNED}
//   answer ATTEMPT INDEX OPTION a quiz answer saved
// It runs until killed. PREFIX keeps the ids of several runs on one database apart.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "app/progress_store.h"
#include "quiz/attempt.h"
#include "quiz/sqlite_attempt_store.h"
#include "tests/quiz/quiz_test_bank.h"

namespace {

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

int failed(const std::string& what) {
    std::fprintf(stderr, "%s\n", what.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: app_kill_helper PROGRESS_DB PREFIX\n");
        return 2;
    }
    const std::string db = argv[1];
    const std::string prefix = argv[2];
    auto progress = kc::app::ProgressStore::open(db);
    if (!progress) return failed(progress.error().message);
    auto quizStore = kc::quiz::SqliteAttemptStore::open(db);
    if (!quizStore) return failed(quizStore.error().message);
    auto attempt = kc::quiz::Attempt::start(kc::quiz::testing::engineBank(8), kc::quiz::AttemptKind::Module, 7,
                                            **quizStore, std::make_shared<kc::SystemClock>());
    if (!attempt) return failed(attempt.error().message);
    say("ready");
    std::size_t answered = 0;
    for (long i = 0;; ++i) {
        const auto now = std::chrono::system_clock::now();
        switch (i % 4) {
            case 0: {
                const std::string lecture = prefix + "-lecture-" + std::to_string(i);
                if (auto ok = (*progress)->setLectureRead(lecture, true, now); !ok) return failed(ok.error().message);
                if (auto ok = (*progress)->setLastLocation({"lectures", lecture}, now); !ok)
                    return failed(ok.error().message);
                say("lecture " + lecture);
                break;
            }
            case 1: {
                const std::string lab = "lab-0" + std::to_string(1 + i % 3);
                const std::string check = prefix + "-check-" + std::to_string(i);
                if (auto ok = (*progress)->revealHint(lab, check, 0, now); !ok) return failed(ok.error().message);
                say("hint " + lab + " " + check);
                break;
            }
            case 2: {
                kc::app::LabCheckRun run;
                run.labId = "lab-04";
                run.scope = prefix + "-step-" + std::to_string(i);
                run.at = now;
                run.earned = static_cast<double>(i);
                run.points = 100;
                run.outcome = "graded";
                run.reportJson = "{\"n\":" + std::to_string(i) + "}";
                auto id = (*progress)->recordCheckRun(run);
                if (!id) return failed(id.error().message);
                say("run " + std::to_string(*id) + " lab-04 " + std::to_string(i));
                break;
            }
            default: {
                if (answered == attempt->size()) break;  // every question answered once; the others go on
                const char option[2] = {"abcd"[answered % 4], '\0'};
                if (auto ok = attempt->answer(answered, kc::quiz::Response{{option}, ""}); !ok)
                    return failed(ok.error().message);
                say("answer " + std::to_string(attempt->id()) + " " + std::to_string(answered) + " " + option);
                ++answered;
                break;
            }
        }
    }
}
