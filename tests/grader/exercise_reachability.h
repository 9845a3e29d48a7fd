// For the networkpolicies exercise's live tests: what the CNI would do. A small NetworkPolicy evaluator
// (networking.k8s.io/v1 semantics: isolation per direction, additive allows, peers, ports) and a scripted
// controller that runs the grader's probe Jobs in the API double by computing reachability from the policies it
// has seen and writing `ok`/`blocked` lines as the probe pod's log. A test double: the grader never sees this.
// Simplifications: ipBlock peers match only destinations outside the cluster (pod IPs are not modelled), named
// ports are not resolved, and a Service's pods are the ones its selector names.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <utility>

#include "clusters/json.h"
#include "tests/support/api_double.h"

namespace kc::grader::testing {

struct NetEndpoint {
    std::string ns;               // empty for an address outside the cluster
    Json labels = Json::object();  // pod labels
    std::string ip;               // outside the cluster: the IPv4 address
    bool external() const { return ns.empty(); }
};

inline bool selectorMatches(const Json& selector, const Json& labels) {
    if (!selector.is_object()) return true;
    auto label = [&](const std::string& key) -> const Json* {
        return labels.is_object() && labels.contains(key) ? &labels[key] : nullptr;
    };
    const Json matchLabels = selector.value("matchLabels", Json::object());  // kept alive for items()
    for (const auto& [key, value] : matchLabels.items()) {
        const Json* have = label(key);
        if (!have || *have != value) return false;
    }
    for (const auto& e : selector.value("matchExpressions", Json::array())) {
        const Json* have = label(e.value("key", ""));
        const std::string op = e.value("operator", "");
        bool inValues = false;
        for (const auto& v : e.value("values", Json::array()))
            if (have && *have == v) inValues = true;
        if ((op == "In" && !inValues) || (op == "NotIn" && inValues) || (op == "Exists" && !have) ||
            (op == "DoesNotExist" && have))
            return false;
    }
    return true;
}

inline unsigned long ipv4(const std::string& text) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 0;
    return (static_cast<unsigned long>(a) << 24) | (b << 16) | (c << 8) | d;
}

inline bool cidrContains(const std::string& cidr, const std::string& ip) {
    size_t slash = cidr.find('/');
    int bits = slash == std::string::npos ? 32 : std::stoi(cidr.substr(slash + 1));
    unsigned long mask = bits == 0 ? 0 : (0xFFFFFFFFUL << (32 - bits)) & 0xFFFFFFFFUL;
    return (ipv4(cidr.substr(0, slash)) & mask) == (ipv4(ip) & mask);
}

class NetworkPolicyModel {
public:
    // Kept current by the controller from every Namespace, Service and NetworkPolicy change.
    void observe(const std::string& type, const Json& object) {
        const std::string kind = object.value("kind", "");
        if (kind != "Namespace" && kind != "Service" && kind != "NetworkPolicy") return;
        const Json& meta = object["metadata"];
        std::string key = kind + "/" + meta.value("namespace", "") + "/" + meta.value("name", "");
        std::lock_guard lock(mu_);
        if (type == "DELETED") objects_.erase(key);
        else objects_[key] = object;
    }

    // Whether a new connection from `from` to `to` on port/protocol gets through both ends' policies.
    bool reachable(const NetEndpoint& from, const NetEndpoint& to, int port, const std::string& protocol) const {
        std::lock_guard lock(mu_);
        return allowedAt(from, "Egress", to, port, protocol) &&
               (to.external() || allowedAt(to, "Ingress", from, port, protocol));
    }

    // The pods behind `name.namespace` (a Service), or nullopt.
    std::optional<std::pair<NetEndpoint, int>> service(const std::string& name, const std::string& ns, int port) const {
        std::lock_guard lock(mu_);
        auto it = objects_.find("Service/" + ns + "/" + name);
        if (it == objects_.end()) return std::nullopt;
        NetEndpoint e;
        e.ns = ns;
        e.labels = it->second["spec"].value("selector", Json::object());
        int target = port;
        for (const auto& p : it->second["spec"].value("ports", Json::array()))
            if (p.value("port", 0) == port && p.contains("targetPort") && p["targetPort"].is_number())
                target = p["targetPort"].get<int>();
        return std::make_pair(e, target);
    }

private:
    Json namespaceLabels(const std::string& ns) const {
        auto it = objects_.find("Namespace//" + ns);
        return it == objects_.end() ? Json::object() : it->second["metadata"].value("labels", Json::object());
    }

    static bool hasType(const Json& spec, const std::string& direction) {
        if (spec.contains("policyTypes")) {
            for (const auto& t : spec["policyTypes"])
                if (t == direction) return true;
            return false;
        }
        // Without policyTypes: Ingress always, Egress when the policy has egress rules.
        return direction == "Ingress" || spec.contains("egress");
    }

    bool peerMatches(const Json& peer, const std::string& policyNs, const NetEndpoint& other) const {
        if (peer.contains("ipBlock")) {
            if (!other.external()) return false;
            const Json& block = peer["ipBlock"];
            if (!cidrContains(block.value("cidr", ""), other.ip)) return false;
            for (const auto& ex : block.value("except", Json::array()))
                if (cidrContains(ex.get<std::string>(), other.ip)) return false;
            return true;
        }
        if (other.external()) return false;
        const bool hasNs = peer.contains("namespaceSelector"), hasPod = peer.contains("podSelector");
        if (hasNs && !selectorMatches(peer["namespaceSelector"], namespaceLabels(other.ns))) return false;
        if (!hasNs && other.ns != policyNs) return false;  // a bare podSelector means the policy's namespace
        return !hasPod || selectorMatches(peer["podSelector"], other.labels);
    }

