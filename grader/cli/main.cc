// kubeclass-grade: the instructor CLI. Builds the command registry and hands argv to it.
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli_command.h"

int main(int argc, char** argv) {
    kc::grader::CliRegistry registry;
    registry.add(kc::grader::makeCheckCommand());
    registry.add(kc::grader::makeCaptureCommand());
    registry.add(kc::grader::makeRubricCommand());
    registry.add(kc::grader::makeQuizCommand());
    registry.add(kc::grader::makeClusterCommand());
    registry.add(kc::grader::makeBatchCommand());
    std::vector<std::string> args(argv + 1, argv + argc);
    return registry.dispatch(args, kc::grader::CliIo{std::cout, std::cerr});
}
