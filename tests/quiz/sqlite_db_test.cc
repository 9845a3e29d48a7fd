// Tests for the generic SQLite wrapper: the settings every database gets, statements, transactions that roll
// back unless committed, and user_version migrations.
#include <catch2/catch.hpp>

#include "quiz/sqlite_db.h"
#include "tests/support/temp_dir.h"

using kc::testing::TempDir;
namespace sqlite = kc::sqlite;

namespace {

std::int64_t count(sqlite::Database& db, const std::string& table) {
    auto stmt = db.prepare("SELECT COUNT(*) FROM " + table);
    REQUIRE(stmt);
    REQUIRE(stmt->step().value());
    return stmt->integer(0);
}

}  // namespace

TEST_CASE("a database opens in WAL mode with foreign keys on") {
    TempDir dir;
    auto db = sqlite::Database::open(dir.path() + "/a.db");
    REQUIRE(db);
    auto mode = db->prepare("PRAGMA journal_mode");
    REQUIRE(mode);
    REQUIRE(mode->step().value());
    CHECK(mode->text(0) == "wal");
    auto fk = db->prepare("PRAGMA foreign_keys");
    REQUIRE(fk);
    REQUIRE(fk->step().value());
    CHECK(fk->integer(0) == 1);
    auto sync = db->prepare("PRAGMA synchronous");
    REQUIRE(sync);
    REQUIRE(sync->step().value());
    CHECK(sync->integer(0) == 2);  // FULL
}

TEST_CASE("values round-trip through bound parameters") {
    TempDir dir;
    auto db = sqlite::Database::open(dir.path() + "/a.db");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)"));
    const std::string withNul("a\0b'; DROP TABLE t; --", 22);
    REQUIRE(db->run("INSERT INTO t VALUES (?, ?, ?, ?)",
                    {std::int64_t{-9007199254740993}, 2.5, withNul, nullptr}));
    auto row = db->prepare("SELECT i, r, s, n FROM t");
    REQUIRE(row);
    REQUIRE(row->step().value());
    CHECK(row->integer(0) == -9007199254740993);
    CHECK(row->real(1) == 2.5);
    CHECK(row->text(2) == withNul);
    CHECK(row->isNull(3));
    CHECK_FALSE(row->step().value());
}

TEST_CASE("a transaction rolls back unless committed") {
    TempDir dir;
    auto db = sqlite::Database::open(dir.path() + "/a.db");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (x INTEGER)"));
    {
        auto tx = sqlite::Transaction::begin(*db);
        REQUIRE(tx);
        REQUIRE(db->run("INSERT INTO t VALUES (1)"));
    }
    CHECK(count(*db, "t") == 0);
    {
        auto tx = sqlite::Transaction::begin(*db);
        REQUIRE(tx);
        REQUIRE(db->run("INSERT INTO t VALUES (2)"));
        REQUIRE(tx->commit());
        CHECK_FALSE(tx->commit());
    }
    CHECK(count(*db, "t") == 1);
}

TEST_CASE("migrations run once each and record the version") {
    TempDir dir;
    const std::string path = dir.path() + "/m.db";
    const std::vector<std::string> v1 = {"CREATE TABLE a (x INTEGER);"};
    const std::vector<std::string> v2 = {v1[0], "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (7);"};
    {
        auto db = sqlite::Database::open(path);
        REQUIRE(db);
        CHECK(db->userVersion().value() == 0);
        REQUIRE(db->migrate(v1));
        CHECK(db->userVersion().value() == 1);
        REQUIRE(db->migrate(v1));  // nothing to do: running it again would fail on CREATE TABLE a
    }
    {
        auto db = sqlite::Database::open(path);
        REQUIRE(db);
        REQUIRE(db->migrate(v2));
        CHECK(db->userVersion().value() == 2);
        CHECK(count(*db, "b") == 1);
        // A newer file than this code knows is refused, not written to.
        auto older = db->migrate(v1);
        REQUIRE_FALSE(older);
        CHECK(older.error().message.find("has schema version 2; this kubeclass knows up to 1") != std::string::npos);
    }
}

TEST_CASE("a failing migration leaves the database at the last good version") {
    TempDir dir;
    auto db = sqlite::Database::open(dir.path() + "/f.db");
    REQUIRE(db);
    auto bad = db->migrate({"CREATE TABLE a (x INTEGER);", "CREATE TABLE c (z INTEGER); SELECT * FROM nowhere;"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("migrating to schema version 2") != std::string::npos);
    CHECK(db->userVersion().value() == 1);
    auto c = db->prepare("SELECT * FROM c");
    CHECK_FALSE(c);  // the half-done second migration was rolled back
}

TEST_CASE("errors name the database and what failed") {
    TempDir dir;
    auto missingDir = sqlite::Database::open(dir.path() + "/no/such/dir/x.db");
    REQUIRE_FALSE(missingDir);
    CHECK(missingDir.error().message.find("cannot open database " + dir.path() + "/no/such/dir/x.db") == 0);
    auto db = sqlite::Database::open(dir.path() + "/e.db");
    REQUIRE(db);
    auto s = db->run("INSERT INTO missing VALUES (1)");
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find(dir.path() + "/e.db") != std::string::npos);
    CHECK(s.error().message.find("no such table: missing") != std::string::npos);
}
