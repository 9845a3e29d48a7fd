// kind and docker through the process runner. Every command's failure says what was run and why it failed.
#include "clusters/kind_driver.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace kc {

std::vector<std::string> lastLinesOf(const std::string& text, size_t count) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        lines.push_back(line);
    }
    if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
    return lines;
}

namespace {

std::string joinLines(const std::vector<std::string>& lines, const std::string& indent) {
    std::string out;
    for (const auto& l : lines) out += "\n" + indent + l;
    return out;
}

// A private temporary folder for the generated kind config, removed when it goes out of scope.
class ScratchDir {
public:
    ScratchDir() {
        std::string base = fs::temp_directory_path().string() + "/kubeclass-kind-XXXXXX";
        if (::mkdtemp(base.data())) path_ = base;
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

KindDriver::KindDriver(std::shared_ptr<ProcessRunner> runner, KindTools tools, std::shared_ptr<Clock> clock)
    : runner_(runner ? std::move(runner) : posixProcessRunner()), tools_(std::move(tools)),
      clock_(clock ? std::move(clock) : systemClock()) {}

Result<ProcessResult> KindDriver::runKind(std::vector<std::string> args, std::chrono::milliseconds timeout) {
    ProcessSpec spec;
    spec.program = tools_.kind;
    spec.args = std::move(args);
    spec.extraEnv = tools_.extraEnv;
    spec.timeout = timeout;
    return runner_->run(spec);
}

Status KindDriver::createCluster(const CreateClusterRequest& request) {
    lastFailure_ = {};
    ScratchDir scratch;
    if (scratch.path().empty()) return fail(ErrorKind::Other, "cannot create a temporary folder for the kind config");
    std::string configPath = scratch.path() + "/kind-config.json";
    {
        std::ofstream out(configPath);
        out << request.config.dump(2) << "\n";
        if (!out) return fail(ErrorKind::Other, "cannot write the kind config to " + configPath);
    }

    KindProgressTracker tracker(clock_, request.onProgress);
    ProcessSpec spec;
    spec.program = tools_.kind;
    spec.args = {"create", "cluster", "--name", request.name, "--config", configPath};
    if (!request.image.empty()) spec.args.insert(spec.args.end(), {"--image", request.image});
    if (!request.kubeconfigPath.empty()) spec.args.insert(spec.args.end(), {"--kubeconfig", request.kubeconfigPath});
    spec.extraEnv = tools_.extraEnv;
    spec.timeout = request.timeout;
    spec.cancel = request.cancel;
    spec.onStderrLine = [&tracker](std::string_view line) { tracker.onLine(line); };
    auto result = runner_->run(spec);

    if (result && result->exitCode == 0) {
        tracker.finishSucceeded();
        return {};
    }
    // Failed, timed out, cancelled, or could not start at all.
    if (!result && result.error().kind == ErrorKind::NotFound)
        return fail(result.error().context("creating kind cluster " + request.name));
    lastFailure_.stage = tracker.failedStage() ? tracker.failedStage() : tracker.currentStage();
    if (!lastFailure_.stage && tracker.lastCompletedStage()) lastFailure_.stage = tracker.lastCompletedStage();
    lastFailure_.lastLines.assign(tracker.lastLines().begin(), tracker.lastLines().end());
    if (result && lastFailure_.lastLines.empty()) lastFailure_.lastLines = lastLinesOf(result->stderrText, 20);

    std::string why;
    ErrorKind kind = ErrorKind::Other;
    if (!result) {
        kind = result.error().kind;
        why = result.error().message;
    } else {
        why = "kind exited with status " + std::to_string(result->exitCode);
    }
    std::string stage = "before its first stage";
    if (tracker.failedStage()) stage = std::string("at stage \"") + kindStageName(*tracker.failedStage()) + "\"";
    else if (tracker.currentStage()) stage = std::string("during stage \"") + kindStageName(*tracker.currentStage()) + "\"";
    else if (tracker.lastCompletedStage())
        stage = std::string("after stage \"") + kindStageName(*tracker.lastCompletedStage()) + "\"";

    // kind leaves the containers it made when it fails part-way; remove them so a retry starts clean.
    std::string cleanup;
    auto removed = deleteCluster(request.name, request.kubeconfigPath);
    lastFailure_.cleanedUp = removed.has_value();
    cleanup = removed ? "the partly created cluster was deleted"
                      : "cleaning up failed too (" + removed.error().message + "); run: kind delete cluster --name " +
                            request.name;
    return fail(kind, "creating kind cluster " + request.name + " failed " + stage + ": " + why + "; " + cleanup +
                          (lastFailure_.lastLines.empty() ? "" : "\nkind's last lines:" + joinLines(lastFailure_.lastLines, "  ")));
}

Status KindDriver::deleteCluster(const std::string& name, const std::string& kubeconfigPath) {
    std::vector<std::string> args{"delete", "cluster", "--name", name};
    if (!kubeconfigPath.empty()) args.insert(args.end(), {"--kubeconfig", kubeconfigPath});
    auto result = runKind(args, std::chrono::minutes(3));
    if (!result) return fail(result.error().context("deleting kind cluster " + name));
    if (result->exitCode != 0)
        return fail(ErrorKind::Other, "deleting kind cluster " + name + ": kind exited with status " +
                                          std::to_string(result->exitCode) + joinLines(lastLinesOf(result->stderrText, 5), "  "));
    return {};
}

Result<std::vector<std::string>> KindDriver::listClusters() {
    auto result = runKind({"get", "clusters"}, std::chrono::seconds(60));
    if (!result) return fail(result.error().context("listing kind clusters"));
    if (result->exitCode != 0)
        return fail(ErrorKind::Other, "listing kind clusters: kind exited with status " + std::to_string(result->exitCode) +
                                          joinLines(lastLinesOf(result->stderrText, 5), "  "));
    // Names go to stdout, one a line; "No kind clusters found." goes to stderr.
    std::vector<std::string> names;
    std::istringstream in(result->stdoutText);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    return names;
}

Result<bool> KindDriver::clusterExists(const std::string& name) {
    auto names = listClusters();
    if (!names) return fail(names.error());
    for (const auto& n : *names)
        if (n == name) return true;
    return false;
}

Result<std::string> KindDriver::kubeconfig(const std::string& name, bool internal) {
    std::vector<std::string> args{"get", "kubeconfig", "--name", name};
    if (internal) args.push_back("--internal");
    auto result = runKind(args, std::chrono::seconds(60));
    if (!result) return fail(result.error().context("reading the kubeconfig of kind cluster " + name));
    // The kubeconfig holds a client key: never echo stdout into an error.
    if (result->exitCode != 0)
        return fail(ErrorKind::NotFound, "reading the kubeconfig of kind cluster " + name + ": kind exited with status " +
                                             std::to_string(result->exitCode) + joinLines(lastLinesOf(result->stderrText, 5), "  "));
    return result->stdoutText;
}

Status KindDriver::loadImage(const std::string& name, const std::string& image) {
    auto result = runKind({"load", "docker-image", image, "--name", name}, std::chrono::minutes(10));
    if (!result) return fail(result.error().context("loading image " + image + " into kind cluster " + name));
    if (result->exitCode != 0)
        return fail(ErrorKind::Other, "loading image " + image + " into kind cluster " + name + ": kind exited with status " +
                                          std::to_string(result->exitCode) + joinLines(lastLinesOf(result->stderrText, 5), "  "));
    return {};
}

Result<std::string> KindDriver::dockerExec(const std::string& node, const std::vector<std::string>& command,
                                           std::chrono::milliseconds timeout) {
    ProcessSpec spec;
    spec.program = tools_.docker;
    spec.args = {"exec", node};
    spec.args.insert(spec.args.end(), command.begin(), command.end());
    spec.extraEnv = tools_.extraEnv;
    spec.timeout = timeout;
    std::string shown;
    for (const auto& c : command) shown += (shown.empty() ? "" : " ") + c;
    auto result = runner_->run(spec);
    if (!result) return fail(result.error().context("docker exec " + node + " " + shown));
    if (result->exitCode != 0)
        return fail(ErrorKind::Other, "docker exec " + node + " " + shown + ": exited with status " +
                                          std::to_string(result->exitCode) +
                                          joinLines(lastLinesOf(result->stderrText + "\n" + result->stdoutText, 5), "  "));
    return result->stdoutText;
}

}  // namespace kc
