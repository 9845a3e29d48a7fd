// The Labs page's grading: contexts from the lab's profiles, a sub-rubric of the checks asked for, the grader's
// runner, and a student-view report with only those checks.
#include "app/lab_check_runner.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "clusters/cluster_connection.h"
#include "clusters/profile_loader.h"
#include "grader/capture.h"
#include "grader/check_runner.h"
#include "grader/object_source.h"
#include "grader/report_json.h"
#include "grader/report_visibility.h"

namespace kc::app {

namespace fs = std::filesystem;
using grader::GradeRun;
using grader::ObjectSource;

namespace {

const char* kCreateCluster = "Create the lab's cluster on the Cluster page";

bool clusterSideError(ErrorKind kind) {
    return kind == ErrorKind::Unreachable || kind == ErrorKind::Timeout;
}

std::string profileNames(const std::vector<const Profile*>& profiles) {
    std::string out;
    for (const auto* p : profiles) out += (out.empty() ? "" : " or ") + p->id;
    return out;
}

std::string todoForProfiles(const std::vector<const Profile*>& profiles) {
    if (profiles.empty()) return "Point your kubeconfig's current context at the cluster you did the exercise on.";
    return std::string(kCreateCluster) + " (profile " + profileNames(profiles) + "), then check again.";
}

// The student view of the full run, read back, keeping only the reported checks: hidden checks are gone and text
// naming them says "another check" (gradeRunToJson redacts with the full run in view).
GradeRun reportedRun(const GradeRun& full, const std::vector<std::string>& checkIds, std::string* json) {
    grader::ReportOptions student;
    student.studentView = true;
    auto parsed = grader::gradeRunFromJson(grader::gradeRunToJson(full, student));
    GradeRun shown = parsed ? *parsed : GradeRun{};
    if (!parsed) {
        shown = full;
        shown.checks.clear();
    }
    std::vector<grader::CheckResult> kept;
    for (auto& c : shown.checks)
        if (std::find(checkIds.begin(), checkIds.end(), c.id) != checkIds.end()) kept.push_back(std::move(c));
    shown.checks = std::move(kept);
    *json = grader::renderJsonReport(shown, student);
    return shown;
}

grader::RunOptions runOptionsFor(const LabCheckRequest& request) {
    grader::RunOptions options;
    options.cancel = request.cancel ? request.cancel : std::make_shared<Cancellation>();
    std::error_code ec;
    if (!request.submissionRoot.empty() && fs::is_directory(request.submissionRoot, ec))
        options.submissionRoot = request.submissionRoot;
    if (request.progress) {
        // Progress lines name each check as it finishes; a hidden one that runs because a visible one needs it is
        // left out, as the CLI does for students.
        GradeRun visibilityOnly;
        for (const auto& check : request.rubric->checks) {
            grader::CheckResult c;
            c.id = check.id;
            c.title = check.title;
            c.visibility = check.visibility;
            visibilityOnly.checks.push_back(std::move(c));
        }
        auto redactor = std::make_shared<grader::Redactor>(visibilityOnly, grader::ReportOptions{}, true);
        options.progress = [redactor, progress = request.progress](const std::string& line) {
            if ((*redactor)(line) == line) progress(line);
        };
    }
    options.now = std::chrono::system_clock::now();
    return options;
}

LabCheckOutcome problem(std::string what, std::string todo) {
    LabCheckOutcome out;
    out.problem = {std::move(what), std::move(todo)};
    return out;
}

LabCheckOutcome finish(const LabCheckRequest& request, const GradeRun& full) {
    LabCheckOutcome out;
    out.cancelled = request.cancel && request.cancel->cancelled();
    out.graded = !out.cancelled;
    out.run = reportedRun(full, request.checkIds, &out.reportJson);
    if (out.cancelled) out.problem = {"The check was cancelled.", "Press Check to run it again."};
    return out;
}

}  // namespace

std::vector<Profile> loadCourseProfiles(const std::string& dataRoot) {
    std::vector<Profile> out;
    std::error_code ec;
    fs::path dir = fs::path(dataRoot) / "clusters" / "profiles";
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".yaml") continue;
        if (auto p = loadProfileFile(it->path().string())) out.push_back(std::move(*p));
    }
    std::sort(out.begin(), out.end(), [](const Profile& a, const Profile& b) { return a.id < b.id; });
    return out;
}

std::vector<const Profile*> profilesForLab(const std::string& labId, const std::vector<Profile>& profiles) {
    std::vector<const Profile*> out;
    for (const auto& p : profiles)
        if (p.id == labId || p.id.rfind(labId + "-", 0) == 0) out.push_back(&p);
    std::sort(out.begin(), out.end(), [](const Profile* a, const Profile* b) { return a->id < b->id; });
    return out;
}

