// A scripted service mesh for the API double, used by the Lab 3 test (tests/grader/lab03_test.cc).
//
// Nothing in the double is a mesh, so MeshSimulator plays one (Istio in sidecar mode, or Linkerd) together with
// the kubelet and the Job controller: it reads the configuration stored in the double (Services, pods,
// DestinationRule, VirtualService, HTTPRoute, PeerAuthentication, AuthorizationPolicy, Telemetry, the mesh
// ConfigMap, Linkerd's Server/AuthorizationPolicy/MeshTLSAuthentication and proxy environment) and, for each
// probe Job the grader creates, prints what the probe's curl commands would print in a real mesh with that
// configuration. It never reads a rubric or an expectation. It is a model of the documented behaviour, with
// these simplifications: routing is deterministic (smooth weighted round robin, so 200 requests at 80/20 give
// exactly 160/40), only the first match-less route of a VirtualService or the first rule of an HTTPRoute is
// used, and AuthorizationPolicy rules know principals, namespaces, methods (GET) and paths.
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "clusters/yaml_json.h"
#include "tests/support/api_double.h"

namespace kc::grader::testing::mesh {

using kc::testing::ApiDouble;
using namespace std::chrono_literals;

inline std::string str(const Json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

inline Json labelsOf(const Json& o) {
    return o.contains("metadata") && o["metadata"].contains("labels") ? o["metadata"]["labels"] : Json::object();
}

inline bool selects(const Json& selector, const Json& labels) {
    if (!selector.is_object()) return true;
    for (const auto& [k, v] : selector.items())
        if (!labels.contains(k) || labels[k] != v) return false;
    return true;
}

// The pod's running proxy container ("istio-proxy" or "linkerd-proxy"), as a container or a native sidecar.
inline const Json* proxyOf(const Json& pod, const std::string& name) {
    const Json& spec = pod["spec"];
    if (spec.contains("containers"))
        for (const auto& c : spec["containers"])
            if (str(c, "name") == name) return &c;
    if (spec.contains("initContainers"))
        for (const auto& c : spec["initContainers"])
            if (str(c, "name") == name && str(c, "restartPolicy") == "Always") return &c;
    return nullptr;
}

inline bool hasIstioProxy(const Json& pod) { return proxyOf(pod, "istio-proxy") != nullptr; }
inline bool hasLinkerdProxy(const Json& pod) { return proxyOf(pod, "linkerd-proxy") != nullptr; }
inline bool hasProxy(const Json& pod) { return hasIstioProxy(pod) || hasLinkerdProxy(pod); }

inline std::string envOf(const Json& container, const std::string& name) {
    for (const auto& e : container.value("env", Json::array()))
        if (str(e, "name") == name) return str(e, "value");
    return "";
}

inline bool podReady(const Json& pod) {
    if (!pod.contains("status") || !pod["status"].contains("conditions")) return false;
    for (const auto& c : pod["status"]["conditions"])
        if (str(c, "type") == "Ready" && str(c, "status") == "True") return true;
    return false;
}

// Istio's principal patterns: exact, "*", "prefix*" or "*suffix".
inline bool patternMatches(const std::string& pattern, const std::string& value) {
    if (pattern == "*") return !value.empty();
    if (!pattern.empty() && pattern.back() == '*') return value.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    if (!pattern.empty() && pattern.front() == '*')
        return value.size() >= pattern.size() - 1 &&
               value.compare(value.size() - (pattern.size() - 1), pattern.size() - 1, pattern.substr(1)) == 0;
    return pattern == value;
}

inline bool anyPattern(const Json& list, const std::string& value) {
    for (const auto& p : list)
        if (p.is_string() && patternMatches(p.get<std::string>(), value)) return true;
    return false;
}

struct Client {
    std::string ns, serviceAccount;
    bool meshed = false;
};

struct Response {
    int code = 0;  // 0: curl's 000, no HTTP answer (refused, reset, unresolvable)
    std::string body;
};

class MeshSimulator {
public:
    void observe(const std::string& type, const Json& o) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string key = str(o, "apiVersion") + "|" + str(o, "kind") + "|" + str(o["metadata"], "namespace") + "|" +
                          str(o["metadata"], "name");
        if (type == "DELETED")
            objects_.erase(key);
        else
            objects_[key] = o;
    }

    // What the probe Job's pod prints: the simulated output of its curl loop.
    std::string probeOutput(const Json& job) {
        std::lock_guard<std::mutex> lock(mutex_);
        const Json& tmpl = job["spec"]["template"];
        Client client;
        client.ns = str(job["metadata"], "namespace");
        client.serviceAccount = tmpl["spec"].value("serviceAccountName", "default");
        client.meshed = injects(client.ns, labelsOf(tmpl));
        const std::string script = tmpl["spec"]["containers"][0]["command"].back().get<std::string>();
        std::smatch m;
        int count = std::regex_search(script, m, std::regex("seq ([0-9]+)")) ? std::stoi(m[1].str()) : 1;
        std::vector<std::string> urls;
        static const std::regex urlRe("http://([a-z0-9.-]+)(:[0-9]+)?(/[^ \"';]*)?");
        for (auto it = std::sregex_iterator(script.begin(), script.end(), urlRe); it != std::sregex_iterator(); ++it)
            if ((*it)[1].str() != "127.0.0.1") urls.push_back((*it)[0].str());
        if (urls.empty()) return "";
        std::string out;
        bool withBody = script.find("-o /tmp/body") != std::string::npos;
        std::vector<int> smooth;  // weighted round-robin state, one run per probe
        traced_.clear();
        tracedPods_.clear();
        for (int i = 0; i < count; ++i) {
            Response r = request(client, urls[0], smooth, i);
            if (script.find("/api/services") != std::string::npos) continue;  // the trace probe prints no codes
            char code[8];
            std::snprintf(code, sizeof code, "%03d", r.code);
            out += "code=" + std::string(code);
            if (withBody) out += " " + r.body;
            out += "\n";
        }
        if (script.find("/api/services") != std::string::npos) {
            for (size_t u = 1; u < urls.size(); ++u) {
                Response q = jaegerQuery(urls[u]);
                std::string shown;  // tr -d '[]{}' | tr ',' '\n'
                for (char c : q.body) {
                    if (c == '[' || c == ']' || c == '{' || c == '}') continue;
                    shown += c == ',' ? '\n' : c;
                }
                out += shown + "\n";
            }
        }
        return out;
    }

    // The Jaeger query Services as the API server's service proxy reaches them: answered from the simulated
    // mesh (which proxies handled traffic, and whether the stored mesh config sends their spans anywhere); a
    // Service without a Ready pod gets the proxy's 503.
    kc::testing::ServiceProxyResponse proxy(const kc::testing::ServiceProxyRequest& request) {
        std::lock_guard<std::mutex> lock(mutex_);
        Response q = jaegerQuery("http://" + request.service + "." + request.ns + request.path);
        if (q.code == 0)
            return {503,
                    Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
                         {"message", "no endpoints available for service \"" + request.service + "\""},
                         {"reason", "ServiceUnavailable"}, {"code", 503}}
                        .dump()};
        return {q.code, q.body};
    }

private:
    std::vector<Json> all(const std::string& apiVersion, const std::string& kind, const std::string& ns = "*") const {
        std::vector<Json> found;
        for (const auto& [key, o] : objects_)
            if (str(o, "apiVersion") == apiVersion && str(o, "kind") == kind &&
                (ns == "*" || str(o["metadata"], "namespace") == ns))
                found.push_back(o);
        return found;
    }

