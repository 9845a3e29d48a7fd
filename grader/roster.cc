// Roster CSV: an RFC 4180 reader that keeps line and column of every field, then per-column validation.
#include "grader/roster.h"

#include "clusters/utf8.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "clusters/bounded_file.h"

namespace kc::grader {
namespace {

constexpr size_t kMaxProblems = 50;
constexpr size_t kMaxStudentIdBytes = 64;
constexpr size_t kMaxEchoedBytes = 80;

struct CsvField {
    std::string value;
    int line = 0;
    int col = 0;
    bool quoted = false;
};

struct CsvRecord {
    std::vector<CsvField> fields;
    int line = 0;
};

class ProblemList {
public:
    explicit ProblemList(std::string sourceName) : sourceName_(std::move(sourceName)) {}

    void add(int line, int col, const std::string& field, const std::string& what) {
        ++total_;
        if (lines_.size() >= kMaxProblems) return;
        std::string text = sourceName_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
        if (!field.empty()) text += "field '" + field + "': ";
        lines_.push_back(text + what);
    }
    bool empty() const { return total_ == 0; }
    size_t size() const { return total_; }

    Error toError() const {
        std::string message;
        for (const auto& line : lines_) message += (message.empty() ? "" : "\n") + line;
        if (total_ > lines_.size())
            message += "\n... and " + std::to_string(total_ - lines_.size()) + " more problems";
        return Error{ErrorKind::Invalid, message};
    }

private:
    std::string sourceName_;
    std::vector<std::string> lines_;
    size_t total_ = 0;
};

// Shows a value in a message without letting a hostile roster flood it.
std::string echo(std::string_view value) {
    std::string shown;
    for (char c : value.substr(0, kMaxEchoedBytes)) {
        auto u = static_cast<unsigned char>(c);
        shown += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (value.size() > kMaxEchoedBytes) shown += "...";
    return "'" + shown + "'";
}

// Splits the text into records. Stops at the first structural error (an unterminated quote leaves nothing
// trustworthy after it) or when the row limit is passed.
std::vector<CsvRecord> readCsv(std::string_view text, const RosterLimits& limits, ProblemList& problems) {
    std::vector<CsvRecord> records;
    size_t pos = 0;
    int line = 1;
    int col = 1;
    // Excel writes a UTF-8 byte order mark; it is not part of the first column's name.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;

    auto atEnd = [&] { return pos >= text.size(); };
    while (!atEnd()) {
        CsvRecord record;
        record.line = line;
        bool recordDone = false;
        while (!recordDone) {
            CsvField field;
            field.line = line;
            field.col = col;
            bool tooLong = false;
            auto append = [&](char c) {
                if (field.value.size() < limits.maxFieldBytes) field.value += c;
                else tooLong = true;
            };
            if (!atEnd() && text[pos] == '"') {
                field.quoted = true;
                ++pos, ++col;
                bool closed = false;
                while (!atEnd()) {
                    char c = text[pos];
                    if (c == '"') {
                        if (pos + 1 < text.size() && text[pos + 1] == '"') {
                            append('"');
                            pos += 2, col += 2;
                            continue;
                        }
                        ++pos, ++col;
                        closed = true;
                        break;
                    }
                    append(c);
                    ++pos;
                    if (c == '\n') ++line, col = 1;
                    else ++col;
                }
                if (!closed) {
                    problems.add(field.line, field.col, "", "quoted field is never closed");
                    return records;
                }
                if (!atEnd() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
                    problems.add(line, col, "", "unexpected character after a closing quote (use \"\" for a quote)");
                    return records;
                }
            } else {
                while (!atEnd() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
                    if (text[pos] == '"') {
                        problems.add(line, col, "", "quote inside an unquoted field (quote the whole field)");
                        return records;
                    }
                    append(text[pos]);
                    ++pos, ++col;
                }
            }
            if (tooLong)
                problems.add(field.line, field.col, "",
                             "field is longer than the limit of " + std::to_string(limits.maxFieldBytes) + " bytes");
            record.fields.push_back(std::move(field));
            if (atEnd()) {
                recordDone = true;
            } else if (text[pos] == ',') {
                ++pos, ++col;
            } else {
                // CRLF, LF, or a lone CR all end the record.
                if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
                ++pos;
                ++line, col = 1;
                recordDone = true;
            }
        }
        bool blank = record.fields.size() == 1 && !record.fields[0].quoted && record.fields[0].value.empty();
        if (blank) continue;
        records.push_back(std::move(record));
        if (records.size() > limits.maxRows + 1) {
            problems.add(records.back().line, 1, "",
                         "more than the limit of " + std::to_string(limits.maxRows) + " rows");
            return records;
        }
    }
    return records;
}

enum class Column { StudentId, Name, Email, RepoUrl, Branch, Path };

struct ColumnSpec {
    const char* name;
    Column column;
    bool required;
};

constexpr ColumnSpec kColumns[] = {
    {"student_id", Column::StudentId, true}, {"name", Column::Name, true},
    {"email", Column::Email, true},          {"repo_url", Column::RepoUrl, true},
    {"branch", Column::Branch, false},       {"path", Column::Path, false},
};

// "Student ID", "student-id" and "student_id" name the same column.
std::string normaliseColumnName(std::string_view raw) {
    std::string name;
    size_t begin = 0, end = raw.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
    for (char c : raw.substr(begin, end - begin)) {
        if (c == ' ' || c == '-') name += '_';
        else name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return name;
}

std::string knownColumnList() {
    std::string list;
    for (const auto& spec : kColumns) list += (list.empty() ? "" : ", ") + std::string(spec.name);
    return list;
}

std::optional<std::string> controlCharacterProblem(std::string_view value) {
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return "contains a control character (a line break, tab or similar)";
    }
    return std::nullopt;
}

std::optional<std::string> studentIdProblem(std::string_view id) {
    if (id.empty()) return "is empty";
    if (id.size() > kMaxStudentIdBytes)
        return "is longer than " + std::to_string(kMaxStudentIdBytes) + " characters";
    // The id names the student's directories in the work dir, so it must be a plain file name.
    for (char c : id) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return echo(id) + " may hold only letters, digits, '.', '_' and '-'";
    }
    if (id.front() == '.' || id.front() == '-') return echo(id) + " must not start with '.' or '-'";
    return std::nullopt;
}

std::optional<std::string> emailProblem(std::string_view email) {
    if (email.empty()) return "is empty";
    size_t at = email.find('@');
    bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
              email.find('@', at + 1) == std::string_view::npos &&
              std::none_of(email.begin(), email.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    if (!ok) return echo(email) + " is not an email address (name@domain)";
    return std::nullopt;
}

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::optional<std::string> repoUrlProblem(std::string_view url) {
    if (url.empty()) return "is empty";
    if (std::any_of(url.begin(), url.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
        return "contains whitespace";
    if (url.front() == '-') return "must not start with '-'";
    size_t scheme = url.find("://");
    if (scheme != std::string_view::npos) {
        std::string_view name = url.substr(0, scheme);
        if (name != "https" && name != "http" && name != "ssh" && name != "file")
            return "scheme '" + std::string(name) + "' is not supported (https, http, ssh, file, or a local path)";
        std::string_view rest = url.substr(scheme + 3);
        std::string_view authority = rest.substr(0, rest.find('/'));
        size_t at = authority.rfind('@');
        if (at != std::string_view::npos) {
            // The value is not echoed: it may be the very secret we refuse to keep in a roster.
            if (name == "https" || name == "http")
                return "must not carry a user or token; set KUBECLASS_GIT_TOKEN or a git credential helper instead";
            if (authority.substr(0, at).find(':') != std::string_view::npos)
                return "must not carry a password; use the ssh-agent instead";
        }
        if (name == "file" && !startsWith(rest, "/")) return "file:// URLs need an absolute path (file:///path)";
        if (name != "file" && authority.substr(at == std::string_view::npos ? 0 : at + 1).empty())
            return "has no host";
        return std::nullopt;
    }
    // scp-like ssh ("git@host:owner/repo.git"): a colon before any slash.
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
        std::string_view userHost = url.substr(0, colon);
        if (userHost.empty() || colon + 1 == url.size()) return echo(url) + " is not a repository URL or path";
        // "helper::address" asks git for a remote helper; ext:: runs a command, so none is accepted.
        if (url.substr(colon, 2) == "::")
            return "'" + std::string(userHost) + "::' names a git remote helper (ext:: runs commands); use https, ssh, "
                                                  "file or a local path";
        return std::nullopt;
    }
    return std::nullopt;  // a local path
}

std::optional<std::string> branchProblem(std::string_view branch) {
    // A subset of git check-ref-format that is enough to keep odd names out of refspecs.
    static constexpr std::string_view kForbidden = " ~^:?*[\\";
    if (branch.front() == '-' || branch.front() == '/' || branch.back() == '/' || branch.back() == '.')
        return echo(branch) + " is not a valid branch name";
    if (branch.find("..") != std::string_view::npos || branch.find("//") != std::string_view::npos ||
        branch.find("@{") != std::string_view::npos || branch.find_first_of(kForbidden) != std::string_view::npos ||
        (branch.size() >= 5 && branch.substr(branch.size() - 5) == ".lock") || branch == "@")
        return echo(branch) + " is not a valid branch name";
    if (startsWith(branch, "refs/")) return echo(branch) + ": give the branch name without refs/heads/";
    return std::nullopt;
}

// Normalises "./a//b/" to "a/b"; refuses anything that could leave the repository.
std::optional<std::string> normaliseSubmissionPath(std::string_view raw, std::string& normal) {
    if (raw.front() == '/') return echo(raw) + " must be relative to the repository root";
    if (raw.find('\\') != std::string_view::npos) return echo(raw) + " must use '/' between folders";
    normal.clear();
    size_t start = 0;
    while (start <= raw.size()) {
        size_t end = raw.find('/', start);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view part = raw.substr(start, end - start);
        if (part == "..") return echo(raw) + " must not contain '..'";
        if (part == ".git") return echo(raw) + " must not name the .git folder";
        if (!part.empty() && part != ".") normal += (normal.empty() ? "" : "/") + std::string(part);
        start = end + 1;
    }
    return std::nullopt;
}

bool isLocalPath(std::string_view url) {
    if (url.find("://") != std::string_view::npos) return false;
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    return colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);
}

}  // namespace

Result<Roster> parseRoster(std::string_view text, const std::string& sourceName, const RosterLimits& limits) {
    ProblemList problems(sourceName);
    if (text.size() > limits.maxBytes) {
        problems.add(1, 1, "", std::to_string(text.size()) + " bytes is more than the limit of " +
                                   std::to_string(limits.maxBytes));
        return fail(problems.toError());
    }
    // Names and emails go into gradebook exports and JSON reports, which cannot carry bytes that are not UTF-8.
    if (auto problem = findTextProblem(text)) {
        problems.add(problem->line, problem->column, "", problem->what);
        return fail(problems.toError());
    }
    std::vector<CsvRecord> records = readCsv(text, limits, problems);
    if (!problems.empty()) return fail(problems.toError());
    if (records.empty()) {
        problems.add(1, 1, "", "the roster is empty; the first row must name the columns (" + knownColumnList() + ")");
        return fail(problems.toError());
    }

    // Header: which column index holds which field.
    const CsvRecord& header = records.front();
    std::vector<std::optional<Column>> columnAt(header.fields.size());
    std::vector<std::string> columnName(header.fields.size());
    std::map<Column, int> seenAt;  // column → header col, for duplicate messages
    for (size_t i = 0; i < header.fields.size(); ++i) {
        const CsvField& field = header.fields[i];
        std::string name = normaliseColumnName(field.value);
        columnName[i] = name;
        const ColumnSpec* spec = nullptr;
        for (const auto& candidate : kColumns)
            if (name == candidate.name) spec = &candidate;
        if (spec == nullptr) {
            problems.add(field.line, field.col, "header",
                         "unknown column " + echo(field.value) + " (known: " + knownColumnList() + ")");
            continue;
        }
        if (auto it = seenAt.find(spec->column); it != seenAt.end()) {
            problems.add(field.line, field.col, "header",
                         "column '" + name + "' appears twice (first at column " + std::to_string(it->second) + ")");
            continue;
        }
        seenAt[spec->column] = field.col;
        columnAt[i] = spec->column;
    }
    for (const auto& spec : kColumns)
        if (spec.required && !seenAt.count(spec.column))
            problems.add(header.line, 1, "header", "required column '" + std::string(spec.name) + "' is missing");
    if (!problems.empty()) return fail(problems.toError());

    Roster roster;
    roster.sourceName = sourceName;
    std::map<std::string, int> firstLineOfId;
    for (size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        if (record.fields.size() != header.fields.size()) {
            const CsvField& at = record.fields.size() > header.fields.size() ? record.fields[header.fields.size()]
                                                                              : record.fields.back();
            problems.add(at.line, at.col, "",
                         "row has " + std::to_string(record.fields.size()) + " fields but the header names " +
                             std::to_string(header.fields.size()));
            continue;
        }
        RosterEntry entry;
        entry.line = record.line;
        for (size_t i = 0; i < record.fields.size(); ++i) {
            const CsvField& field = record.fields[i];
            const std::string& name = columnName[i];
            auto report = [&](const std::string& what) { problems.add(field.line, field.col, name, what); };
            if (auto problem = controlCharacterProblem(field.value)) {
                report(*problem);
                continue;
            }
            switch (*columnAt[i]) {
                case Column::StudentId:
                    if (auto problem = studentIdProblem(field.value)) report(*problem);
                    entry.studentId = field.value;
                    break;
                case Column::Name:
                    if (field.value.empty()) report("is empty");
                    entry.name = field.value;
                    break;
                case Column::Email:
                    if (auto problem = emailProblem(field.value)) report(*problem);
                    entry.email = field.value;
                    break;
                case Column::RepoUrl:
                    if (auto problem = repoUrlProblem(field.value)) report(*problem);
                    entry.repoUrl = field.value;
                    break;
                case Column::Branch:
                    if (!field.value.empty())
                        if (auto problem = branchProblem(field.value)) report(*problem);
                    entry.branch = field.value;
                    break;
                case Column::Path:
                    if (!field.value.empty())
                        if (auto problem = normaliseSubmissionPath(field.value, entry.path)) report(*problem);
                    break;
            }
        }
        if (!entry.studentId.empty()) {
            auto [it, inserted] = firstLineOfId.emplace(entry.studentId, record.line);
            if (!inserted) {
                int col = record.fields[static_cast<size_t>(
                                            std::find(columnAt.begin(), columnAt.end(), Column::StudentId) -
                                            columnAt.begin())]
                              .col;
                problems.add(record.line, col, "student_id",
                             "duplicate student id " + echo(entry.studentId) + " (first on line " +
                                 std::to_string(it->second) + ")");
            }
        }
        roster.entries.push_back(std::move(entry));
    }
    if (!problems.empty()) return fail(problems.toError());
    if (roster.entries.empty()) {
        problems.add(header.line, 1, "", "the roster has a header but no students");
        return fail(problems.toError());
    }
    return roster;
}

Result<Roster> loadRoster(const std::string& path, const RosterLimits& limits) {
    auto text = readFileBounded(path, limits.maxBytes);
    if (!text) return fail(text.error().kind, "reading roster: " + text.error().message);
    auto roster = parseRoster(*text, path, limits);
    if (!roster) return roster;
    // A local path in the roster means "beside the roster", not "wherever the grader was started".
    std::filesystem::path base = std::filesystem::path(path).parent_path();
    for (auto& entry : roster->entries) {
        if (isLocalPath(entry.repoUrl) && entry.repoUrl.front() != '/')
            entry.repoUrl = (base / entry.repoUrl).lexically_normal().string();
    }
    return roster;
}

}  // namespace kc::grader
