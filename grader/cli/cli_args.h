// Flag parsing shared by kubeclass-grade's commands: --name VALUE, --name=VALUE, switches, positionals and "--".
// Every mistake (unknown flag, missing value, a flag given twice) is an error the command turns into exit 2.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/result.h"

namespace kc::grader {

struct FlagSpec {
    std::string name;         // without the dashes: "lab"
    bool takesValue = true;   // false: a switch
    bool repeatable = false;  // may be given more than once
};

struct ParsedArgs {
    std::map<std::string, std::vector<std::string>> values;
    std::set<std::string> switches;
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return values.count(name) || switches.count(name); }
    std::optional<std::string> value(const std::string& name) const;
    std::string valueOr(const std::string& name, const std::string& fallback) const;
};

Result<ParsedArgs> parseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

// Writes to a temporary file beside path and renames it over path, so a crash never leaves half a file.
Status writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace kc::grader
