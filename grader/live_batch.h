// Live batch grading (kubeclass-grade batch --mode fresh|reuse, --context): each submission's manifests
// (submission_manifests.h) are applied to a cluster and the lab is graded live, as `kubeclass-grade check` does.
//   fresh:   a cluster per submission from the lab's profile, deleted afterwards (also on error).
//   reuse:   at most `slots` clusters, created once and reset between submissions: what the submission created is
//            deleted and the reset verified (nothing of it left) before the cluster grades the next one; a reset that
//            cannot be verified deletes the cluster, and the next submission gets a new one.
//   context: an existing cluster, each submission confined to its own namespace (kc-<student>), removed afterwards.
// Clusters come from a BatchClusterFactory (kind through ClusterLifecycle in the CLI, fake kind in tests) and are
// reached through a ClusterConnector, so tests run all of it against the API double.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "clusters/cluster_connection.h"
#include "clusters/cluster_lifecycle.h"
#include "clusters/process_runner.h"
#include "clusters/profile.h"
#include "grader/batch_runner.h"
#include "grader/submission_manifests.h"

namespace kc::grader {

enum class LiveMode { Fresh, Reuse, Context };

// The label every object a live batch applies carries (value: the submission's namespace-style id), so the reset
// can find what a submission made even where the apply result alone would miss it.
inline constexpr const char* kSubmissionLabel = "kubeclass.dev/batch-submission";

struct LiveCluster {
    std::string name;            // kind cluster name; for --context the context name
    std::string kubeconfigFile;  // empty: $KUBECONFIG, then ~/.kube/config
    std::string context;         // empty: the file's current context
};

class BatchClusterFactory {
public:
    virtual ~BatchClusterFactory() = default;
    // Creates a cluster of the lab's profile under `name` (one left over from a killed run is deleted first, never
    // reused) and returns how to reach it. Safe to call from several workers at once.
    virtual Result<LiveCluster> create(const std::string& name) = 0;
    virtual Status destroy(const std::string& name) = 0;
};

// kind through ClusterLifecycle: the profile's single cluster renamed to `name` (node names follow; host port
// mappings are dropped so clusters can run side by side), kubeconfigs under options.kubeconfigPath's folder.
std::unique_ptr<BatchClusterFactory> makeKindClusterFactory(Profile profile, std::shared_ptr<ProcessRunner> runner,
                                                            LifecycleOptions options);

// A single-cluster profile renamed for a batch cluster (exposed for tests).
Result<Profile> renamedProfile(const Profile& profile, const std::string& name);

using ClusterConnector = std::function<Result<ClusterConnection>(const LiveCluster&)>;

struct LiveGraderOptions {
    LiveMode mode = LiveMode::Fresh;
    std::shared_ptr<const Rubric> rubric;
    std::shared_ptr<BatchClusterFactory> factory;  // fresh and reuse
    LiveCluster context;                           // context mode
    ClusterConnector connect;                      // default: connectToCluster(kubeconfigFile, context)
    std::string clusterPrefix = "kcb";             // fresh: <prefix>-<student>; reuse: <prefix>-<batch>-w<N>
    std::string batchTag = "0";                    // the batch id, in reuse cluster names
    int slots = 1;                                 // reuse: clusters at most (the batch's --jobs)
    std::chrono::milliseconds resetTimeout{std::chrono::minutes(2)};  // per deleted object, and for verification
    ManifestLimits limits;
    std::function<void(const std::string&)> log;   // notes for the instructor (reset failures, recreated clusters)
};

// Where the time around grading went, summed over the batch (for the benchmark and the summary).
struct LiveTimings {
    std::chrono::milliseconds create{0};   // factory create (fresh: one per submission; reuse: one per worker)
    std::chrono::milliseconds destroy{0};  // factory destroy
    std::chrono::milliseconds reset{0};    // reuse: deleting a submission's objects and verifying they are gone
    size_t creates = 0, destroys = 0, resets = 0;
};

class LiveSubmissionGrader : public SubmissionGrader {
public:
    // Reuse: the clusters still held are deleted (the batch is over or was interrupted).
    ~LiveSubmissionGrader() override = default;
    // Resets whose verification failed (reuse) and clusters created, for the summary and tests.
    virtual size_t failedResets() const = 0;
    virtual size_t clustersCreated() const = 0;
    virtual LiveTimings timings() const = 0;
};

std::unique_ptr<LiveSubmissionGrader> makeLiveGrader(LiveGraderOptions options);

// The rubric as one submission's namespace sees it (--context): every namespace the rubric names, and every
// namespaced target that names none, becomes `ns`. Invalid when the rubric names more than one namespace (its
// checks could not tell them apart in one namespace).
Result<Rubric> rubricInNamespace(const Rubric& rubric, const std::string& ns, const ScopeLookup& isNamespaced);
// The namespaces a rubric names (defaults, targets, steps, apply fixtures).
std::set<std::string> rubricNamespaces(const Rubric& rubric);

}  // namespace kc::grader
