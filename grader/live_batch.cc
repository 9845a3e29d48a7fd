// Live batch grading; see live_batch.h.
#include "grader/live_batch.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "grader/check_runner.h"
#include "grader/object_source.h"

namespace kc::grader {

namespace {

// ----- kind clusters through the lifecycle -------------------------------------------------------------------

class KindClusterFactory final : public BatchClusterFactory {
public:
    KindClusterFactory(Profile profile, std::shared_ptr<ProcessRunner> runner, LifecycleOptions options)
        : profile_(std::move(profile)), runner_(std::move(runner)), options_(std::move(options)) {}

    Result<LiveCluster> create(const std::string& name) override {
        auto profile = renamedProfile(profile_, name);
        if (!profile) return fail(profile.error());
        KindDriver kind(runner_, options_.preflight.tools, options_.clock);
        // A cluster of this name is a leftover of a killed run: its state is not a clean start.
        if (auto exists = kind.clusterExists(name); exists && *exists)
            if (auto s = kind.deleteCluster(name, options_.kubeconfigPath); !s) return fail(s.error());
        ClusterLifecycle lifecycle(runner_, nullptr, options_);
        auto up = lifecycle.up(*profile);
        if (!up) {
            kind.deleteCluster(name, options_.kubeconfigPath);  // a half-made cluster is not left behind
            return fail(Error(up.error()).context("creating cluster " + name));
        }
        if (up->clusters.empty()) return fail(ErrorKind::Other, "creating cluster " + name + ": nothing was created");
        return LiveCluster{name, up->clusters[0].kubeconfigFile, ""};
    }

    Status destroy(const std::string& name) override {
        KindDriver kind(runner_, options_.preflight.tools, options_.clock);
        return kind.deleteCluster(name, options_.kubeconfigPath);
    }

private:
    Profile profile_;
    std::shared_ptr<ProcessRunner> runner_;
    LifecycleOptions options_;
};

// Whether `object` carries kSubmissionLabel with the value `id` (objects from a server may lack any part of it).
bool carriesSubmissionLabel(const Json& object, const std::string& id) {
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return false;
    const Json& metadata = object["metadata"];
    if (!metadata.contains("labels") || !metadata["labels"].is_object()) return false;
    auto label = metadata["labels"].find(kSubmissionLabel);
    return label != metadata["labels"].end() && *label == id;
}

std::string renamedNode(const std::string& node, const std::string& from, const std::string& to) {
    return node.rfind(from, 0) == 0 ? to + node.substr(from.size()) : node;
}

// ----- applying and removing a submission ----------------------------------------------------------------------

ScopeLookup scopeLookupFor(KubeClient& client) {
    return [&client](const std::string& apiVersion, const std::string& kind) -> std::optional<bool> {
        auto info = client.resolve(apiVersion, kind);
        if (!info) return std::nullopt;
        return info->namespaced;
    };
}

// What a submission's manifests name, and whether each was there before it was applied.
struct Placed {
    ObjectRef ref;
    bool existed = false;
};

std::string manifestStream(const std::vector<ManifestObject>& objects) {
    std::string text;
    for (const auto& m : objects) text += m.object.dump() + "\n---\n";
    return text;
}

int removalRank(const std::string& kind, bool namespaced) {
    if (kind == "Namespace") return 3;
    if (kind == "CustomResourceDefinition") return 2;
    return namespaced ? 0 : 1;
}

std::string refText(const ObjectRef& r) {
    return r.kind + " " + (r.ns.empty() ? "" : r.ns + "/") + r.name;
}

class LiveGrader final : public LiveSubmissionGrader {
public:
    explicit LiveGrader(LiveGraderOptions options) : options_(std::move(options)) {
        if (!options_.connect)
            options_.connect = [](const LiveCluster& c) {
                return connectToCluster({.kubeconfigPath = c.kubeconfigFile, .context = c.context});
            };
        slots_.resize(static_cast<size_t>(std::max(1, options_.slots)));
        for (size_t i = 0; i < slots_.size(); ++i)
            slots_[i].name = options_.clusterPrefix + "-" + options_.batchTag + "-w" + std::to_string(i + 1);
        defaultNamespace_ = options_.rubric->defaults.namespace_.empty() ? "default" : options_.rubric->defaults.namespace_;
    }

