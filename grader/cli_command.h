// The command registry of kubeclass-grade: each subcommand is a CliCommand in its own file under grader/cli/,
// and does no more than parse its flags, call the library and print.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace kc::grader {

// Exit codes of kubeclass-grade (shared/DESIGN.md, "CLI contract").
enum ExitCode : int {
    kExitGraded = 0,
    kExitBelowThreshold = 1,
    kExitBadInput = 2,
    kExitClusterUnreachable = 3,  // also: a cluster operation (kind create, node wait, addon) failed
    kExitPreflightFailed = 4,     // `cluster preflight|up`: the host is not ready; every failed check has a fix
};

struct CliIo {
    std::ostream& out;  // data
    std::ostream& err;  // logs, progress, errors
};

class CliCommand {
public:
    virtual ~CliCommand() = default;
    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;  // one line for --help
    virtual std::string usage() const = 0;    // full usage for `kubeclass-grade NAME --help`
    virtual int run(const std::vector<std::string>& args, CliIo io) = 0;

protected:
    // Prints "kubeclass-grade NAME: message" and the usage to stderr; returns kExitBadInput.
    int badUsage(CliIo io, const std::string& message) const;
};

class CliRegistry {
public:
    void add(std::unique_ptr<CliCommand> command);
    // Dispatches argv (without the program name); handles --help and --version itself.
    int dispatch(const std::vector<std::string>& args, CliIo io) const;
    std::string helpText() const;

private:
    std::vector<std::unique_ptr<CliCommand>> commands_;
};

std::string versionText();

}  // namespace kc::grader
