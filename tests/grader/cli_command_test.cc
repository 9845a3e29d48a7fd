#include <catch2/catch.hpp>

#include <sstream>

#include "clusters/process_runner.h"
#include "grader/cli_command.h"
#include "kubeclass_version.h"

using namespace kc::grader;

namespace {

class EchoCommand : public CliCommand {
public:
    std::string name() const override { return "echo"; }
    std::string summary() const override { return "print the arguments"; }
    std::string usage() const override { return "usage: kubeclass-grade echo ARGS...\n"; }
    int run(const std::vector<std::string>& args, CliIo io) override {
        for (const auto& a : args) io.out << a << "\n";
        return 0;
    }
};

struct Captured {
    std::ostringstream out, err;
    CliIo io() { return CliIo{out, err}; }
};

}  // namespace

TEST_CASE("the version and help flags print to stdout and exit 0") {
    CliRegistry registry;
    registry.add(std::make_unique<EchoCommand>());
    Captured version;
    CHECK(registry.dispatch({"--version"}, version.io()) == kExitGraded);
    CHECK(version.out.str() == std::string("kubeclass-grade ") + KUBECLASS_VERSION + "\n");

    Captured help;
    CHECK(registry.dispatch({"--help"}, help.io()) == kExitGraded);
    CHECK_THAT(help.out.str(), Catch::Contains("echo") && Catch::Contains("print the arguments") &&
                                   Catch::Contains("Exit codes"));
    CHECK(help.err.str().empty());
}

TEST_CASE("a subcommand gets the remaining arguments and its help flag prints its usage") {
    CliRegistry registry;
    registry.add(std::make_unique<EchoCommand>());
    Captured run;
    CHECK(registry.dispatch({"echo", "a", "b"}, run.io()) == 0);
    CHECK(run.out.str() == "a\nb\n");
    Captured usage;
    CHECK(registry.dispatch({"echo", "--help"}, usage.io()) == 0);
    CHECK(usage.out.str() == "usage: kubeclass-grade echo ARGS...\n");
}

TEST_CASE("unknown commands and no arguments are bad input (exit 2) with a message on stderr") {
    CliRegistry registry;
    Captured unknown;
    CHECK(registry.dispatch({"frobnicate"}, unknown.io()) == kExitBadInput);
    CHECK_THAT(unknown.err.str(), Catch::Contains("unknown command") && Catch::Contains("frobnicate"));
    CHECK(unknown.out.str().empty());
    Captured none;
    CHECK(registry.dispatch({}, none.io()) == kExitBadInput);
}

TEST_CASE("the kubeclass-grade binary answers the version and help flags") {
    auto runner = kc::posixProcessRunner();
    auto version = runner->run({.program = KUBECLASS_GRADE_EXE, .args = {"--version"}});
    REQUIRE(version);
    CHECK(version->exitCode == 0);
    CHECK_THAT(version->stdoutText, Catch::StartsWith("kubeclass-grade "));
    auto help = runner->run({.program = KUBECLASS_GRADE_EXE, .args = {"--help"}});
    REQUIRE(help);
    CHECK(help->exitCode == 0);
    CHECK_THAT(help->stdoutText, Catch::Contains("Usage: kubeclass-grade"));
    auto bad = runner->run({.program = KUBECLASS_GRADE_EXE, .args = {"--nope"}});
    REQUIRE(bad);
    CHECK(bad->exitCode == 2);
}
