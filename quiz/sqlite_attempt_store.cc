// SQLite storage for quiz attempts; see sqlite_attempt_store.h. Times are Unix milliseconds (wall clock), the
// seed is decimal text (SQLite integers are signed and a seed uses all 64 bits), responses and option orders JSON.
#include "quiz/sqlite_attempt_store.h"

#include <nlohmann/json.hpp>

namespace kc::quiz {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::int64_t toMs(system_clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

system_clock::time_point fromMs(std::int64_t ms) {
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(milliseconds(ms)));
}

std::string encodeResponse(const Response& r) {
    return nlohmann::json{{"options", r.chosenOptions}, {"text", r.text}}.dump();
}

Result<Response> decodeResponse(const std::string& text) {
    try {
        auto j = nlohmann::json::parse(text);
        Response r;
        r.chosenOptions = j.at("options").get<std::vector<std::string>>();
        r.text = j.at("text").get<std::string>();
        return r;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Invalid, std::string("stored response is not readable: ") + e.what());
    }
}

}  // namespace

const std::vector<std::string>& progressDbMigrations() {
    static const std::vector<std::string> migrations = {
        // 1: quiz attempts, their questions in the order shown, answers and flags.
        R"sql(
CREATE TABLE quiz_attempts (
  id               INTEGER PRIMARY KEY,
  kind             TEXT    NOT NULL CHECK (kind IN ('module', 'prerequisites')),
  seed             TEXT    NOT NULL,
  started_ms       INTEGER NOT NULL,
  time_limit_ms    INTEGER NOT NULL,
  remaining_ms     INTEGER NOT NULL,
  saved_ms         INTEGER NOT NULL,
  state            TEXT    NOT NULL CHECK (state IN ('in_progress', 'submitted', 'expired')),
  finished_ms      INTEGER
);
CREATE TABLE quiz_attempt_questions (
  attempt_id   INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  question_id  TEXT    NOT NULL,
  option_order TEXT    NOT NULL,
  PRIMARY KEY (attempt_id, position)
);
CREATE TABLE quiz_answers (
  attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
  question_id TEXT    NOT NULL,
  response    TEXT    NOT NULL,
  answered_ms INTEGER NOT NULL,
  PRIMARY KEY (attempt_id, question_id)
);
CREATE TABLE quiz_flags (
  attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
  question_id TEXT    NOT NULL,
  PRIMARY KEY (attempt_id, question_id)
);
CREATE INDEX quiz_attempts_by_state ON quiz_attempts (kind, state, started_ms);
)sql",
        // 2: the desktop app's records (app/progress_store.h): lectures read, lab check runs, hints, last place.
        R"sql(
CREATE TABLE lectures_read (
  lecture_id TEXT    PRIMARY KEY,
  read_ms    INTEGER NOT NULL
);
CREATE TABLE lab_check_runs (
  id          INTEGER PRIMARY KEY,
  lab_id      TEXT    NOT NULL,
  scope       TEXT    NOT NULL,
  at_ms       INTEGER NOT NULL,
  earned      REAL    NOT NULL,
  points      REAL    NOT NULL,
  outcome     TEXT    NOT NULL,
  report_json TEXT    NOT NULL
);
CREATE INDEX lab_check_runs_by_lab ON lab_check_runs (lab_id, at_ms);
CREATE TABLE hints_revealed (
  lab_id      TEXT    NOT NULL,
  check_id    TEXT    NOT NULL,
  tier        INTEGER NOT NULL,
  revealed_ms INTEGER NOT NULL,
  PRIMARY KEY (lab_id, check_id, tier)
);
CREATE TABLE app_values (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
    };
    return migrations;
}

Result<std::unique_ptr<SqliteAttemptStore>> SqliteAttemptStore::open(const std::string& path) {
    auto db = sqlite::Database::open(path);
    if (!db) return fail(db.error());
    if (auto s = db->migrate(progressDbMigrations()); !s) return fail(s.error());
    return std::unique_ptr<SqliteAttemptStore>(new SqliteAttemptStore(std::move(*db)));
}

