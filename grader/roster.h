// Roster: the class list a batch grades, read from a CSV file an instructor exported from a school system.
// The file is untrusted input: bounded in size and rows, every problem reported as file:line:col with the field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/result.h"

namespace kc::grader {

// One student's row. Column names in the header (any order, case and spaces/dashes ignored):
// student_id, name, email, repo_url (required); branch, path (optional).
struct RosterEntry {
    std::string studentId;  // [A-Za-z0-9._-], 1..64 chars, not starting with '.' or '-': safe as a directory name
    std::string name;
    std::string email;
    std::string repoUrl;  // https://, http://, ssh://, git@host:path, file://, or a local path (see loadRoster)
    std::string branch;   // empty: the remote's default branch
    std::string path;     // subfolder of the repo holding the submission, normalised ("a/b"); empty: the root
    int line = 0;         // line of the CSV where this row starts (for messages)
};

struct Roster {
    std::string sourceName;  // the file name used in messages
    std::vector<RosterEntry> entries;
};

struct RosterLimits {
    size_t maxBytes = 4 * 1024 * 1024;
    size_t maxRows = 5000;  // data rows, header excluded
    size_t maxFieldBytes = 2048;
};

// Parses RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF, a leading UTF-8 BOM tolerated, blank lines
// skipped). On failure the error (Invalid) lists every problem found, one per line, each
// "sourceName:line:col: field 'x': what is wrong" (capped at 50 problems).
Result<Roster> parseRoster(std::string_view text, const std::string& sourceName, const RosterLimits& limits = {});

// Reads and parses a roster file; relative local repo paths are resolved against the roster's folder.
Result<Roster> loadRoster(const std::string& path, const RosterLimits& limits = {});

}  // namespace kc::grader
