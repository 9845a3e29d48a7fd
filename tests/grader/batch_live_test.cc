// Live batch grading (--mode fresh, --mode reuse, --context) against the API double, with a fake kind on PATH
// standing in for cluster creation: kind's `get kubeconfig` hands out a double's kubeconfig.
//
// The lab (written below) has two checks in namespace shop: web-deployment (6 points: Deployment web with 2
// replicas) and web-service (4 points: a Service web). So, reasoned from the rubric:
//   alice: Namespace shop, Deployment web (2 replicas), Service web        → 6 + 4 = 10
//   bob:   Namespace shop, Deployment web (1 replica), no Service           → 0; 4 would mean alice's Service
//          was still there when bob was graded on the same cluster
//   carol: no deploy/ folder                                                → error (nothing to apply)
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

#include "clusters/profile_loader.h"
#include "grader/gradebook.h"
#include "grader/live_batch.h"
#include "grader/rubric_loader.h"
#include "tests/clusters/kind_output_fixture.h"
#include "tests/grader/batch_test_doubles.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::FakeTool;
using kc::testing::TempDir;

namespace {

const char* kRubric = R"(lab: batch-live
title: Live batch test lab
defaults:
  timeout: 500ms
  namespace: shop
submission:
  manifests: [deploy]
  cluster_scoped: [ClusterRole]
checks:
  - id: web-deployment
    title: Deployment web runs two replicas
    points: 6
    steps:
      - assert:
          apiVersion: apps/v1
          kind: Deployment
          namespace: shop
          name: web
          match: {spec: {replicas: 2}}
  - id: web-service
    title: Service web exists
    points: 4
    steps:
      - assert:
          apiVersion: v1
          kind: Service
          namespace: shop
          name: web
)";

const char* kProfile = R"(id: batch-lab
description: one node
resources: {memoryMiB: 1024, cpus: 1, diskGiB: 5}
clusters:
  - name: batch-lab
    image: kindest/node:v1.31.2
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      nodes:
        - role: control-plane
          extraPortMappings: [{containerPort: 80, hostPort: 8080}]
)";

std::string nsDoc(const std::string& ns = "shop") {
    return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n---\n";
}
std::string deploymentDoc(int replicas, const std::string& nsLine = "  namespace: shop\n") {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" + nsLine +
           "spec:\n  replicas: " + std::to_string(replicas) +
           "\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
           "    spec: {containers: [{name: web, image: nginx:1.27}]}\n---\n";
}
std::string serviceDoc(const std::string& nsLine = "  namespace: shop\n", const std::string& extraMeta = "") {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n" + nsLine + extraMeta +
           "spec: {selector: {app: web}, ports: [{port: 80}]}\n---\n";
}