    const Json* one(const std::string& apiVersion, const std::string& kind, const std::string& ns,
                    const std::string& name) const {
        auto it = objects_.find(apiVersion + "|" + kind + "|" + ns + "|" + name);
        return it == objects_.end() ? nullptr : &it->second;
    }

    // istiod must be running for the injection webhook to add the proxy.
    bool istiodAvailable() const {
        for (const auto& d : all("apps/v1", "Deployment", "istio-system"))
            if (str(d["metadata"], "name").rfind("istiod", 0) == 0 && d.contains("status") &&
                d["status"].value("availableReplicas", 0) >= 1)
                return true;
        return false;
    }

    bool linkerdAvailable() const {
        const Json* d = one("apps/v1", "Deployment", "linkerd", "linkerd-destination");
        return d && d->contains("status") && (*d)["status"].value("availableReplicas", 0) >= 1;
    }

    // Whether a pod created in ns with these labels gets a proxy from an injection webhook.
    bool injects(const std::string& ns, const Json& podLabels) const {
        const Json* namespaceObject = one("v1", "Namespace", "", ns);
        if (!namespaceObject) return false;
        Json labels = labelsOf(*namespaceObject);
        bool istio = istiodAvailable() && (str(labels, "istio-injection") == "enabled" || labels.contains("istio.io/rev")) &&
                     str(podLabels, "sidecar.istio.io/inject") != "false";
        Json annotations = (*namespaceObject)["metadata"].value("annotations", Json::object());
        bool linkerd = linkerdAvailable() && str(annotations, "linkerd.io/inject") == "enabled";
        return istio || linkerd;
    }

