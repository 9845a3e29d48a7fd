// Factories for kubeclass-grade's subcommands; main.cc registers each. One command per file in grader/cli/.
#pragma once

#include <memory>

#include "grader/cli_command.h"

namespace kc::grader {

std::unique_ptr<CliCommand> makeCheckCommand();    // check_command.cc
std::unique_ptr<CliCommand> makeCaptureCommand();  // capture_command.cc
std::unique_ptr<CliCommand> makeRubricCommand();   // rubric_command.cc
std::unique_ptr<CliCommand> makeQuizCommand();     // quiz_command.cc
std::unique_ptr<CliCommand> makeClusterCommand();  // cluster_command.cc
std::unique_ptr<CliCommand> makeBatchCommand();    // batch_command.cc

}  // namespace kc::grader