Result<std::map<std::string, std::string>> chooseContexts(const grader::Rubric& rubric,
                                                          const std::vector<Profile>& profiles,
                                                          const MergedKubeconfig& kubeconfig) {
    auto has = [&](const std::string& context) { return kubeconfig.contexts.count(context) > 0; };
    auto labProfiles = profilesForLab(rubric.lab, profiles);
    if (labProfiles.empty()) {
        if (kubeconfig.currentContext.empty() || !has(kubeconfig.currentContext))
            return fail(ErrorKind::NotFound, "the kubeconfig has no current context");
        std::map<std::string, std::string> out;
        if (rubric.clusters.empty()) out[""] = kubeconfig.currentContext;
        for (const auto& c : rubric.clusters) out[c] = kubeconfig.currentContext;
        return out;
    }
    // The current context wins when it is one of the lab's clusters (lab-02 with both GPU profiles created).
    std::stable_sort(labProfiles.begin(), labProfiles.end(), [&](const Profile* a, const Profile* b) {
        auto current = [&](const Profile* p) {
            for (const auto& c : p->clusters)
                if ("kind-" + c.name == kubeconfig.currentContext) return true;
            return false;
        };
        return current(a) && !current(b);
    });
    std::vector<std::string> missing;
    for (const auto* profile : labProfiles) {
        std::map<std::string, std::string> out;
        std::vector<std::string> lacking;
        if (rubric.clusters.empty()) {
            if (profile->clusters.empty()) continue;
            std::string context = "kind-" + profile->clusters.front().name;
            if (has(context))
                out[""] = context;
            else
                lacking.push_back(context);
        }
        for (const auto& c : rubric.clusters) {
            std::string context;
            for (const auto& pc : profile->clusters)
                if (pc.name == c || (pc.name.size() > c.size() &&
                                     pc.name.compare(pc.name.size() - c.size() - 1, std::string::npos, "-" + c) == 0))
                    context = "kind-" + pc.name;
            if (context.empty()) context = has(c) ? c : c + "-apiserver";
            if (has(context))
                out[c] = context;
            else
                lacking.push_back(context);
        }
        if (lacking.empty()) return out;
        for (auto& l : lacking)
            if (std::find(missing.begin(), missing.end(), l) == missing.end()) missing.push_back(l);
    }
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return fail(ErrorKind::NotFound, "the kubeconfig has no context " + list);
}

grader::Rubric rubricForChecks(const grader::Rubric& rubric, const std::vector<std::string>& checkIds) {
    std::set<std::string> wanted(checkIds.begin(), checkIds.end());
    std::vector<std::string> queue(checkIds.begin(), checkIds.end());
    while (!queue.empty()) {
        std::string id = queue.back();
        queue.pop_back();
        if (const auto* c = rubric.find(id))
            for (const auto& n : c->needs)
                if (wanted.insert(n).second) queue.push_back(n);
    }
    grader::Rubric out = rubric;
    out.checks.clear();
    for (const auto& c : rubric.checks)
        if (wanted.count(c.id)) out.checks.push_back(c);
    return out;
}

void capReadOnlyRetries(grader::Rubric& rubric, std::chrono::milliseconds window) {
    for (auto& check : rubric.checks) {
        bool readOnly = std::none_of(check.steps.begin(), check.steps.end(),
                                     [](const grader::Step& s) { return grader::isLiveOnly(s); });
        if (!readOnly) continue;
        for (auto& step : check.steps)
            if (!step.timeoutWritten && step.timeout > window) step.timeout = window;
    }
}