    // "ranker", "ranker.inference", "ranker.inference.svc.cluster.local" → (namespace, name), from a client in ns.
    static std::pair<std::string, std::string> resolveHost(const std::string& host, const std::string& ns) {
        auto dot = host.find('.');
        if (dot == std::string::npos) return {ns, host};
        auto second = host.find('.', dot + 1);
        return {host.substr(dot + 1, second == std::string::npos ? std::string::npos : second - dot - 1),
                host.substr(0, dot)};
    }

    std::vector<Json> readyPods(const std::string& ns, const Json& selector) const {
        std::vector<Json> pods;
        for (const auto& p : all("v1", "Pod", ns))
            if (podReady(p) && selects(selector, labelsOf(p))) pods.push_back(p);
        return pods;
    }

    std::vector<Json> servicePods(const std::string& ns, const std::string& name) const {
        const Json* service = one("v1", "Service", ns, name);
        if (!service) return {};
        return readyPods(ns, (*service)["spec"].value("selector", Json::object()));
    }

    struct Destination {
        double weight = 0;
        std::vector<Json> pods;
    };

    // The client proxy's routing for a Service: a VirtualService's default route over DestinationRule subsets,
    // else a GAMMA HTTPRoute's weighted backends; nullopt when neither applies (plain load balancing).
    std::optional<std::vector<Destination>> route(const std::string& svcNs, const std::string& svcName,
                                                  const std::string& clientNs) const {
        auto sameService = [&](const std::string& host, const std::string& ownerNs) {
            auto [ns, name] = resolveHost(host, ownerNs);
            return ns == svcNs && name == svcName;
        };
        for (const auto& vs : all("networking.istio.io/v1", "VirtualService")) {
            const std::string vsNs = str(vs["metadata"], "namespace");
            if (vsNs != svcNs && vsNs != clientNs) continue;
            bool mine = false;
            for (const auto& h : vs["spec"].value("hosts", Json::array())) mine = mine || sameService(h, vsNs);
            if (!mine) continue;
            for (const auto& http : vs["spec"].value("http", Json::array())) {
                if (http.contains("match")) continue;
                std::vector<Destination> out;
                const Json routes = http.value("route", Json::array());
                for (const auto& r : routes) {
                    Destination d;
                    d.weight = r.contains("weight") ? r["weight"].get<double>() : (routes.size() == 1 ? 100 : 0);
                    auto [ns, name] = resolveHost(str(r["destination"], "host"), vsNs);
                    d.pods = servicePods(ns, name);
                    std::string subset = str(r["destination"], "subset");
                    if (!subset.empty()) d.pods = subsetPods(d.pods, ns, name, subset, vsNs);
                    out.push_back(d);
                }
                return out;
            }
        }
        for (const auto& hr : all("gateway.networking.k8s.io/v1", "HTTPRoute", svcNs)) {
            bool mine = false;
            for (const auto& p : hr["spec"].value("parentRefs", Json::array())) {
                std::string group = p.value("group", "");
                mine = mine || (str(p, "kind") == "Service" && (group.empty() || group == "core") && str(p, "name") == svcName);
            }
            if (!mine || hr["spec"].value("rules", Json::array()).empty()) continue;
            std::vector<Destination> out;
            for (const auto& b : hr["spec"]["rules"][0].value("backendRefs", Json::array()))
                out.push_back({b.value("weight", 1.0), servicePods(svcNs, str(b, "name"))});
            return out;
        }
        return std::nullopt;
    }

    std::vector<Json> subsetPods(const std::vector<Json>& pods, const std::string& ns, const std::string& name,
                                 const std::string& subset, const std::string& routeNs) const {
        for (const auto& dr : all("networking.istio.io/v1", "DestinationRule")) {
            const std::string drNs = str(dr["metadata"], "namespace");
            if (drNs != ns && drNs != routeNs) continue;
            auto [hostNs, hostName] = resolveHost(str(dr["spec"], "host"), drNs);
            if (hostNs != ns || hostName != name) continue;
            for (const auto& s : dr["spec"].value("subsets", Json::array())) {
                if (str(s, "name") != subset) continue;
                std::vector<Json> picked;
                for (const auto& p : pods)
                    if (selects(s.value("labels", Json::object()), labelsOf(p))) picked.push_back(p);
                return picked;
            }
        }
        return {};  // an undefined subset has no endpoints: Envoy answers 503
    }

