// ProcessRunner over posix_spawn: pipes for stdin/stdout/stderr, poll() for timeouts, a kill on deadline.
// posix_spawn (not fork) because cpprestsdk's threads may be running in this process.
#include "clusters/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

extern char** environ;

namespace kc {
namespace {

std::vector<std::string> mergedEnvironment(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::map<std::string, std::string> vars;
    std::vector<std::string> order;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        std::string name = entry.substr(0, eq);
        if (!vars.count(name)) order.push_back(name);
        vars[name] = entry.substr(eq + 1);
    }
    for (const auto& [name, value] : extra) {
        if (!vars.count(name)) order.push_back(name);
        vars[name] = value;
    }
    std::vector<std::string> out;
    for (const auto& name : order) out.push_back(name + "=" + vars[name]);
    return out;
}

struct Pipe {
    int fds[2] = {-1, -1};
    ~Pipe() { closeBoth(); }
    void closeBoth() {
        for (int& fd : fds)
            if (fd >= 0) { ::close(fd); fd = -1; }
    }
};

class PosixProcessRunner final : public ProcessRunner {
public:
    Result<ProcessResult> run(const ProcessSpec& spec) override {
        Pipe in, out, err;
        if (::pipe2(in.fds, O_CLOEXEC) || ::pipe2(out.fds, O_CLOEXEC) || ::pipe2(err.fds, O_CLOEXEC))
            return fail(ErrorKind::Other, "cannot create pipes: " + std::string(std::strerror(errno)));

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (spec.inheritStdin) {
            // stdin stays the caller's terminal
        } else if (spec.stdinData) {
            posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        }
        posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
        if (!spec.workingDirectory.empty())
            posix_spawn_file_actions_addchdir_np(&actions, spec.workingDirectory.c_str());

        std::vector<std::string> argStrings{spec.program};
        argStrings.insert(argStrings.end(), spec.args.begin(), spec.args.end());
        std::vector<char*> argv;
        for (auto& a : argStrings) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> envStrings = mergedEnvironment(spec.extraEnv);
        std::vector<char*> envp;
        for (auto& e : envStrings) envp.push_back(e.data());
        envp.push_back(nullptr);

        // Look the program up on the PATH the child will see.
        std::string pathValue;
        for (const auto& e : envStrings)
            if (e.rfind("PATH=", 0) == 0) pathValue = e.substr(5);
        std::string resolved = resolveProgram(spec.program, pathValue);
        if (resolved.empty()) {
            posix_spawn_file_actions_destroy(&actions);
            return fail(ErrorKind::NotFound, "program \"" + spec.program + "\" was not found on PATH");
        }

        pid_t pid = 0;
        int rc = ::posix_spawn(&pid, resolved.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0)
            return fail(rc == ENOENT ? ErrorKind::NotFound : ErrorKind::Other,
                        "cannot start \"" + spec.program + "\": " + std::strerror(rc));
        ::close(in.fds[0]); in.fds[0] = -1;
        ::close(out.fds[1]); out.fds[1] = -1;
        ::close(err.fds[1]); err.fds[1] = -1;
        if (!spec.stdinData || spec.inheritStdin) { ::close(in.fds[1]); in.fds[1] = -1; }
        else ::fcntl(in.fds[1], F_SETFL, O_NONBLOCK);

        ProcessResult result;
        std::string stderrLine;
        size_t written = 0;
        const auto deadline = std::chrono::steady_clock::now() + spec.timeout;
        bool timedOut = false, tooMuch = false, cancelled = false;
        // With a cancel flag, poll in short slices so a cancel is noticed quickly.
        const long long slice = spec.cancel ? 100 : 1000;
        while (out.fds[0] >= 0 || err.fds[0] >= 0) {
            if (spec.cancel && spec.cancel->cancelled()) { cancelled = true; break; }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) { timedOut = true; break; }
            pollfd fds[3];
            int n = 0;
            int outIndex = -1, errIndex = -1, inIndex = -1;
            if (out.fds[0] >= 0) { outIndex = n; fds[n++] = {out.fds[0], POLLIN, 0}; }
            if (err.fds[0] >= 0) { errIndex = n; fds[n++] = {err.fds[0], POLLIN, 0}; }
            if (in.fds[1] >= 0) { inIndex = n; fds[n++] = {in.fds[1], POLLOUT, 0}; }
            int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left.count(), slice)));
            if (ready < 0 && errno != EINTR) break;
            if (ready <= 0) continue;
            if (inIndex >= 0 && fds[inIndex].revents) {
                const std::string& data = *spec.stdinData;
                ssize_t w = data.size() > written ? ::write(in.fds[1], data.data() + written, data.size() - written) : 0;
                if (w > 0) written += static_cast<size_t>(w);
                if (w < 0 && errno != EAGAIN) written = data.size();
                if (written >= data.size()) { ::close(in.fds[1]); in.fds[1] = -1; }
            }
            char buffer[8192];
            if (outIndex >= 0 && fds[outIndex].revents) {
                ssize_t r = ::read(out.fds[0], buffer, sizeof buffer);
                if (r <= 0) { ::close(out.fds[0]); out.fds[0] = -1; }
                else {
                    result.stdoutText.append(buffer, static_cast<size_t>(r));
                    if (result.stdoutText.size() > spec.maxOutputBytes) { tooMuch = true; break; }
                }
            }
            if (errIndex >= 0 && fds[errIndex].revents) {
                ssize_t r = ::read(err.fds[0], buffer, sizeof buffer);
                if (r <= 0) { ::close(err.fds[0]); err.fds[0] = -1; }
                else {
                    result.stderrText.append(buffer, static_cast<size_t>(r));
                    if (result.stderrText.size() > spec.maxOutputBytes) { tooMuch = true; break; }
                    if (spec.onStderrLine) {
                        stderrLine.append(buffer, static_cast<size_t>(r));
                        size_t nl;
                        while ((nl = stderrLine.find('\n')) != std::string::npos) {
                            spec.onStderrLine(std::string_view(stderrLine).substr(0, nl));
                            stderrLine.erase(0, nl + 1);
                        }
                    }
                }
            }
        }
        if (spec.onStderrLine && !stderrLine.empty()) spec.onStderrLine(stderrLine);
        if (timedOut || tooMuch) ::kill(pid, SIGKILL);
        int status = 0;
        if (cancelled) {
            // A cancelled kind gets a chance to stop its own children; SIGKILL follows if it does not exit.
            ::kill(pid, SIGTERM);
            const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (::waitpid(pid, &status, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > grace) {
                    ::kill(pid, SIGKILL);
                    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
                    break;
                }
                ::usleep(20000);
            }
            return fail(ErrorKind::Cancelled, "\"" + spec.program + "\" was cancelled and stopped");
        }
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (timedOut)
            return fail(ErrorKind::Timeout, "\"" + spec.program + "\" did not finish within " +
                                                std::to_string(spec.timeout.count()) + " ms and was stopped");
        if (tooMuch)
            return fail(ErrorKind::Invalid, "\"" + spec.program + "\" printed more than " +
                                                std::to_string(spec.maxOutputBytes) + " bytes and was stopped");
        result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return result;
    }

private:
    static std::string resolveProgram(const std::string& program, const std::string& pathValue) {
        if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : "";
        size_t start = 0;
        while (start <= pathValue.size()) {
            size_t end = pathValue.find(':', start);
            if (end == std::string::npos) end = pathValue.size();
            std::string dir = pathValue.substr(start, end - start);
            if (dir.empty()) dir = ".";
            std::string candidate = dir + "/" + program;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
            start = end + 1;
        }
        return "";
    }
};

}  // namespace

std::shared_ptr<ProcessRunner> posixProcessRunner() {
    static const std::shared_ptr<ProcessRunner> runner = std::make_shared<PosixProcessRunner>();
    return runner;
}

}  // namespace kc
