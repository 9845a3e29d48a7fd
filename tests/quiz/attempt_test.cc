// Tests for the attempt engine: the draw it starts from, autosave through the store, flags and navigation,
// submit and the result, and the 90-minute limit within a run (monotonic) and across runs (wall clock, never
// more than was left at the last save). Each "run" is a new Attempt object over the same progress.db, with the
// clock that run would see.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>

#include "quiz/attempt.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz_test_bank.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"

using namespace kc::quiz;
using namespace std::chrono_literals;
using kc::testing::FakeClock;
using kc::testing::TempDir;

namespace {

// A clock whose wall and monotonic times move separately, as when a user sets the system clock mid-attempt.
class SplitClock final : public kc::Clock {
public:
    std::chrono::system_clock::time_point now() const override { return wall; }
    std::chrono::steady_clock::time_point monotonicNow() const override { return monotonic; }
    void sleepFor(std::chrono::milliseconds d) override { monotonic += d; wall += d; }
    std::chrono::system_clock::time_point wall = FakeClock::defaultStart();
    std::chrono::steady_clock::time_point monotonic{};
};

struct Fixture {
    TempDir dir;
    std::string dbPath = dir.path() + "/progress.db";
    std::vector<Question> bank = testing::engineBank(8, 10);
    std::unique_ptr<SqliteAttemptStore> store = openStore();

    std::unique_ptr<SqliteAttemptStore> openStore() {
        auto s = SqliteAttemptStore::open(dbPath);
        REQUIRE(s);
        return std::move(*s);
    }
};

Response pick(std::string option) { return Response{{std::move(option)}, ""}; }

int topicOf(const Question& q) { return q.topic; }

}  // namespace

TEST_CASE("an attempt draws 25 stratified course questions from its seed and saves them") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 20261123, *f.store, clock);
    REQUIRE(attempt);
    REQUIRE(attempt->size() == 25);
    CHECK(attempt->state() == AttemptState::InProgress);
    CHECK(attempt->remaining() == 90min);
    std::map<int, int> perTopic;
    for (std::size_t i = 0; i < attempt->size(); ++i) perTopic[topicOf(attempt->question(i))]++;
    CHECK(perTopic.count(kPrerequisitesTopic) == 0);
    REQUIRE(perTopic.size() == 8);
    for (const auto& [topic, n] : perTopic) CHECK(n >= 3);

    // What was saved: the seed, the wall start, the limit and the questions in the order shown.
    auto saved = f.store->load(attempt->id());
    REQUIRE(saved);
    CHECK(saved->seed == 20261123);
    CHECK(saved->startedAt == FakeClock::defaultStart());
    CHECK(saved->timeLimit == 90min);
    CHECK(saved->remainingAtLastSave == 90min);
    CHECK(saved->state == AttemptState::InProgress);
    REQUIRE(saved->questions.size() == 25);

    // The seed alone rebuilds what the student saw: the same questions, order and option order.
    auto redrawn = drawQuiz(f.bank, saved->seed);
    REQUIRE(redrawn);
    for (std::size_t i = 0; i < 25; ++i) {
        CHECK(redrawn->questions[i].questionId == saved->questions[i].questionId);
        CHECK(redrawn->questions[i].optionOrder == saved->questions[i].optionOrder);
        CHECK(attempt->question(i).id == saved->questions[i].questionId);
        std::vector<std::string> shown;
        for (const auto& o : attempt->options(i)) shown.push_back(o.id);
        CHECK(shown == saved->questions[i].optionOrder);
    }
}

TEST_CASE("option shuffles differ between questions and seeds but never lose an option") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    std::set<std::vector<std::string>> orders;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        auto attempt = Attempt::start(f.bank, AttemptKind::Module, seed, *f.store, clock);
        REQUIRE(attempt);
        for (std::size_t i = 0; i < attempt->size(); ++i) {
            std::vector<std::string> ids;
            for (const auto& o : attempt->options(i)) ids.push_back(o.id);
            orders.insert(ids);
            std::sort(ids.begin(), ids.end());
            REQUIRE(ids == std::vector<std::string>{"a", "b", "c", "d"});
        }
    }
    // 500 shuffles of four options reach all 24 orders.
    CHECK(orders.size() == 24);
}

