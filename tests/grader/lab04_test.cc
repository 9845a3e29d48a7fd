// Lab 4 (multi-cluster): the rubric validates, every example grades as its expected.yaml says in snapshot mode
// (one dump per cluster), and in live mode against four API doubles (hub, Karmada API server, two members).
//
// In live mode nothing the grader relies on is faked by the grader: scripted controllers in this file play
// Karmada (placement from the policies, ResourceBindings, propagation into the member doubles, taints,
// namespaces, derived Services for ServiceImports), the kubelet (pods Ready for each Deployment) and the network
// (a probe Job's log is computed from the state of the doubles: which names resolve in the probe's cluster, which
// pods back them, whether the pod networks of the two clusters overlap). The expectations come from
// labs/lab-04-multi-cluster/examples/*/expected.yaml, written from the rubric before any grading.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "grader/check_runner.h"
#include "grader/object_source.h"
#include "grader/rubric_loader.h"
#include "grader/snapshot_source.h"
#include "tests/grader/cli_test_support.h"
#include "tests/grader/double_fixture.h"
#include "tests/support/sanitizer_slowdown.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::grader;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using namespace std::chrono_literals;

namespace {

const std::string kLab = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-04-multi-cluster";
const std::vector<std::string> kClusters{"hub", "karmada", "member-a", "member-b"};
const std::vector<std::string> kMembers{"lab-04-member-a", "lab-04-member-b"};
const std::vector<std::string> kExamples{"reference",          "empty",      "wrong-member", "overlapping-pod-cidrs",
                                         "no-service-export", "config-not-propagated", "no-runbook",
                                         "tolerates-every-taint"};

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Json readYaml(const std::string& path) {
    auto docs = parseYamlDocuments(readText(path), path);
    if (!docs) throw std::runtime_error(docs.error().message);
    return docs->empty() ? Json() : docs->at(0).value;
}

std::string str(const Json& j, const std::string& key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// ---------------------------------------------------------------- expectations

struct Expected {
    double earned = -1;
    std::map<std::string, std::string> outcomes;  // check id → outcome; unlisted checks pass
    std::string firstFailing;                     // "" = none
    std::string firstHint;
};

Expected expectedFor(const std::string& example, const std::string& mode) {
    Json doc = readYaml(kLab + "/examples/" + example + "/expected.yaml");
    const Json& m = doc.at(mode);
    Expected e;
    e.earned = m.at("earned").get<double>();
    if (m.contains("outcomes") && m["outcomes"].is_object())
        for (const auto& [id, outcome] : m["outcomes"].items()) e.outcomes[id] = outcome.get<std::string>();
    e.firstFailing = m.value("firstFailing", Json()).is_string() ? m["firstFailing"].get<std::string>() : "";
    e.firstHint = str(m, "firstHint");
    return e;
}

// The first check in rubric order that neither passed nor was skipped: what a student fixes first.
const CheckResult* firstFailing(const GradeRun& run) {
    for (const auto& c : run.checks)
        if (c.outcome != Outcome::Pass && c.outcome != Outcome::Skipped) return &c;
    return nullptr;
}

void requireMatches(const GradeRun& run, const Rubric& rubric, const Expected& e) {
    REQUIRE(run.checks.size() == rubric.checks.size());
    for (const auto& c : run.checks) {
        INFO("check " << c.id << " messages: " << (c.messages.empty() ? "" : c.messages.front()));
        auto it = e.outcomes.find(c.id);
        CHECK(outcomeName(c.outcome) == (it == e.outcomes.end() ? std::string("pass") : it->second));
    }
    for (const auto& [id, outcome] : e.outcomes) {
        INFO("expected.yaml names " << id);
        CHECK(rubric.find(id) != nullptr);
    }
    CHECK(run.earned() == Approx(e.earned));
    const CheckResult* first = firstFailing(run);
    CHECK((first ? first->id : std::string()) == e.firstFailing);
    if (first) {
        CHECK(first->hints.nudge == e.firstHint);
        CHECK_FALSE(first->hints.nudge.empty());
    }
}

// ---------------------------------------------------------------- the fleet: four doubles and their controllers

bool hasLabel(const Json& o, const std::string& key, const std::string& value) {
    const Json& labels = o["metadata"].value("labels", Json::object());
    return labels.contains(key) && labels[key] == value;
}

std::string keyOf(const Json& o) {
    return str(o, "apiVersion") + "|" + str(o, "kind") + "|" + str(o["metadata"], "namespace") + "|" +
           str(o["metadata"], "name");
}

bool conditionTrue(const Json& o, const std::string& type) {
    for (const auto& c : o["status"].value("conditions", Json::array()))
        if (str(c, "type") == type && str(c, "status") == "True") return true;
    return false;
}

// "10.20.1.0/24" → (network, prefix length); nullopt when it does not parse.
std::optional<std::pair<uint32_t, int>> parseCidr(const std::string& cidr) {
    std::smatch m;
    static const std::regex re(R"(^(\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+)$)");
    if (!std::regex_match(cidr, m, re)) return std::nullopt;
    uint32_t ip = 0;
    for (int i = 1; i <= 4; ++i) ip = (ip << 8) | static_cast<uint32_t>(std::stoul(m[i]) & 0xff);
    int len = std::stoi(m[5]);
    if (len < 0 || len > 32) return std::nullopt;
    return std::make_pair(ip, len);
}

bool cidrsOverlap(const std::string& a, const std::string& b) {
    auto x = parseCidr(a), y = parseCidr(b);
    if (!x || !y) return false;
    int len = std::min(x->second, y->second);
    uint32_t mask = len == 0 ? 0 : ~uint32_t(0) << (32 - len);
    return (x->first & mask) == (y->first & mask);
}

class Fleet {
public:
    Fleet() {
        for (const auto& c : kClusters) {
            servers_[c] = ApiDouble::start();
            auto* server = servers_[c].get();
            server->addController([this, c](ApiDouble&, const std::string& type, const Json& o) { track(c, type, o); });
        }
        servers_["karmada"]->addController(
            [this](ApiDouble& d, const std::string&, const Json& o) {
                static const std::set<std::string> own{"ResourceBinding", "ClusterResourceBinding", "Work"};
                if (!enabled_ || own.count(str(o, "kind"))) return;
                d.schedule(0ms, [this](ApiDouble&) { reconcileKarmada(); });
            });
        for (const auto& [member, cluster] : std::map<std::string, std::string>{{"lab-04-member-a", "member-a"},
                                                                               {"lab-04-member-b", "member-b"}}) {
            ApiDouble* d = servers_[cluster].get();
            d->addController([this, member = member, cluster = cluster](ApiDouble& dd, const std::string& type,
                                                                        const Json& o) {
                if (!enabled_) return;
                if (str(o, "kind") == "Deployment") kubelet(dd, member, type, o);
                if (str(o, "kind") == "Job" && type == "ADDED" && hasLabelKey(o, "kubeclass.dev/probe-run")) {
                    Json job = o;
                    dd.schedule(20ms, [this, cluster, job](ApiDouble& ddd) { runProbeJob(ddd, cluster, job); });
                }
            });
        }
    }

    // The controllers act across doubles, so they stop first, then Karmada's double (whose scheduler thread
    // writes into the members), then the rest.
    ~Fleet() {
        enabled_ = false;
        { std::lock_guard wait(reconcileMu_); }
        servers_.at("karmada").reset();
        for (const auto& c : kClusters) servers_.at(c).reset();
    }
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    ApiDouble& server(const std::string& cluster) { return *servers_.at(cluster); }

    // Arranges a cluster's objects as a dump lists them (status kept as given, as the real controllers left it).
    void load(const std::string& cluster, const Json& items) {
        ApiDouble& d = server(cluster);
        std::vector<Json> crds, rest;
        std::set<std::string> namespaces;
        for (const auto& o : items) {
            if (str(o, "kind") == "CustomResourceDefinition") crds.push_back(o);
            else if (str(o, "kind") == "Namespace") namespaces.insert(str(o["metadata"], "name"));
            else rest.push_back(o);
        }
        for (const auto& o : crds) upsert(d, o);
        for (const auto& o : items)
            if (str(o, "kind") == "Namespace") upsert(d, o);
        for (const auto& o : rest) {
            std::string ns = str(o["metadata"], "namespace");
            if (!ns.empty() && !namespaces.count(ns)) {
                namespaces.insert(ns);
                if (!d.get("v1", "Namespace", "", ns)) createNamespace(d, ns);
            }
            upsert(d, o);
        }
    }

    // What `karmadactl init` installs into the Karmada API server: the CRDs of Karmada's own kinds and of MCS.
    void installKarmadaApis() {
        struct Kind {
            std::string group, version, kind, plural;
            bool namespaced;
        };
        const std::vector<Kind> kinds{
            {"cluster.karmada.io", "v1alpha1", "Cluster", "clusters", false},
            {"policy.karmada.io", "v1alpha1", "PropagationPolicy", "propagationpolicies", true},
            {"policy.karmada.io", "v1alpha1", "ClusterPropagationPolicy", "clusterpropagationpolicies", false},
            {"policy.karmada.io", "v1alpha1", "OverridePolicy", "overridepolicies", true},
            {"work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings", true},
            {"work.karmada.io", "v1alpha2", "ClusterResourceBinding", "clusterresourcebindings", false},
            {"work.karmada.io", "v1alpha1", "Work", "works", true},
            {"multicluster.x-k8s.io", "v1alpha1", "ServiceExport", "serviceexports", true},
            {"multicluster.x-k8s.io", "v1alpha1", "ServiceImport", "serviceimports", true},
        };
        for (const auto& k : kinds) {
            std::string lower = k.kind;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            upsert(server("karmada"),
                   Json{{"apiVersion", "apiextensions.k8s.io/v1"},
                        {"kind", "CustomResourceDefinition"},
                        {"metadata", {{"name", k.plural + "." + k.group}}},
                        {"spec",
                         {{"group", k.group},
                          {"scope", k.namespaced ? "Namespaced" : "Cluster"},
                          {"names", {{"kind", k.kind}, {"listKind", k.kind + "List"}, {"plural", k.plural},
                                     {"singular", lower}}},
                          {"versions", Json::array({Json{{"name", k.version},
                                                         {"served", true},
                                                         {"storage", true},
                                                         {"subresources", {{"status", Json::object()}}},
                                                         {"schema",
                                                          {{"openAPIV3Schema",
                                                            {{"type", "object"},
                                                             {"x-kubernetes-preserve-unknown-fields", true}}}}}}})}}}});
        }
    }

    // Starts the controllers on what was loaded, as if they had been running all along.
    void start() {
        enabled_ = true;
        for (const auto& [member, cluster] : std::map<std::string, std::string>{{"lab-04-member-a", "member-a"},
                                                                               {"lab-04-member-b", "member-b"}})
            for (const auto& o : objects(cluster, "Deployment")) kubelet(server(cluster), member, "ADDED", o);
        reconcileKarmada();
    }

    std::vector<Json> objects(const std::string& cluster, const std::string& kind) {
        std::lock_guard lock(mirrorMu_);
        std::vector<Json> out;
        for (const auto& [key, o] : mirror_[cluster])
            if (str(o, "kind") == kind) out.push_back(o);
        return out;
    }

    std::optional<Json> find(const std::string& cluster, const std::string& kind, const std::string& ns,
                             const std::string& name) {
        for (auto& o : objects(cluster, kind))
            if (str(o["metadata"], "namespace") == ns && str(o["metadata"], "name") == name) return o;
        return std::nullopt;
    }

private:
    static bool hasLabelKey(const Json& o, const std::string& key) {
        return o["metadata"].value("labels", Json::object()).contains(key);
    }

    // Controllers run outside the double's lock, so two threads' events can arrive out of order: keep the newest
    // by resourceVersion (a global counter), and remember deletions so a late MODIFIED does not revive an object.
    static long long rvOf(const Json& o) {
        std::string rv = str(o["metadata"], "resourceVersion");
        return rv.empty() ? 0 : std::stoll(rv);
    }
    void track(const std::string& cluster, const std::string& type, const Json& o) {
        std::lock_guard lock(mirrorMu_);
        auto& objects = mirror_[cluster];
        auto& deleted = tombstones_[cluster];
        const std::string key = keyOf(o);
        const long long rv = rvOf(o);
        auto it = objects.find(key);
        if (type == "DELETED") {
            if (it != objects.end() && rvOf(it->second) > rv) return;  // already re-created
            objects.erase(key);
            deleted[key] = std::max(deleted[key], rv);
            return;
        }
        if (deleted.count(key) && deleted[key] >= rv) return;
        if (it != objects.end() && rvOf(it->second) >= rv) return;
        objects[key] = o;
    }

    // Create, or replace what a controller owns (spec, data, labels, status) when it differs.
    static void upsert(ApiDouble& d, Json o) {
        const Json& md = o["metadata"];
        auto existing = d.get(str(o, "apiVersion"), str(o, "kind"), str(md, "namespace"), str(md, "name"));
        if (!existing) {
            for (const char* f : {"uid", "resourceVersion", "generation", "managedFields"}) o["metadata"].erase(f);
            d.create(o);
            return;
        }
        Json next = *existing;
        bool changed = false;
        for (const char* f : {"spec", "data", "status"}) {
            if (o.contains(f) && next.value(f, Json()) != o[f]) {
                next[f] = o[f];
                changed = true;
            }
        }
        Json labels = md.value("labels", Json::object());
        if (next["metadata"].value("labels", Json::object()) != labels && !labels.empty()) {
            next["metadata"]["labels"] = labels;
            changed = true;
        }
        if (changed) {
            next["metadata"].erase("resourceVersion");
            d.update(next);
        }
    }

    // ---- Karmada: policies → bindings → objects in the members

    static bool selects(const Json& selector, const Json& o) {
        if (str(selector, "apiVersion") != str(o, "apiVersion") || str(selector, "kind") != str(o, "kind"))
            return false;
        if (selector.contains("name") && str(selector, "name") != str(o["metadata"], "name")) return false;
        if (selector.contains("namespace") && str(selector, "namespace") != str(o["metadata"], "namespace"))
            return false;
        if (selector.contains("labelSelector")) {
            const Json matchLabels = selector["labelSelector"].value("matchLabels", Json::object());
            for (const auto& [k, v] : matchLabels.items())
                if (!hasLabel(o, k, v.get<std::string>())) return false;
        }
        return true;
    }

    static bool tolerates(const Json& tolerations, const Json& taint) {
        for (const auto& t : tolerations) {
            if (t.contains("effect") && str(t, "effect") != str(taint, "effect")) continue;
            std::string op = t.contains("operator") ? str(t, "operator") : "Equal";
            if (op == "Exists" && (!t.contains("key") || str(t, "key") == str(taint, "key"))) return true;
            if (op == "Equal" && str(t, "key") == str(taint, "key") && str(t, "value") == str(taint, "value"))
                return true;
        }
        return false;
    }

    static bool reservedNamespace(const std::string& ns) {
        return ns == "default" || ns.rfind("kube-", 0) == 0 || ns.rfind("karmada-", 0) == 0;
    }

    void reconcileKarmada() {
        std::lock_guard reconcileLock(reconcileMu_);
        if (!enabled_) return;
        std::vector<Json> all;
        {
            std::lock_guard lock(mirrorMu_);
            for (const auto& [key, o] : mirror_["karmada"]) all.push_back(o);
        }
        static const std::set<std::string> internal{"Cluster",      "PropagationPolicy", "ClusterPropagationPolicy",
                                                    "OverridePolicy", "ResourceBinding",  "ClusterResourceBinding",
                                                    "Work",         "Namespace",         "Event"};
        std::map<std::string, Json> clusters;  // joined and Ready
        std::vector<Json> policies;
        for (const auto& o : all) {
            std::string kind = str(o, "kind");
            if (kind == "Cluster" && conditionTrue(o, "Ready")) clusters[str(o["metadata"], "name")] = o;
            if (kind == "PropagationPolicy" || kind == "ClusterPropagationPolicy") policies.push_back(o);
        }
        std::map<std::string, std::map<std::string, Json>> desired;  // member → key → object
        std::map<std::string, Json> bindings;                        // key → binding
        for (const auto& o : all) {
            std::string kind = str(o, "kind"), ns = str(o["metadata"], "namespace");
            if (kind == "Namespace" && !reservedNamespace(str(o["metadata"], "name"))) {
                for (const auto& [member, c] : clusters) {
                    Json copy{{"apiVersion", "v1"},
                              {"kind", "Namespace"},
                              {"metadata", {{"name", str(o["metadata"], "name")},
                                            {"labels", {{"karmada.io/managed", "true"}}}}}};
                    desired[member][keyOf(copy)] = copy;
                }
                continue;
            }
            if (internal.count(kind) || reservedNamespace(ns)) continue;
            const Json* policy = nullptr;
            for (const auto& p : policies) {
                bool namespaced = str(p, "kind") == "PropagationPolicy";
                if (namespaced && str(p["metadata"], "namespace") != ns) continue;
                for (const auto& sel : p["spec"].value("resourceSelectors", Json::array()))
                    if (selects(sel, o)) policy = &p;
                if (policy) break;
            }
            if (!policy) continue;
            const Json& placement = (*policy)["spec"].value("placement", Json::object());
            Json names = placement.value("clusterAffinity", Json::object()).value("clusterNames", Json());
            Json tolerations = placement.value("clusterTolerations", Json::array());
            std::vector<std::string> targets;
            for (const auto& [member, c] : clusters) {
                if (names.is_array() && std::find(names.begin(), names.end(), Json(member)) == names.end()) continue;
                bool blocked = false;
                for (const auto& taint : c["spec"].value("taints", Json::array())) {
                    std::string effect = str(taint, "effect");
                    if ((effect == "NoSchedule" || effect == "NoExecute") && !tolerates(tolerations, taint))
                        blocked = true;
                }
                if (!blocked) targets.push_back(member);
            }
            bool hasReplicas = kind == "Deployment" && o["spec"].contains("replicas");
            long long replicas = hasReplicas ? o["spec"]["replicas"].get<long long>() : 0;
            bool divided = str(placement.value("replicaScheduling", Json::object()), "replicaSchedulingType") == "Divided";
            Json rbClusters = Json::array();
            std::map<std::string, long long> share;
            for (size_t i = 0; i < targets.size(); ++i) {
                long long n = divided ? replicas / static_cast<long long>(targets.size()) +
                                            (static_cast<long long>(i) < replicas % static_cast<long long>(targets.size()) ? 1 : 0)
                                      : replicas;
                share[targets[i]] = n;
                Json entry{{"name", targets[i]}};
                if (hasReplicas) entry["replicas"] = n;
                rbClusters.push_back(entry);
            }
            std::string lowerKind = kind;
            for (auto& ch : lowerKind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            Json rb{{"apiVersion", "work.karmada.io/v1alpha2"},
                    {"kind", ns.empty() ? "ClusterResourceBinding" : "ResourceBinding"},
                    {"metadata", {{"name", str(o["metadata"], "name") + "-" + lowerKind}}},
                    {"spec",
                     {{"resource", {{"apiVersion", str(o, "apiVersion")}, {"kind", kind},
                                    {"name", str(o["metadata"], "name")}}},
                      {"placement", placement},
                      {"clusters", rbClusters}}}};
            if (!ns.empty()) {
                rb["metadata"]["namespace"] = ns;
                rb["spec"]["resource"]["namespace"] = ns;
            }
            Json conditions = Json::array({Json{{"type", "Scheduled"}, {"status", targets.empty() ? "False" : "True"}}});
            Json aggregated = Json::array();
            if (!targets.empty()) conditions.push_back(Json{{"type", "FullyApplied"}, {"status", "True"}});
            for (const auto& t : targets)
                aggregated.push_back(Json{{"clusterName", t}, {"applied", true}, {"health", "Healthy"}});
            rb["status"] = Json{{"conditions", conditions}, {"aggregatedStatus", aggregated}};
            bindings[keyOf(rb)] = rb;
            for (const auto& t : targets) {
                Json copy{{"apiVersion", o["apiVersion"]}, {"kind", o["kind"]}, {"metadata", Json::object()}};
                copy["metadata"]["name"] = o["metadata"]["name"];
                if (!ns.empty()) copy["metadata"]["namespace"] = ns;
                Json labels = o["metadata"].value("labels", Json::object());
                labels["karmada.io/managed"] = "true";
                copy["metadata"]["labels"] = labels;
                for (const char* f : {"spec", "data"})
                    if (o.contains(f)) copy[f] = o[f];
                if (hasReplicas) copy["spec"]["replicas"] = share[t];
                desired[t][keyOf(copy)] = copy;
                if (kind == "ServiceImport") {  // Karmada's MCS controller: a derived Service in the importer
                    Json ports = Json::array();
                    for (const auto& p : o["spec"].value("ports", Json::array()))
                        ports.push_back(Json{{"port", p.value("port", 0)}, {"protocol", p.value("protocol", "TCP")}});
                    Json derived{{"apiVersion", "v1"},
                                 {"kind", "Service"},
                                 {"metadata", {{"name", "derived-" + str(o["metadata"], "name")}, {"namespace", ns},
                                               {"labels", {{"karmada.io/managed", "true"}}}}},
                                 {"spec", {{"type", "ClusterIP"}, {"ports", ports}}}};
                    desired[t][keyOf(derived)] = derived;
                }
            }
        }
        // Write: bindings in Karmada, objects in the members; remove what is no longer placed. CRDs first, so a
        // custom resource finds its type.
        ApiDouble& karmada = server("karmada");
        for (const auto& [key, rb] : bindings) upsert(karmada, rb);
        for (const auto& o : all) {
            std::string kind = str(o, "kind");
            if ((kind == "ResourceBinding" || kind == "ClusterResourceBinding") && !bindings.count(keyOf(o)))
                karmada.remove(str(o, "apiVersion"), kind, str(o["metadata"], "namespace"), str(o["metadata"], "name"));
        }
        for (const auto& [member, cluster] : std::map<std::string, std::string>{{"lab-04-member-a", "member-a"},
                                                                               {"lab-04-member-b", "member-b"}}) {
            ApiDouble& d = server(cluster);
            auto& want = desired[member];
            auto order = [](const Json& o) {
                std::string k = str(o, "kind");
                return k == "CustomResourceDefinition" ? 0 : k == "Namespace" ? 1 : 2;
            };
            for (int pass = 0; pass < 3; ++pass)
                for (const auto& [key, o] : want)
                    if (order(o) == pass) upsert(d, o);
            std::vector<Json> present;
            {
                std::lock_guard lock(mirrorMu_);
                for (const auto& [key, o] : mirror_[cluster]) present.push_back(o);
            }
            for (const auto& o : present)
                if (hasLabel(o, "karmada.io/managed", "true") && !want.count(keyOf(o)) && str(o, "kind") != "Namespace")
                    d.remove(str(o, "apiVersion"), str(o, "kind"), str(o["metadata"], "namespace"),
                             str(o["metadata"], "name"));
        }
    }

    // ---- kubelet and Deployment controller: every replica a Ready pod on the member's worker

    void kubelet(ApiDouble& d, const std::string& member, const std::string& type, const Json& deploy) {
        const std::string ns = str(deploy["metadata"], "namespace"), name = str(deploy["metadata"], "name");
        long long want = type == "DELETED" ? 0 : deploy["spec"].value("replicas", 1LL);
        for (long long i = 0; i < std::max<long long>(want, 8); ++i) {
            std::string pod = name + "-" + std::to_string(i);
            bool exists = d.get("v1", "Pod", ns, pod).has_value();
            if (i < want && !exists) {
                Json spec = deploy["spec"]["template"].value("spec", Json::object());
                spec["nodeName"] = member + "-worker";
                d.create(Json{{"apiVersion", "v1"},
                              {"kind", "Pod"},
                              {"metadata", {{"name", pod}, {"namespace", ns},
                                            {"labels", deploy["spec"]["template"]["metadata"].value("labels", Json::object())}}},
                              {"spec", spec},
                              {"status", {{"phase", "Running"},
                                          {"conditions", Json::array({Json{{"type", "Ready"}, {"status", "True"}}})}}}});
            } else if (i >= want && exists) {
                d.remove("v1", "Pod", ns, pod);
            }
        }
        if (type == "DELETED") return;
        Json status{{"observedGeneration", deploy["metadata"].value("generation", 1LL)},
                    {"replicas", want},
                    {"readyReplicas", want},
                    {"availableReplicas", want},
                    {"updatedReplicas", want}};
        auto current = d.get("apps/v1", "Deployment", ns, name);
        if (!current) return;
        Json cur = current->value("status", Json::object());
        bool same = true;
        for (const auto& [k, v] : status.items())
            if (cur.value(k, Json()) != v) same = false;
        if (same) return;
        Json next = *current;
        for (const auto& [k, v] : status.items()) next["status"][k] = v;
        next["metadata"].erase("resourceVersion");
        d.update(next);
    }

    // ---- network and probe Jobs

    std::vector<std::string> podCidrs(const std::string& cluster) {
        std::vector<std::string> out;
        for (const auto& n : objects(cluster, "Node")) out.push_back(str(n["spec"], "podCIDR"));
        return out;
    }

    bool routable(const std::string& from, const std::string& to) {
        if (from == to) return true;
        for (const auto& a : podCidrs(from))
            for (const auto& b : podCidrs(to))
                if (cidrsOverlap(a, b)) return false;  // the other cluster's pod addresses are local ones here
        return true;
    }

    // What a Ready pod behind `service` answers: http-echo's -text with $(VAR) taken from the pod's env.
    std::vector<std::string> answers(const std::string& cluster, const Json& service) {
        std::vector<std::string> out;
        const Json selector = service["spec"].value("selector", Json::object());
        if (selector.empty()) return out;
        for (const auto& pod : objects(cluster, "Pod")) {
            if (str(pod["metadata"], "namespace") != str(service["metadata"], "namespace")) continue;
            bool match = true;
            for (const auto& [k, v] : selector.items())
                if (!hasLabel(pod, k, v.get<std::string>())) match = false;
            if (!match || !conditionTrue(pod, "Ready")) continue;
            for (const auto& c : pod["spec"].value("containers", Json::array())) {
                for (const auto& arg : c.value("args", Json::array())) {
                    std::string text = arg.get<std::string>();
                    if (text.rfind("-text=", 0) != 0) continue;
                    text = text.substr(6);
                    for (const auto& env : c.value("env", Json::array())) {
                        std::string value = str(env, "value");
                        if (str(env.value("valueFrom", Json::object()).value("fieldRef", Json::object()), "fieldPath") ==
                            "spec.nodeName")
                            value = str(pod["spec"], "nodeName");
                        std::string var = "$(" + str(env, "name") + ")";
                        for (size_t at; (at = text.find(var)) != std::string::npos;) text.replace(at, var.size(), value);
                    }
                    out.push_back(text);
                }
            }
        }
        return out;
    }

    // Endpoints of `name` exported by any member, reachable from `from`.
    std::vector<std::string> exported(const std::string& from, const std::string& ns, const std::string& name) {
        std::vector<std::string> out;
        for (const std::string cluster : {"member-a", "member-b"}) {
            if (!find(cluster, "ServiceExport", ns, name) || !routable(from, cluster)) continue;
            if (auto svc = find(cluster, "Service", ns, name))
                for (auto& a : answers(cluster, *svc)) out.push_back(a);
        }
        return out;
    }

    std::vector<std::string> resolve(const std::string& cluster, const std::string& name, const std::string& ns,
                                     const std::string& zone) {
        if (zone == "clusterset")
            return find(cluster, "ServiceImport", ns, name) ? exported(cluster, ns, name) : std::vector<std::string>{};
        auto svc = find(cluster, "Service", ns, name);
        if (!svc) return {};
        const std::string prefix = "derived-";
        if (name.rfind(prefix, 0) == 0 && find(cluster, "ServiceImport", ns, name.substr(prefix.size())))
            return exported(cluster, ns, name.substr(prefix.size()));
        return answers(cluster, *svc);
    }

    void runProbeJob(ApiDouble& d, const std::string& cluster, const Json& job) {
        if (!enabled_) return;
        const std::string ns = str(job["metadata"], "namespace"), name = str(job["metadata"], "name");
        Json container = job["spec"]["template"]["spec"]["containers"][0];
        std::string script;
        for (const auto& a : container.value("command", Json::array())) script += a.get<std::string>() + " ";
        std::smatch m;
        int requests = std::regex_search(script, m, std::regex(R"(seq (\d+))")) ? std::stoi(m[1]) : 1;
        std::vector<std::array<std::string, 3>> hosts;
        static const std::regex hostRe(R"(([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.(cluster|clusterset)\.local)");
        for (auto it = std::sregex_iterator(script.begin(), script.end(), hostRe); it != std::sregex_iterator(); ++it)
            hosts.push_back({(*it)[1], (*it)[2], (*it)[3]});
        std::string log;
        for (int i = 0; i < requests; ++i) {
            std::string line = "unreachable";
            for (const auto& h : hosts) {
                auto endpoints = resolve(cluster, h[0], h[1], h[2]);
                if (!endpoints.empty()) {
                    line = endpoints[static_cast<size_t>(i) % endpoints.size()];
                    break;
                }
            }
            log += line + "\n";
        }
        Json labels = job["spec"]["template"]["metadata"].value("labels", Json::object());
        labels["job-name"] = name;
        std::string pod = name + "-probe";
        d.create(Json{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", pod}, {"namespace", ns}, {"labels", labels}}},
                      {"spec", job["spec"]["template"]["spec"]},
                      {"status", {{"phase", "Succeeded"}}}});
        d.setPodLog(ns, pod, "probe", log);
        auto current = d.get("batch/v1", "Job", ns, name);
        if (!current) return;
        Json next = *current;
        next["status"] = Json{{"succeeded", 1},
                              {"conditions", Json::array({Json{{"type", "Complete"}, {"status", "True"}}})}};
        next["metadata"].erase("resourceVersion");
        d.update(next);
    }

    std::map<std::string, std::unique_ptr<ApiDouble>> servers_;
    std::mutex mirrorMu_;
    std::map<std::string, std::map<std::string, Json>> mirror_;  // cluster → key → object, from the doubles' events
    std::map<std::string, std::map<std::string, long long>> tombstones_;  // cluster → key → resourceVersion deleted at
    std::recursive_mutex reconcileMu_;
    std::atomic<bool> enabled_{false};
};

// The played controllers act on their own threads: wait (briefly) for what they do after the grading ends.
bool eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 200; ++i) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

// A live run keeps the rubric's logic but waits less: every step gives up after 300 ms (the controllers here act
// within milliseconds; longer in a sanitizer build), so a failing example does not sit out the rubric's 30 s to
// 3 min windows.
Rubric withShortTimeouts(Rubric rubric) {
    for (auto& check : rubric.checks) {
        check.timeout = std::chrono::seconds(5) * kc::testing::kSanitizerSlowdown;
        for (auto& step : check.steps) step.timeout = std::chrono::milliseconds(300) * kc::testing::kSanitizerSlowdown;
    }
    return rubric;
}

// An example's submission folder, where it has one; "" otherwise (its file steps are then skipped).
std::string submissionOf(const std::string& example) {
    std::string dir = kLab + "/examples/" + example + "/submission";
    return std::filesystem::is_directory(dir) ? dir : std::string();
}

GradeRun gradeLive(Fleet& fleet, const Rubric& rubric, const std::string& submission) {
    std::vector<std::unique_ptr<KubeClient>> clients;
    std::vector<std::unique_ptr<ObjectSource>> sources;
    std::map<std::string, ObjectSource*> byCluster;
    for (const auto& c : kClusters) {
        clients.push_back(clientFor(fleet.server(c)));
        sources.push_back(liveSource(*clients.back(), "context double-" + c));
        byCluster[c] = sources.back().get();
    }
    RunOptions options;
    options.cleanupTimeout = 2s;
    options.submissionRoot = submission;
    return runChecks(rubric, byCluster, options);
}

// The example's four dumps arranged in four doubles, Karmada's APIs installed where its control plane runs.
void arrangeExample(Fleet& fleet, const std::string& example) {
    std::map<std::string, Json> dumps;
    for (const auto& c : kClusters) dumps[c] = readYaml(kLab + "/examples/" + example + "/" + c + ".yaml");
    bool karmadaInstalled = false;
    for (const auto& o : dumps["hub"].value("items", Json::array()))
        if (str(o, "kind") == "Deployment" && str(o["metadata"], "name") == "karmada-controller-manager")
            karmadaInstalled = true;
    if (karmadaInstalled) fleet.installKarmadaApis();
    for (const auto& c : kClusters) fleet.load(c, dumps[c].value("items", Json::array()));
    fleet.start();
}

}  // namespace

TEST_CASE("lab 4 rubric validates with four clusters and 100 points") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    INFO((rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    CHECK(rubric->lab == "lab-04");
    CHECK(rubric->clusters == kClusters);
    CHECK(rubric->totalPoints() == Approx(100));
    std::set<std::string> used;
    int hidden = 0;
    for (const auto& c : rubric->checks) {
        INFO(c.id);
        CHECK(std::find(kClusters.begin(), kClusters.end(), c.cluster) != kClusters.end());
        used.insert(c.cluster);
        if (c.visibility == Visibility::Hidden) ++hidden;
        if (c.points > 0) CHECK_FALSE(c.hints.nudge.empty());
    }
    CHECK(used.size() == kClusters.size());
    CHECK(hidden >= 1);
    // The drill cleanup must come last and depend only on what proves the drills could have run.
    REQUIRE_FALSE(rubric->checks.empty());
    CHECK(rubric->checks.back().id == "grader-cleanup");
}

TEST_CASE("lab 4 examples graded from snapshots match their expected results") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    REQUIRE(rubric);
    std::set<std::string> onDisk;
    for (const auto& entry : std::filesystem::directory_iterator(kLab + "/examples"))
        if (entry.is_directory()) onDisk.insert(entry.path().filename().string());
    CHECK(onDisk == std::set<std::string>(kExamples.begin(), kExamples.end()));
    for (const auto& example : kExamples) {
        INFO("example " << example);
        std::vector<std::unique_ptr<ObjectSource>> owned;
        std::map<std::string, ObjectSource*> sources;
        for (const auto& c : kClusters) {
            auto snapshot = openSnapshot(kLab + "/examples/" + example + "/" + c + ".yaml");
            INFO((snapshot ? std::string() : snapshot.error().message));
            REQUIRE(snapshot);
            owned.push_back(std::move(*snapshot));
            sources[c] = owned.back().get();
        }
        RunOptions options;
        options.submissionRoot = submissionOf(example);
        GradeRun run = runChecks(*rubric, sources, options);
        CHECK(run.mode == "snapshot");
        requireMatches(run, *rubric, expectedFor(example, "snapshot"));
    }
}

TEST_CASE("lab 4 reference graded live against four doubles earns 100 and cleans up its drills") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    REQUIRE(rubric);
    Fleet fleet;
    arrangeExample(fleet, "reference");
    // Sanity of the played controllers before grading: the propagation reached the members.
    REQUIRE(fleet.find("member-b", "Deployment", "serving", "llm-serve"));
    REQUIRE(fleet.find("member-b", "Service", "ml-features", "derived-feature-server"));

