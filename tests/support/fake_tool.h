// Fake executables (kind, docker, nvidia-smi, helm, kubectl) for tests: a shell script in a TempDir's bin/ that
// records each argv to a log and answers with scripted stdout, stderr and exit status, chosen by argv prefix.
// Put FakeTool::binDir() first on PATH (pathEnv()) and the code under test runs the fake instead of the tool.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kc::testing {

class TempDir;

struct FakeReply {
    std::string stdoutText;
    std::string stderrText;
    int exitCode = 0;
    int times = 0;               // how many calls this reply answers; 0: every matching call
    std::string stdoutFile;      // printed after stdoutText, read when the fake runs (e.g. a kubeconfig)
    double sleepSeconds = 0;     // after printing, before exiting (cancellation and timeout tests)
    std::string stdoutToFileArg; // not empty: also write stdoutText to the file named by the argument after this flag
    // Both set: copy the file named by the argument after copyArgFileFlag to copyArgFileTo (e.g. kind's --config,
    // which the driver deletes once kind is done).
    std::string copyArgFileFlag;
    std::string copyArgFileTo;
};

class FakeTool {
public:
    // Writes <dir>/bin/<name>; calls are logged to <dir>/<name>.calls.
    FakeTool(const TempDir& dir, std::string name);

    // The most recently added rule whose argv prefix matches the call and that has calls left answers it, so a
    // test can override a general rule for a few calls by adding a narrower or counted one after it.
    FakeTool& on(std::vector<std::string> argvPrefix, FakeReply reply);
    // Calls no rule matches: exit 0 with no output unless set.
    FakeTool& otherwise(FakeReply reply);

    // Every call so far, oldest first, as argv without the program name.
    std::vector<std::vector<std::string>> calls() const;
    // Calls whose argv starts with prefix.
    std::vector<std::vector<std::string>> callsStartingWith(const std::vector<std::string>& prefix) const;

    const std::string& path() const { return path_; }
    const std::string& binDir() const { return binDir_; }
    // PATH with the fakes' bin/ first, for ProcessSpec::extraEnv / KindTools::extraEnv.
    std::pair<std::string, std::string> pathEnv() const;

private:
    void writeRule(const std::string& folder, const std::vector<std::string>& prefix, const FakeReply& reply) const;

    std::string name_;
    std::string dir_;
    std::string binDir_;
    std::string path_;
    std::string log_;
    std::string rulesDir_;
    int rules_ = 0;
};

// Joins argv for messages: "create cluster --name x".
std::string joinArgs(const std::vector<std::string>& args);

}  // namespace kc::testing