    ~LiveGrader() override {
        for (auto& slot : slots_)
            if (slot.cluster) dropCluster(slot);
    }

    size_t failedResets() const override { return failedResets_; }
    size_t clustersCreated() const override { return clustersCreated_; }
    LiveTimings timings() const override {
        std::lock_guard<std::mutex> lock(timingMutex_);
        return timings_;
    }

    Result<GradeRun> grade(const RosterEntry& student, const FetchedSubmission& submission) override {
        if (!options_.rubric->clusters.empty())
            return fail(ErrorKind::Invalid, "live batch grading takes single-cluster labs; grade this lab with --mode snapshot");
        auto manifests = readSubmissionManifests(submission.treeDir, options_.rubric->submission.manifests, options_.limits);
        if (!manifests) return fail(manifests.error());
        std::string id = submissionNamespace(student.studentId);
        switch (options_.mode) {
            case LiveMode::Fresh: return gradeFresh(id, submission, std::move(*manifests));
            case LiveMode::Reuse: return gradeReuse(id, submission, std::move(*manifests));
            case LiveMode::Context: return gradeInNamespace(id, submission, std::move(*manifests));
        }
        return fail(ErrorKind::Other, "unknown mode");
    }

private:
    struct Slot {
        std::string name;
        std::optional<LiveCluster> cluster;
        std::optional<ClusterConnection> connection;
        bool busy = false;
    };

    static std::chrono::milliseconds elapsedSince(std::chrono::steady_clock::time_point start) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    }
    Result<LiveCluster> timedCreate(const std::string& name) {
        auto start = std::chrono::steady_clock::now();
        auto cluster = options_.factory->create(name);
        ++clustersCreated_;
        std::lock_guard<std::mutex> lock(timingMutex_);
        timings_.create += elapsedSince(start);
        ++timings_.creates;
        return cluster;
    }
    Status timedDestroy(const std::string& name) {
        auto start = std::chrono::steady_clock::now();
        auto done = options_.factory->destroy(name);
        std::lock_guard<std::mutex> lock(timingMutex_);
        timings_.destroy += elapsedSince(start);
        ++timings_.destroys;
        return done;
    }

    void note(const std::string& line) {
        if (options_.log) options_.log(line);
    }

    GradeRun gradeOn(KubeClient& client, const Rubric& rubric, const std::string& description,
                     const FetchedSubmission& submission, const std::string& applyNamespace) {
        auto source = liveSource(client, description);
        RunOptions run;
        run.now = std::chrono::system_clock::now();
        run.submissionRoot = submission.treeDir;
        run.applyNamespace = applyNamespace;
        return runChecks(rubric, {{"", source.get()}}, run);
    }

    // ----- fresh ---------------------------------------------------------------------------------------------
    Result<GradeRun> gradeFresh(const std::string& id, const FetchedSubmission& submission,
                                std::vector<ManifestObject> manifests) {
        std::string name = options_.clusterPrefix + "-" + submissionNamespace(submission.studentId, 40).substr(3);
        auto cluster = timedCreate(name);
        // Deleted whatever happens next (an error, an exception from deep inside grading).
        struct Deleter {
            LiveGrader& self;
            std::string name;
            ~Deleter() {
                if (auto s = self.timedDestroy(name); !s)
                    self.note("cluster " + name + " could not be deleted: " + s.error().message);
            }
        } deleter{*this, name};
        if (!cluster) return fail(Error(cluster.error()).context("fresh cluster"));
        auto connection = options_.connect(*cluster);
        if (!connection) return fail(Error(connection.error()).context("connecting to cluster " + name));
        auto& client = *connection->client;
        labelAll(manifests, id, client);
        auto applied = client.applyManifests(manifestStream(manifests), "submission", applyOptions());
        if (!applied) return fail(Error(applied.error()).context("applying the submission"));
        return gradeOn(client, *options_.rubric, "cluster " + name, submission, "");
    }

