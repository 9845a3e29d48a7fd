// `kubeclass-grade capture`: save what a lab's rubric reads from a live cluster (plus events and logs) into a
// directory that `check --snapshot` grades later. Parses flags, calls captureForRubric and prints.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <ostream>

#include "clusters/cluster_connection.h"
#include "grader/capture.h"
#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"
#include "grader/lab_locator.h"
#include "grader/rubric_loader.h"

namespace kc::grader {

namespace {

std::string nowRfc3339() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

// Errors the cluster causes (as opposed to bad flags or an unwritable directory) exit 3.
bool clusterSide(ErrorKind kind) {
    return kind == ErrorKind::Unreachable || kind == ErrorKind::Timeout || kind == ErrorKind::Unauthorized ||
           kind == ErrorKind::Forbidden || kind == ErrorKind::Server;
}

class CaptureCommand : public CliCommand {
public:
    std::string name() const override { return "capture"; }
    std::string summary() const override { return "save what a lab's rubric reads from a cluster, for grading later"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade capture --lab LAB --out DIR [--context CTX] [--kubeconfig F] [--overlay FILE]...\n"
               "       kubeclass-grade capture --lab LAB --out DIR --context CLUSTER=CTX... [--kubeconfig F]\n\n"
               "Writes the objects every check reads, plus events and pod logs, the cluster version and the time,\n"
               "into DIR (created if missing). Grade it later with: kubeclass-grade check --lab LAB --snapshot DIR\n"
               "Multi-cluster labs: one --context per cluster as CLUSTER=CTX; each cluster's checks are captured\n"
               "into DIR/CLUSTER, and `check --snapshot DIR` grades them all.\n"
               "Exit codes: 0 captured, 2 bad input, 3 cluster unreachable or refusing (401, 403, 5xx).\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        auto parsed = parseArgs(args, {{"lab"}, {"out"}, {"context", true, true}, {"kubeconfig"}, {"overlay", true, true}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (!parsed->positional.empty()) return badUsage(io, "unexpected argument \"" + parsed->positional[0] + "\"");
        if (!parsed->has("lab")) return badUsage(io, "--lab is required");
        if (!parsed->has("out")) return badUsage(io, "--out DIR is required");

        auto rubricPath = locateRubric(*parsed->value("lab"));
        if (!rubricPath) {
            io.err << "kubeclass-grade capture: " << rubricPath.error().message << "\n";
            return kExitBadInput;
        }
        auto rubric = loadRubricWithOverlays(*rubricPath, parsed->values.count("overlay") ? parsed->values.at("overlay") : std::vector<std::string>{});
        if (!rubric) {
            io.err << rubric.error().message << "\n";
            return kExitBadInput;
        }
        std::vector<std::string> contexts =
            parsed->values.count("context") ? parsed->values.at("context") : std::vector<std::string>{""};
        auto targets = clusterValues(contexts, rubric->clusters, "context");
        if (!targets) return badUsage(io, targets.error().message);
        const std::string outDir = *parsed->value("out");
        // Connect to every cluster before writing anything, so an unreachable one leaves no partial capture.
        std::vector<ClusterConnection> connections;
        for (const auto& t : *targets) {
            auto connection = connectToCluster({.kubeconfigPath = parsed->valueOr("kubeconfig", ""), .context = t.value});
            if (!connection) {
                io.err << "kubeclass-grade capture: " << connection.error().message << "\n";
                return clusterSide(connection.error().kind) ? kExitClusterUnreachable : kExitBadInput;
            }
            if (auto version = connection->client->serverVersion(); !version) {
                io.err << "kubeclass-grade capture: cannot reach " << connection->config.describe() << ": "
                       << version.error().message << "\n";
                return clusterSide(version.error().kind) ? kExitClusterUnreachable : kExitBadInput;
            }
            connections.push_back(std::move(*connection));
        }
        for (size_t i = 0; i < targets->size(); ++i) {
            const auto& t = (*targets)[i];
            std::string dir = t.cluster.empty() ? outDir : (std::filesystem::path(outDir) / t.cluster).string();
            io.err << "capturing " << rubric->lab << (t.cluster.empty() ? "" : " cluster " + t.cluster) << " from "
                   << connections[i].config.describe() << " into " << dir << "\n";
            auto captured = captureForRubric(rubricForCluster(*rubric, t.cluster), *connections[i].client, dir,
                                             nowRfc3339());
            if (!captured) {
                io.err << "kubeclass-grade capture: " << captured.error().message << "\n";
                return clusterSide(captured.error().kind) ? kExitClusterUnreachable : kExitBadInput;
            }
        }
        io.out << outDir << "\n";
        return kExitGraded;
    }

};

}  // namespace

std::unique_ptr<CliCommand> makeCaptureCommand() { return std::make_unique<CaptureCommand>(); }

}  // namespace kc::grader