TEST_CASE("every answer and flag is in the database as soon as the call returns") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 5, *f.store, clock);
    REQUIRE(attempt);
    clock->advance(3min);
    REQUIRE(attempt->answer(0, pick("a")));
    // A second connection, as a restarted app would open, sees it at once.
    auto other = f.openStore();
    auto saved = other->load(attempt->id());
    REQUIRE(saved);
    REQUIRE(saved->answers.size() == 1);
    const auto& first = saved->answers.at(attempt->question(0).id);
    CHECK(first.response.chosenOptions == std::vector<std::string>{"a"});
    CHECK(first.answeredAt == FakeClock::defaultStart() + 3min);
    CHECK(saved->remainingAtLastSave == 87min);

    // Changing an answer replaces it; flags are saved and cleared.
    clock->advance(1min);
    REQUIRE(attempt->answer(0, pick("c")));
    REQUIRE(attempt->setFlag(4, true));
    REQUIRE(attempt->setFlag(6, true));
    REQUIRE(attempt->setFlag(6, false));
    saved = other->load(attempt->id());
    REQUIRE(saved);
    CHECK(saved->answers.at(attempt->question(0).id).response.chosenOptions == std::vector<std::string>{"c"});
    CHECK(saved->flagged == std::set<std::string>{attempt->question(4).id});
    CHECK(saved->remainingAtLastSave == 86min);
    CHECK(attempt->flagged(4));
    CHECK_FALSE(attempt->flagged(6));
}

TEST_CASE("navigation moves within the attempt and refuses to leave it") {
    Fixture f;
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 9, *f.store, std::make_shared<FakeClock>());
    REQUIRE(attempt);
    CHECK(attempt->current() == 0);
    CHECK_FALSE(attempt->previous());
    REQUIRE(attempt->next());
    REQUIRE(attempt->next());
    CHECK(attempt->current() == 2);
    REQUIRE(attempt->goTo(24));
    auto past = attempt->next();
    REQUIRE_FALSE(past);
    CHECK(past.error().message == "question 26 does not exist; the attempt has 25");
    CHECK(attempt->current() == 24);
    CHECK_FALSE(attempt->answer(25, pick("a")));
    REQUIRE(attempt->answer(3, pick("a")));
    CHECK(attempt->current() == 3);  // answering a question makes it the current one
}

TEST_CASE("submitting grades what was answered and ends the attempt") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 77, *f.store, clock);
    REQUIRE(attempt);
    // 20 right ("a" is correct everywhere), 3 wrong, 2 left blank: 20 / 25 = 80%, a pass.
    for (std::size_t i = 0; i < 23; ++i) REQUIRE(attempt->answer(i, pick(i < 20 ? "a" : "b")));
    clock->advance(40min);
    auto result = attempt->submit();
    REQUIRE(result);
    CHECK(result->questions == 25);
    CHECK(result->answered() == 23);
    CHECK(result->earned == 20.0);
    CHECK(result->passed);
    CHECK(attempt->state() == AttemptState::Submitted);
    CHECK(attempt->remaining() == 0ms);
    // Topics to revisit, from what was answered: questions 0..19 right, 20..24 wrong or blank.
    std::map<int, std::pair<int, int>> byTopic;  // topic → right, asked
    for (std::size_t i = 0; i < attempt->size(); ++i) {
        byTopic[attempt->question(i).topic].first += i < 20 ? 1 : 0;
        byTopic[attempt->question(i).topic].second += 1;
    }
    std::vector<int> revisit;
    for (const auto& [topic, v] : byTopic)
        if (v.first * 5 < v.second * 4) revisit.push_back(topic);  // under 80%
    CHECK(result->topicsToRevisit == revisit);
    for (const auto& r : result->review) {
        CHECK_FALSE(r.question.explanation.empty());
        CHECK(r.question.reference.rfind("lecture-notes/", 0) == 0);
    }
    CHECK_FALSE(revisit.empty());

    auto late = attempt->answer(24, pick("a"));
    REQUIRE_FALSE(late);
    CHECK(late.error().message == "the attempt is already submitted; answers can no longer change");
    auto saved = f.store->load(attempt->id());
    REQUIRE(saved);
    CHECK(saved->state == AttemptState::Submitted);
    REQUIRE(saved->finishedAt);
    CHECK(*saved->finishedAt == FakeClock::defaultStart() + 40min);
    CHECK(saved->answers.size() == 23);
    // Submitting again changes nothing.
    auto again = attempt->submit();
    REQUIRE(again);
    CHECK(again->earned == 20.0);
}