    // ----- reuse ---------------------------------------------------------------------------------------------
    Result<GradeRun> gradeReuse(const std::string& id, const FetchedSubmission& submission,
                                std::vector<ManifestObject> manifests) {
        size_t index = acquireSlot();
        struct Release {
            LiveGrader& self;
            size_t index;
            ~Release() { self.releaseSlot(index); }
        } release{*this, index};
        Slot& slot = slots_[index];
        if (!slot.cluster) {
            auto cluster = timedCreate(slot.name);
            if (!cluster) return fail(Error(cluster.error()).context("worker cluster"));
            slot.cluster = *cluster;
            auto connection = options_.connect(*cluster);
            if (!connection) {
                dropCluster(slot);
                return fail(Error(connection.error()).context("connecting to cluster " + slot.name));
            }
            slot.connection = std::move(*connection);
        }
        KubeClient& client = *slot.connection->client;
        client.discovery().reset();  // the previous submission's CRDs are gone

        std::vector<Placed> placed = locate(client, manifests);
        // Pre-existing namespaces (the profile's) are shared: they are neither labelled nor removed.
        labelAll(manifests, id, client, &placed);
        auto applied = client.applyManifests(manifestStream(manifests), "submission", applyOptions());
        Result<GradeRun> run = applied ? Result<GradeRun>(gradeOn(client, *options_.rubric, "cluster " + slot.name,
                                                                  submission, ""))
                                       : fail(Error(applied.error()).context("applying the submission"));

        auto resetStart = std::chrono::steady_clock::now();
        auto leftovers = resetSubmission(client, manifests, placed, id);
        {
            std::lock_guard<std::mutex> lock(timingMutex_);
            timings_.reset += elapsedSince(resetStart);
            ++timings_.resets;
        }
        if (!leftovers.empty()) {
            ++failedResets_;
            std::string list;
            for (const auto& l : leftovers) list += "\n  " + l;
            note("cluster " + slot.name + ": the reset after " + submission.studentId +
                 " could not be verified; the cluster is deleted and the next submission gets a new one:" + list);
            dropCluster(slot);
        }
        return run;
    }

    size_t acquireSlot() {
        std::unique_lock<std::mutex> lock(slotMutex_);
        for (;;) {
            for (size_t i = 0; i < slots_.size(); ++i)
                if (!slots_[i].busy) {
                    slots_[i].busy = true;
                    return i;
                }
            slotFree_.wait(lock);
        }
    }
    void releaseSlot(size_t index) {
        {
            std::lock_guard<std::mutex> lock(slotMutex_);
            slots_[index].busy = false;
        }
        slotFree_.notify_one();
    }
    void dropCluster(Slot& slot) {
        slot.connection.reset();
        if (auto s = timedDestroy(slot.name); !s)
            note("cluster " + slot.name + " could not be deleted: " + s.error().message);
        slot.cluster.reset();
    }

    std::vector<Placed> locate(KubeClient& client, const std::vector<ManifestObject>& manifests) {
        std::vector<Placed> placed;
        for (const auto& m : manifests) {
            Placed p;
            p.ref = {m.object["apiVersion"], m.object["kind"], "", m.object["metadata"]["name"]};
            auto info = client.resolve(p.ref.apiVersion, p.ref.kind);
            if (info && info->namespaced) p.ref.ns = m.object["metadata"].value("namespace", defaultNamespace_);
            if (info) {
                auto got = client.get(p.ref);
                p.existed = got && got->has_value();
            }
            placed.push_back(p);
        }
        return placed;
    }

    void labelAll(std::vector<ManifestObject>& manifests, const std::string& id, KubeClient&,
                  const std::vector<Placed>* placed = nullptr) {
        for (size_t i = 0; i < manifests.size(); ++i) {
            if (placed && (*placed)[i].existed && (*placed)[i].ref.kind == "Namespace") continue;
            Json& metadata = manifests[i].object["metadata"];
            if (!metadata.contains("labels") || !metadata["labels"].is_object()) metadata["labels"] = Json::object();
            metadata["labels"][kSubmissionLabel] = id;
        }
    }

