// `kubeclass-grade check`: grade a lab from a live cluster or a snapshot and write one report. Parses flags,
// calls the library (rubric loader, sources, runner, reports) and prints; exit codes per the CLI contract.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "clusters/cluster_connection.h"
#include "grader/capture.h"
#include "grader/check_runner.h"
#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"
#include "grader/lab_locator.h"
#include "grader/object_source.h"
#include "grader/report.h"
#include "grader/report_visibility.h"
#include "grader/rubric_loader.h"

namespace kc::grader {

namespace {

// Ctrl-C stops the run between steps (the runner polls it) instead of killing it mid-cleanup.
std::shared_ptr<Cancellation> gCancel;
void onInterrupt(int) {
    if (gCancel) gCancel->cancel();
}

// A cluster that cannot be reached, or that refuses the kubeconfig's credentials (an expired token), grades
// nothing: every check would end as `error`, so the run stops with exit 3 instead of reporting "graded".
bool clusterSideError(ErrorKind kind) {
    return kind == ErrorKind::Unreachable || kind == ErrorKind::Timeout || kind == ErrorKind::Unauthorized;
}

// `--snapshot DIR` for a multi-cluster lab, where DIR is what `capture` wrote with one --context per cluster
// (DIR/<cluster>/capture.json for every declared cluster): one snapshot per cluster. Anything else is unchanged.
std::vector<ClusterValue> expandCaptureDirectory(std::vector<ClusterValue> list, const Rubric& rubric) {
    if (list.size() != 1 || !list[0].cluster.empty() || rubric.clusters.empty()) return list;
    std::error_code ec;
    for (const auto& c : rubric.clusters)
        if (!std::filesystem::is_regular_file(std::filesystem::path(list[0].value) / c / kCaptureManifest, ec))
            return list;
    std::vector<ClusterValue> out;
    for (const auto& c : rubric.clusters) out.push_back({c, (std::filesystem::path(list[0].value) / c).string()});
    return out;
}

class CheckCommand : public CliCommand {
public:
    std::string name() const override { return "check"; }
    std::string summary() const override { return "grade a lab from a live cluster or a snapshot"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade check --lab LAB [--snapshot PATH | --context CTX] [--kubeconfig F]\n"
               "                             [--format text|json|junit|gradescope|markdown] [--out FILE]\n"
               "                             [--fail-under PCT] [--overlay FILE]... [--student-view]\n"
               "                             [--include-hidden] [--after-due-date] [--submission DIR]\n\n"
               "LAB is a lab id (lab-02), a lab directory or a rubric file. Without --snapshot the lab is graded\n"
               "live through the kubeconfig's current context (or --context). Multi-cluster labs take one\n"
               "--context or --snapshot per cluster as CLUSTER=VALUE; --snapshot DIR also takes a multi-cluster\n"
               "capture (DIR/CLUSTER/capture.json for every cluster of the lab).\n\n"
               "  --format F        text (default), json, junit, gradescope or markdown\n"
               "  --out FILE        write the report to FILE (whole or not at all) instead of stdout\n"
               "  --fail-under PCT  exit 1 when the score (all checks) is below PCT percent\n"
               "  --overlay FILE    apply an instructor overlay to the rubric (repeatable)\n"
               "  --student-view    json, junit and gradescope leave out hidden checks too\n"
               "  --include-hidden  text and markdown show hidden and after_due_date checks\n"
               "  --after-due-date  text and markdown show after_due_date checks\n"
               "  --submission DIR  the student's submission folder, read by file steps (without it they are skipped)\n\n"
               "Colour in the text report only on a terminal and when NO_COLOR is unset.\n"
               "Exit codes: 0 graded, 1 below --fail-under, 2 bad input, 3 cluster unreachable or credentials refused.\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        auto parsed = parseArgs(args, {{"lab"},
                                       {"snapshot", true, true},
                                       {"context", true, true},
                                       {"kubeconfig"},
                                       {"format"},
                                       {"out"},
                                       {"fail-under"},
                                       {"overlay", true, true},
                                       {"student-view", false},
                                       {"include-hidden", false},
                                       {"after-due-date", false},
                                       {"submission"}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (!parsed->positional.empty()) return badUsage(io, "unexpected argument \"" + parsed->positional[0] + "\"");
        if (!parsed->has("lab")) return badUsage(io, "--lab is required");
        if (parsed->has("snapshot") && parsed->has("context"))
            return badUsage(io, "--snapshot and --context conflict: grade either a snapshot or a live cluster");
        if (parsed->has("snapshot") && parsed->has("kubeconfig"))
            return badUsage(io, "--kubeconfig applies to live grading, not to --snapshot");
        if (parsed->has("student-view") && parsed->has("include-hidden"))
            return badUsage(io, "--student-view and --include-hidden conflict");

        auto format = parseReportFormat(parsed->valueOr("format", "text"));
        if (!format) return badUsage(io, format.error().message);
        std::optional<double> failUnder;
        if (auto v = parsed->value("fail-under")) {
            char* end = nullptr;
            double pct = std::strtod(v->c_str(), &end);
            if (end == v->c_str() || *end != '\0' || !(pct >= 0 && pct <= 100))
                return badUsage(io, "--fail-under needs a percentage from 0 to 100, not \"" + *v + "\"");
            failUnder = pct;
        }

        std::string submissionRoot;
        if (auto dir = parsed->value("submission")) {
            std::error_code ec;
            if (dir->empty() || !std::filesystem::is_directory(*dir, ec))
                return badUsage(io, "--submission needs a folder, and \"" + *dir + "\" is not one");
            submissionRoot = *dir;
        }

        auto rubricPath = locateRubric(*parsed->value("lab"));
        if (!rubricPath) {
            io.err << "kubeclass-grade check: " << rubricPath.error().message << "\n";
            return kExitBadInput;
        }
        auto rubric = loadRubricWithOverlays(*rubricPath, parsed->values.count("overlay") ? parsed->values.at("overlay") : std::vector<std::string>{});
        if (!rubric) {
            io.err << rubric.error().message << "\n";
            return kExitBadInput;
        }

        // Sources: one per cluster name ("" for single-cluster labs and every cluster not named).
        std::vector<std::unique_ptr<ObjectSource>> owned;
        std::vector<ClusterConnection> connections;
        std::map<std::string, ObjectSource*> sources;
        bool live = !parsed->has("snapshot");
        if (!live) {
            auto list = clusterValues(parsed->values.at("snapshot"), rubric->clusters, "snapshot");
            if (!list) return badUsage(io, list.error().message);
            for (const auto& a : expandCaptureDirectory(*list, *rubric)) {
                auto source = openSnapshot(a.value);
                if (!source) {
                    io.err << "kubeclass-grade check: snapshot " << a.value << ": " << source.error().message << "\n";
                    return kExitBadInput;
                }
                sources[a.cluster] = source->get();
                owned.push_back(std::move(*source));
            }
        } else {
            std::vector<std::string> contexts =
                parsed->values.count("context") ? parsed->values.at("context") : std::vector<std::string>{""};
            auto list = clusterValues(contexts, rubric->clusters, "context");
            if (!list) return badUsage(io, list.error().message);
            connections.reserve(list->size());
            for (const auto& a : *list) {
                auto connection = connectToCluster({.kubeconfigPath = parsed->valueOr("kubeconfig", ""),
                                                    .context = a.value});
                if (!connection) {
                    io.err << "kubeclass-grade check: " << connection.error().message << "\n";
                    return clusterSideError(connection.error().kind) ? kExitClusterUnreachable : kExitBadInput;
                }
                std::string description = "context " + (a.value.empty() ? std::string("(current)") : a.value);
                // The error names the context, cluster and user as resolved (describe() leaves secrets out), so a
                // TLS or auth failure says which cluster it was.
                const std::string where = connection->config.describe();
                // Nothing has been sent yet: ask for the version so an unreachable cluster fails here, at once,
                // rather than as an error in every check.
                if (auto version = connection->client->serverVersion(); !version) {
                    io.err << "kubeclass-grade check: "
                           << (version.error().kind == ErrorKind::Unauthorized ? "the cluster refused the credentials, "
                                                                                : "cannot reach the cluster, ")
                           << where << ": " << version.error().message << "\n";
                    if (clusterSideError(version.error().kind)) return kExitClusterUnreachable;
                }
                connections.push_back(std::move(*connection));
                owned.push_back(liveSource(*connections.back().client, description));
                sources[a.cluster] = owned.back().get();
            }
        }

        ReportOptions reportOptions;
        reportOptions.studentView = parsed->has("student-view");
        reportOptions.includeHidden = parsed->has("include-hidden");
        reportOptions.afterDueDate = parsed->has("after-due-date");

        // Progress goes to stderr, which students often see too (a CI log): lines about checks they may not
        // see are left out unless --include-hidden.
        GradeRun visibilityOnly;
        for (const auto& check : rubric->checks) {
            CheckResult c;
            c.id = check.id;
            c.title = check.title;
            c.visibility = check.visibility;
            visibilityOnly.checks.push_back(std::move(c));
        }
        Redactor progressRedactor(visibilityOnly, reportOptions, true);

        gCancel = std::make_shared<Cancellation>();
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
        RunOptions runOptions;
        runOptions.cancel = gCancel;
        runOptions.progress = [&io, &progressRedactor](const std::string& line) {
            if (progressRedactor(line) == line) io.err << line << "\n";
        };
        runOptions.now = std::chrono::system_clock::now();
        runOptions.submissionRoot = submissionRoot;
        GradeRun run = runChecks(*rubric, sources, runOptions);
        if (run.rubricFile.empty()) run.rubricFile = *rubricPath;

        const char* noColor = std::getenv("NO_COLOR");
        reportOptions.color = !parsed->has("out") && &io.out == &std::cout && ::isatty(STDOUT_FILENO) &&
                              !(noColor && *noColor);
        auto report = renderReport(run, *format, reportOptions);
        if (!report) {
            io.err << "kubeclass-grade check: " << report.error().message << "\n";
            return kExitBadInput;
        }
        if (auto out = parsed->value("out")) {
            if (auto written = writeFileAtomically(*out, *report); !written) {
                io.err << "kubeclass-grade check: " << written.error().message << "\n";
                return kExitBadInput;
            }
            io.err << "wrote " << reportFormatName(*format) << " report to " << *out << "\n";
        } else {
            io.out << *report << std::flush;
        }

        // A check that errored because the cluster went away is a cluster problem, not a grade: ask again.
        if (live) {
            bool anyError = false;
            for (const auto& c : run.checks) anyError = anyError || c.outcome == Outcome::Error;
            if (anyError)
                for (auto& connection : connections)
                    if (auto version = connection.client->serverVersion();
                        !version && clusterSideError(version.error().kind)) {
                        io.err << "kubeclass-grade check: the cluster became unreachable while grading: "
                               << version.error().message << "\n";
                        return kExitClusterUnreachable;
                    }
        }
        if (failUnder && run.percent() < *failUnder) {
            io.err << "kubeclass-grade check: score " << formatPercent(run.percent()) << " is below --fail-under "
                   << formatPercent(*failUnder) << "\n";
            return kExitBelowThreshold;
        }
        return kExitGraded;
    }

};

}  // namespace

std::unique_ptr<CliCommand> makeCheckCommand() { return std::make_unique<CheckCommand>(); }

}  // namespace kc::grader