Result<std::int64_t> SqliteAttemptStore::create(const AttemptRecord& r) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = db_.run("INSERT INTO quiz_attempts (kind, seed, started_ms, time_limit_ms, remaining_ms, saved_ms, "
                         "state, finished_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                         {std::string(attemptKindName(r.kind)), std::to_string(r.seed), toMs(r.startedAt),
                          static_cast<std::int64_t>(r.timeLimit.count()),
                          static_cast<std::int64_t>(r.remainingAtLastSave.count()), toMs(r.savedAt),
                          std::string(attemptStateName(AttemptState::InProgress))});
        !s)
        return fail(s.error());
    const std::int64_t id = db_.lastInsertRowId();
    auto insert = db_.prepare(
        "INSERT INTO quiz_attempt_questions (attempt_id, position, question_id, option_order) VALUES (?, ?, ?, ?)");
    if (!insert) return fail(insert.error());
    for (std::size_t i = 0; i < r.questions.size(); ++i) {
        const auto& q = r.questions[i];
        if (auto s = insert->run({id, static_cast<std::int64_t>(i), q.questionId, nlohmann::json(q.optionOrder).dump()});
            !s)
            return fail(s.error());
    }
    if (auto s = tx->commit(); !s) return fail(s.error());
    return id;
}

Status SqliteAttemptStore::touch(std::int64_t attempt, system_clock::time_point at, milliseconds remaining) {
    if (auto s = db_.run("UPDATE quiz_attempts SET remaining_ms = ?, saved_ms = ? WHERE id = ? AND state = ?",
                         {static_cast<std::int64_t>(remaining.count()), toMs(at), attempt,
                          std::string(attemptStateName(AttemptState::InProgress))});
        !s)
        return s;
    if (db_.changes() != 1)
        return fail(ErrorKind::Invalid, "attempt " + std::to_string(attempt) + " is not in progress");
    return {};
}

Status SqliteAttemptStore::saveAnswer(std::int64_t attempt, const std::string& questionId, const SavedAnswer& answer,
                                      milliseconds remaining) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = touch(attempt, answer.answeredAt, remaining); !s) return s;
    if (auto s = db_.run("INSERT INTO quiz_answers (attempt_id, question_id, response, answered_ms) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response, "
                         "answered_ms = excluded.answered_ms",
                         {attempt, questionId, encodeResponse(answer.response), toMs(answer.answeredAt)});
        !s)
        return s;
    return tx->commit();
}

Status SqliteAttemptStore::saveFlag(std::int64_t attempt, const std::string& questionId, bool flagged,
                                    system_clock::time_point at, milliseconds remaining) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = touch(attempt, at, remaining); !s) return s;
    auto s = flagged ? db_.run("INSERT OR IGNORE INTO quiz_flags (attempt_id, question_id) VALUES (?, ?)",
                               {attempt, questionId})
                     : db_.run("DELETE FROM quiz_flags WHERE attempt_id = ? AND question_id = ?", {attempt, questionId});
    if (!s) return s;
    return tx->commit();
}

Status SqliteAttemptStore::saveRemaining(std::int64_t attempt, system_clock::time_point at, milliseconds remaining) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = touch(attempt, at, remaining); !s) return s;
    return tx->commit();
}

Status SqliteAttemptStore::finish(std::int64_t attempt, AttemptState state, system_clock::time_point at,
                                  milliseconds remaining) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = touch(attempt, at, remaining); !s) return s;
    if (auto s = db_.run("UPDATE quiz_attempts SET state = ?, finished_ms = ? WHERE id = ?",
                         {std::string(attemptStateName(state)), toMs(at), attempt});
        !s)
        return s;
    return tx->commit();
}