Json readyNode(const std::string& name) {
    return Json{{"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", name}}},
                {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

// Hands out submission folders written by the test, and lets it look at the cluster before each fetch (with one
// worker, the previous submission is graded and reset by then).
class FolderSource final : public SubmissionSource {
public:
    std::map<std::string, std::string> folders;
    std::function<void(const std::string& student)> beforeFetch;
    Result<FetchedSubmission> fetch(const RosterEntry& student, const SubmissionWindow&) override {
        if (beforeFetch) beforeFetch(student.studentId);
        FetchedSubmission f;
        f.studentId = student.studentId;
        f.treeDir = folders.at(student.studentId);
        f.graded = SubmissionCommit{shaFor(student.studentId), std::chrono::system_clock::now(), "work"};
        return f;
    }
};

struct LiveFixture {
    TempDir dir;
    FakeTool kind{dir, "kind"}, docker{dir, "docker"};
    std::shared_ptr<const Rubric> rubric;
    FolderSource source;
    std::unique_ptr<Gradebook> book;
    std::int64_t batchId = 0;
    std::vector<std::string> notes;
    std::mutex notesMutex;

    LiveFixture() {
        auto loaded = loadRubricWithOverlays(dir.write("lab/rubric.yaml", kRubric), {});
        INFO((loaded ? "" : loaded.error().message));
        REQUIRE(loaded.has_value());
        rubric = std::make_shared<const Rubric>(std::move(*loaded));
        auto opened = Gradebook::open(dir.path() + "/gradebook.db");
        REQUIRE(opened.has_value());
        book = std::move(*opened);
    }

    void submission(const std::string& student, const std::string& manifests) {
        std::string root = dir.path() + "/submissions/" + student;
        std::filesystem::create_directories(root);
        if (!manifests.empty()) dir.write("submissions/" + student + "/deploy/app.yaml", manifests);
        dir.write("submissions/" + student + "/README.md", "my lab\n");
        source.folders[student] = root;
    }

    // kind create succeeds for NAME and `get kubeconfig --name NAME` prints the double's kubeconfig (`times` calls,
    // 0: all), the node it waits for is Ready.
    void serve(const std::string& name, ApiDouble& api, int times = 0) {
        api.create(readyNode(name + "-control-plane"));
        std::string file = api.writeKubeconfig(dir.path() + "/" + name + "-" + std::to_string(api.port()) + ".kubeconfig");
        kind.on({"create", "cluster", "--name", name}, {.stderrText = kc::testing::kindCreateStderr(name)});
        kind.on({"get", "kubeconfig", "--name", name}, {.times = times, .stdoutFile = file});
    }

    std::shared_ptr<BatchClusterFactory> kindFactory() {
        auto profile = parseProfile(kProfile, dir.path() + "/batch-lab.yaml");
        INFO((profile ? "" : profile.error().message));
        REQUIRE(profile.has_value());
        LifecycleOptions o;
        o.preflight.tools.kind = kind.path();
        o.preflight.tools.docker = docker.path();
        o.preflight.tools.extraEnv = {kind.pathEnv()};
        o.kubeconfigPath = dir.path() + "/state/kubeconfig";
        o.skipPreflight = true;
        o.nodeReadyTimeout = std::chrono::seconds(10);
        return makeKindClusterFactory(*profile, posixProcessRunner(), o);
    }

    LiveGraderOptions options(LiveMode mode) {
        LiveGraderOptions o;
        o.mode = mode;
        o.rubric = rubric;
        o.batchTag = "7";
        o.resetTimeout = std::chrono::seconds(2);
        o.log = [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(notesMutex);
            notes.push_back(line);
        };
        return o;
    }

    BatchSummary run(SubmissionGrader& grader, const std::vector<std::string>& students, int jobs = 1,
                     const std::string& mode = "live") {
        auto batch = book->openBatch({"batch-live", "", mode, ""}, "2026-03-02T00:00:00Z");
        REQUIRE(batch.has_value());
        batchId = batch->id;
        BatchOptions options;
        options.batchId = batchId;
        options.window.policy.deadline = std::chrono::system_clock::time_point::max();
        options.window.choice = CommitChoice::BranchTip;
        options.jobs = jobs;
        options.pointsAvailable = 10;
        auto summary = runBatch(rosterOf(students), source, grader, *book, options);
        INFO((summary ? "" : summary.error().message));
        REQUIRE(summary.has_value());
        return *summary;
    }

    std::map<std::string, SubmissionRecord> rows() {
        auto latest = book->latest(batchId);
        REQUIRE(latest.has_value());
        std::map<std::string, SubmissionRecord> out;
        for (auto& r : *latest) out[r.student] = r;
        return out;
    }
};

bool exists(const ApiDouble& api, const std::string& apiVersion, const std::string& kind, const std::string& ns,
            const std::string& name) {
    return api.get(apiVersion, kind, ns, name).has_value();
}

}  // namespace