TEST_CASE("when the time runs out the attempt is submitted with the answers given before") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 3, *f.store, clock);
    REQUIRE(attempt);
    REQUIRE(attempt->answer(0, pick("a")));
    clock->advance(89min + 59s);
    CHECK(attempt->remaining() == 1s);
    REQUIRE(attempt->answer(1, pick("a")));
    clock->advance(1s);
    CHECK(attempt->remaining() == 0ms);
    auto late = attempt->answer(2, pick("a"));
    REQUIRE_FALSE(late);
    CHECK(late.error().message.find("time is up") != std::string::npos);
    CHECK(attempt->state() == AttemptState::Expired);
    auto result = attempt->result();
    CHECK(result.answered() == 2);
    CHECK(result.earned == 2.0);
    auto saved = f.store->load(attempt->id());
    REQUIRE(saved);
    CHECK(saved->state == AttemptState::Expired);
    CHECK(saved->answers.size() == 2);
    CHECK(saved->remainingAtLastSave == 0ms);
}

TEST_CASE("a timer tick saves the time left and submits at expiry") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 4, *f.store, clock);
    REQUIRE(attempt);
    clock->advance(30min);
    auto state = attempt->tick();
    REQUIRE(state);
    CHECK(*state == AttemptState::InProgress);
    CHECK(f.store->load(attempt->id())->remainingAtLastSave == 60min);
    clock->advance(60min);
    state = attempt->tick();
    REQUIRE(state);
    CHECK(*state == AttemptState::Expired);
    CHECK(f.store->load(attempt->id())->state == AttemptState::Expired);
    CHECK(f.store->latestInProgress(AttemptKind::Module)->has_value() == false);
}

TEST_CASE("a resumed attempt keeps its answers and the wall time since its start counts") {
    Fixture f;
    std::int64_t id = 0;
    {
        auto run1 = std::make_shared<FakeClock>();
        auto attempt = Attempt::start(f.bank, AttemptKind::Module, 11, *f.store, run1);
        REQUIRE(attempt);
        id = attempt->id();
        REQUIRE(attempt->answer(0, pick("a")));
        REQUIRE(attempt->answer(1, pick("b")));
        run1->advance(10min);
        REQUIRE(attempt->tick());
    }
    // The app is closed for 30 minutes, then started again: 40 minutes have gone since the start.
    auto run2 = std::make_shared<FakeClock>(FakeClock::defaultStart() + 40min);
    auto store2 = f.openStore();
    auto latest = store2->latestInProgress(AttemptKind::Module);
    REQUIRE(latest);
    REQUIRE(*latest == id);
    auto resumed = Attempt::resume(f.bank, id, *store2, run2);
    REQUIRE(resumed);
    CHECK(resumed->remaining() == 50min);
    CHECK(resumed->state() == AttemptState::InProgress);
    CHECK(resumed->response(0)->chosenOptions == std::vector<std::string>{"a"});
    CHECK(resumed->response(1)->chosenOptions == std::vector<std::string>{"b"});
    CHECK(resumed->current() == 2);  // the first unanswered question
    run2->advance(50min);
    CHECK(resumed->remaining() == 0ms);
    CHECK_FALSE(resumed->answer(2, pick("a")));
    CHECK(resumed->state() == AttemptState::Expired);
}