    GradeRun run = gradeLive(fleet, withShortTimeouts(*rubric), submissionOf("reference"));
    CHECK(run.mode == "live");
    requireMatches(run, *rubric, expectedFor("reference", "live"));
    CHECK(run.earned() == Approx(100));
    CHECK(run.leftovers.empty());
    // The drills are undone: no taint on member A, no drill ConfigMap in Karmada or in the members, and llm-serve
    // is placed on both members again.
    auto cluster = fleet.server("karmada").get("cluster.karmada.io/v1alpha1", "Cluster", "", "lab-04-member-a");
    REQUIRE(cluster);
    CHECK((*cluster)["spec"].value("taints", Json::array()).empty());
    CHECK_FALSE(fleet.server("karmada").get("v1", "ConfigMap", "serving", "replication-drill"));
    CHECK(eventually([&] { return !fleet.server("member-a").get("v1", "ConfigMap", "serving", "replication-drill"); }));
    CHECK(eventually([&] { return !fleet.server("member-b").get("v1", "ConfigMap", "serving", "replication-drill"); }));
    CHECK(eventually([&] { return fleet.find("member-a", "Deployment", "serving", "llm-serve").has_value(); }));
    // The probe's Job and pod are gone from member B.
    for (const auto& job : fleet.objects("member-b", "Job")) CHECK(str(job["metadata"], "namespace") != "ml-features");
}

