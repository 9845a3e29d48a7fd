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

// "--context X" or "--context east=X": which cluster of a multi-cluster lab a flag's value is for. A prefix
// that is not one of `clusters` stays part of the value (a path may hold "="), and its cluster is "".
struct ClusterValue {
    std::string cluster;  // "" = the default cluster (single-cluster labs, and every cluster not named)
    std::string value;
};
// Given more than once, every value must name its cluster; otherwise an Invalid error saying so.
Result<std::vector<ClusterValue>> clusterValues(const std::vector<std::string>& values,
                                                const std::vector<std::string>& clusters, const std::string& flag);

// Writes to a temporary file beside path and renames it over path, so a crash never leaves half a file.
Status writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace kc::grader