Result<AttemptRecord> SqliteAttemptStore::load(std::int64_t attempt) {
    auto row = db_.prepare("SELECT kind, seed, started_ms, time_limit_ms, remaining_ms, saved_ms, state, finished_ms "
                           "FROM quiz_attempts WHERE id = ?");
    if (!row) return fail(row.error());
    if (auto s = row->bind({attempt}); !s) return fail(s.error());
    auto found = row->step();
    if (!found) return fail(found.error());
    if (!*found) return fail(ErrorKind::NotFound, "no quiz attempt " + std::to_string(attempt) + " in " + db_.path());

    AttemptRecord r;
    r.id = attempt;
    auto kind = parseAttemptKind(row->text(0));
    auto state = parseAttemptState(row->text(6));
    const std::string seed = row->text(1);
    std::size_t used = 0;
    try {
        r.seed = std::stoull(seed, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (!kind || !state || used == 0 || used != seed.size())
        return fail(ErrorKind::Invalid, "quiz attempt " + std::to_string(attempt) + " in " + db_.path() +
                                            " has an unreadable kind, state or seed");
    r.kind = *kind;
    r.state = *state;
    r.startedAt = fromMs(row->integer(2));
    r.timeLimit = milliseconds(row->integer(3));
    r.remainingAtLastSave = milliseconds(row->integer(4));
    r.savedAt = fromMs(row->integer(5));
    if (!row->isNull(7)) r.finishedAt = fromMs(row->integer(7));

    auto questions = db_.prepare(
        "SELECT question_id, option_order FROM quiz_attempt_questions WHERE attempt_id = ? ORDER BY position");
    if (!questions) return fail(questions.error());
    if (auto s = questions->bind({attempt}); !s) return fail(s.error());
    while (true) {
        auto next = questions->step();
        if (!next) return fail(next.error());
        if (!*next) break;
        DrawnQuestion d;
        d.questionId = questions->text(0);
        try {
            d.optionOrder = nlohmann::json::parse(questions->text(1)).get<std::vector<std::string>>();
        } catch (const std::exception& e) {
            return fail(ErrorKind::Invalid, "quiz attempt " + std::to_string(attempt) + ": option order of '" +
                                                d.questionId + "' is not readable: " + e.what());
        }
        r.questions.push_back(std::move(d));
    }

    auto answers = db_.prepare("SELECT question_id, response, answered_ms FROM quiz_answers WHERE attempt_id = ?");
    if (!answers) return fail(answers.error());
    if (auto s = answers->bind({attempt}); !s) return fail(s.error());
    while (true) {
        auto next = answers->step();
        if (!next) return fail(next.error());
        if (!*next) break;
        auto response = decodeResponse(answers->text(1));
        if (!response) return fail(response.error().context("quiz attempt " + std::to_string(attempt)));
        r.answers[answers->text(0)] = SavedAnswer{std::move(*response), fromMs(answers->integer(2))};
    }

    auto flags = db_.prepare("SELECT question_id FROM quiz_flags WHERE attempt_id = ?");
    if (!flags) return fail(flags.error());
    if (auto s = flags->bind({attempt}); !s) return fail(s.error());
    while (true) {
        auto next = flags->step();
        if (!next) return fail(next.error());
        if (!*next) break;
        r.flagged.insert(flags->text(0));
    }
    return r;
}

Result<std::optional<std::int64_t>> SqliteAttemptStore::latestInProgress(AttemptKind kind) {
    auto row = db_.prepare("SELECT id FROM quiz_attempts WHERE kind = ? AND state = ? ORDER BY started_ms DESC, id DESC "
                           "LIMIT 1");
    if (!row) return fail(row.error());
    if (auto s = row->bind({std::string(attemptKindName(kind)), std::string(attemptStateName(AttemptState::InProgress))});
        !s)
        return fail(s.error());
    auto found = row->step();
    if (!found) return fail(found.error());
    if (!*found) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(row->integer(0));
}

}  // namespace kc::quiz