TEST_CASE("lab 4 examples graded live against four doubles match their expected results") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    REQUIRE(rubric);
    Rubric quick = withShortTimeouts(*rubric);
    for (const auto& example : kExamples) {
        if (example == "reference") continue;  // graded on its own above, with the cleanup checks
        INFO("example " << example);
        Fleet fleet;
        arrangeExample(fleet, example);
        GradeRun run = gradeLive(fleet, quick, submissionOf(example));
        requireMatches(run, *rubric, expectedFor(example, "live"));
        CHECK(run.leftovers.empty());
    }
}

TEST_CASE("lab 4 live and snapshot agree on every check a snapshot can grade") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    REQUIRE(rubric);
    for (const auto& example : kExamples) {
        INFO("example " << example);
        Expected live = expectedFor(example, "live"), snap = expectedFor(example, "snapshot");
        for (const auto& check : rubric->checks) {
            INFO(check.id);
            auto s = snap.outcomes.count(check.id) ? snap.outcomes.at(check.id) : "pass";
            if (s == "skipped") continue;  // live-only, or needs one
            auto l = live.outcomes.count(check.id) ? live.outcomes.at(check.id) : "pass";
            CHECK(l == s);
        }
    }
}

TEST_CASE("lab 4 runbook check reads the submission: the solution runbook passes and the starter template fails") {
    auto rubric = loadRubric(kLab + "/rubric.yaml");
    REQUIRE(rubric);
    Rubric only = *rubric;
    only.checks.erase(std::remove_if(only.checks.begin(), only.checks.end(),
                                     [](const Check& c) { return c.id != "failover-runbook"; }),
                      only.checks.end());
    REQUIRE(only.checks.size() == 1);
    REQUIRE(only.checks[0].steps.size() == 1);
    CHECK(only.checks[0].steps[0].kind == StepKind::File);
    // The hub holds nothing: the check reads only the submission folder.
    auto hub = snapshotFromText(R"({"apiVersion":"v1","kind":"List","items":[]})", "hub.json");
    REQUIRE(hub);
    auto grade = [&](const std::string& runbook) {
        kc::testing::TempDir submission;
        submission.write("runbook/RUNBOOK.md", runbook);
        RunOptions options;
        options.submissionRoot = submission.path();
        return runChecks(only, {{"hub", hub->get()}}, options).checks.at(0).outcome;
    };
    CHECK(grade(readText(kLab + "/solution/runbook/RUNBOOK.md")) == Outcome::Pass);
    CHECK(grade(readText(kLab + "/starter/runbook/RUNBOOK.md")) == Outcome::Fail);
    // Sections out of order, or one missing, do not pass either, however long the text.
    const std::string filler(700, '.');
    CHECK(grade("# R\n## Detect\nkubectl get\n## Fail back\nuntaint\n## Fail over\ntaint\n## Verify\n" + filler) ==
          Outcome::Fail);
    CHECK(grade("# R\n## Detect\nkubectl get\n## Fail over\ntaint\n## Verify\n" + filler) == Outcome::Fail);
    CHECK(grade("# R\n## Detect\nkubectl get\n## Fail over\ntaint\n## Fail back\nuntaint\n## Verify\n" + filler) ==
          Outcome::Pass);
    // Without a submission folder the check is skipped, not failed.
    CHECK(runChecks(only, {{"hub", hub->get()}}, RunOptions{}).checks.at(0).outcome == Outcome::Skipped);
}