    // Smooth weighted round robin: deterministic, and exact over whole cycles of the weights.
    static size_t pick(const std::vector<Destination>& dests, std::vector<int>& current) {
        if (current.size() != dests.size()) current.assign(dests.size(), 0);
        int total = 0;
        size_t best = 0;
        for (size_t j = 0; j < dests.size(); ++j) {
            int w = static_cast<int>(dests[j].weight);
            current[j] += w;
            total += w;
            if (current[j] > current[best]) best = j;
        }
        current[best] -= total;
        return best;
    }

    Response request(const Client& client, const std::string& url, std::vector<int>& smooth, int i) const {
        static const std::regex parts("http://([a-z0-9.-]+)(:[0-9]+)?(/[^ ]*)?");
        std::smatch m;
        if (!std::regex_match(url, m, parts)) return {};
        auto [svcNs, svcName] = resolveHost(m[1].str(), client.ns);
        const std::string path = m[3].str().empty() ? "/" : m[3].str();
        if (!one("v1", "Service", svcNs, svcName)) return {};  // no DNS name: curl prints 000
        std::vector<Json> pods = servicePods(svcNs, svcName);
        if (client.meshed) {
            if (auto dests = route(svcNs, svcName, client.ns)) {
                int total = 0;
                for (const auto& d : *dests) total += static_cast<int>(d.weight);
                if (total <= 0) return {503, "no healthy upstream"};
                pods = (*dests)[pick(*dests, smooth)].pods;
            }
        }
        if (pods.empty()) return client.meshed ? Response{503, "no healthy upstream"} : Response{};
        (void)smooth;
        return serve(client, pods[static_cast<size_t>(i) % pods.size()], path, smooth, i);
    }

    std::string peerAuthenticationMode(const Json& pod) const {
        const std::string ns = str(pod["metadata"], "namespace");
        auto modeOf = [](const Json& pa) {
            std::string mode = pa["spec"].contains("mtls") ? str(pa["spec"]["mtls"], "mode") : "";
            return mode == "UNSET" ? std::string() : mode;
        };
        for (const auto& pa : all("security.istio.io/v1", "PeerAuthentication", ns))
            if (pa["spec"].contains("selector") &&
                selects(pa["spec"]["selector"].value("matchLabels", Json::object()), labelsOf(pod)) && !modeOf(pa).empty())
                return modeOf(pa);
        for (const std::string& scope : {ns, std::string("istio-system")})
            for (const auto& pa : all("security.istio.io/v1", "PeerAuthentication", scope))
                if (!pa["spec"].contains("selector") && !modeOf(pa).empty()) return modeOf(pa);
        return "PERMISSIVE";
    }

    static bool ruleMatches(const Json& rule, const std::string& principal, const std::string& sourceNs,
                            const std::string& path) {
        if (rule.contains("from")) {
            bool any = false;
            for (const auto& f : rule["from"]) {
                const Json& s = f.value("source", Json::object());
                bool ok = true;
                if (s.contains("principals")) ok = ok && !principal.empty() && anyPattern(s["principals"], principal);
                if (s.contains("namespaces")) ok = ok && !principal.empty() && anyPattern(s["namespaces"], sourceNs);
                any = any || ok;
            }
            if (!any) return false;
        }
        if (rule.contains("to")) {
            bool any = false;
            for (const auto& t : rule["to"]) {
                const Json& op = t.value("operation", Json::object());
                bool ok = true;
                if (op.contains("methods")) ok = ok && anyPattern(op["methods"], "GET");
                if (op.contains("paths")) ok = ok && anyPattern(op["paths"], path.substr(0, path.find('?')));
                any = any || ok;
            }
            if (!any) return false;
        }
        return true;
    }

