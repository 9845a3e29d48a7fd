// Which contexts grade a lab, which checks run for a step, and the read-only retry window (Qt-free parts of the
// Labs page's runner).
#include <catch2/catch.hpp>

#include "app/lab_catalog.h"
#include "app/lab_check_runner.h"
#include "clusters/kubeconfig.h"

using namespace kc;
using namespace kc::app;

namespace {

MergedKubeconfig kubeconfigWith(const std::vector<std::string>& contexts, const std::string& current) {
    std::string text =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n"
        "users:\n- name: u\n  user:\n    token: t\ncontexts:\n";
    for (const auto& c : contexts) text += "- name: " + c + "\n  context:\n    cluster: c\n    user: u\n";
    if (!current.empty()) text += "current-context: " + current + "\n";
    auto parsed = parseKubeconfig(text, "test-kubeconfig");
    INFO((parsed ? std::string() : parsed.error().message));
    REQUIRE(parsed);
    return *parsed;
}

const LabEntry& lab(const std::vector<LabEntry>& labs, const std::string& id) {
    for (const auto& l : labs)
        if (l.id == id) return l;
    FAIL("no lab " << id);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a lab is graded through the kind context of its profile's cluster", "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    auto profiles = loadCourseProfiles(KUBECLASS_SOURCE_DIR);
    using M = std::map<std::string, std::string>;

    auto one = chooseContexts(lab(labs, "lab-01").rubric, profiles, kubeconfigWith({"kind-lab-01", "other"}, "other"));
    REQUIRE(one);
    CHECK(*one == M{{"", "kind-lab-01"}});

    // Lab 2 has two profiles: whichever cluster exists; the current context decides when both do.
    const auto& rubric2 = lab(labs, "lab-02").rubric;
    auto real = chooseContexts(rubric2, profiles, kubeconfigWith({"kind-lab-02-gpu-real"}, ""));
    REQUIRE(real);
    CHECK(*real == M{{"", "kind-lab-02-gpu-real"}});
    auto both = chooseContexts(rubric2, profiles,
                               kubeconfigWith({"kind-lab-02-gpu-real", "kind-lab-02-gpu-sim"}, "kind-lab-02-gpu-sim"));
    REQUIRE(both);
    CHECK(*both == M{{"", "kind-lab-02-gpu-sim"}});
    auto none = chooseContexts(rubric2, profiles, kubeconfigWith({"docker-desktop"}, "docker-desktop"));
    REQUIRE_FALSE(none);
    CHECK(none.error().message.find("kind-lab-02-gpu-real") != std::string::npos);
    CHECK(none.error().message.find("kind-lab-02-gpu-sim") != std::string::npos);

    // Lab 4: one context per rubric cluster; Karmada's API server is no kind cluster.
    const auto& rubric4 = lab(labs, "lab-04").rubric;
    auto multi = chooseContexts(
        rubric4, profiles,
        kubeconfigWith({"kind-lab-04-hub", "kind-lab-04-member-a", "kind-lab-04-member-b", "karmada-apiserver"}, ""));
    REQUIRE(multi);
    CHECK(*multi == M{{"hub", "kind-lab-04-hub"},
                      {"karmada", "karmada-apiserver"},
                      {"member-a", "kind-lab-04-member-a"},
                      {"member-b", "kind-lab-04-member-b"}});
    auto noKarmada = chooseContexts(
        rubric4, profiles, kubeconfigWith({"kind-lab-04-hub", "kind-lab-04-member-a", "kind-lab-04-member-b"}, ""));
    REQUIRE_FALSE(noKarmada);
    CHECK(noKarmada.error().message.find("karmada-apiserver") != std::string::npos);

    // An exercise has no profile: the current context, which must exist.
    const auto& exercise = lab(labs, "ex-networkpolicies").rubric;
    auto current = chooseContexts(exercise, profiles, kubeconfigWith({"kind-lab-01", "mine"}, "mine"));
    REQUIRE(current);
    CHECK(*current == M{{"", "mine"}});
    CHECK_FALSE(chooseContexts(exercise, profiles, kubeconfigWith({"mine"}, "")));
}

TEST_CASE("a step runs its checks and what they need in rubric order", "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    const auto& rubric = lab(labs, "lab-02").rubric;
    auto subset = rubricForChecks(rubric, {"priority-order"});
    std::vector<std::string> ids;
    for (const auto& c : subset.checks) ids.push_back(c.id);
    // priority-order needs priority-classes, which needs the gpu-nodes gate.
    CHECK(ids == std::vector<std::string>{"gpu-nodes", "priority-classes", "priority-order"});

    // A visible check that needs a hidden one runs it (its outcome decides blocked), though it is never shown.
    const auto& rubric4 = lab(labs, "lab-04").rubric;
    auto four = rubricForChecks(rubric4, {"replication-read-member-a"});
    bool hiddenRuns = false;
    for (const auto& c : four.checks) hiddenRuns = hiddenRuns || c.id == "replication-write";
    CHECK(hiddenRuns);
}

TEST_CASE("read-only checks retry briefly and checks that act on the cluster keep their windows", "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    auto rubric = lab(labs, "lab-02").rubric;
    auto window = [&](const std::string& id) { return rubric.find(id)->steps.front().timeout; };
    auto preemptionBefore = window("preemption");
    REQUIRE(window("priority-order") == std::chrono::seconds(30));
    capReadOnlyRetries(rubric, std::chrono::seconds(3));
    CHECK(window("priority-order") == std::chrono::seconds(3));
    CHECK(window("preemption") == preemptionBefore);  // applies fixtures and waits for the scheduler
    CHECK(preemptionBefore > std::chrono::seconds(3));
}

TEST_CASE("a multi-cluster snapshot folder grades a step and never names the hidden check it needs", "[app][labs]") {
    auto labs = loadLabCatalog(KUBECLASS_SOURCE_DIR);
    const auto& lab4 = lab(labs, "lab-04");
    LabCheckRequest request;
    request.rubric = &lab4.rubric;
    request.checkIds = {"replication-read-member-a"};  // needs the hidden replication-write
    auto outcome = runLabCheckSnapshot(request, lab4.dir + "/examples/reference");
    INFO(outcome.problem.what);
    REQUIRE(outcome.graded);
    REQUIRE(outcome.run.checks.size() == 1);
    CHECK(outcome.run.checks[0].id == "replication-read-member-a");
    CHECK(outcome.run.mode == "snapshot");
    // replication-write applies a ConfigMap through Karmada, so a snapshot skips it and what needs it.
    CHECK(outcome.run.checks[0].outcome == grader::Outcome::Skipped);
    CHECK(outcome.reportJson.find("replication-write") == std::string::npos);
    CHECK(outcome.reportJson.find("replication-read-member-a") != std::string::npos);

    auto record = checkRunRecord("lab-04", "step-6", {}, outcome);
    CHECK(record.outcome == "graded");
    CHECK(record.points == lab4.rubric.find("replication-read-member-a")->points);
    CHECK(record.earned == 0);

    // A folder missing one cluster's capture says which.
    auto missing = runLabCheckSnapshot(request, lab4.dir + "/examples");
    CHECK_FALSE(missing.graded);
    CHECK(missing.problem.what.find("no capture for cluster hub") != std::string::npos);
}