namespace {

// One kubeconfig with a context per double (ctx-hub, ctx-karmada, ...), as a student's merged KUBECONFIG.
std::string writeFleetKubeconfig(Fleet& fleet, const std::string& dir) {
    Json merged{{"apiVersion", "v1"}, {"kind", "Config"}, {"clusters", Json::array()}, {"users", Json::array()},
                {"contexts", Json::array()}, {"current-context", "ctx-hub"}};
    for (const auto& c : kClusters) {
        Json one = readYaml(fleet.server(c).writeKubeconfig(dir + "/kubeconfig-" + c));
        Json cluster = one["clusters"][0], user = one["users"][0];
        cluster["name"] = "cl-" + c;
        user["name"] = "user-" + c;
        merged["clusters"].push_back(cluster);
        merged["users"].push_back(user);
        merged["contexts"].push_back(
            Json{{"name", "ctx-" + c}, {"context", {{"cluster", "cl-" + c}, {"user", "user-" + c}}}});
    }
    std::string path = dir + "/kubeconfig";
    std::ofstream(path) << merged.dump(2);
    return path;
}

}  // namespace

TEST_CASE("lab 4 capture with one context per cluster grades like the snapshots of the same state") {
    Fleet fleet;
    arrangeExample(fleet, "reference");
    kc::testing::TempDir dir;
    std::string kubeconfig = writeFleetKubeconfig(fleet, dir.path());
    std::string out = dir.path() + "/capture";
    std::vector<std::string> args{"capture", "--lab", kLab, "--out", out, "--kubeconfig", kubeconfig};
    for (const auto& c : kClusters) args.insert(args.end(), {"--context", c + "=ctx-" + c});
    auto captured = grade(args);
    INFO(captured.stderrText);
    REQUIRE(captured.exitCode == 0);
    // One capture per cluster, each holding only what its own checks read.
    for (const auto& c : kClusters) CHECK(std::filesystem::exists(out + "/" + c + "/capture.json"));
    CHECK_FALSE(std::filesystem::exists(out + "/capture.json"));
    std::set<std::string> hubKinds;
    const Json hubManifest = readYaml(out + "/hub/capture.json");
    for (const auto& o : hubManifest["objects"]) hubKinds.insert(str(o, "kind"));
    // The runbook is read from the submission, not the hub: no ConfigMap is captured there.
    CHECK(hubKinds == std::set<std::string>{"Node", "Deployment"});
    std::set<std::string> karmadaKinds;
    const Json karmadaManifest = readYaml(out + "/karmada/capture.json");
    for (const auto& o : karmadaManifest["objects"]) karmadaKinds.insert(str(o, "kind"));
    CHECK(karmadaKinds.count("ResourceBinding") == 1);
    CHECK(karmadaKinds.count("Node") == 0);

    // `check --snapshot DIR` finds the four captures; the result is the reference's snapshot expectation.
    // With the reference's submission folder, the runbook check passes as in its expectation.
    auto checked = grade({"check", "--lab", kLab, "--snapshot", out, "--format", "json", "--submission",
                          submissionOf("reference")});
    INFO(checked.stderrText);
    REQUIRE(checked.exitCode == 0);
    Json report = Json::parse(checked.stdoutText);
    Expected e = expectedFor("reference", "snapshot");
    CHECK(report["earned"].get<double>() == Approx(e.earned));
    for (const auto& c : report["checks"]) {
        INFO(str(c, "id"));
        auto it = e.outcomes.find(str(c, "id"));
        CHECK(str(c, "outcome") == (it == e.outcomes.end() ? std::string("pass") : it->second));
    }

    // Named clusters must be the lab's; two unnamed contexts are ambiguous.
    auto ambiguous = grade({"capture", "--lab", kLab, "--out", out + "2", "--kubeconfig", kubeconfig, "--context",
                            "ctx-hub", "--context", "ctx-karmada"});
    CHECK(ambiguous.exitCode == 2);
    CHECK_THAT(ambiguous.stderrText, Catch::Contains("CLUSTER=VALUE"));
    CHECK_FALSE(std::filesystem::exists(out + "2"));

    // --submission must name a folder: anything else is bad input (exit 2), before any grading.
    auto notAFolder = grade({"check", "--lab", kLab, "--snapshot", out, "--submission", dir.path() + "/missing"});
    CHECK(notAFolder.exitCode == 2);
    CHECK_THAT(notAFolder.stderrText, Catch::Contains("--submission"));
    // Without it the runbook check is skipped and earns nothing.
    auto without = grade({"check", "--lab", kLab, "--snapshot", out, "--format", "json"});
    REQUIRE(without.exitCode == 0);
    Json skipped = Json::parse(without.stdoutText);
    CHECK(skipped["earned"].get<double>() == Approx(e.earned - 5));
}

TEST_CASE("lab 4 Istio overlay swaps the MCS checks for mesh checks and keeps 100 points") {
    auto rubric = loadRubricWithOverlays(kLab + "/rubric.yaml", {kLab + "/overlays/istio-multi-primary.yaml"});
    INFO((rubric ? std::string() : rubric.error().message));
    REQUIRE(rubric);
    CHECK(rubric->totalPoints() == Approx(100));
    CHECK(rubric->find("service-exported") == nullptr);
    CHECK(rubric->find("service-imported") == nullptr);
    REQUIRE(rubric->find("mesh-member-a"));
    REQUIRE(rubric->find("mesh-member-b"));
    CHECK(rubric->find("mesh-member-a")->cluster == "member-a");
    CHECK(rubric->find("mesh-member-b")->visibility == Visibility::Visible);
    CHECK(rubric->find("cross-cluster-probe") != nullptr);
}