    bool authorized(const Json& pod, const std::string& principal, const std::string& sourceNs,
                    const std::string& path) const {
        const std::string ns = str(pod["metadata"], "namespace");
        std::vector<Json> policies;
        for (const auto& ap : all("security.istio.io/v1", "AuthorizationPolicy", ns))
            if (!ap["spec"].contains("selector") ||
                selects(ap["spec"]["selector"].value("matchLabels", Json::object()), labelsOf(pod)))
                policies.push_back(ap);
        for (const auto& ap : all("security.istio.io/v1", "AuthorizationPolicy", "istio-system"))
            if (!ap["spec"].contains("selector")) policies.push_back(ap);
        bool anyAllow = false, allowed = false;
        for (const auto& ap : policies) {
            std::string action = ap["spec"].value("action", "ALLOW");
            bool matched = false;
            for (const auto& rule : ap["spec"].value("rules", Json::array()))
                matched = matched || ruleMatches(rule, principal, sourceNs, path);
            if (action == "DENY" && matched) return false;
            if (action == "ALLOW") {
                anyAllow = true;
                allowed = allowed || matched;
            }
        }
        return !anyAllow || allowed;
    }

    // Linkerd's inbound policy: a Server selecting the pod admits only what an AuthorizationPolicy for it
    // authorizes; without one, the proxy's default policy decides. Unauthorized HTTP gets 403.
    bool linkerdAdmits(const Json& pod, const Client& client) const {
        const std::string ns = str(pod["metadata"], "namespace");
        std::vector<std::string> servers;
        for (const auto& s : all("policy.linkerd.io/v1beta3", "Server", ns))
            if (selects(s["spec"].value("podSelector", Json::object()).value("matchLabels", Json::object()), labelsOf(pod)))
                servers.push_back(str(s["metadata"], "name"));
        if (servers.empty()) {
            std::string policy = envOf(*proxyOf(pod, "linkerd-proxy"), "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY");
            if (policy == "deny") return false;
            if (policy == "all-authenticated" || policy == "cluster-authenticated") return client.meshed;
            return true;
        }
        for (const auto& ap : all("policy.linkerd.io/v1alpha1", "AuthorizationPolicy", ns)) {
            const Json& target = ap["spec"].value("targetRef", Json::object());
            if (str(target, "kind") != "Server" ||
                std::find(servers.begin(), servers.end(), str(target, "name")) == servers.end())
                continue;
            bool satisfied = true;
            for (const auto& ref : ap["spec"].value("requiredAuthenticationRefs", Json::array())) {
                if (str(ref, "kind") != "MeshTLSAuthentication") continue;  // NetworkAuthentication: any address
                const Json* authn = one("policy.linkerd.io/v1alpha1", "MeshTLSAuthentication", ns, str(ref, "name"));
                bool identified = false;
                if (authn && client.meshed) {
                    for (const auto& id : (*authn)["spec"].value("identityRefs", Json::array()))
                        identified = identified || (str(id, "kind") == "ServiceAccount" && str(id, "name") == client.serviceAccount &&
                                                    id.value("namespace", ns) == client.ns);
                    identified = identified ||
                                 anyPattern((*authn)["spec"].value("identities", Json::array()),
                                            client.serviceAccount + "." + client.ns + ".serviceaccount.identity.linkerd.cluster.local");
                }
                satisfied = satisfied && identified;
            }
            if (satisfied) return true;
        }
        return false;
    }

    Response serve(const Client& client, const Json& pod, const std::string& path, std::vector<int>& smooth,
                   int i) const {
        if (hasLinkerdProxy(pod)) {
            // With the linkerd-jaeger injector, proxies report spans for what they handle (pod names as tags).
            if (!envOf(*proxyOf(pod, "linkerd-proxy"), "LINKERD2_PROXY_TRACE_COLLECTOR_SVC_ADDR").empty())
                tracedPods_.insert(str(pod["metadata"], "name"));
            if (!linkerdAdmits(pod, client)) return {403, "forbidden"};
        }
        if (hasIstioProxy(pod)) {
            if (!client.meshed && peerAuthenticationMode(pod) == "STRICT") return {};  // plaintext: reset
            // The server's proxy reports a span for every request it handles, denied ones included.
            traced_.insert(str(labelsOf(pod), "app") + "." + str(pod["metadata"], "namespace"));
            // Principals exist only over mTLS, which a meshed client uses towards a meshed server.
            std::string principal =
                client.meshed ? "cluster.local/ns/" + client.ns + "/sa/" + client.serviceAccount : std::string();
            if (!authorized(pod, principal, client.ns, path)) return {403, "RBAC: access denied"};
        }
        const Json labels = labelsOf(pod);
        if (path.rfind("/healthz", 0) == 0) return {200, "ok"};
        if (str(labels, "app") == "ranker" && path.rfind("/predict", 0) == 0)
            return {200, "{\"model\": \"ranker\", \"version\": \"" + str(labels, "version") + "\", \"score\": 0.5}"};
        if (str(labels, "app") == "frontend" && path.rfind("/predict", 0) == 0) {
            Client frontend{str(pod["metadata"], "namespace"), pod["spec"].value("serviceAccountName", "default"),
                            hasProxy(pod)};
            std::vector<int> own;
            Response upstream = request(frontend, "http://ranker:8080/predict", own, i);
            (void)smooth;
            return upstream.code == 0 ? Response{502, "upstream failed"} : upstream;
        }
        return {404, "not found"};
    }