    ApplyOptions applyOptions() const {
        ApplyOptions o;
        o.fieldManager = "kubeclass-batch";
        o.force = true;  // the submission's own objects: nobody else's fields to respect
        o.defaultNamespace = defaultNamespace_;
        return o;
    }

    // Deletes what the submission created (reverse order: namespaced objects, cluster-scoped ones, CRDs, then
    // namespaces) and verifies nothing of it is left: each object is gone, and no object of the kinds it applied
    // carries its label. Returns what is left ("" entries never). A pre-existing object other than a namespace that
    // the submission changed cannot be put back, so it counts as left.
    std::vector<std::string> resetSubmission(KubeClient& client, const std::vector<ManifestObject>& manifests,
                                             const std::vector<Placed>& placed, const std::string& id) {
        std::vector<std::string> left;
        std::vector<size_t> order(placed.size());
        for (size_t i = 0; i < order.size(); ++i) order[order.size() - 1 - i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return removalRank(placed[a].ref.kind, !placed[a].ref.ns.empty()) <
                   removalRank(placed[b].ref.kind, !placed[b].ref.ns.empty());
        });
        DeleteOptions del;
        del.propagation = Propagation::Foreground;  // dependents (a Deployment's pods) go before the owner is gone
        del.waitUntilGone = true;
        del.timeout = options_.resetTimeout;
        for (size_t i : order) {
            const auto& p = placed[i];
            if (p.existed) {
                if (p.ref.kind != "Namespace") left.push_back(refText(p.ref) + " existed before and was changed by the submission");
                continue;
            }
            ObjectRef ref = p.ref;
            if (ref.ns.empty() && ref.kind != "Namespace" && ref.kind != "CustomResourceDefinition") {
                // The scope was unknown before apply (a kind its own CRD defined): look again.
                if (auto info = client.resolve(ref.apiVersion, ref.kind); info && info->namespaced)
                    ref.ns = manifests[i].object["metadata"].value("namespace", defaultNamespace_);
            }
            auto removed = client.remove(ref, del);
            if (!removed && removed.error().kind != ErrorKind::NotFound)
                left.push_back(refText(ref) + ": " + removed.error().message);
        }
        client.discovery().reset();
        // Verification: ask the cluster again rather than trusting the deletes.
        std::set<std::pair<std::string, std::string>> kinds;
        for (const auto& p : placed) {
            if (p.existed) continue;
            ObjectRef ref = p.ref;
            auto info = client.resolve(ref.apiVersion, ref.kind);
            if (!info) continue;  // its CRD is gone, and so are its objects
            kinds.insert({ref.apiVersion, ref.kind});
            if (info->namespaced && ref.ns.empty()) ref.ns = defaultNamespace_;
            auto got = client.get(ref);
            if (!got) left.push_back(refText(ref) + ": cannot be read back: " + got.error().message);
            else if (got->has_value()) left.push_back(refText(ref) + " is still there");
        }
        ListOptions byLabel;
        byLabel.labelSelector = std::string(kSubmissionLabel) + "=" + id;
        for (const auto& [apiVersion, kind] : kinds) {
            auto listed = client.list({apiVersion, kind, "", ""}, byLabel);
            if (!listed) {
                if (listed.error().kind != ErrorKind::NotFound)
                    left.push_back(kind + " objects cannot be listed: " + listed.error().message);
                continue;
            }
            for (const auto& o : listed->items) {
                std::string text = kind + " " + objectNamespace(o) + (objectNamespace(o).empty() ? "" : "/") + objectName(o) +
                                   " still carries the submission's label";
                if (std::find(left.begin(), left.end(), text) == left.end()) left.push_back(text);
            }
        }
        std::sort(left.begin(), left.end());
        left.erase(std::unique(left.begin(), left.end()), left.end());
        return left;
    }

    // ----- context: a namespace per submission ---------------------------------------------------------------
    Result<ClusterConnection*> contextConnection() {
        std::lock_guard<std::mutex> lock(slotMutex_);
        if (!contextConnection_) {
            auto connection = options_.connect(options_.context);
            if (!connection) return fail(Error(connection.error()).context("connecting to " + options_.context.name));
            contextConnection_ = std::move(*connection);
        }
        return &*contextConnection_;
    }

