// Grading a lab (or one step of it) from the Labs page: live against the lab's cluster, or offline from a snapshot.
// Qt-free and synchronous: the page runs it on a worker thread. Only the visible checks asked for are reported;
// the checks they need run too (a hidden one included, as the runner needs its outcome) but are never shown, and
// text naming a hidden check is redacted the way student reports are.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/progress_store.h"
#include "clusters/cancellation.h"
#include "clusters/kubeconfig.h"
#include "clusters/profile.h"
#include "grader/grade_result.h"
#include "grader/rubric.h"

namespace kc::app {

// Why a check could not be graded: what went wrong and what the student can do about it. Never a fail.
struct LabCheckProblem {
    std::string what;  // "No kubeconfig at /home/s/.kube/config"
    std::string todo;  // "Create the lab's cluster on the Cluster page (profile lab-01)."
};

struct LabCheckOutcome {
    bool graded = false;
    grader::GradeRun run;     // the reported checks only (visible, in scope), redacted
    std::string reportJson;   // `run` as grader/report_json writes it (student view): what progress.db keeps
    LabCheckProblem problem;  // when !graded
    bool cancelled = false;
};

struct LabCheckRequest {
    const grader::Rubric* rubric = nullptr;
    std::vector<std::string> checkIds;  // the visible checks to report (a step's, or all of them)
    std::string kubeconfigPath;         // the setting; empty: $KUBECONFIG, then ~/.kube/config
    std::vector<Profile> profiles;      // the course's cluster profiles (to find the lab's contexts)
    std::shared_ptr<Cancellation> cancel;
    std::function<void(const std::string&)> progress;  // from the worker thread
    // The student's lab folder, read by file steps (a runbook, USAGE.md); empty or missing: those are skipped.
    std::string submissionRoot;
    // A live check that only reads state retries a failing step until its window ends (30 s by default) in case
    // the cluster is still converging. When the student presses Check, they have already applied their work, so
    // read-only checks wait at most this long unless the rubric wrote a step's timeout itself. Checks that apply,
    // delete or probe keep their windows: they wait for controllers the grader itself set going.
    std::chrono::milliseconds readOnlyRetryWindow{std::chrono::seconds(3)};
};

// The profiles made for this lab: id equal to the lab id or starting with "<lab>-", sorted by id.
std::vector<const Profile*> profilesForLab(const std::string& labId, const std::vector<Profile>& profiles);
// Every profile under <dataRoot>/clusters/profiles (files that fail to load are left out).
std::vector<Profile> loadCourseProfiles(const std::string& dataRoot);

// Which kubeconfig context grades each of the rubric's clusters ("" for a single-cluster lab). A lab with profiles
// uses kind-<cluster name> of the first of its profiles (the current context's first) whose contexts all exist; a
// rubric cluster `hub` is the profile's cluster `<lab>-hub`, and one no profile creates (Karmada's API server) is a
// context of that name or "<name>-apiserver". A lab without a profile (the exercises) uses the current context.
Result<std::map<std::string, std::string>> chooseContexts(const grader::Rubric& rubric,
                                                          const std::vector<Profile>& profiles,
                                                          const MergedKubeconfig& kubeconfig);

// The checks to run for `checkIds`: those checks and, transitively, what they need; a sub-rubric in rubric order.
grader::Rubric rubricForChecks(const grader::Rubric& rubric, const std::vector<std::string>& checkIds);

// Shortens the retry window of read-only checks' steps that use the rubric default (see readOnlyRetryWindow).
void capReadOnlyRetries(grader::Rubric& rubric, std::chrono::milliseconds window);

LabCheckOutcome runLabCheckLive(const LabCheckRequest& request);

// `folder` is a capture directory (capture.json), a folder holding snapshot.yaml (the labs' examples), or for a
// multi-cluster lab a folder with one capture directory or <cluster>.yaml per cluster.
LabCheckOutcome runLabCheckSnapshot(const LabCheckRequest& request, const std::string& folder);

// What progress.db records for an outcome ("graded", or "error: <what>").
LabCheckRun checkRunRecord(const std::string& labId, const std::string& scope, TimePoint at,
                           const LabCheckOutcome& outcome);

}  // namespace kc::app