    // Jaeger's /api/services through the Istio addon's `tracing` Service: the services whose proxies handled the
    // probe's traffic appear when proxies report spans (a Telemetry selecting a zipkin/opentelemetry provider of
    // the mesh config, sampling above 0).
    Response jaegerQuery(const std::string& url) const {
        static const std::regex parts("http://([a-z0-9.-]+)(:[0-9]+)?(/[^ ]*)?");
        std::smatch m;
        if (!std::regex_match(url, m, parts)) return {};
        auto [ns, name] = resolveHost(m[1].str(), "default");
        if (servicePods(ns, name).empty()) return {};
        const std::string path = m[3].str();
        if (ns == "linkerd-jaeger") {
            if (path.rfind("/api/services", 0) == 0)
                return {200, Json{{"data", tracedPods_.empty() ? Json::array() : Json::array({"linkerd-proxy"})}}.dump()};
            Json processes = Json::object();
            int n = 0;
            for (const auto& podName : tracedPods_)
                processes["p" + std::to_string(++n)] = Json{
                    {"serviceName", "linkerd-proxy"},
                    {"tags", Json::array({Json{{"key", "k8s.pod.name"}, {"type", "string"}, {"value", podName}}})}};
            Json traces = tracedPods_.empty() ? Json::array() : Json::array({Json{{"traceID", "1"}, {"processes", processes}}});
            return {200, Json{{"data", traces}}.dump()};
        }
        std::vector<std::string> services{"jaeger-all-in-one"};
        if (tracingProviderActive()) services.insert(services.end(), traced_.begin(), traced_.end());
        if (path.find("/api/traces") != std::string::npos) {
            // One trace for a service that reported spans, none otherwise (Jaeger answers 200 with empty data).
            std::smatch q;
            std::string wanted = std::regex_search(path, q, std::regex("[?&]service=([^&]*)")) ? q[1].str() : "";
            Json traces = Json::array();
            if (std::find(services.begin() + 1, services.end(), wanted) != services.end())
                traces.push_back(Json{{"traceID", "1"},
                                      {"spans", Json::array({Json{{"traceID", "1"}, {"processID", "p1"}}})},
                                      {"processes", {{"p1", {{"serviceName", wanted}}}}}});
            return {200, Json{{"data", traces}, {"total", 0}, {"limit", 0}, {"offset", 0}, {"errors", nullptr}}.dump()};
        }
        Json body{{"data", services}, {"total", services.size()}, {"limit", 0}, {"offset", 0}, {"errors", nullptr}};
        return {200, body.dump()};
    }

    bool tracingProviderActive() const {
        std::set<std::string> providers;
        if (const Json* cm = one("v1", "ConfigMap", "istio-system", "istio"); cm && (*cm)["data"].contains("mesh")) {
            auto docs = parseYamlDocuments((*cm)["data"]["mesh"].get<std::string>(), "mesh");
            if (docs && !docs->empty() && docs->front().value.contains("extensionProviders"))
                for (const auto& p : docs->front().value["extensionProviders"])
                    if (p.contains("zipkin") || p.contains("opentelemetry")) providers.insert(str(p, "name"));
        }
        for (const std::string& ns : {std::string("istio-system"), std::string("inference")})
            for (const auto& t : all("telemetry.istio.io/v1", "Telemetry", ns))
                for (const auto& tr : t["spec"].value("tracing", Json::array())) {
                    if (tr.value("randomSamplingPercentage", 0.0) <= 0) continue;
                    for (const auto& p : tr.value("providers", Json::array()))
                        if (providers.count(str(p, "name"))) return true;
                }
        return false;
    }