TEST_CASE("setting the clock back between runs gives no time back") {
    Fixture f;
    std::int64_t id = 0;
    {
        auto run1 = std::make_shared<FakeClock>();
        auto attempt = Attempt::start(f.bank, AttemptKind::Module, 12, *f.store, run1);
        REQUIRE(attempt);
        id = attempt->id();
        run1->advance(20min);
        REQUIRE(attempt->answer(0, pick("a")));  // saved: 70 minutes left
    }
    SECTION("a day back") {
        auto run2 = std::make_shared<FakeClock>(FakeClock::defaultStart() - 24h);
        auto resumed = Attempt::resume(f.bank, id, *f.store, run2);
        REQUIRE(resumed);
        CHECK(resumed->remaining() == 70min);
    }
    SECTION("back to just after the start") {
        auto run2 = std::make_shared<FakeClock>(FakeClock::defaultStart() + 5min);
        auto resumed = Attempt::resume(f.bank, id, *f.store, run2);
        REQUIRE(resumed);
        CHECK(resumed->remaining() == 70min);
    }
    SECTION("forward past the limit expires it at once, keeping the answer") {
        auto run2 = std::make_shared<FakeClock>(FakeClock::defaultStart() + 3h);
        auto resumed = Attempt::resume(f.bank, id, *f.store, run2);
        REQUIRE(resumed);
        CHECK(resumed->state() == AttemptState::Expired);
        CHECK(resumed->result().answered() == 1);
        CHECK(f.store->load(id)->state == AttemptState::Expired);
    }
}

TEST_CASE("changing the wall clock during a run changes nothing: the run counts monotonic time") {
    Fixture f;
    auto clock = std::make_shared<SplitClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 13, *f.store, clock);
    REQUIRE(attempt);
    clock->monotonic += 10min;
    clock->wall -= 1h;  // the user sets the clock an hour back
    CHECK(attempt->remaining() == 80min);
    clock->monotonic += 5min;
    clock->wall += 5h;  // and then five hours forward
    CHECK(attempt->remaining() == 75min);
    REQUIRE(attempt->answer(0, pick("a")));
    CHECK(attempt->state() == AttemptState::InProgress);
}

TEST_CASE("a finished attempt reopens for review and cannot change") {
    Fixture f;
    auto clock = std::make_shared<FakeClock>();
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 21, *f.store, clock);
    REQUIRE(attempt);
    REQUIRE(attempt->answer(0, pick("a")));
    REQUIRE(attempt->submit());
    auto review = Attempt::resume(f.bank, attempt->id(), *f.store, std::make_shared<FakeClock>());
    REQUIRE(review);
    CHECK(review->state() == AttemptState::Submitted);
    CHECK(review->result().earned == 1.0);
    REQUIRE(review->goTo(5));
    CHECK_FALSE(review->answer(5, pick("a")));
    CHECK_FALSE(review->setFlag(5, true));
    CHECK(f.store->load(attempt->id())->answers.size() == 1);
}

TEST_CASE("resuming fails clearly when the bank lost a question of the attempt") {
    Fixture f;
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 22, *f.store, std::make_shared<FakeClock>());
    REQUIRE(attempt);
    const std::string gone = attempt->question(7).id;
    auto smaller = f.bank;
    std::erase_if(smaller, [&](const Question& q) { return q.id == gone; });
    auto resumed = Attempt::resume(smaller, attempt->id(), *f.store, std::make_shared<FakeClock>());
    REQUIRE_FALSE(resumed);
    CHECK(resumed.error().message ==
          "attempt " + std::to_string(attempt->id()) + ": question '" + gone + "' is no longer in the bank");
    auto missing = Attempt::resume(f.bank, 999, *f.store, std::make_shared<FakeClock>());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
}