    Result<GradeRun> gradeInNamespace(const std::string& ns, const FetchedSubmission& submission,
                                      std::vector<ManifestObject> manifests) {
        auto connection = contextConnection();
        if (!connection) return fail(connection.error());
        KubeClient& client = *(*connection)->client;
        auto scope = scopeLookupFor(client);
        std::set<std::string> allowed(options_.rubric->submission.clusterScoped.begin(),
                                      options_.rubric->submission.clusterScoped.end());
        // Refused before anything is applied.
        auto confined = confineToNamespace(std::move(manifests), ns, rubricNamespaces(*options_.rubric), allowed, scope);
        if (!confined) return fail(confined.error());
        auto rubric = rubricInNamespace(*options_.rubric, ns, scope);
        if (!rubric) return fail(rubric.error());

        DeleteOptions del;
        del.waitUntilGone = true;
        del.timeout = options_.resetTimeout;
        std::vector<ObjectRef> clusterScoped;
        for (const auto& m : *confined) {
            if (m.object["metadata"].contains("namespace")) continue;
            ObjectRef ref{m.object["apiVersion"], m.object["kind"], "", m.object["metadata"]["name"]};
            // Shared by every submission on the cluster: only new ones, never the cluster's or another student's.
            // One labelled with this submission's namespace is its own, left by a run that was killed: removed.
            if (auto got = client.get(ref); got && got->has_value()) {
                if (!carriesSubmissionLabel(**got, ns))
                    return fail(ErrorKind::Invalid, m.where + ": " + refText(ref) +
                                                        " already exists on the cluster; a submission may only create "
                                                        "new cluster-scoped objects");
                if (auto s = client.remove(ref, del); !s)
                    return fail(Error(s.error()).context("removing " + refText(ref) + " left by an earlier run"));
            }
            clusterScoped.push_back(ref);
        }
        ObjectRef nsRef{"v1", "Namespace", "", ns};
        // A namespace left by a killed run is not a clean start.
        if (auto s = client.remove(nsRef, del); !s) return fail(Error(s.error()).context("removing the old " + ns));
        Json nsObject{{"apiVersion", "v1"}, {"kind", "Namespace"},
                      {"metadata", {{"name", ns}, {"labels", {{kSubmissionLabel, ns}}}}}};
        if (auto created = client.create(nsObject); !created)
            return fail(Error(created.error()).context("creating namespace " + ns));

        auto cleanup = [&]() {
            std::string problems;
            for (auto it = clusterScoped.rbegin(); it != clusterScoped.rend(); ++it)
                if (auto s = client.remove(*it, del); !s) problems += "\n  " + refText(*it) + ": " + s.error().message;
            if (auto s = client.remove(nsRef, del); !s) problems += "\n  namespace " + ns + ": " + s.error().message;
            if (!problems.empty()) note("after " + submission.studentId + ", not everything could be removed:" + problems);
        };
        labelAll(*confined, ns, client);
        ApplyOptions o = applyOptions();
        o.defaultNamespace = ns;
        auto applied = client.applyManifests(manifestStream(*confined), "submission", o);
        if (!applied) {
            cleanup();
            return fail(Error(applied.error()).context("applying the submission"));
        }
        GradeRun run = gradeOn(client, *rubric, options_.context.name + ", namespace " + ns, submission, ns);
        cleanup();
        return run;
    }

    LiveGraderOptions options_;
    std::string defaultNamespace_;
    std::mutex slotMutex_;
    std::condition_variable slotFree_;
    std::vector<Slot> slots_;
    std::optional<ClusterConnection> contextConnection_;
    mutable std::mutex timingMutex_;
    LiveTimings timings_;
    std::atomic<size_t> failedResets_{0};
    std::atomic<size_t> clustersCreated_{0};
};

// ----- the rubric in one namespace ---------------------------------------------------------------------------