TEST_CASE("batch fresh: a kind cluster per submission, graded live and always deleted", "[batch][live]") {
    LiveFixture f;
    auto apiAlice = ApiDouble::start();
    auto apiBob = ApiDouble::start();
    auto apiDan = ApiDouble::start();
    f.serve("kcb-alice", *apiAlice);
    f.serve("kcb-bob", *apiBob);
    f.serve("kcb-dan", *apiDan);
    f.submission("alice", nsDoc() + deploymentDoc(2) + serviceDoc());
    f.submission("bob", nsDoc() + deploymentDoc(1));
    f.submission("carol", "");
    // dan applies a kind no cluster serves: the apply fails after the cluster exists, and it is still deleted.
    f.submission("dan", nsDoc() + "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n");

    auto options = f.options(LiveMode::Fresh);
    options.factory = f.kindFactory();
    auto grader = makeLiveGrader(options);
    auto summary = f.run(*grader, {"alice", "bob", "carol", "dan"});
    CHECK(summary.graded == 2);
    CHECK(summary.errors == 2);

    auto rows = f.rows();
    CHECK(rows["alice"].status == SubmissionStatus::Graded);
    CHECK(rows["alice"].score == Approx(10));
    CHECK(rows["bob"].score == Approx(0));
    CHECK(rows["carol"].status == SubmissionStatus::Error);
    CHECK_THAT(rows["carol"].error, Catch::Contains("no manifests to apply under deploy"));
    CHECK(rows["dan"].status == SubmissionStatus::Error);
    CHECK_THAT(rows["dan"].error, Catch::Contains("applying the submission"));

    // The submission's objects went to its own cluster, carrying the submission label.
    auto service = apiAlice->get("v1", "Service", "shop", "web");
    REQUIRE(service.has_value());
    CHECK((*service)["metadata"]["labels"][kSubmissionLabel] == "kc-alice");
    CHECK_FALSE(exists(*apiBob, "v1", "Service", "shop", "web"));

    // One create and one delete per cluster made; carol's manifests were refused before any cluster was made.
    for (const char* name : {"kcb-alice", "kcb-bob", "kcb-dan"}) {
        INFO(name);
        CHECK(f.kind.callsStartingWith({"create", "cluster", "--name", name}).size() == 1);
        CHECK(f.kind.callsStartingWith({"delete", "cluster", "--name", name}).size() == 1);
    }
    CHECK(f.kind.callsStartingWith({"create", "cluster", "--name", "kcb-carol"}).empty());
    // The profile's host port mapping is dropped: batch clusters run side by side.
    CHECK(grader->clustersCreated() == 3);
}

TEST_CASE("batch fresh: a cluster left by a killed run is deleted before the submission's own is made", "[batch][live]") {
    LiveFixture f;
    auto api = ApiDouble::start();
    f.serve("kcb-alice", *api);
    // A batch killed while grading alice left kcb-alice behind: kind lists it the first time it is asked.
    f.kind.on({"get", "clusters"}, {.stdoutText = "kcb-alice\n", .times = 1});
    f.submission("alice", nsDoc() + deploymentDoc(2) + serviceDoc());
    auto options = f.options(LiveMode::Fresh);
    options.factory = f.kindFactory();
    auto grader = makeLiveGrader(options);
    auto summary = f.run(*grader, {"alice"});
    CHECK(summary.graded == 1);
    CHECK(f.rows()["alice"].score == Approx(10));

    // The old cluster went first, then alice's own was made, graded and deleted: two deletes around one create.
    std::vector<std::string> order;
    for (const auto& call : f.kind.calls())
        if (call.size() >= 4 && call[1] == "cluster" && call[3] == "kcb-alice") order.push_back(call[0]);
    CHECK(order == std::vector<std::string>{"delete", "create", "delete"});
}

