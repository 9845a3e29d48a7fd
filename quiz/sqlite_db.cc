// The SQLite C API behind RAII handles; every failure becomes a kc::Error naming the file and SQLite's message.
#include "quiz/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace kc::sqlite {

namespace {

// A writer holding the lock longer than this is stuck; fail rather than hang the UI.
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

// --- Statement ---------------------------------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), sql_(std::move(other.sql_)), db_(other.db_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (stmt_) sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        sql_ = std::move(other.sql_);
        db_ = other.db_;
    }
    return *this;
}

Statement::~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

Error Statement::error(const std::string& what) const {
    // The first words of the SQL say which statement failed without dumping a whole schema into the message.
    std::string head = sql_.substr(0, 60);
    return Error{ErrorKind::Other, what + " (" + head + (sql_.size() > 60 ? "…" : "") + "): " + sqlite3_errmsg(db_)};
}

Status Statement::bind(const std::vector<Value>& values) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        int rc = SQLITE_OK;
        if (std::holds_alternative<std::nullptr_t>(values[i])) {
            rc = sqlite3_bind_null(stmt_, index);
        } else if (auto* n = std::get_if<std::int64_t>(&values[i])) {
            rc = sqlite3_bind_int64(stmt_, index, *n);
        } else if (auto* d = std::get_if<double>(&values[i])) {
            rc = sqlite3_bind_double(stmt_, index, *d);
        } else {
            const auto& s = std::get<std::string>(values[i]);
            rc = sqlite3_bind_text(stmt_, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        }
        if (rc != SQLITE_OK) return fail(error("binding parameter " + std::to_string(index)));
    }
    return {};
}

Result<bool> Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(error("running statement"));
}

Status Statement::run(const std::vector<Value>& values) {
    if (auto bound = bind(values); !bound) return bound;
    while (true) {
        auto row = step();
        if (!row) return fail(row.error());
        if (!*row) return {};
    }
}

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
    const auto* bytes = sqlite3_column_text(stmt_, column);
    if (!bytes) return {};
    return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

// --- Database ----------------------------------------------------------------------------------------------------

Result<Database> Database::open(const std::string& path) {
    sqlite3* handle = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
        sqlite3_close(handle);
        return fail(ErrorKind::Invalid, "cannot open database " + path + ": " + message);
    }
    Database db(handle, path);
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    if (auto s = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !s)
        return fail(s.error());
    return db;
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (db_) sqlite3_close(db_);
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

Database::~Database() {
    // sqlite3_close fails while statements are open; every Statement is RAII and finalised before this.
    if (db_) sqlite3_close(db_);
}

Error Database::error(const std::string& what) const {
    return Error{ErrorKind::Other, "database " + path_ + ": " + what + ": " + sqlite3_errmsg(db_)};
}

Status Database::exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return fail(ErrorKind::Other, "database " + path_ + ": " + text);
    }
    return {};
}

Result<Statement> Database::prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
        return fail(error("preparing \"" + sql.substr(0, 60) + "\""));
    return Statement(stmt, sql, db_);
}

Status Database::run(const std::string& sql, const std::vector<Value>& values) {
    auto stmt = prepare(sql);
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->run(values); !s) return fail(Error{s.error().kind, "database " + path_ + ": " + s.error().message});
    return {};
}

std::int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Result<int> Database::userVersion() {
    auto stmt = prepare("PRAGMA user_version");
    if (!stmt) return fail(stmt.error());
    auto row = stmt->step();
    if (!row) return fail(row.error());
    return *row ? static_cast<int>(stmt->integer(0)) : 0;
}

Status Database::migrate(const std::vector<std::string>& migrations) {
    auto version = userVersion();
    if (!version) return fail(version.error());
    const int known = static_cast<int>(migrations.size());
    if (*version > known)
        return fail(ErrorKind::Invalid, "database " + path_ + " has schema version " + std::to_string(*version) +
                                            "; this kubeclass knows up to " + std::to_string(known) +
                                            " (it was written by a newer kubeclass)");
    for (int v = *version; v < known; ++v) {
        auto tx = Transaction::begin(*this);
        if (!tx) return fail(tx.error());
        if (auto s = exec(migrations[static_cast<std::size_t>(v)]); !s)
            return fail(s.error().context("migrating to schema version " + std::to_string(v + 1)));
        // PRAGMA takes no parameters; v + 1 is our own integer.
        if (auto s = exec("PRAGMA user_version = " + std::to_string(v + 1)); !s) return s;
        if (auto s = tx->commit(); !s) return s;
    }
    return {};
}

// --- Transaction -------------------------------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return fail(s.error());
    return Transaction(db);
}

Transaction::~Transaction() {
    if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
    if (!db_) return fail(ErrorKind::Invalid, "transaction already finished");
    auto s = db_->exec("COMMIT");
    if (s) db_ = nullptr;
    return s;
}

}  // namespace kc::sqlite
