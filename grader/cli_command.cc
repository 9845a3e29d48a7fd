// Dispatch, --help and --version for kubeclass-grade.
#include "grader/cli_command.h"

#include <ostream>

#include "kubeclass_version.h"

namespace kc::grader {

int CliCommand::badUsage(CliIo io, const std::string& message) const {
    io.err << "kubeclass-grade " << name() << ": " << message << "\n\n" << usage();
    return kExitBadInput;
}

void CliRegistry::add(std::unique_ptr<CliCommand> command) { commands_.push_back(std::move(command)); }

std::string versionText() { return std::string("kubeclass-grade ") + KUBECLASS_VERSION + "\n"; }

std::string CliRegistry::helpText() const {
    std::string text =
        "kubeclass-grade: grade Kubernetes lab work from live clusters or snapshots.\n\n"
        "Usage: kubeclass-grade COMMAND [OPTIONS]\n"
        "       kubeclass-grade --version | --help\n\n"
        "Commands:\n";
    for (const auto& command : commands_) {
        std::string name = command->name();
        text += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + command->summary() + "\n";
    }
    if (commands_.empty()) text += "  (none yet in this build)\n";
    text +=
        "\nData goes to stdout; logs and progress to stderr.\n"
        "Exit codes: 0 graded, 1 --fail-under not met, 2 bad input, 3 cluster unreachable or a cluster operation\n"
        "failed, 4 cluster preflight failed.\n";
    return text;
}

int CliRegistry::dispatch(const std::vector<std::string>& args, CliIo io) const {
    if (args.empty()) {
        io.err << helpText();
        return kExitBadInput;
    }
    const std::string& first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        io.out << helpText();
        return kExitGraded;
    }
    if (first == "--version") {
        io.out << versionText();
        return kExitGraded;
    }
    for (const auto& command : commands_) {
        if (command->name() != first) continue;
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (!rest.empty() && (rest.front() == "--help" || rest.front() == "-h")) {
            io.out << command->usage();
            return kExitGraded;
        }
        return command->run(rest, io);
    }
    io.err << "kubeclass-grade: unknown command or option \"" << first << "\"; see kubeclass-grade --help\n";
    return kExitBadInput;
}

}  // namespace kc::grader