TEST_CASE("batch reuse: one cluster, and what a submission created is gone before the next is graded", "[batch][live]") {
    LiveFixture f;
    auto api = ApiDouble::start();
    f.serve("kcb-7-w1", *api);
    f.submission("alice", nsDoc() + deploymentDoc(2) + serviceDoc());
    f.submission("bob", nsDoc() + deploymentDoc(1));
    // The profile's own namespace exists before any submission: re-declaring it must not remove it.
    api->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "profile-ns"}}}});
    f.submission("cy", nsDoc("profile-ns") + serviceDoc("  namespace: profile-ns\n"));

    std::map<std::string, bool> leftoverSeen;
    f.source.beforeFetch = [&](const std::string& student) {
        leftoverSeen[student] = exists(*api, "v1", "Service", "shop", "web") ||
                                exists(*api, "apps/v1", "Deployment", "shop", "web") ||
                                exists(*api, "v1", "Namespace", "", "shop");
    };
    auto options = f.options(LiveMode::Reuse);
    options.factory = f.kindFactory();
    {
        auto grader = makeLiveGrader(options);
        auto summary = f.run(*grader, {"alice", "bob", "cy"});
        CHECK(summary.graded == 3);
        CHECK(grader->failedResets() == 0);
        CHECK(grader->clustersCreated() == 1);
        // Still held until the grader goes.
        CHECK(f.kind.callsStartingWith({"delete", "cluster", "--name", "kcb-7-w1"}).empty());
    }
    CHECK_FALSE(leftoverSeen["bob"]);  // alice's Service, Deployment and Namespace were gone
    CHECK_FALSE(leftoverSeen["cy"]);
    auto rows = f.rows();
    CHECK(rows["alice"].score == Approx(10));
    CHECK(rows["bob"].score == Approx(0));
    CHECK(rows["cy"].score == Approx(0));  // a Service web in profile-ns is not the lab's
    CHECK(exists(*api, "v1", "Namespace", "", "profile-ns"));
    CHECK_FALSE(exists(*api, "v1", "Service", "profile-ns", "web"));
    CHECK(f.kind.callsStartingWith({"create", "cluster", "--name", "kcb-7-w1"}).size() == 1);
    CHECK(f.kind.callsStartingWith({"delete", "cluster", "--name", "kcb-7-w1"}).size() == 1);
    CHECK(f.notes.empty());
}

TEST_CASE("batch reuse: a reset that leaves an object behind is detected and the cluster is recreated", "[batch][live]") {
    LiveFixture f;
    auto first = ApiDouble::start();
    auto second = ApiDouble::start();
    // The first `get kubeconfig` reaches the first double, later ones (the recreated cluster) the second.
    f.serve("kcb-7-w1", *second);
    f.serve("kcb-7-w1", *first, 1);
    // A finalizer nobody removes keeps alice's Service in Terminating: the reset cannot finish.
    f.submission("alice", nsDoc() + deploymentDoc(2) + serviceDoc("  namespace: shop\n", "  finalizers: [example.com/hold]\n"));
    f.submission("bob", nsDoc() + deploymentDoc(2) + serviceDoc());

    auto options = f.options(LiveMode::Reuse);
    options.resetTimeout = std::chrono::milliseconds(700);
    options.factory = f.kindFactory();
    {
        auto grader = makeLiveGrader(options);
        f.run(*grader, {"alice", "bob"});
        CHECK(grader->failedResets() == 1);
        CHECK(grader->clustersCreated() == 2);
    }
    auto rows = f.rows();
    CHECK(rows["alice"].score == Approx(10));
    CHECK(rows["bob"].score == Approx(10));
    // The first cluster was given up (the double drops a namespace's content with it, finalizers or not, so the
    // Service is not looked for there); bob was graded on a new one, and his objects were reset after grading.
    CHECK_FALSE(exists(*second, "v1", "Service", "shop", "web"));
    CHECK(f.kind.callsStartingWith({"create", "cluster", "--name", "kcb-7-w1"}).size() == 2);
    CHECK(f.kind.callsStartingWith({"delete", "cluster", "--name", "kcb-7-w1"}).size() == 2);
    REQUIRE(f.notes.size() == 1);
    CHECK_THAT(f.notes[0], Catch::Contains("could not be verified"));
    CHECK_THAT(f.notes[0], Catch::Contains("Service shop/web"));
}