LabCheckOutcome runLabCheckLive(const LabCheckRequest& request) {
    const auto& rubric = *request.rubric;
    auto labProfiles = profilesForLab(rubric.lab, request.profiles);
    auto sources = kubeconfigSourcesFromEnvironment(request.kubeconfigPath);
    auto kubeconfig = loadKubeconfig(sources);
    if (!kubeconfig) {
        std::string where = request.kubeconfigPath.empty() ? "in the default places ($KUBECONFIG, ~/.kube/config)"
                                                           : "at " + request.kubeconfigPath;
        if (kubeconfig.error().kind == ErrorKind::NotFound)
            return problem("No kubeconfig " + where + ".",
                           todoForProfiles(labProfiles) +
                               " kind writes the kubeconfig; the Settings page says where the app looks.");
        return problem("The kubeconfig could not be read: " + kubeconfig.error().message,
                       "Fix the file, or choose another one on the Settings page.");
    }
    auto contexts = chooseContexts(rubric, request.profiles, *kubeconfig);
    if (!contexts)
        return problem("No cluster for this lab: " + contexts.error().message + ".", todoForProfiles(labProfiles));

    std::vector<ClusterConnection> connections;
    std::vector<std::unique_ptr<ObjectSource>> owned;
    std::map<std::string, ObjectSource*> sourceMap;
    connections.reserve(contexts->size());
    for (const auto& [cluster, context] : *contexts) {
        if (request.cancel && request.cancel->cancelled()) {
            LabCheckOutcome out = problem("The check was cancelled.", "Press Check to run it again.");
            out.cancelled = true;
            return out;
        }
        ConnectOptions options;
        options.kubeconfigPath = request.kubeconfigPath;
        options.context = context;
        auto connection = connectToCluster(options);
        if (!connection)
            return problem("Cannot connect to context " + context + ": " + connection.error().message,
                           todoForProfiles(labProfiles));
        // Nothing has been sent yet: one request now tells an unreachable cluster apart from failing checks.
        if (auto version = connection->client->serverVersion(); !version) {
            if (clusterSideError(version.error().kind))
                return problem(
                    "The cluster behind context " + context + " does not answer (" + version.error().message + ").",
                    "Start it again (is Docker running?) or recreate it on the Cluster page, then check again.");
            return problem("The cluster behind context " + context + " refused the app: " + version.error().message,
                           "Check the credentials of that context in your kubeconfig.");
        }
        connections.push_back(std::move(*connection));
        owned.push_back(grader::liveSource(*connections.back().client, "context " + context));
        sourceMap[cluster] = owned.back().get();
    }

    auto subset = rubricForChecks(rubric, request.checkIds);
    capReadOnlyRetries(subset, request.readOnlyRetryWindow);
    GradeRun full = grader::runChecks(subset, sourceMap, runOptionsFor(request));

    // Every check errored and the cluster is gone now: a cluster problem, not a grade.
    bool allError = !full.checks.empty() && std::all_of(full.checks.begin(), full.checks.end(), [](const auto& c) {
        return c.outcome == grader::Outcome::Error;
    });
    if (allError && !(request.cancel && request.cancel->cancelled()))
        for (auto& connection : connections)
            if (auto version = connection.client->serverVersion(); !version && clusterSideError(version.error().kind))
                return problem(
                    "The cluster stopped answering while it was being checked (" + version.error().message + ").",
                    "Start it again (is Docker running?) or recreate it on the Cluster page, then check again.");
    return finish(request, full);
}

LabCheckOutcome runLabCheckSnapshot(const LabCheckRequest& request, const std::string& folder) {
    const auto& rubric = *request.rubric;
    std::error_code ec;
    auto sourceIn = [&](const fs::path& dir, const std::string& name) -> std::string {
        if (fs::is_regular_file(dir / name / grader::kCaptureManifest, ec)) return (dir / name).string();
        if (!name.empty() && fs::is_regular_file(dir / (name + ".yaml"), ec)) return (dir / (name + ".yaml")).string();
        return {};
    };
    std::map<std::string, std::string> paths;
    fs::path dir(folder);
    if (!fs::is_directory(dir, ec)) return problem(folder + " is not a folder.", "Choose the folder of a capture.");
    if (rubric.clusters.empty()) {
        if (fs::is_regular_file(dir / grader::kCaptureManifest, ec))
            paths[""] = dir.string();
        else if (fs::is_regular_file(dir / "snapshot.yaml", ec))
            paths[""] = (dir / "snapshot.yaml").string();
        else
            return problem(folder + " holds neither capture.json nor snapshot.yaml.",
                           "Choose a folder written by `kubeclass-grade capture`, or a lab example's folder.");
    } else {
        std::string missing;
        for (const auto& c : rubric.clusters) {
            std::string p = sourceIn(dir, c);
            if (p.empty())
                missing += (missing.empty() ? "" : ", ") + c;
            else
                paths[c] = p;
        }
        if (!missing.empty())
            return problem(
                folder + " has no capture for cluster " + missing + ".",
                "A multi-cluster capture holds CLUSTER/capture.json (or CLUSTER.yaml) for every cluster of the lab.");
    }
    std::vector<std::unique_ptr<ObjectSource>> owned;
    std::map<std::string, ObjectSource*> sourceMap;
    for (const auto& [cluster, path] : paths) {
        auto source = grader::openSnapshot(path);
        if (!source)
            return problem("The snapshot could not be read: " + source.error().message,
                           "Choose another capture, or capture the cluster again.");
        sourceMap[cluster] = source->get();
        owned.push_back(std::move(*source));
    }
    auto subset = rubricForChecks(rubric, request.checkIds);
    return finish(request, grader::runChecks(subset, sourceMap, runOptionsFor(request)));
}

LabCheckRun checkRunRecord(const std::string& labId, const std::string& scope, TimePoint at,
                           const LabCheckOutcome& outcome) {
    LabCheckRun run;
    run.labId = labId;
    run.scope = scope;
    run.at = at;
    if (outcome.graded) {
        run.outcome = "graded";
        run.earned = outcome.run.earned();
        run.points = outcome.run.points();
        run.reportJson = outcome.reportJson;
    } else {
        run.outcome = "error: " + outcome.problem.what;
    }
    return run;
}

}  // namespace kc::app
