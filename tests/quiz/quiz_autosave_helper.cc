// Test helper for the kill test (sqlite_attempt_store_test.cc): starts a module attempt in the progress.db named
// on the command line and answers its questions one by one, printing "saved N" after each answer is saved, then
// waits to be killed. Answer N is option "abcd"[N % 4] so the parent knows what each saved answer must be.
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "quiz/attempt.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz_test_bank.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: quiz_autosave_helper PROGRESS_DB\n");
        return 2;
    }
    auto store = kc::quiz::SqliteAttemptStore::open(argv[1]);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    const auto bank = kc::quiz::testing::engineBank(8);
    auto attempt = kc::quiz::Attempt::start(bank, kc::quiz::AttemptKind::Module, 99, **store,
                                            std::make_shared<kc::SystemClock>());
    if (!attempt) {
        std::fprintf(stderr, "%s\n", attempt.error().message.c_str());
        return 1;
    }
    std::printf("attempt %lld\n", static_cast<long long>(attempt->id()));
    std::fflush(stdout);
    for (std::size_t i = 0; i < attempt->size(); ++i) {
        const char option[2] = {"abcd"[i % 4], '\0'};
        if (auto s = attempt->answer(i, kc::quiz::Response{{option}, ""}); !s) {
            std::fprintf(stderr, "%s\n", s.error().message.c_str());
            return 1;
        }
        std::printf("saved %zu\n", i);
        std::fflush(stdout);
        // Slow enough that the parent's kill lands while answers are still being written.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
}