TEST_CASE("batch --context: each submission in its own namespace, removed afterwards; outside objects refused", "[batch][live]") {
    LiveFixture f;
    auto api = ApiDouble::start();
    // Written for the lab's namespace (shop) or none: both land in kc-<student>.
    f.submission("alice", deploymentDoc(2) + serviceDoc(""));
    f.submission("Bob.Smith", deploymentDoc(2) + serviceDoc());
    // Another namespace, a Namespace, and a cluster-scoped kind the lab does not allow: refused, nothing applied.
    f.submission("dave", deploymentDoc(2) + serviceDoc("  namespace: kube-system\n"));
    f.submission("erin", nsDoc("erin-space") + deploymentDoc(2) + serviceDoc() +
                             "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: erin-admin}\n"
                             "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
                             "subjects: [{kind: User, name: erin, apiGroup: rbac.authorization.k8s.io}]\n");
    // An allowed cluster-scoped kind is applied, and removed afterwards.
    f.submission("fay", deploymentDoc(2) + serviceDoc() +
                            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: fay-reader}\n"
                            "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n");
    // Someone else's cluster-scoped object is never taken over.
    api->create(Json{{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "ClusterRole"}, {"metadata", {{"name", "shared-reader"}}}, {"rules", Json::array()}});
    f.submission("gus", deploymentDoc(2) +
                            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: shared-reader}\n"
                            "rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]\n");

    // A batch killed while grading hal left hal's ClusterRole (labelled with hal's namespace): the resumed batch
    // removes it and grades hal, instead of refusing hal's own object as someone else's.
    api->create(Json{{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "ClusterRole"},
                     {"metadata", {{"name", "hal-reader"}, {"labels", {{kSubmissionLabel, submissionNamespace("hal")}}}}},
                     {"rules", Json::array()}});
    f.submission("hal", deploymentDoc(2) + serviceDoc() +
                            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: hal-reader}\n"
                            "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n");

    auto options = f.options(LiveMode::Context);
    options.context = {"double", api->writeKubeconfig(f.dir.path() + "/ctx.kubeconfig"), ""};
    auto grader = makeLiveGrader(options);
    auto summary = f.run(*grader, {"alice", "Bob.Smith", "dave", "erin", "fay", "gus", "hal"}, 2, "context");
    CHECK(summary.graded == 4);
    CHECK(summary.errors == 3);

    auto rows = f.rows();
    CHECK(rows["alice"].score == Approx(10));
    CHECK(rows["Bob.Smith"].score == Approx(10));
    CHECK(rows["fay"].score == Approx(10));
    CHECK(rows["hal"].score == Approx(10));
    CHECK(rows["hal"].error.empty());
    CHECK_THAT(rows["dave"].error, Catch::Contains("namespace \"kube-system\" is not the submission's"));
    CHECK_THAT(rows["dave"].error, Catch::Contains("deploy/app.yaml:"));
    CHECK_THAT(rows["erin"].error, Catch::Contains("may not create namespaces"));
    CHECK_THAT(rows["erin"].error, Catch::Contains("cluster-scoped ClusterRoleBinding objects are not allowed"));
    CHECK_THAT(rows["gus"].error, Catch::Contains("ClusterRole shared-reader already exists"));

    // Nothing refused was applied, and nothing graded is left.
    CHECK_FALSE(exists(*api, "v1", "Service", "kube-system", "web"));
    CHECK_FALSE(exists(*api, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "erin-admin"));
    CHECK_FALSE(exists(*api, "v1", "Namespace", "", "erin-space"));
    CHECK_FALSE(exists(*api, "rbac.authorization.k8s.io/v1", "ClusterRole", "", "fay-reader"));
    CHECK_FALSE(exists(*api, "rbac.authorization.k8s.io/v1", "ClusterRole", "", "hal-reader"));
    CHECK((*api->get("rbac.authorization.k8s.io/v1", "ClusterRole", "", "shared-reader"))["rules"].empty());
    for (const auto& ns : {submissionNamespace("alice"), submissionNamespace("Bob.Smith"), submissionNamespace("fay")})
        CHECK_FALSE(exists(*api, "v1", "Namespace", "", ns));
    // The namespaces that were used: the sanitised ids (Bob.Smith gets a hash so Bob-Smith stays apart).
    bool sawAlice = false, sawBob = false;
    for (const auto& r : api->requests()) {
        if (r.method == "POST" && r.target == "/api/v1/namespaces") continue;
        sawAlice = sawAlice || r.target.find("/namespaces/kc-alice/") != std::string::npos;
        sawBob = sawBob || r.target.find("/namespaces/" + submissionNamespace("Bob.Smith") + "/") != std::string::npos;
    }
    CHECK(sawAlice);
    CHECK(sawBob);
    CHECK(submissionNamespace("Bob.Smith").rfind("kc-bob-smith-", 0) == 0);
    CHECK(submissionNamespace("Bob.Smith") != submissionNamespace("bob-smith"));
    CHECK_FALSE(exists(*api, "v1", "Namespace", "", "shop"));
}