    static bool portMatches(const Json& ports, int port, const std::string& protocol) {
        if (!ports.is_array() || ports.empty()) return true;
        for (const auto& p : ports) {
            if (p.value("protocol", std::string("TCP")) != protocol) continue;
            if (!p.contains("port")) return true;
            if (!p["port"].is_number()) continue;
            int from = p["port"].get<int>(), to = p.value("endPort", from);
            if (port >= from && port <= to) return true;
        }
        return false;
    }

    // Policies of the endpoint's namespace that select it for `direction`: none means not isolated (allowed);
    // otherwise some rule of one of them must admit the peer on the port.
    bool allowedAt(const NetEndpoint& self, const std::string& direction, const NetEndpoint& peer, int port,
                   const std::string& protocol) const {
        if (self.external()) return true;
        bool isolated = false;
        const std::string rulesKey = direction == "Ingress" ? "ingress" : "egress";
        const std::string peersKey = direction == "Ingress" ? "from" : "to";
        for (const auto& [key, policy] : objects_) {
            if (key.rfind("NetworkPolicy/" + self.ns + "/", 0) != 0) continue;
            const Json& spec = policy.value("spec", Json::object());
            if (!hasType(spec, direction) || !selectorMatches(spec.value("podSelector", Json::object()), self.labels))
                continue;
            isolated = true;
            for (const auto& rule : spec.value(rulesKey, Json::array())) {
                if (!portMatches(rule.value("ports", Json::array()), port, protocol)) continue;
                const Json peers = rule.value(peersKey, Json::array());
                if (peers.empty()) return true;
                for (const auto& p : peers)
                    if (peerMatches(p, self.ns, peer)) return true;
            }
        }
        return !isolated;
    }

    mutable std::mutex mu_;
    std::map<std::string, Json> objects_;
};

// The probe's answer, attempt by attempt: the command's `seq N` gives N; `nslookup` asks kube-dns; `wget URL`
// needs DNS for a name (not for an IP) and then the Service's pods on its target port.
inline std::string probeOutput(const NetworkPolicyModel& model, const NetEndpoint& from, const std::string& command) {
    std::smatch m;
    int attempts = std::regex_search(command, m, std::regex("seq ([0-9]+)")) ? std::stoi(m[1]) : 1;
    NetEndpoint dns{"kube-system", Json{{"k8s-app", "kube-dns"}}, ""};
    bool ok = false;
    if (command.find("nslookup") != std::string::npos) {
        ok = model.reachable(from, dns, 53, "UDP");
    } else if (std::regex_search(command, m, std::regex("http://([^/:]+)(?::([0-9]+))?"))) {
        std::string host = m[1];
        int port = m[2].matched ? std::stoi(m[2]) : 80;
        if (ipv4(host) != 0) {
            ok = model.reachable(from, NetEndpoint{"", Json::object(), host}, port, "TCP");
        } else {
            size_t dot = host.find('.');
            auto svc = dot == std::string::npos ? std::nullopt
                                                : model.service(host.substr(0, dot), host.substr(dot + 1), port);
            ok = svc && model.reachable(from, dns, 53, "UDP") && model.reachable(from, svc->first, svc->second, "TCP");
        }
    }
    std::string out;
    for (int i = 0; i < attempts; ++i) out += ok ? "ok\n" : "blocked\n";
    return out;
}

// Installs the CNI stand-in on the double: the model tracks policies, and every grader probe Job gets a pod whose
// log is the computed reachability, then completes.
inline void addReachabilityController(kc::testing::ApiDouble& api, std::shared_ptr<NetworkPolicyModel> model) {
    api.addController([model](kc::testing::ApiDouble& d, const std::string& type, const Json& object) {
        model->observe(type, object);
        if (type != "ADDED" || object.value("kind", "") != "Job") return;
        Json job = object;
        d.schedule(std::chrono::milliseconds(20), [job, model](kc::testing::ApiDouble& dd) {
            const std::string ns = job["metadata"]["namespace"], name = job["metadata"]["name"];
            const Json& tmpl = job["spec"]["template"];
            Json labels = tmpl["metadata"].value("labels", Json::object());
            std::string command;
            for (const auto& c : tmpl["spec"]["containers"])
                for (const char* field : {"command", "args"})
                    for (const auto& part : c.value(field, Json::array())) command += part.get<std::string>() + " ";
            dd.create(Json{{"apiVersion", "v1"},
                           {"kind", "Pod"},
                           {"metadata", {{"name", name + "-probe"}, {"namespace", ns}, {"labels", labels}}},
                           {"spec", tmpl["spec"]}});
            dd.setPodLog(ns, name + "-probe", "probe", probeOutput(*model, NetEndpoint{ns, labels, ""}, command));
            auto current = dd.get("batch/v1", "Job", ns, name);
            if (!current) return;
            (*current)["status"] = Json{{"conditions", Json::array({Json{{"type", "Complete"}, {"status", "True"}}})}};
            dd.update(*current);
        });
    });
}

}  // namespace kc::grader::testing
