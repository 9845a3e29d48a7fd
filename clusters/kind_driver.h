// The kind and docker driver: create, delete, list, kubeconfig, load image, and `docker exec` on node containers,
// all through a ProcessRunner (posix_spawn) so tests can put fake executables on PATH or substitute the runner.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clusters/cancellation.h"
#include "clusters/clock.h"
#include "clusters/json.h"
#include "clusters/kind_progress.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc {

struct KindTools {
    std::string kind = "kind";      // a path, or a name looked up on PATH
    std::string docker = "docker";
    std::vector<std::pair<std::string, std::string>> extraEnv;  // e.g. PATH for tests
};

struct CreateClusterRequest {
    std::string name;
    Json config;                 // the kind Cluster config (kindConfigFor)
    std::string image;           // --image; empty: the config's or kind's default
    std::string kubeconfigPath;  // --kubeconfig: a harness-owned file, so the user's ~/.kube/config is untouched
    std::chrono::milliseconds timeout{std::chrono::minutes(15)};
    std::shared_ptr<Cancellation> cancel;
    std::function<void(const KindProgressEvent&)> onProgress;
};

// Why a create failed, for callers that show more than the message.
struct CreateFailure {
    std::optional<KindStage> stage;  // the stage kind was in (or had failed)
    std::vector<std::string> lastLines;
    bool cleanedUp = false;
};

class KindDriver {
public:
    KindDriver(std::shared_ptr<ProcessRunner> runner, KindTools tools = {}, std::shared_ptr<Clock> clock = nullptr);

    // Writes the config to a temporary file and runs `kind create cluster`. On failure or cancellation the
    // half-made cluster is deleted, and the error names the failing stage and ends with kind's last lines.
    Status createCluster(const CreateClusterRequest& request);
    const CreateFailure& lastFailure() const { return lastFailure_; }

    Status deleteCluster(const std::string& name, const std::string& kubeconfigPath = "");
    Result<std::vector<std::string>> listClusters();
    Result<bool> clusterExists(const std::string& name);
    // internal=true: the address other containers on kind's network use (https://<name>-control-plane:6443).
    Result<std::string> kubeconfig(const std::string& name, bool internal = false);
    Status loadImage(const std::string& name, const std::string& image);

    // `docker exec NODE COMMAND...`; a non-zero exit is an error carrying the command's last output lines.
    Result<std::string> dockerExec(const std::string& node, const std::vector<std::string>& command,
                                   std::chrono::milliseconds timeout = std::chrono::minutes(5));

    ProcessRunner& runner() { return *runner_; }
    const KindTools& tools() const { return tools_; }

private:
    Result<ProcessResult> runKind(std::vector<std::string> args, std::chrono::milliseconds timeout);

    std::shared_ptr<ProcessRunner> runner_;
    KindTools tools_;
    std::shared_ptr<Clock> clock_;
    CreateFailure lastFailure_;
};

// The last `count` non-empty lines of a program's output, for error messages.
std::vector<std::string> lastLinesOf(const std::string& text, size_t count);

}  // namespace kc