TEST_CASE("rubric submission block: defaults, and paths that leave the submission are refused", "[batch][rubric]") {
    TempDir dir;
    std::string withoutBlock = kRubric;
    withoutBlock.erase(withoutBlock.find("submission:"), withoutBlock.find("checks:") - withoutBlock.find("submission:"));
    auto plain = loadRubricWithOverlays(dir.write("a/rubric.yaml", withoutBlock), {});
    INFO((plain ? "" : plain.error().message));
    REQUIRE(plain.has_value());
    CHECK(plain->submission.manifests == std::vector<std::string>{"deploy"});
    CHECK(plain->submission.clusterScoped.empty());

    std::string bad = std::string(kRubric);
    bad.replace(bad.find("[deploy]"), 8, "[../other, /etc]");
    bad.replace(bad.find("[ClusterRole]"), 13, "[clusterrole]");
    auto refused = loadRubricWithOverlays(dir.write("b/rubric.yaml", bad), {});
    REQUIRE_FALSE(refused.has_value());
    CHECK_THAT(refused.error().message, Catch::Contains("rubric.yaml:7:"));
    CHECK_THAT(refused.error().message, Catch::Contains("stays inside it, not \"../other\""));
    CHECK_THAT(refused.error().message, Catch::Contains("not \"/etc\""));
    CHECK_THAT(refused.error().message, Catch::Contains("a kind such as ClusterRole, not \"clusterrole\""));
}

TEST_CASE("submission manifests: symbolic links are refused and limits hold", "[batch]") {
    TempDir dir;
    dir.write("s/deploy/a.yaml", nsDoc());
    std::filesystem::create_symlink("/etc/passwd", dir.path() + "/s/deploy/b.yaml");
    auto linked = readSubmissionManifests(dir.path() + "/s", {"deploy"});
    REQUIRE_FALSE(linked.has_value());
    CHECK_THAT(linked.error().message, Catch::Contains("deploy/b.yaml: a symbolic link"));

    dir.write("t/deploy/x/one.yaml", nsDoc("one"));
    dir.write("t/deploy/two.yml", nsDoc("two") + nsDoc("three"));
    dir.write("t/deploy/notes.txt", "not a manifest");
    auto read = readSubmissionManifests(dir.path() + "/t", {"deploy/"});
    REQUIRE(read.has_value());
    REQUIRE(read->size() == 3);
    // Name order: deploy/two.yml before deploy/x/.
    CHECK((*read)[0].object["metadata"]["name"] == "two");
    CHECK((*read)[0].where == "deploy/two.yml:1:1");
    CHECK((*read)[2].object["metadata"]["name"] == "one");

    ManifestLimits small;
    small.maxFiles = 1;
    auto tooMany = readSubmissionManifests(dir.path() + "/t", {"deploy"}, small);
    REQUIRE_FALSE(tooMany.has_value());
    CHECK_THAT(tooMany.error().message, Catch::Contains("more than 1 manifest files"));

    dir.write("u/deploy/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");
    auto bad = readSubmissionManifests(dir.path() + "/u", {"deploy"});
    REQUIRE_FALSE(bad.has_value());
    CHECK_THAT(bad.error().message, Catch::Contains("deploy/bad.yaml:1:1: not a Kubernetes object"));
}