TEST_CASE("the prerequisites self-check asks every prerequisites question and only those") {
    Fixture f;
    auto attempt = Attempt::start(f.bank, AttemptKind::Prerequisites, 1, *f.store, std::make_shared<FakeClock>());
    REQUIRE(attempt);
    REQUIRE(attempt->size() == 10);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < attempt->size(); ++i) {
        CHECK(attempt->question(i).topic == kPrerequisitesTopic);
        ids.insert(attempt->question(i).id);
    }
    CHECK(ids.size() == 10);
    CHECK(f.store->latestInProgress(AttemptKind::Prerequisites).value() == attempt->id());
    CHECK_FALSE(f.store->latestInProgress(AttemptKind::Module).value().has_value());

    auto none = Attempt::start(testing::engineBank(8), AttemptKind::Prerequisites, 1, *f.store,
                               std::make_shared<FakeClock>());
    REQUIRE_FALSE(none);
    CHECK(none.error().message == "cannot start a quiz attempt: the bank has no prerequisites questions");
}

namespace {

// A store whose saves can be made to fail, as a full disk or a locked file would.
class FlakyStore final : public AttemptStore {
public:
    explicit FlakyStore(AttemptStore& inner) : inner_(inner) {}
    bool failSaves = false;

    kc::Result<std::int64_t> create(const AttemptRecord& r) override { return inner_.create(r); }
    kc::Status saveAnswer(std::int64_t a, const std::string& q, const SavedAnswer& s,
                          std::chrono::milliseconds left) override {
        if (failSaves) return kc::fail(kc::ErrorKind::Other, "disk full");
        return inner_.saveAnswer(a, q, s, left);
    }
    kc::Status saveFlag(std::int64_t a, const std::string& q, bool f, std::chrono::system_clock::time_point at,
                        std::chrono::milliseconds left) override {
        if (failSaves) return kc::fail(kc::ErrorKind::Other, "disk full");
        return inner_.saveFlag(a, q, f, at, left);
    }
    kc::Status saveRemaining(std::int64_t a, std::chrono::system_clock::time_point at,
                             std::chrono::milliseconds left) override {
        return inner_.saveRemaining(a, at, left);
    }
    kc::Status finish(std::int64_t a, AttemptState s, std::chrono::system_clock::time_point at,
                      std::chrono::milliseconds left) override {
        return inner_.finish(a, s, at, left);
    }
    kc::Result<AttemptRecord> load(std::int64_t a) override { return inner_.load(a); }
    kc::Result<std::optional<std::int64_t>> latestInProgress(AttemptKind k) override {
        return inner_.latestInProgress(k);
    }

private:
    AttemptStore& inner_;
};

}  // namespace

TEST_CASE("an answer that could not be saved is not shown as given") {
    Fixture f;
    FlakyStore store(*f.store);
    auto attempt = Attempt::start(f.bank, AttemptKind::Module, 31, store, std::make_shared<FakeClock>());
    REQUIRE(attempt);
    REQUIRE(attempt->answer(0, pick("a")));
    store.failSaves = true;
    auto failed = attempt->answer(0, pick("b"));
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message == "saving the answer to question 1: disk full");
    CHECK_FALSE(attempt->setFlag(1, true));
    // Memory agrees with the database: the earlier answer stands and nothing is flagged.
    CHECK(attempt->response(0)->chosenOptions == std::vector<std::string>{"a"});
    CHECK_FALSE(attempt->flagged(1));
    CHECK(f.store->load(attempt->id())->answers.at(attempt->question(0).id).response.chosenOptions ==
          std::vector<std::string>{"a"});
}
