// A small RAII wrapper over the SQLite C API: open with the project's settings, prepared statements, transactions
// and PRAGMA user_version migrations. Generic on purpose: progress.db (quiz, app) and gradebook.db (grader) use it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "clusters/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kc::sqlite {

// A value bound to a statement parameter: NULL, an integer, a real or text.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Binds the values to parameters 1..n in order, after resetting the statement.
    Status bind(const std::vector<Value>& values);
    // Advances one row: true when a row is ready to read, false when the statement is done.
    Result<bool> step();
    // Runs the statement to completion, ignoring any rows.
    Status run(const std::vector<Value>& values = {});

    bool isNull(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    std::string text(int column) const;

private:
    friend class Database;
    Statement(sqlite3_stmt* stmt, std::string sql, sqlite3* db) : stmt_(stmt), sql_(std::move(sql)), db_(db) {}
    Error error(const std::string& what) const;

    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
    sqlite3* db_ = nullptr;
};

class Database {
public:
    // Opens (creating when missing) the database file with the settings every kubeclass database uses: WAL
    // journal, synchronous FULL (a committed write survives a kill and a power cut), foreign keys on, and a
    // busy timeout so a second reader waits instead of failing.
    static Result<Database> open(const std::string& path);

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    const std::string& path() const { return path_; }

    // Runs SQL that takes no parameters; several statements separated by ';' are allowed.
    Status exec(const std::string& sql);
    Result<Statement> prepare(const std::string& sql);
    // Prepares, binds and runs one statement that returns no rows.
    Status run(const std::string& sql, const std::vector<Value>& values = {});
    std::int64_t lastInsertRowId() const;
    // Rows changed by the last INSERT, UPDATE or DELETE.
    int changes() const;

    Result<int> userVersion();
    // Brings the schema up to date: migrations[i] takes user_version i to i + 1, each in its own transaction with
    // the version bump, so a crash leaves the file at one version or the next. A file newer than the migrations
    // know (written by a later kubeclass) is refused rather than written to.
    Status migrate(const std::vector<std::string>& migrations);

private:
    Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    Error error(const std::string& what) const;

    sqlite3* db_ = nullptr;
    std::string path_;
};

// BEGIN IMMEDIATE now; ROLLBACK on destruction unless commit() succeeded. IMMEDIATE takes the write lock at once
// so two writers fail (or wait) at the start instead of halfway through.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();

    Status commit();

private:
    explicit Transaction(Database& db) : db_(&db) {}
    Database* db_ = nullptr;
};

}  // namespace kc::sqlite
