// Parsing argv for the subcommands and writing their output files.
#include "grader/cli/cli_args.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <filesystem>

namespace kc::grader {

Result<std::vector<ClusterValue>> clusterValues(const std::vector<std::string>& values,
                                                const std::vector<std::string>& clusters, const std::string& flag) {
    std::vector<ClusterValue> out;
    for (const auto& v : values) {
        auto eq = v.find('=');
        std::string cluster = eq == std::string::npos ? "" : v.substr(0, eq);
        bool named = !cluster.empty() && std::find(clusters.begin(), clusters.end(), cluster) != clusters.end();
        if (named) out.push_back({cluster, v.substr(eq + 1)});
        else out.push_back({"", v});  // "=" may be part of a path
    }
    if (values.size() > 1)
        for (const auto& a : out)
            if (a.cluster.empty())
                return fail(ErrorKind::Invalid, "--" + flag + " given more than once: name the cluster of each, as --" +
                                                    flag + " CLUSTER=VALUE");
    return out;
}

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::string ParsedArgs::valueOr(const std::string& name, const std::string& fallback) const {
    auto v = value(name);
    return v ? *v : fallback;
}

Result<ParsedArgs> parseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
    ParsedArgs parsed;
    bool flagsEnded = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (flagsEnded || arg.size() < 2 || arg[0] != '-' ) {
            parsed.positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            flagsEnded = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) return fail(ErrorKind::Invalid, "unknown option " + arg);
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const FlagSpec* spec = nullptr;
        for (const auto& s : specs)
            if (s.name == name) spec = &s;
        if (!spec) return fail(ErrorKind::Invalid, "unknown option --" + name);
        if (!spec->repeatable && parsed.has(name)) return fail(ErrorKind::Invalid, "option --" + name + " given twice");
        if (!spec->takesValue) {
            if (inlineValue) return fail(ErrorKind::Invalid, "option --" + name + " takes no value");
            parsed.switches.insert(name);
            continue;
        }
        if (!inlineValue) {
            // A following flag is not a value: "--out --format json" is a missing value, not a file "--format".
            if (i + 1 >= args.size() || (args[i + 1].rfind("--", 0) == 0 && args[i + 1].size() > 2))
                return fail(ErrorKind::Invalid, "option --" + name + " needs a value");
            inlineValue = args[++i];
        }
        if (inlineValue->empty()) return fail(ErrorKind::Invalid, "option --" + name + " needs a non-empty value");
        parsed.values[name].push_back(*inlineValue);
    }
    return parsed;
}

Status writeFileAtomically(const std::string& path, const std::string& content) {
    namespace fs = std::filesystem;
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) return fail(ErrorKind::Invalid, "cannot write " + path + ": " + std::strerror(errno));
    std::string tmp(name.data());
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return fail(ErrorKind::Invalid, "cannot write " + path + ": " + std::strerror(e));
        }
        written += static_cast<size_t>(n);
    }
    // mkstemp makes 0600; a report is an ordinary file.
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        return fail(ErrorKind::Invalid, "cannot write " + path + ": " + std::strerror(errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail(ErrorKind::Invalid, "cannot write " + path + ": " + std::strerror(e));
    }
    return {};
}

}  // namespace kc::grader