    mutable std::mutex mutex_;
    std::map<std::string, Json> objects_;
    mutable std::set<std::string> traced_;      // Istio: "app.namespace" of the proxies that handled this probe's requests
    mutable std::set<std::string> tracedPods_;  // Linkerd: the pods whose proxies reported spans
};

// Jaeger's query Services (the Istio addon's `tracing`, linkerd-jaeger's `jaeger`) behind the double's service proxy.
inline void serveJaegerQuery(ApiDouble& server, std::shared_ptr<MeshSimulator> mesh) {
    for (const auto& [ns, name] : {std::pair<std::string, std::string>{"istio-system", "tracing"},
                                   std::pair<std::string, std::string>{"linkerd-jaeger", "jaeger"}})
        server.setServiceProxy(ns, name, "", [mesh](const kc::testing::ServiceProxyRequest& r) { return mesh->proxy(r); });
}

// The CRDs istioctl, linkerd install and the Gateway API bundle install, reduced to what the double needs.
inline void installMeshCrds(ApiDouble& server) {
    struct Kind {
        const char *group, *version, *kind, *plural;
    };
    const Kind kinds[] = {{"networking.istio.io", "v1", "VirtualService", "virtualservices"},
                          {"networking.istio.io", "v1", "DestinationRule", "destinationrules"},
                          {"security.istio.io", "v1", "PeerAuthentication", "peerauthentications"},
                          {"security.istio.io", "v1", "AuthorizationPolicy", "authorizationpolicies"},
                          {"telemetry.istio.io", "v1", "Telemetry", "telemetries"},
                          {"gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"},
                          {"policy.linkerd.io", "v1beta3", "Server", "servers"},
                          {"policy.linkerd.io", "v1alpha1", "MeshTLSAuthentication", "meshtlsauthentications"},
                          {"policy.linkerd.io", "v1alpha1", "AuthorizationPolicy", "authorizationpolicies"}};
    for (const auto& k : kinds) {
        std::string singular = k.kind;
        std::transform(singular.begin(), singular.end(), singular.begin(), ::tolower);
        server.create(Json{{"apiVersion", "apiextensions.k8s.io/v1"},
                           {"kind", "CustomResourceDefinition"},
                           {"metadata", {{"name", std::string(k.plural) + "." + k.group}}},
                           {"spec",
                            {{"group", k.group},
                             {"scope", "Namespaced"},
                             {"names", {{"plural", k.plural}, {"singular", singular}, {"kind", k.kind}}},
                             {"versions", Json::array({Json{{"name", k.version},
                                                            {"served", true},
                                                            {"storage", true},
                                                            {"schema", {{"openAPIV3Schema", {{"type", "object"}}}}}}})}}}});
    }
}

// The kubelet and Job controller for probe Jobs: a pod from the template that ran the probe and exited, its
// log from the simulated mesh, then the Job Complete.
inline void playProbeJobs(ApiDouble& server, std::shared_ptr<MeshSimulator> mesh) {
    server.addController([mesh](ApiDouble& d, const std::string& type, const Json& object) {
        mesh->observe(type, object);
        if (type != "ADDED" || str(object, "kind") != "Job") return;
        Json job = object;
        d.schedule(20ms, [job, mesh](ApiDouble& dd) {
            const std::string ns = job["metadata"]["namespace"], name = job["metadata"]["name"];
            Json pod{{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata",
                      {{"name", name + "-p0"},
                       {"namespace", ns},
                       {"labels", job["spec"]["template"]["metadata"]["labels"]},
                       {"ownerReferences", Json::array({Json{{"apiVersion", "batch/v1"},
                                                             {"kind", "Job"},
                                                             {"name", name},
                                                             {"uid", job["metadata"]["uid"]},
                                                             {"controller", true}}})}}},
                     {"spec", job["spec"]["template"]["spec"]},
                     {"status", {{"phase", "Succeeded"}}}};
            std::string output = mesh->probeOutput(job);
            dd.create(pod);
            dd.setPodLog(ns, name + "-p0", "probe", output);
            auto current = dd.get("batch/v1", "Job", ns, name);
            if (!current) return;
            (*current)["status"] = Json{{"succeeded", 1},
                                        {"conditions", Json::array({Json{{"type", "Complete"}, {"status", "True"}}})}};
            dd.update(*current);
        });
    });
}

}  // namespace kc::grader::testing::mesh
