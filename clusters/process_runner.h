// ProcessRunner: the seam for running external programs (exec credential plugins, kind, docker, kubectl).
// The real runner uses posix_spawn, never fork, since cpprestsdk threads may be running.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clusters/cancellation.h"
#include "clusters/result.h"

namespace kc {

struct ProcessSpec {
    std::string program;  // a path, or a name looked up on PATH
    std::vector<std::string> args;
    // Variables added to (or replacing those in) the caller's environment.
    std::vector<std::pair<std::string, std::string>> extraEnv;
    std::optional<std::string> stdinData;  // nullopt: stdin is /dev/null
    bool inheritStdin = false;             // interactive exec plugins read the terminal
    std::string workingDirectory;          // empty: the caller's
    std::chrono::milliseconds timeout{60000};
    std::function<void(std::string_view line)> onStderrLine;  // progress, as it arrives
    size_t maxOutputBytes = 16 * 1024 * 1024;                 // each of stdout, stderr
    // When set, the child is stopped (SIGTERM, then SIGKILL after 5 s) soon after it is cancelled, and run() fails
    // with Cancelled.
    std::shared_ptr<Cancellation> cancel;
};

struct ProcessResult {
    int exitCode = -1;  // -1 when killed by a signal
    std::string stdoutText;
    std::string stderrText;
};

class ProcessRunner {
public:
    virtual ~ProcessRunner() = default;
    // Fails (Timeout, Cancelled, NotFound, Other) only when the program could not run to the end; a non-zero exit is
    // a result.
    virtual Result<ProcessResult> run(const ProcessSpec& spec) = 0;
};

std::shared_ptr<ProcessRunner> posixProcessRunner();

}  // namespace kc