template <typename F>
void forEachNamespace(Rubric& rubric, F&& visit) {
    visit(rubric.defaults.namespace_, std::string(), std::string());
    for (auto& check : rubric.checks)
        for (auto& step : check.steps)
            std::visit(
                [&](auto& s) {
                    using T = std::decay_t<decltype(s)>;
                    if constexpr (std::is_same_v<T, AssertStep> || std::is_same_v<T, AbsentStep> ||
                                  std::is_same_v<T, DeleteStep> || std::is_same_v<T, ProvenanceStep>) {
                        visit(s.target.namespace_, s.target.apiVersion, s.target.kind);
                    } else if constexpr (std::is_same_v<T, ApplyStep>) {
                        visit(s.namespace_, std::string(), std::string());
                        for (auto& o : s.objects)
                            if (o.is_object() && o.contains("metadata") && o["metadata"].is_object() &&
                                o["metadata"].contains("namespace") && o["metadata"]["namespace"].is_string()) {
                                std::string value = o["metadata"]["namespace"];
                                visit(value, std::string(), std::string());
                                o["metadata"]["namespace"] = value;
                            }
                    } else if constexpr (std::is_same_v<T, LogsStep> || std::is_same_v<T, EventsStep> ||
                                         std::is_same_v<T, ProbeStep> || std::is_same_v<T, HttpStep>) {
                        visit(s.namespace_, std::string(), std::string());
                    }
                },
                step.spec);
}

}  // namespace

Result<Profile> renamedProfile(const Profile& profile, const std::string& name) {
    if (profile.clusters.size() != 1)
        return fail(ErrorKind::Invalid, "profile " + profile.id + " has " + std::to_string(profile.clusters.size()) +
                                            " clusters; live batch grading creates single-cluster profiles");
    Profile out = profile;
    ClusterProfile& c = out.clusters[0];
    const std::string from = c.name;
    c.name = name;
    for (auto& n : c.nodes) n.name = renamedNode(n.name, from, name);
    for (auto& g : c.gpuNodes) g.nodeName = renamedNode(g.nodeName, from, name);
    for (auto& s : c.postCreate) s.node = renamedNode(s.node, from, name);
    // Batch clusters run side by side and are reached through their API server: no host ports to fight over.
    c.hostPorts.clear();
    if (c.kindConfig.is_object()) {
        if (c.kindConfig.contains("name")) c.kindConfig["name"] = name;
        if (c.kindConfig.contains("nodes") && c.kindConfig["nodes"].is_array())
            for (auto& node : c.kindConfig["nodes"])
                if (node.is_object()) node.erase("extraPortMappings");
    }
    return out;
}

std::unique_ptr<BatchClusterFactory> makeKindClusterFactory(Profile profile, std::shared_ptr<ProcessRunner> runner,
                                                            LifecycleOptions options) {
    return std::make_unique<KindClusterFactory>(std::move(profile), std::move(runner), std::move(options));
}

std::unique_ptr<LiveSubmissionGrader> makeLiveGrader(LiveGraderOptions options) {
    return std::make_unique<LiveGrader>(std::move(options));
}

std::set<std::string> rubricNamespaces(const Rubric& rubric) {
    std::set<std::string> out;
    Rubric copy = rubric;
    forEachNamespace(copy, [&](std::string& ns, const std::string&, const std::string&) {
        if (!ns.empty()) out.insert(ns);
    });
    return out;
}

Result<Rubric> rubricInNamespace(const Rubric& rubric, const std::string& ns, const ScopeLookup& isNamespaced) {
    auto named = rubricNamespaces(rubric);
    if (named.size() > 1) {
        std::string list;
        for (const auto& n : named) list += (list.empty() ? "" : ", ") + n;
        return fail(ErrorKind::Invalid, "lab " + rubric.lab + " checks several namespaces (" + list +
                                            "); --context grades each submission in one namespace, use --mode fresh or reuse");
    }
    Rubric out = rubric;
    forEachNamespace(out, [&](std::string& value, const std::string& apiVersion, const std::string& kind) {
        if (!value.empty()) {
            value = ns;
        } else if (!kind.empty()) {
            // A namespaced target that names no namespace would look at every submission's objects.
            auto namespaced = isNamespaced(apiVersion, kind);
            if (namespaced && *namespaced) value = ns;
        }
    });
    if (out.defaults.namespace_.empty()) out.defaults.namespace_ = ns;
    return out;
}

}  // namespace kc::grader
