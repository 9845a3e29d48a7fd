// THE API TEST DOUBLE (implementation): routing, authentication, CRUD with the kube-apiserver's observable
// rules, list/watch, server-side apply, /status, pod logs, faults, request log and scripted controllers.
// It is a test double: behaviour is modelled on kube-apiserver where clients can see it, simplified elsewhere
// (see tests/support/README.md).
#include "tests/support/api_double.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "clusters/yaml_json.h"
#include "tests/support/crd_schema.h"
#include "tests/support/https_server.h"
#include "tests/support/label_selector.h"
#include "tests/support/object_store.h"
#include "tests/support/rbac_evaluator.h"
#include "tests/support/resource_types.h"
#include "tests/support/server_side_apply.h"

namespace kc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Changes = std::vector<std::pair<std::string, Json>>;  // (event type, object) for controllers

const char* kJson = "application/json";
const char* kAggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

// An API error on its way to becoming a Status response (HTTP) or a std::runtime_error (direct access).
struct ApiError : std::runtime_error {
    ApiError(int code, std::string reason, const std::string& message, Json details = nullptr)
        : std::runtime_error(message), code(code), reason(std::move(reason)), details(std::move(details)) {}
    int code;
    std::string reason;
    Json details;
};

Json statusBody(int code, const std::string& reason, const std::string& message, const Json& details) {
    Json s{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
           {"message", message}, {"reason", reason}};
    if (!details.is_null()) s["details"] = details;
    s["code"] = code;
    return s;
}

std::string qualified(const ResourceType& t) { return t.group.empty() ? t.plural : t.plural + "." + t.group; }

Json details(const ResourceType& t, const std::string& name) {
    Json d{{"name", name}};
    if (!t.group.empty()) d["group"] = t.group;
    d["kind"] = t.plural;
    return d;
}

ApiError notFound(const ResourceType& t, const std::string& name) {
    return ApiError(404, "NotFound", qualified(t) + " \"" + name + "\" not found", details(t, name));
}

ApiError badRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }

ApiError noRoute() { return ApiError(404, "NotFound", "the server could not find the requested resource", Json::object()); }

// A POST/PUT body: JSON, or YAML when the Content-Type says so (kube-apiserver accepts both).
Json parseBody(const std::string& body, const std::string& contentType) {
    std::string type = contentType.substr(0, contentType.find(';'));
    if (type == "application/yaml") {
        auto parsed = parseYamlDocument(body, "request body");
        if (!parsed) throw ApiError(400, "BadRequest", parsed.error().message);
        return parsed->value;
    }
    Json parsed = Json::parse(body, nullptr, false);
    if (parsed.is_discarded()) throw ApiError(400, "BadRequest", "the request body is not valid JSON");
    return parsed;
}

ApiError invalid(const ResourceType& t, const std::string& name, const std::string& message) {
    return ApiError(422, "Invalid", t.kind + " \"" + name + "\" is invalid: " + message, details(t, name));
}

std::string nowRfc3339() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::mt19937_64& rng() {
    thread_local std::mt19937_64 engine(std::random_device{}());
    return engine;
}

std::string newUid() {
    std::uniform_int_distribution<int> hex(0, 15);
    std::string uid;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) uid += '-';
        uid += "0123456789abcdef"[hex(rng())];
    }
    return uid;
}

std::string randomSuffix() {
    // The alphabet kube-apiserver uses for generateName (no vowels, no confusable characters).
    static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::uniform_int_distribution<int> pick(0, 26);
    std::string s;
    for (int i = 0; i < 5; ++i) s += alphabet[pick(rng())];
    return s;
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string urlDecode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hexDigit(s[i + 1]) >= 0 && hexDigit(s[i + 2]) >= 0) {
            out += static_cast<char>(hexDigit(s[i + 1]) * 16 + hexDigit(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parseQuery(const std::string& query) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start <= query.size()) {
        size_t amp = query.find('&', start);
        std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        if (!pair.empty()) {
            size_t eq = pair.find('=');
            out[urlDecode(pair.substr(0, eq))] = eq == std::string::npos ? "" : urlDecode(pair.substr(eq + 1));
        }
        if (amp == std::string::npos) break;
        start = amp + 1;
    }
    return out;
}

bool truthy(const std::map<std::string, std::string>& q, const std::string& key) {
    auto it = q.find(key);
    return it != q.end() && (it->second == "true" || it->second == "1" || it->second == "True");
}

std::string param(const std::map<std::string, std::string>& q, const std::string& key) {
    auto it = q.find(key);
    return it == q.end() ? std::string() : it->second;
}

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> segs;
    size_t start = 0;
    while (start < path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash > start) segs.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segs;
}

std::string mediaType(const std::string& contentType) {
    std::string t = lower(contentType.substr(0, contentType.find(';')));
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    return t;
}

// Accept negotiation for discovery: the first entry we can serve wins. v2beta1 is not served (clients fall back).
bool wantsAggregated(const std::string& accept) {
    size_t start = 0;
    while (start <= accept.size()) {
        size_t comma = accept.find(',', start);
        std::string entry = lower(accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        entry.erase(std::remove(entry.begin(), entry.end(), ' '), entry.end());
        if (entry.find("as=apigroupdiscoverylist") != std::string::npos) {
            std::string tail = entry + ";";
            if (tail.find("v=v2;") != std::string::npos && tail.find("g=apidiscovery.k8s.io;") != std::string::npos)
                return true;
        } else if (!entry.empty()) {
            return false;
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return false;
}

bool wantsTable(const std::string& accept) {
    std::string a = lower(accept);
    a.erase(std::remove(a.begin(), a.end(), ' '), a.end());
    return a.find("as=table") != std::string::npos && a.find("g=meta.k8s.io") != std::string::npos &&
           a.find("v=v1") != std::string::npos;
}

std::string hexEncode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        out += "0123456789abcdef"[c >> 4];
        out += "0123456789abcdef"[c & 15];
    }
    return out;
}

std::optional<std::string> hexDecode(const std::string& s) {
    if (s.size() % 2) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < s.size(); i += 2) {
        int hi = hexDigit(s[i]), lo = hexDigit(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string metaString(const Json& object, const char* key) {
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return {};
    const Json& m = object["metadata"];
    return m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : std::string();
}

Json labelsOf(const Json& object) {
    if (object.contains("metadata") && object["metadata"].contains("labels")) return object["metadata"]["labels"];
    return nullptr;
}

std::string humanAge(const std::string& timestamp) {
    std::tm tm{};
    if (std::sscanf(timestamp.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec) != 6)
        return "<unknown>";
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    long seconds = static_cast<long>(std::difftime(std::time(nullptr), timegm(&tm)));
    if (seconds < 0) seconds = 0;
    if (seconds < 120) return std::to_string(seconds) + "s";
    if (seconds < 3 * 3600) return std::to_string(seconds / 60) + "m";
    if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds / 86400) + "d";
}

// Removes strategic-merge-patch directives ("$patch", "$setElementOrder/...", "$retainKeys", ...): the double
// applies strategic merge patches as JSON merge patches (lists are replaced, not merged by key).
void stripDirectives(Json& patch) {
    if (patch.is_object()) {
        for (auto it = patch.begin(); it != patch.end();) {
            if (!it.key().empty() && it.key()[0] == '$')
                it = patch.erase(it);
            else {
                stripDirectives(it.value());
                ++it;
            }
        }
    } else if (patch.is_array()) {
        for (auto& e : patch) stripDirectives(e);
    }
}

// Object without the parts whose change does not bump metadata.generation.
Json specPart(const Json& object, bool hasStatus) {
    Json copy = object;
    copy.erase("metadata");
    if (hasStatus) copy.erase("status");
    return copy;
}

// For "is this write a no-op": resourceVersion and managedFields timestamps do not count.
Json comparable(Json object) {
    if (object.contains("metadata")) {
        object["metadata"].erase("resourceVersion");
        if (object["metadata"].contains("managedFields"))
            for (auto& e : object["metadata"]["managedFields"]) e.erase("time");
    }
    return object;
}

// Wraps an exchange to put every request into the request log the moment it is answered.
class RecordingExchange : public HttpExchange {
public:
    RecordingExchange(HttpExchange& inner, std::function<void(const RecordedRequest&)> sink, RecordedRequest base)
        : inner_(inner), sink_(std::move(sink)), record_(std::move(base)) {}
    ~RecordingExchange() override { note(inner_.status()); }

    void setUser(const std::string& user) { record_.user = user; }
    void respond(int status, const HeaderList& headers, const std::string& body) override {
        note(status);
        inner_.respond(status, headers, body);
    }
    bool startStream(int status, const HeaderList& headers) override {
        note(status);
        return inner_.startStream(status, headers);
    }
    bool writeChunk(std::string_view data) override { return inner_.writeChunk(data); }
    void endStream() override { inner_.endStream(); }
    void resetConnection() override {
        note(0);
        inner_.resetConnection();
    }
    void abandon() override {
        note(0);
        inner_.abandon();
    }
    bool clientGone() override { return inner_.clientGone(); }
    bool stopping() const override { return inner_.stopping(); }
    int status() const override { return inner_.status(); }

private:
    void note(int status) {
        if (noted_) return;
        noted_ = true;
        record_.status = status;
        sink_(record_);
    }
    HttpExchange& inner_;
    std::function<void(const RecordedRequest&)> sink_;
    RecordedRequest record_;
    bool noted_ = false;
};

struct WriteContext {
    bool http = false;           // HTTP writes apply the status-subresource strategy and record ownership
    std::string manager;         // field manager for ownership
    std::string subresource;     // "" or "status"
    bool dryRun = false;
};

// What a resource request addresses.
struct Target {
    const ResourceType* type = nullptr;
    std::string version, ns, name, subresource;
};

}  // namespace

struct ApiDouble::Impl {
    ApiDouble* self = nullptr;
    ApiDoubleOptions options;
    std::unique_ptr<HttpsServer> server;

    mutable std::mutex mu;
    std::condition_variable changed;  // store, logs or stopping changed
    std::atomic<bool> stopping{false};
    std::vector<ResourceType> types;
    ObjectStore store{1000};
    uint64_t continueEpoch = 1;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> logs;
    std::vector<FaultRule> faults;
    std::vector<std::string> tokens;
    std::vector<RecordedRequest> recorded;
    std::vector<Controller> controllers;
    std::map<std::tuple<std::string, std::string, std::string>, ServiceProxyHandler> proxies;  // (ns, service, port)
    bool proxyDenied = false;

    // Scheduler: delayed CRD establishment and ApiDouble::schedule actions.
    std::mutex scheduleMu;
    std::condition_variable scheduleCv;
    std::multimap<Clock::time_point, std::function<void(ApiDouble&)>> tasks;
    std::thread scheduler;

    // ---- store logic (mu held) ----
    // Resource types are passed by value: registering or removing a CRD reallocates `types`.
    const ResourceType* typeFor(const std::string& group, const std::string& version, const std::string& plural) const {
        for (const auto& t : types)
            if (t.group == group && t.plural == plural && t.servesVersion(version)) return &t;
        return nullptr;
    }
    const ResourceType* typeForKind(const std::string& apiVersion, const std::string& kind, std::string& version) const {
        size_t slash = apiVersion.find('/');
        std::string group = slash == std::string::npos ? "" : apiVersion.substr(0, slash);
        version = slash == std::string::npos ? apiVersion : apiVersion.substr(slash + 1);
        for (const auto& t : types)
            if (t.group == group && t.kind == kind && t.servesVersion(version)) return &t;
        return nullptr;
    }
    const ResourceType* typeByKey(const std::string& key) const {
        for (const auto& t : types)
            if (t.key() == key) return &t;
        return nullptr;
    }

    Json present(const ResourceType& t, const std::string& version, Json object) const {
        object["apiVersion"] = t.apiVersion(version);
        object["kind"] = t.kind;
        return object;
    }

    void emit(Changes& changes, const ResourceType& t, const std::string& type, const Json& object) {
        changes.emplace_back(type, present(t, t.version, object));
        changed.notify_all();
    }

    void requireNamespace(const std::string& ns) const {
        if (!store.find("/namespaces", "", ns)) {
            ResourceType nsType;
            nsType.plural = "namespaces";
            throw ApiError(404, "NotFound", "namespaces \"" + ns + "\" not found", details(nsType, ns));
        }
    }

    Json createL(ResourceType t, const std::string& version, Json object, const WriteContext& ctx,
                 Changes& changes) {
        if (!object.is_object()) throw badRequest("the request body must be a JSON object");
        if (object.contains("kind") && object["kind"] != t.kind)
            throw badRequest("the kind \"" + object["kind"].dump() + "\" does not match the resource " + t.kind);
        if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = Json::object();
        // No references into `object` are kept: ordered_json moves its members when keys are added.
        std::string ns = metaString(object, "namespace");
        if (t.namespaced) {
            if (ns.empty()) ns = "default";
            object["metadata"]["namespace"] = ns;
        } else {
            object["metadata"].erase("namespace");
            ns.clear();
        }
        std::string name = metaString(object, "name");
        if (name.empty()) {
            std::string prefix = metaString(object, "generateName");
            if (prefix.empty()) throw invalid(t, "", "metadata.name: Required value: name or generateName is required");
            do name = prefix + randomSuffix();
            while (store.find(t.key(), ns, name));
            object["metadata"]["name"] = name;
        }
        if (t.namespaced) {
            requireNamespace(ns);
            if (store.find("/namespaces", "", ns)->at("metadata").contains("deletionTimestamp"))
                throw ApiError(403, "Forbidden",
                               qualified(t) + " \"" + name + "\" is forbidden: unable to create new content in namespace " +
                                   ns + " because it is being terminated",
                               details(t, name));
        }
        if (store.find(t.key(), ns, name))
            throw ApiError(409, "AlreadyExists", qualified(t) + " \"" + name + "\" already exists", details(t, name));
        object["apiVersion"] = t.apiVersion(version);
        object["kind"] = t.kind;
        object["metadata"]["uid"] = newUid();
        object["metadata"]["creationTimestamp"] = nowRfc3339();
        object["metadata"]["generation"] = 1;
        object["metadata"].erase("resourceVersion");
        object["metadata"].erase("deletionTimestamp");
        if (ctx.http && t.hasSubresource("status") && t.kind != "Node") object.erase("status");
        if (t.key() == "/pods" && !object.contains("status")) object["status"] = Json{{"phase", "Pending"}};
        if (t.key() == "/namespaces" && !object.contains("status")) object["status"] = Json{{"phase", "Active"}};
        bool establishNow = false;
        if (t.key() == "apiextensions.k8s.io/customresourcedefinitions")
            establishNow = prepareCrd(t, object);
        if (ctx.http && !ctx.manager.empty())
            recordUpdateOwnership(nullptr, object, ctx.manager, t.apiVersion(version), ctx.subresource, nowRfc3339());
        if (ctx.http) validateCustomL(t, version, object);
        if (ctx.dryRun) return object;
        Json stored = store.put(t.key(), object, "ADDED");
        emit(changes, t, "ADDED", stored);
        if (establishNow) registerCrd(stored);
        else if (t.key() == "apiextensions.k8s.io/customresourcedefinitions") scheduleEstablish(stored);
        return present(t, version, stored);
    }

    // HTTP writes of a custom resource are checked against the version's openAPIV3Schema (crd_schema.h); direct
    // access stays unchecked so tests can arrange any state. A 422 Invalid lists every violation as a cause.
    void validateCustomL(const ResourceType& t, const std::string& version, const Json& object) const {
        if (!t.custom) return;
        const Json* crd = store.find("apiextensions.k8s.io/customresourcedefinitions", "", t.plural + "." + t.group);
        if (!crd || !crd->contains("spec") || !(*crd)["spec"].contains("versions")) return;
        for (const auto& v : (*crd)["spec"]["versions"]) {
            if (v.value("name", "") != version || !v.contains("schema") || !v["schema"].contains("openAPIV3Schema")) continue;
            auto violations = validateCustomResource(v["schema"]["openAPIV3Schema"], object);
            if (violations.empty()) return;
            std::string name = metaString(object, "name"), message;
            Json d = details(t, name);
            d["kind"] = t.kind;
            d["causes"] = Json::array();
            for (size_t i = 0; i < violations.size(); ++i) {
                message += (i ? ", " : "") + violations[i].message;
                d["causes"].push_back(Json{{"reason", "FieldValueInvalid"}, {"message", violations[i].message},
                                           {"field", violations[i].field}});
            }
            if (violations.size() > 1) message = "[" + message + "]";
            throw ApiError(422, "Invalid", t.kind + "." + t.group + " \"" + name + "\" is invalid: " + message, d);
        }
    }

    // Validates a CRD and fills its status; returns true when it is Established at once (no delay).
    bool prepareCrd(const ResourceType& t, Json& crd) {
        const Json& spec = crd.value("spec", Json::object());
        std::string name = metaString(crd, "name");
        std::string group = spec.value("group", "");
        Json names = spec.value("names", Json::object());
        std::string plural = names.value("plural", "");
        if (group.empty() || plural.empty() || names.value("kind", "").empty())
            throw invalid(t, name, "spec.group, spec.names.plural and spec.names.kind are required");
        if (name != plural + "." + group) throw invalid(t, name, "metadata.name: must be spec.names.plural+\".\"+spec.group");
        if (!spec.contains("versions") || !spec["versions"].is_array() || spec["versions"].empty())
            throw invalid(t, name, "spec.versions: Required value");
        std::string scope = spec.value("scope", "");
        if (scope != "Namespaced" && scope != "Cluster")
            throw invalid(t, name, "spec.scope: Unsupported value: \"" + scope + "\"");
        if (!names.contains("singular")) names["singular"] = lower(names.value("kind", ""));
        if (!names.contains("listKind")) names["listKind"] = names.value("kind", "") + "List";
        Json stored = Json::array();
        for (const auto& v : spec["versions"])
            if (v.value("storage", false)) stored.push_back(v.value("name", ""));
        std::string now = nowRfc3339();
        Json conditions = Json::array();
        conditions.push_back(Json{{"type", "NamesAccepted"}, {"status", "True"}, {"lastTransitionTime", now},
                                  {"reason", "NoConflicts"}, {"message", "no conflicts found"}});
        bool now0 = options.crdEstablishDelay.count() == 0;
        if (now0)
            conditions.push_back(Json{{"type", "Established"}, {"status", "True"}, {"lastTransitionTime", now},
                                      {"reason", "InitialNamesAccepted"}, {"message", "the initial names have been accepted"}});
        crd["status"] = Json{{"conditions", conditions}, {"acceptedNames", names}, {"storedVersions", stored}};
        return now0;
    }

    static bool crdEstablished(const Json& crd) {
        if (!crd.contains("status") || !crd["status"].contains("conditions")) return false;
        for (const auto& c : crd["status"]["conditions"])
            if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
        return false;
    }

    void registerCrd(const Json& crd) {
        const Json& spec = crd["spec"];
        const Json& names = spec["names"];
        ResourceType t;
        t.group = spec.value("group", "");
        t.kind = names.value("kind", "");
        t.plural = names.value("plural", "");
        t.singular = names.value("singular", lower(t.kind));
        t.namespaced = spec.value("scope", "") == "Namespaced";
        if (names.contains("shortNames")) t.shortNames = names["shortNames"].get<std::vector<std::string>>();
        if (names.contains("categories")) t.categories = names["categories"].get<std::vector<std::string>>();
        t.custom = true;
        for (const auto& v : spec["versions"]) {
            if (!v.value("served", true)) continue;
            std::string vn = v.value("name", "");
            t.versions.push_back(vn);
            if (v.value("storage", false) || t.version.empty()) t.version = vn;
            if (v.contains("subresources") && v["subresources"].contains("status") && !t.hasSubresource("status"))
                t.subresources.push_back("status");
        }
        if (t.versions.empty()) return;
        types.erase(std::remove_if(types.begin(), types.end(), [&](const ResourceType& o) { return o.key() == t.key(); }),
                    types.end());
        types.push_back(std::move(t));
    }

    void scheduleEstablish(const Json& crd) {
        std::string name = metaString(crd, "name"), uid = metaString(crd, "uid");
        addTask(options.crdEstablishDelay, [name, uid](ApiDouble& d) {
            Changes changes;
            {
                std::lock_guard lock(d.impl_->mu);
                d.impl_->establishL(name, uid, changes);
            }
            d.impl_->runControllers(changes);
        });
    }

    void establishL(const std::string& name, const std::string& uid, Changes& changes) {
        const ResourceType crdType = *typeByKey("apiextensions.k8s.io/customresourcedefinitions");
        const Json* found = store.find(crdType.key(), "", name);
        if (!found || metaString(*found, "uid") != uid || crdEstablished(*found)) return;
        Json crd = *found;
        crd["status"]["conditions"].push_back(Json{{"type", "Established"}, {"status", "True"},
                                                   {"lastTransitionTime", nowRfc3339()}, {"reason", "InitialNamesAccepted"},
                                                   {"message", "the initial names have been accepted"}});
        Json stored = store.put(crdType.key(), crd, "MODIFIED");
        registerCrd(stored);
        emit(changes, crdType, "MODIFIED", stored);
    }

    // Applies the write strategy for PUT-like writes and commits; `incoming` is the full new object.
    Json updateL(ResourceType t, const std::string& version, Json incoming, const WriteContext& ctx,
                 Changes& changes) {
        if (!incoming.is_object()) throw badRequest("the request body must be a JSON object");
        if (incoming.contains("kind") && incoming["kind"] != t.kind)
            throw badRequest("the kind \"" + incoming["kind"].dump() + "\" does not match the resource " + t.kind);
        std::string ns = t.namespaced ? metaString(incoming, "namespace") : "";
        if (t.namespaced && ns.empty()) ns = "default";
        std::string name = metaString(incoming, "name");
        const Json* current = store.find(t.key(), ns, name);
        if (!current) throw notFound(t, name);
        Json old = *current;
        std::string rv = metaString(incoming, "resourceVersion");
        if (!rv.empty() && rv != metaString(old, "resourceVersion"))
            throw ApiError(409, "Conflict",
                           "Operation cannot be fulfilled on " + qualified(t) + " \"" + name +
                               "\": the object has been modified; please apply your changes to the latest version and "
                               "try again",
                           details(t, name));
        Json next;
        if (ctx.subresource == "status") {
            next = old;
            if (incoming.contains("status")) next["status"] = incoming["status"];
            else next.erase("status");
        } else {
            next = incoming;
            if (!next.contains("metadata") || !next["metadata"].is_object()) next["metadata"] = Json::object();
            if (ctx.http && t.hasSubresource("status")) {
                if (old.contains("status")) next["status"] = old["status"];
                else next.erase("status");
            }
            for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                                  "generation", "managedFields"}) {
                if (old["metadata"].contains(k)) next["metadata"][k] = old["metadata"][k];
                else next["metadata"].erase(k);
            }
            if (incoming["metadata"].contains("managedFields") && !ctx.http)
                next["metadata"]["managedFields"] = incoming["metadata"]["managedFields"];
            next["metadata"]["name"] = name;
            if (t.namespaced) next["metadata"]["namespace"] = ns;
        }
        next["apiVersion"] = t.apiVersion(version);
        next["kind"] = t.kind;
        if (ctx.http && !ctx.manager.empty())
            recordUpdateOwnership(present(t, version, old), next, ctx.manager, t.apiVersion(version), ctx.subresource,
                                  nowRfc3339());
        return commitL(t, version, old, std::move(next), ctx, changes);
    }

    // Generation, no-op detection, finalizer completion, storage and events.
    Json commitL(ResourceType t, const std::string& version, const Json& old, Json next, const WriteContext& ctx,
                 Changes& changes) {
        // Identity never changes through a write (and decides where the store keeps the object).
        next["metadata"]["name"] = old["metadata"]["name"];
        if (t.namespaced) next["metadata"]["namespace"] = old["metadata"]["namespace"];
        else next["metadata"].erase("namespace");
        bool hasStatus = t.hasSubresource("status");
        if (specPart(present(t, version, old), hasStatus) != specPart(next, hasStatus))
            next["metadata"]["generation"] = old["metadata"].value("generation", 1) + 1;
        next["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"];
        if (comparable(present(t, version, old)) == comparable(next)) return present(t, version, old);
        if (ctx.http) validateCustomL(t, version, next);
        if (ctx.dryRun) return next;
        std::string ns = metaString(old, "namespace"), name = metaString(old, "name");
        bool finalizersLeft = next["metadata"].contains("finalizers") && !next["metadata"]["finalizers"].empty();
        if (next["metadata"].contains("deletionTimestamp") && !finalizersLeft) {
            store.put(t.key(), next, "MODIFIED");
            return present(t, version, removeNowL(t, ns, name, "Background", changes));
        }
        Json stored = store.put(t.key(), next, "MODIFIED");
        emit(changes, t, "MODIFIED", stored);
        if (t.key() == "apiextensions.k8s.io/customresourcedefinitions" && crdEstablished(stored)) registerCrd(stored);
        return present(t, version, stored);
    }

    Json deleteL(ResourceType t, const std::string& ns, const std::string& name, const std::string& propagation,
                 const Json& preconditions, bool dryRun, Changes& changes) {
        const Json* current = store.find(t.key(), ns, name);
        if (!current) throw notFound(t, name);
        if (preconditions.is_object()) {
            std::string uid = preconditions.value("uid", ""), rv = preconditions.value("resourceVersion", "");
            if ((!uid.empty() && uid != metaString(*current, "uid")) ||
                (!rv.empty() && rv != metaString(*current, "resourceVersion")))
                throw ApiError(409, "Conflict",
                               "Operation cannot be fulfilled on " + qualified(t) + " \"" + name +
                                   "\": the precondition does not match",
                               details(t, name));
        }
        if (dryRun) return *current;
        if (current->contains("metadata") && (*current)["metadata"].contains("finalizers") &&
            !(*current)["metadata"]["finalizers"].empty()) {
            if ((*current)["metadata"].contains("deletionTimestamp")) return *current;
            Json next = *current;
            next["metadata"]["deletionTimestamp"] = nowRfc3339();
            next["metadata"]["deletionGracePeriodSeconds"] = 0;
            Json stored = store.put(t.key(), next, "MODIFIED");
            emit(changes, t, "MODIFIED", stored);
            return stored;
        }
        if (t.key() == "/namespaces") {
            // Like kube-apiserver, a namespace first turns Terminating; its content goes shortly after, so a
            // client deleting a namespace and the objects in it (kubectl delete -f) finds them still there.
            if ((*current)["metadata"].contains("deletionTimestamp")) return *current;
            Json next = *current;
            next["metadata"]["deletionTimestamp"] = nowRfc3339();
            next["status"] = Json{{"phase", "Terminating"}};
            Json stored = store.put(t.key(), next, "MODIFIED");
            emit(changes, t, "MODIFIED", stored);
            std::string uid = metaString(stored, "uid");
            addTask(std::chrono::milliseconds(100), [name, uid](ApiDouble& d) {
                Changes later;
                {
                    std::lock_guard lock(d.impl_->mu);
                    const ResourceType* nsType = d.impl_->typeByKey("/namespaces");
                    const Json* still = d.impl_->store.find("/namespaces", "", name);
                    if (nsType && still && metaString(*still, "uid") == uid)
                        d.impl_->removeNowL(*nsType, "", name, "Background", later);
                }
                d.impl_->runControllers(later);
            });
            return stored;
        }
        return removeNowL(t, ns, name, propagation, changes);
    }

    // Removes an object now, then its dependents (by ownerReferences) unless orphaned, then type-specific cleanup.
    Json removeNowL(ResourceType t, const std::string& ns, const std::string& name, const std::string& propagation,
                    Changes& changes) {
        Json removed = store.erase(t.key(), ns, name);
        if (removed.is_null()) return removed;
        emit(changes, t, "DELETED", removed);
        std::string uid = metaString(removed, "uid");
        // Dependents: Background and Foreground both delete them (Foreground is simplified: not waited for).
        for (const std::string& key : store.typeKeys()) {
            const ResourceType* found = typeByKey(key);
            if (!found) continue;
            const ResourceType dependentType = *found;  // deleting a dependent CRD would move `types`
            const ResourceType* dt = &dependentType;
            std::vector<Json> owned;
            for (const Json* o : store.list(key, ""))
                if (o->contains("metadata") && (*o)["metadata"].contains("ownerReferences"))
                    for (const auto& ref : (*o)["metadata"]["ownerReferences"])
                        if (ref.value("uid", "") == uid) owned.push_back(*o);
            for (Json& o : owned) {
                if (propagation == "Orphan") {
                    Json& refs = o["metadata"]["ownerReferences"];
                    Json kept = Json::array();
                    for (const auto& ref : refs)
                        if (ref.value("uid", "") != uid) kept.push_back(ref);
                    if (kept.empty()) o["metadata"].erase("ownerReferences");
                    else refs = kept;
                    Json stored = store.put(key, o, "MODIFIED");
                    emit(changes, *dt, "MODIFIED", stored);
                } else if (store.find(key, metaString(o, "namespace"), metaString(o, "name"))) {
                    deleteL(*dt, metaString(o, "namespace"), metaString(o, "name"), "Background", nullptr, false, changes);
                }
            }
        }
        if (t.key() == "/namespaces") {
            // Simplified namespace termination: everything in it goes at once.
            for (const std::string& key : store.typeKeys()) {
                const ResourceType* dt = typeByKey(key);
                if (!dt || !dt->namespaced) continue;
                std::vector<std::string> names;
                for (const Json* o : store.list(key, name)) names.push_back(metaString(*o, "name"));
                for (const auto& n : names) {
                    Json gone = store.erase(key, name, n);
                    if (!gone.is_null()) emit(changes, *dt, "DELETED", gone);
                }
            }
        }
        if (t.key() == "apiextensions.k8s.io/customresourcedefinitions" && removed.contains("spec")) {
            std::string key = removed["spec"].value("group", "") + "/" +
                              removed["spec"].value("names", Json::object()).value("plural", "");
            if (const ResourceType* ct = typeByKey(key)) {
                ResourceType copy = *ct;
                std::vector<std::pair<std::string, std::string>> keys;
                for (const Json* o : store.list(key, "")) keys.emplace_back(metaString(*o, "namespace"), metaString(*o, "name"));
                for (const auto& [ons, oname] : keys) {
                    Json gone = store.erase(key, ons, oname);
                    if (!gone.is_null()) emit(changes, copy, "DELETED", gone);
                }
                types.erase(std::remove_if(types.begin(), types.end(), [&](const ResourceType& o) { return o.key() == key; }),
                            types.end());
            }
        }
        return removed;
    }

    // ---- controllers and scheduling ----
    void runControllers(const Changes& changes) {
        if (changes.empty()) return;
        std::vector<Controller> copy;
        {
            std::lock_guard lock(mu);
            copy = controllers;
        }
        for (const auto& [type, object] : changes)
            for (auto& c : copy) c(*self, type, object);
    }

    void addTask(std::chrono::milliseconds delay, std::function<void(ApiDouble&)> action) {
        std::lock_guard lock(scheduleMu);
        if (stopping) return;
        tasks.emplace(Clock::now() + delay, std::move(action));
        scheduleCv.notify_all();
    }

    void schedulerLoop() {
        std::unique_lock lock(scheduleMu);
        while (!stopping) {
            if (tasks.empty()) {
                scheduleCv.wait(lock);
                continue;
            }
            auto due = tasks.begin()->first;
            if (Clock::now() < due) {
                scheduleCv.wait_until(lock, due);
                continue;
            }
            auto action = std::move(tasks.begin()->second);
            tasks.erase(tasks.begin());
            lock.unlock();
            try {
                action(*self);
            } catch (const std::exception&) {
                // A scripted action failing (e.g. the object is gone) must not take the double down.
            }
            lock.lock();
        }
    }

    // ---- HTTP ----
    void handle(const HttpRequest& request, HttpExchange& inner);
    void route(const HttpRequest& request, RecordingExchange& ex, const std::string& user);
    void serveResource(const HttpRequest& request, RecordingExchange& ex, const Target& target, const std::string& user);
    void serveList(const HttpRequest& request, RecordingExchange& ex, const Target& target);
    void serveWatch(const HttpRequest& request, RecordingExchange& ex, const Target& target);
    void servePatch(const HttpRequest& request, RecordingExchange& ex, const Target& target, const std::string& user);
    void serveLog(const HttpRequest& request, RecordingExchange& ex, const Target& target);
    bool serveServiceProxy(const HttpRequest& request, RecordingExchange& ex, const std::string& user);
    void serveScale(const HttpRequest& request, RecordingExchange& ex, const Target& target);
    void serveReview(const HttpRequest& request, RecordingExchange& ex, const Target& target);
    bool applyFault(const FaultRule& rule, RecordingExchange& ex);
    Json table(const ResourceType& t, const std::vector<Json>& objects, const std::string& includeObject,
               const std::string& resourceVersion) const;

    static void sendJson(HttpExchange& ex, int code, const Json& body, const std::string& contentType = kJson) {
        ex.respond(code, {{"Content-Type", contentType}, {"Cache-Control", "no-cache, private"}}, body.dump());
    }
    static void sendError(HttpExchange& ex, const ApiError& e, HeaderList extra = {}) {
        extra.emplace_back("Content-Type", kJson);
        ex.respond(e.code, extra, statusBody(e.code, e.reason, e.what(), e.details).dump());
    }

    std::string managerFor(const HttpRequest& request, const std::map<std::string, std::string>& q) const {
        std::string m = param(q, "fieldManager");
        if (!m.empty()) return m;
        std::string agent = request.header("user-agent");
        agent = agent.substr(0, agent.find('/'));
        return agent.empty() ? "unknown" : agent;
    }
};

// ---------------- HTTP handling ----------------

bool ApiDouble::Impl::applyFault(const FaultRule& rule, RecordingExchange& ex) {
    switch (rule.kind) {
        case FaultKind::Latency: {
            auto until = Clock::now() + rule.latency;
            while (Clock::now() < until && !ex.stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return true;  // then serve normally
        }
        case FaultKind::TooManyRequests: {
            Json d{{"retryAfterSeconds", rule.retryAfterSeconds}};
            sendError(ex, ApiError(429, "TooManyRequests", "Too many requests, please try again later.", d),
                      {{"Retry-After", std::to_string(rule.retryAfterSeconds)}});
            return false;
        }
        case FaultKind::InternalError:
            sendError(ex, ApiError(500, "InternalError", "Internal error occurred: injected fault", Json{{"causes", Json::array()}}));
            return false;
        case FaultKind::Gone:
            sendError(ex, ApiError(410, "Expired", "The resourceVersion for the provided request is too old."));
            return false;
        case FaultKind::ConnectionReset:
            ex.resetConnection();
            return false;
        case FaultKind::Hang:
            while (!ex.stopping() && !ex.clientGone()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ex.abandon();
            return false;
        case FaultKind::HangMidBody:
            if (ex.startStream(200, {{"Content-Type", kJson}}))
                ex.writeChunk(R"({"apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":)");
            while (!ex.stopping() && !ex.clientGone()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ex.abandon();
            return false;
    }
    return true;
}

void ApiDouble::Impl::handle(const HttpRequest& request, HttpExchange& inner) {
    RecordedRequest base{request.method, request.target, "", request.header("content-type"), request.header("accept"), 0};
    RecordingExchange ex(inner, [this](const RecordedRequest& r) {
        std::lock_guard lock(mu);
        recorded.push_back(r);
    }, base);
    try {
        std::optional<FaultRule> fault;
        {
            std::lock_guard lock(mu);
            for (auto it = faults.begin(); it != faults.end(); ++it) {
                if (!it->method.empty() && it->method != request.method) continue;
                if (!it->pathContains.empty() && request.target.find(it->pathContains) == std::string::npos) continue;
                fault = *it;
                if (it->times > 0 && --it->times == 0) faults.erase(it);
                break;
            }
        }
        // Authentication: a verified client certificate first (user = CN), then a bearer token.
        std::string user = request.clientCertCn;
        if (user.empty()) {
            std::string auth = request.header("authorization");
            if (auth.rfind("Bearer ", 0) == 0) {
                std::string token = auth.substr(7);
                std::lock_guard lock(mu);
                if (std::find(tokens.begin(), tokens.end(), token) != tokens.end()) user = "token-user";
            }
        }
        ex.setUser(user);
        if (fault && !applyFault(*fault, ex)) return;
        // As on a real server, credentials that fail authentication get 401 on every path, even the public ones
        // (/version, /healthz) that anonymous requests may read.
        if (user.empty() && !request.header("authorization").empty())
            throw ApiError(401, "Unauthorized", "Unauthorized");
        route(request, ex, user);
    } catch (const ApiError& e) {
        if (ex.status() == 0) sendError(ex, e);
    } catch (const Json::exception& e) {
        if (ex.status() == 0) sendError(ex, badRequest(std::string("malformed request: ") + e.what()));
    }
}

void ApiDouble::Impl::route(const HttpRequest& request, RecordingExchange& ex, const std::string& user) {
    std::string path = request.path;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const std::string accept = request.header("accept");
    if (path == "/healthz" || path == "/readyz" || path == "/livez" || path.rfind("/healthz/", 0) == 0) {
        ex.respond(200, {{"Content-Type", "text/plain; charset=utf-8"}}, "ok");
        return;
    }
    if (path == "/version") {
        std::string v = options.gitVersion;
        std::string major, minor;
        if (v.size() > 1 && v[0] == 'v') {
            size_t dot1 = v.find('.'), dot2 = v.find('.', dot1 + 1);
            major = v.substr(1, dot1 - 1);
            minor = v.substr(dot1 + 1, dot2 == std::string::npos ? std::string::npos : dot2 - dot1 - 1);
        }
        sendJson(ex, 200, Json{{"major", major}, {"minor", minor}, {"gitVersion", v},
                               {"gitCommit", "0000000000000000000000000000000000000000"}, {"gitTreeState", "clean"},
                               {"buildDate", "2025-01-01T00:00:00Z"}, {"goVersion", "go1.23.6"},
                               {"compiler", "gc"}, {"platform", "linux/amd64"}});
        return;
    }
    // Like a cluster without anonymous access: everything else needs a user.
    if (user.empty()) throw ApiError(401, "Unauthorized", "Unauthorized");
    if (request.method != "GET" && (path == "/api" || path == "/apis" || path.rfind("/openapi", 0) == 0))
        throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    if (path == "/openapi/v3") {
        sendJson(ex, 200, Json{{"paths", Json::object()}});
        return;
    }
    if (serveServiceProxy(request, ex, user)) return;
    std::unique_lock lock(mu);
    if (path == "/api" || path == "/apis") {
        bool core = path == "/api";
        if (options.aggregatedDiscovery && wantsAggregated(accept)) {
            Json doc = aggregatedDiscovery(types, core);
            lock.unlock();
            sendJson(ex, 200, doc, kAggregatedContentType);
        } else {
            Json doc = core ? discoveryApiVersions("127.0.0.1:" + std::to_string(server->port())) : discoveryGroupList(types);
            lock.unlock();
            sendJson(ex, 200, doc);
        }
        return;
    }
    std::vector<std::string> segs = splitPath(path);
    std::string group, version;
    std::vector<std::string> rest;
    if (segs.size() >= 2 && segs[0] == "api") {
        version = segs[1];
        rest.assign(segs.begin() + 2, segs.end());
    } else if (segs.size() >= 2 && segs[0] == "apis") {
        group = segs[1];
        if (segs.size() == 2) {
            Json g = discoveryGroup(types, group);
            lock.unlock();
            if (g.is_null() || request.method != "GET") throw noRoute();
            g["kind"] = "APIGroup";
            g["apiVersion"] = "v1";
            sendJson(ex, 200, g);
            return;
        }
        version = segs[2];
        rest.assign(segs.begin() + 3, segs.end());
    } else {
        throw noRoute();
    }
    if (rest.empty()) {
        Json list = discoveryResourceList(types, group, version);
        lock.unlock();
        if (list.is_null() || request.method != "GET")
            throw noRoute();
        sendJson(ex, 200, list);
        return;
    }
    Target target;
    target.version = version;
    std::string plural;
    if (rest[0] == "namespaces" && rest.size() >= 3 && !(rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize"))) {
        target.ns = rest[1];
        plural = rest[2];
        if (rest.size() > 3) target.name = rest[3];
        if (rest.size() > 4) target.subresource = rest[4];
        if (rest.size() > 5) throw noRoute();
    } else {
        plural = rest[0];
        if (rest.size() > 1) target.name = rest[1];
        if (rest.size() > 2) target.subresource = rest[2];
        if (rest.size() > 3) throw noRoute();
    }
    target.type = typeFor(group, version, plural);
    if (!target.type || (!target.type->namespaced && !target.ns.empty()) ||
        (target.type->namespaced && target.ns.empty() && !target.name.empty()) ||
        (!target.subresource.empty() && !target.type->hasSubresource(target.subresource)))
        throw noRoute();
    ResourceType typeCopy = *target.type;  // CRD deletion may change `types` while a watch runs
    lock.unlock();
    target.type = &typeCopy;
    serveResource(request, ex, target, user);
}

// /api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy[/PATH]: false when the request is not for the proxy.
bool ApiDouble::Impl::serveServiceProxy(const HttpRequest& request, RecordingExchange& ex, const std::string& user) {
    std::vector<std::string> segs = splitPath(request.path);
    if (segs.size() < 7 || segs[0] != "api" || segs[1] != "v1" || segs[2] != "namespaces" || segs[4] != "services" ||
        segs[6] != "proxy")
        return false;
    ServiceProxyRequest proxied;
    proxied.method = request.method;
    proxied.ns = segs[3];
    proxied.user = user;
    // The API server splits [scheme:]name[:port] on ':': one part is a name, two are name:port, three scheme:name:port.
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        size_t colon = segs[5].find(':', start);
        parts.push_back(segs[5].substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (parts.size() > 3) throw badRequest("invalid service request \"" + segs[5] + "\"");
    if (parts.size() == 3) proxied.scheme = parts[0];
    proxied.service = parts.size() == 3 ? parts[1] : parts[0];
    if (parts.size() >= 2) proxied.port = parts.back();
    // What follows /proxy, as sent (still encoded), with the query.
    const std::string marker = "/" + segs[5] + "/proxy";
    size_t at = request.target.find(marker);
    std::string rest = at == std::string::npos ? "" : request.target.substr(at + marker.size());
    if (rest.empty() || rest.front() == '?') rest = "/" + rest;
    proxied.path = rest;

    ServiceProxyHandler handler;
    {
        std::lock_guard lock(mu);
        if (proxyDenied)
            throw ApiError(403, "Forbidden",
                           "services \"" + proxied.service + "\" is forbidden: User \"" + user +
                               "\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"" +
                               proxied.ns + "\"",
                           Json{{"name", proxied.service}, {"kind", "services"}});
        const ResourceType* services = typeByKey("/services");
        if (!services || !store.find(services->key(), proxied.ns, proxied.service))
            throw ApiError(404, "NotFound", "services \"" + proxied.service + "\" not found",
                           Json{{"name", proxied.service}, {"kind", "services"}});
        auto it = proxies.find({proxied.ns, proxied.service, proxied.port});
        if (it == proxies.end()) it = proxies.find({proxied.ns, proxied.service, ""});
        if (it != proxies.end()) handler = it->second;
    }
    if (!handler)
        throw ApiError(503, "ServiceUnavailable", "no endpoints available for service \"" + proxied.service + "\"");
    ServiceProxyResponse answer;
    try {
        answer = handler(proxied);
    } catch (const std::exception& e) {
        answer = {500, std::string("the test's service handler threw: ") + e.what(), "text/plain"};
    }
    ex.respond(answer.status, {{"Content-Type", answer.contentType}}, answer.body);
    return true;
}

void ApiDouble::Impl::serveResource(const HttpRequest& request, RecordingExchange& ex, const Target& target,
                                    const std::string&) {
    const ResourceType& t = *target.type;
    auto q = parseQuery(request.query);
    std::string contentType = request.header("content-type");
    if ((request.method == "POST" || request.method == "PUT" || request.method == "PATCH") &&
        lower(contentType).find("protobuf") != std::string::npos)
        throw ApiError(415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types include: "
                       "application/json, application/yaml");
    WriteContext ctx;
    ctx.http = true;
    ctx.manager = managerFor(request, q);
    ctx.subresource = target.subresource;
    ctx.dryRun = !param(q, "dryRun").empty();
    Changes changes;
    if (target.subresource == "scale") {
        serveScale(request, ex, target);
        return;
    }
    if (t.createOnly) {
        serveReview(request, ex, target);
        return;
    }
    if (request.method == "GET") {
        if (target.name.empty()) {
            if (truthy(q, "watch")) serveWatch(request, ex, target);
            else serveList(request, ex, target);
            return;
        }
        if (target.subresource == "log") {
            serveLog(request, ex, target);
            return;
        }
        Json object;
        {
            std::lock_guard lock(mu);
            const Json* found = store.find(t.key(), target.ns, target.name);
            if (!found) throw notFound(t, target.name);
            object = present(t, target.version, *found);
        }
        if (wantsTable(request.header("accept")))
            sendJson(ex, 200, table(t, {object}, param(q, "includeObject"), metaString(object, "resourceVersion")));
        else
            sendJson(ex, 200, object);
        return;
    }
    if (request.method == "POST") {
        if (!target.name.empty()) throw ApiError(405, "MethodNotAllowed", "POST is not allowed on a named resource");
        Json body = parseBody(request.body, lower(contentType));
        if (body.is_object() && t.namespaced) {
            std::string bodyNs = metaString(body, "namespace");
            if (!bodyNs.empty() && bodyNs != target.ns)
                throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
            body["metadata"]["namespace"] = target.ns;
        }
        Json created;
        {
            std::lock_guard lock(mu);
            created = createL(t, target.version, body, ctx, changes);
        }
        runControllers(changes);
        sendJson(ex, 201, created);
        return;
    }
    if (request.method == "PUT") {
        if (target.name.empty()) throw ApiError(405, "MethodNotAllowed", "PUT needs a name");
        Json body = parseBody(request.body, lower(contentType));
        if (!body.is_object()) throw badRequest("the request body is not an object");
        if (!body.contains("metadata") || !body["metadata"].is_object()) body["metadata"] = Json::object();
        std::string bodyName = metaString(body, "name");
        if (!bodyName.empty() && bodyName != target.name)
            throw badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" +
                             target.name + ")");
        body["metadata"]["name"] = target.name;
        if (t.namespaced) body["metadata"]["namespace"] = target.ns;
        Json updated;
        {
            std::lock_guard lock(mu);
            updated = updateL(t, target.version, body, ctx, changes);
        }
        runControllers(changes);
        sendJson(ex, 200, updated);
        return;
    }
    if (request.method == "PATCH") {
        servePatch(request, ex, target, "");
        return;
    }
    if (request.method == "DELETE") {
        Json options_ = request.body.empty() ? Json::object() : Json::parse(request.body, nullptr, false);
        if (options_.is_discarded() || !options_.is_object()) throw badRequest("the DeleteOptions body is not valid JSON");
        std::string propagation = options_.value("propagationPolicy", param(q, "propagationPolicy"));
        if (propagation.empty()) propagation = "Background";
        if (propagation != "Background" && propagation != "Foreground" && propagation != "Orphan")
            throw badRequest("propagationPolicy: Unsupported value: \"" + propagation + "\"");
        bool dryRun = ctx.dryRun || options_.contains("dryRun");
        if (target.name.empty()) {
            // deletecollection
            auto labels = LabelSelector::parse(param(q, "labelSelector"));
            auto fields = FieldSelector::parse(param(q, "fieldSelector"));
            if (!labels || !fields) throw badRequest("unable to parse selector");
            Json list{{"kind", t.kind + "List"}, {"apiVersion", t.apiVersion(target.version)},
                      {"metadata", Json::object()}, {"items", Json::array()}};
            {
                std::lock_guard lock(mu);
                std::vector<std::pair<std::string, std::string>> keys;
                for (const Json* o : store.list(t.key(), target.ns))
                    if (labels->matches(labelsOf(*o)) && fields->matches(*o))
                        keys.emplace_back(metaString(*o, "namespace"), metaString(*o, "name"));
                for (const auto& [ns, name] : keys)
                    if (store.find(t.key(), ns, name))
                        list["items"].push_back(present(t, target.version,
                                                        deleteL(t, ns, name, propagation, nullptr, dryRun, changes)));
            }
            runControllers(changes);
            sendJson(ex, 200, list);
            return;
        }
        Json deleted;
        {
            std::lock_guard lock(mu);
            deleted = present(t, target.version,
                              deleteL(t, target.ns, target.name, propagation, options_.value("preconditions", Json()),
                                      dryRun, changes));
        }
        runControllers(changes);
        sendJson(ex, 200, deleted);
        return;
    }
    throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

void ApiDouble::Impl::servePatch(const HttpRequest& request, RecordingExchange& ex, const Target& target,
                                 const std::string&) {
    const ResourceType& t = *target.type;
    auto q = parseQuery(request.query);
    std::string type = mediaType(request.header("content-type"));
    WriteContext ctx;
    ctx.http = true;
    ctx.manager = managerFor(request, q);
    ctx.subresource = target.subresource;
    ctx.dryRun = !param(q, "dryRun").empty();
    if (target.name.empty()) throw ApiError(405, "MethodNotAllowed", "PATCH needs a name");
    Changes changes;
    int code = 200;
    Json result;
    if (type == "application/apply-patch+yaml") {
        std::string manager = param(q, "fieldManager");
        if (manager.empty())
            throw badRequest("PATCH requests with apply content type must have a fieldManager query parameter");
        auto parsed = parseYamlDocument(request.body, "apply patch");
        if (!parsed) throw badRequest(parsed.error().message);
        Json config = parsed->value;
        if (!config.is_object()) throw badRequest("the apply patch must be an object");
        if (!config.contains("apiVersion") || !config.contains("kind"))
            throw badRequest("apiVersion and kind must be set in an apply patch");
        if (config["kind"] != t.kind) throw badRequest("the kind in the apply patch does not match the resource");
        if (!config.contains("metadata") || !config["metadata"].is_object()) config["metadata"] = Json::object();
        std::string bodyName = metaString(config, "name");
        if (!bodyName.empty() && bodyName != target.name)
            throw badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" +
                             target.name + ")");
        config["metadata"]["name"] = target.name;
        if (t.namespaced) {
            std::string bodyNs = metaString(config, "namespace");
            if (!bodyNs.empty() && bodyNs != target.ns)
                throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
            config["metadata"]["namespace"] = target.ns;
        } else {
            config["metadata"].erase("namespace");
        }
        std::string precondition = metaString(config, "resourceVersion");
        for (const char* k : {"resourceVersion", "managedFields", "uid", "creationTimestamp", "generation",
                              "deletionTimestamp", "deletionGracePeriodSeconds"})
            config["metadata"].erase(k);
        config["apiVersion"] = t.apiVersion(target.version);
        if (target.subresource == "status") {
            Json reduced{{"apiVersion", config["apiVersion"]}, {"kind", t.kind}, {"metadata", config["metadata"]}};
            if (config.contains("status")) reduced["status"] = config["status"];
            reduced["metadata"].erase("labels");
            reduced["metadata"].erase("annotations");
            config = reduced;
        } else if (t.hasSubresource("status")) {
            config.erase("status");
        }
        bool force = truthy(q, "force");
        std::lock_guard lock(mu);
        const Json* current = store.find(t.key(), target.ns, target.name);
        if (!current && target.subresource == "status") throw notFound(t, target.name);
        if (current && !precondition.empty() && precondition != metaString(*current, "resourceVersion"))
            throw ApiError(409, "Conflict",
                           "Operation cannot be fulfilled on " + qualified(t) + " \"" + target.name +
                               "\": the object has been modified; please apply your changes to the latest version and "
                               "try again",
                           details(t, target.name));
        Json live = current ? present(t, target.version, *current) : Json();
        ApplyOutcome outcome = serverSideApply(live, config, manager, force, t.apiVersion(target.version),
                                               target.subresource, nowRfc3339());
        if (!outcome.conflicts.empty()) {
            Json d = details(t, target.name);
            d["causes"] = Json::array();
            std::string message = "Apply failed with " + std::to_string(outcome.conflicts.size()) + " conflict" +
                                  (outcome.conflicts.size() == 1 ? "" : "s") + ": ";
            for (size_t i = 0; i < outcome.conflicts.size(); ++i) {
                d["causes"].push_back(Json{{"reason", "FieldManagerConflict"},
                                           {"message", conflictMessage(outcome.conflicts[i])},
                                           {"field", outcome.conflicts[i].field}});
                message += (i ? "\n" : "") + conflictMessage(outcome.conflicts[i]);
            }
            throw ApiError(409, "Conflict", message, d);
        }
        if (!current) {
            WriteContext createCtx = ctx;
            createCtx.manager.clear();  // ownership is already in outcome.object
            result = createL(t, target.version, outcome.object, createCtx, changes);
            code = 201;
        } else {
            Json next = outcome.object;
            if (target.subresource == "status") {
                Json merged = live;
                if (next.contains("status")) merged["status"] = next["status"];
                merged["metadata"]["managedFields"] = next["metadata"].value("managedFields", Json::array());
                next = merged;
            } else if (t.hasSubresource("status")) {
                if (live.contains("status")) next["status"] = live["status"];
                else next.erase("status");
            }
            result = commitL(t, target.version, *current, next, ctx, changes);
        }
    } else {
        Json patch = Json::parse(request.body, nullptr, false);
        if (patch.is_discarded()) throw badRequest("the patch is not valid JSON");
        std::lock_guard lock(mu);
        const Json* current = store.find(t.key(), target.ns, target.name);
        if (!current) throw notFound(t, target.name);
        Json patched = present(t, target.version, *current);
        if (type == "application/json-patch+json") {
            if (!patch.is_array()) throw badRequest("a JSON patch must be an array of operations");
            try {
                patched = patched.patch(patch);
            } catch (const Json::exception& e) {
                throw invalid(t, target.name, std::string("the JSON patch could not be applied: ") + e.what());
            }
        } else if (type == "application/merge-patch+json" || type == "application/strategic-merge-patch+json") {
            // Strategic merge patch is applied as a JSON merge patch (see stripDirectives).
            if (!patch.is_object()) throw badRequest("a merge patch must be a JSON object");
            if (type == "application/strategic-merge-patch+json") stripDirectives(patch);
            patched.merge_patch(patch);
        } else {
            throw ApiError(415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - accepted media types include: "
                           "application/json-patch+json, application/merge-patch+json, "
                           "application/apply-patch+yaml, application/strategic-merge-patch+json");
        }
        if (!patched.is_object() || !patched.contains("metadata") || !patched["metadata"].is_object())
            throw invalid(t, target.name, "the patch removed metadata");
        patched["metadata"]["name"] = target.name;
        if (t.namespaced) patched["metadata"]["namespace"] = target.ns;
        result = updateL(t, target.version, patched, ctx, changes);
    }
    runControllers(changes);
    sendJson(ex, code, result);
}

Json ApiDouble::Impl::table(const ResourceType& t, const std::vector<Json>& objects, const std::string& includeObject,
                            const std::string& resourceVersion) const {
    bool isPod = t.key() == "/pods";
    Json columns = Json::array();
    columns.push_back(Json{{"name", "Name"}, {"type", "string"}, {"format", "name"},
                           {"description", "Name must be unique within a namespace."}, {"priority", 0}});
    if (isPod)
        columns.push_back(Json{{"name", "Status"}, {"type", "string"}, {"format", ""},
                               {"description", "The phase of the pod."}, {"priority", 0}});
    columns.push_back(Json{{"name", "Age"}, {"type", "string"}, {"format", ""},
                           {"description", "CreationTimestamp is the time the object was created."}, {"priority", 0}});
    Json rows = Json::array();
    for (const Json& o : objects) {
        Json cells = Json::array({metaString(o, "name")});
        if (isPod) cells.push_back(o.contains("status") ? o["status"].value("phase", "") : "");
        cells.push_back(humanAge(metaString(o, "creationTimestamp")));
        Json row{{"cells", cells}};
        if (includeObject == "Object")
            row["object"] = o;
        else if (includeObject != "None")
            row["object"] = Json{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"},
                                 {"metadata", o.value("metadata", Json::object())}};
        rows.push_back(row);
    }
    return Json{{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"},
                {"metadata", Json{{"resourceVersion", resourceVersion}}}, {"columnDefinitions", columns}, {"rows", rows}};
}

void ApiDouble::Impl::serveList(const HttpRequest& request, RecordingExchange& ex, const Target& target) {
    const ResourceType& t = *target.type;
    auto q = parseQuery(request.query);
    auto labels = LabelSelector::parse(param(q, "labelSelector"));
    auto fields = FieldSelector::parse(param(q, "fieldSelector"));
    if (!labels) throw badRequest("unable to parse requirement: invalid label selector \"" + param(q, "labelSelector") + "\"");
    if (!fields) throw badRequest("invalid field selector \"" + param(q, "fieldSelector") + "\"");
    long limit = 0;
    if (!param(q, "limit").empty()) {
        try {
            limit = std::stol(param(q, "limit"));
        } catch (const std::exception&) {
            throw badRequest("limit must be an integer");
        }
    }
    std::string token = param(q, "continue");
    std::pair<std::string, std::string> after;
    bool hasAfter = false;
    bool asTable = wantsTable(request.header("accept"));
    // Built under the lock, sent after it (the request log takes the lock when the answer goes out).
    Json response;
    {
    std::lock_guard lock(mu);
    if (!token.empty()) {
        auto decoded = hexDecode(token);
        Json parsed = decoded ? Json::parse(*decoded, nullptr, false) : Json();
        if (!parsed.is_object() || !parsed.contains("e") || !parsed.contains("ns") || !parsed.contains("n"))
            throw badRequest("continue key is not valid");
        if (parsed["e"].get<uint64_t>() != continueEpoch)
            throw ApiError(410, "Expired",
                           "The provided continue parameter is too old to display a consistent list result. You can "
                           "start a new list without the continue parameter, or use the continue token in this "
                           "response to retrieve the remainder of the results. Continuing with the provided token "
                           "results in an inconsistent list - objects that were created, modified, or deleted between "
                           "the time the first chunk was returned and now may show up in the list.");
        after = {parsed["ns"].get<std::string>(), parsed["n"].get<std::string>()};
        hasAfter = true;
    }
    std::vector<Json> items;
    long remaining = 0;
    std::string nextToken;
    for (const Json* o : store.list(t.key(), target.ns)) {
        std::pair<std::string, std::string> key{metaString(*o, "namespace"), metaString(*o, "name")};
        if (hasAfter && key <= after) continue;
        if (!labels->matches(labelsOf(*o)) || !fields->matches(*o)) continue;
        if (limit > 0 && static_cast<long>(items.size()) >= limit) {
            ++remaining;
            continue;
        }
        items.push_back(present(t, target.version, *o));
    }
    if (remaining > 0) {
        const Json& last = items.back();
        nextToken = hexEncode(Json{{"e", continueEpoch}, {"ns", metaString(last, "namespace")}, {"n", metaString(last, "name")}}.dump());
    }
    std::string rv = std::to_string(store.currentVersion());
    if (asTable) {
        response = table(t, items, param(q, "includeObject"), rv);
    } else {
        response = Json{{"kind", t.kind + "List"}, {"apiVersion", t.apiVersion(target.version)},
                        {"metadata", Json{{"resourceVersion", rv}}}, {"items", items}};
    }
    if (!nextToken.empty()) {
        response["metadata"]["continue"] = nextToken;
        response["metadata"]["remainingItemCount"] = remaining;
    }
    }
    sendJson(ex, 200, response);
}

void ApiDouble::Impl::serveWatch(const HttpRequest& request, RecordingExchange& ex, const Target& target) {
    const ResourceType& t = *target.type;
    auto q = parseQuery(request.query);
    auto labels = LabelSelector::parse(param(q, "labelSelector"));
    auto fields = FieldSelector::parse(param(q, "fieldSelector"));
    if (!labels || !fields) throw badRequest("unable to parse selector");
    bool bookmarks = truthy(q, "allowWatchBookmarks");
    bool asTable = wantsTable(request.header("accept"));
    std::optional<Clock::time_point> deadline;
    if (!param(q, "timeoutSeconds").empty()) {
        try {
            deadline = Clock::now() + std::chrono::seconds(std::stol(param(q, "timeoutSeconds")));
        } catch (const std::exception&) {
            throw badRequest("timeoutSeconds must be an integer");
        }
    }
    std::string rvParam = param(q, "resourceVersion");
    uint64_t from = 0;
    if (!rvParam.empty() && rvParam != "0") {
        try {
            from = std::stoull(rvParam);
        } catch (const std::exception&) {
            throw badRequest("resourceVersion must be a number in this test double");
        }
    }
    auto encode = [&](const std::string& type, const Json& object) {
        Json o = present(t, target.version, object);
        if (asTable) o = table(t, {o}, param(q, "includeObject"), metaString(o, "resourceVersion"));
        return Json{{"type", type}, {"object", o}}.dump() + "\n";
    };
    auto matches = [&](const Json& o) {
        if (o.is_null()) return false;
        if (!target.ns.empty() && metaString(o, "namespace") != target.ns) return false;
        return labels->matches(labelsOf(o)) && fields->matches(o);
    };
    auto expired = [&](uint64_t rv, uint64_t current) {
        Json status = statusBody(410, "Expired",
                                 "too old resource version: " + std::to_string(rv) + " (" + std::to_string(current) + ")",
                                 nullptr);
        return Json{{"type", "ERROR"}, {"object", status}}.dump() + "\n";
    };
    std::vector<std::string> initial;
    {
        std::lock_guard lock(mu);
        if (from == 0) {
            for (const Json* o : store.list(t.key(), target.ns))
                if (matches(*o)) initial.push_back(encode("ADDED", *o));
            from = store.currentVersion();
        } else if (!store.historyCovers(from)) {
            initial.push_back(expired(from, store.currentVersion()));
            from = 0;  // marks "end after the error"
        }
    }
    if (!ex.startStream(200, {{"Content-Type", kJson}, {"Cache-Control", "no-cache, private"}})) return;
    for (const auto& line : initial)
        if (!ex.writeChunk(line)) return;
    if (from == 0) {
        ex.endStream();
        return;
    }
    auto nextBookmark = Clock::now() + std::chrono::seconds(1);
    while (!ex.stopping() && !stopping) {
        if (deadline && Clock::now() >= *deadline) break;
        if (ex.clientGone()) return;
        std::vector<StoredEvent> events;
        bool fellBehind = false;
        bool typeGone = false;
        uint64_t current = 0;
        {
            std::unique_lock lock(mu);
            changed.wait_for(lock, std::chrono::milliseconds(200),
                             [&] { return stopping.load() || store.currentVersion() > from; });
            current = store.currentVersion();
            if (!store.stillCovers(from)) fellBehind = true;
            else events = store.eventsAfter(from);
            typeGone = typeByKey(t.key()) == nullptr;  // its CRD was deleted: end after the DELETED events
        }
        if (fellBehind) {
            ex.writeChunk(expired(from, current));
            break;
        }
        for (const auto& e : events) {
            from = std::max(from, e.resourceVersion);
            if (e.typeKey != t.key()) continue;
            bool now = e.type != "DELETED" && matches(e.object);
            bool before = matches(e.previous);
            std::string type;
            if (e.type == "ADDED" && now) type = "ADDED";
            else if (e.type == "MODIFIED" && now && before) type = "MODIFIED";
            else if (e.type == "MODIFIED" && now) type = "ADDED";
            else if (e.type == "MODIFIED" && before) type = "DELETED";
            else if (e.type == "DELETED" && before) type = "DELETED";
            if (type.empty()) continue;
            if (!ex.writeChunk(encode(type, e.object))) return;
        }
        from = std::max(from, current);
        if (typeGone) break;
        if (bookmarks && Clock::now() >= nextBookmark) {
            Json bookmark{{"kind", t.kind}, {"apiVersion", t.apiVersion(target.version)},
                          {"metadata", Json{{"resourceVersion", std::to_string(from)}}}};
            if (!ex.writeChunk(Json{{"type", "BOOKMARK"}, {"object", bookmark}}.dump() + "\n")) return;
            nextBookmark = Clock::now() + std::chrono::seconds(1);
        }
    }
    ex.endStream();
}

void ApiDouble::Impl::serveLog(const HttpRequest& request, RecordingExchange& ex, const Target& target) {
    auto q = parseQuery(request.query);
    std::string container = param(q, "container");
    {
        std::lock_guard lock(mu);
        const Json* pod = store.find("/pods", target.ns, target.name);
        if (!pod) throw notFound(*target.type, target.name);
        std::vector<std::string> names;
        if (pod->contains("spec") && (*pod)["spec"].contains("containers"))
            for (const auto& c : (*pod)["spec"]["containers"]) names.push_back(c.value("name", ""));
        if (container.empty()) {
            if (names.size() > 1) {
                std::string list;
                for (const auto& n : names) list += (list.empty() ? "" : " ") + n;
                throw badRequest("a container name must be specified for pod " + target.name + ", choose one of: [" +
                                 list + "]");
            }
            if (!names.empty()) container = names.front();
        } else if (!names.empty() && std::find(names.begin(), names.end(), container) == names.end()) {
            throw badRequest("container " + container + " is not valid for pod " + target.name);
        }
    }
    auto key = std::make_tuple(target.ns, target.name, container);
    auto currentText = [&] {
        auto it = logs.find(key);
        return it == logs.end() ? std::string() : it->second;
    };
    std::string text;
    {
        std::lock_guard lock(mu);
        text = currentText();
    }
    std::string shown = text;
    if (!param(q, "tailLines").empty()) {
        long n = 0;
        try {
            n = std::stol(param(q, "tailLines"));
        } catch (const std::exception&) {
            throw badRequest("tailLines must be an integer");
        }
        std::vector<std::string> lines;
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size() - 1;
            lines.push_back(text.substr(start, nl - start + 1));
            start = nl + 1;
        }
        shown.clear();
        for (size_t i = lines.size() > static_cast<size_t>(std::max(0L, n)) ? lines.size() - static_cast<size_t>(std::max(0L, n)) : 0;
             i < lines.size(); ++i)
            shown += lines[i];
    }
    if (!truthy(q, "follow")) {
        ex.respond(200, {{"Content-Type", "text/plain"}}, shown);
        return;
    }
    if (!ex.startStream(200, {{"Content-Type", "text/plain"}})) return;
    if (!ex.writeChunk(shown)) return;
    size_t sent = text.size();
    while (!ex.stopping() && !stopping && !ex.clientGone()) {
        std::string now;
        bool podGone = false;
        {
            std::unique_lock lock(mu);
            changed.wait_for(lock, std::chrono::milliseconds(100));
            now = currentText();
            podGone = store.find("/pods", target.ns, target.name) == nullptr;
        }
        if (now.size() > sent && now.compare(0, sent, text, 0, sent) == 0) {
            if (!ex.writeChunk(std::string_view(now).substr(sent))) return;
        }
        text = now;
        sent = now.size();
        if (podGone) break;
    }
    ex.endStream();
}

namespace {

// The autoscaling/v1 Scale view of a Deployment, StatefulSet or ReplicaSet.
Json scaleOf(const Json& object) {
    Json meta{{"name", object["metadata"].value("name", "")}, {"namespace", object["metadata"].value("namespace", "")},
              {"uid", object["metadata"].value("uid", "")},
              {"resourceVersion", object["metadata"].value("resourceVersion", "")},
              {"creationTimestamp", object["metadata"].value("creationTimestamp", "")}};
    const Json spec = object.value("spec", Json::object());
    const Json status = object.value("status", Json::object());
    std::string selector;
    if (spec.contains("selector") && spec["selector"].contains("matchLabels"))
        for (auto it = spec["selector"]["matchLabels"].begin(); it != spec["selector"]["matchLabels"].end(); ++it)
            selector += (selector.empty() ? "" : ",") + it.key() + "=" + it.value().get<std::string>();
    return Json{{"kind", "Scale"}, {"apiVersion", "autoscaling/v1"}, {"metadata", meta},
                {"spec", {{"replicas", spec.value("replicas", 1)}}},
                {"status", {{"replicas", status.value("replicas", 0)}, {"selector", selector}}}};
}

}  // namespace

// /scale: read and write spec.replicas through a Scale object (kubectl scale sends a merge patch here).
// A SubjectAccessReview: validated like the real server (422), answered by the RBAC evaluator from the stored
// Roles and bindings, and not stored.
void ApiDouble::Impl::serveReview(const HttpRequest& request, RecordingExchange& ex, const Target& target) {
    const ResourceType& t = *target.type;
    if (request.method != "POST")
        throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    Json body = parseBody(request.body, lower(request.header("content-type")));
    if (!body.is_object()) throw badRequest("the request body must be a JSON object");
    AccessRequest parsed;
    std::string problem = parseAccessReview(body, parsed);
    if (!problem.empty()) throw invalid(t, "", problem);
    RbacObjects rbac;
    {
        std::lock_guard lock(mu);
        for (const Json* o : store.list("rbac.authorization.k8s.io/roles", "")) rbac.roles.push_back(*o);
        for (const Json* o : store.list("rbac.authorization.k8s.io/clusterroles", "")) rbac.clusterRoles.push_back(*o);
        for (const Json* o : store.list("rbac.authorization.k8s.io/rolebindings", "")) rbac.roleBindings.push_back(*o);
        for (const Json* o : store.list("rbac.authorization.k8s.io/clusterrolebindings", ""))
            rbac.clusterRoleBindings.push_back(*o);
    }
    Json answer = answerAccessReview(present(t, target.version, body), rbac);
    if (!answer.contains("metadata")) answer["metadata"] = Json{{"creationTimestamp", nullptr}};
    sendJson(ex, 201, answer);
}

void ApiDouble::Impl::serveScale(const HttpRequest& request, RecordingExchange& ex, const Target& target) {
    const ResourceType& t = *target.type;
    auto q = parseQuery(request.query);
    WriteContext ctx;
    ctx.http = true;
    ctx.manager = managerFor(request, q);
    ctx.subresource = "scale";  // recorded in managedFields like the real server
    ctx.dryRun = !param(q, "dryRun").empty();
    Changes changes;
    Json result;
    {
        std::lock_guard lock(mu);
        const Json* current = store.find(t.key(), target.ns, target.name);
        if (!current) throw notFound(t, target.name);
        Json scale = scaleOf(*current);
        if (request.method == "GET") {
            result = scale;
        } else if (request.method == "PUT" || request.method == "PATCH") {
            Json body = Json::parse(request.body, nullptr, false);
            if (body.is_discarded()) throw badRequest("the request body is not valid JSON");
            std::string type = mediaType(request.header("content-type"));
            Json next = scale;
            if (request.method == "PUT") {
                next = body;
            } else if (type == "application/json-patch+json") {
                try {
                    next = scale.patch(body);
                } catch (const Json::exception& e) {
                    throw invalid(t, target.name, std::string("the JSON patch could not be applied: ") + e.what());
                }
            } else if (type == "application/merge-patch+json" || type == "application/strategic-merge-patch+json") {
                stripDirectives(body);
                next.merge_patch(body);
            } else {
                throw ApiError(415, "UnsupportedMediaType", "the /scale subresource takes JSON, merge or strategic merge patches");
            }
            if (!next.contains("spec") || !next["spec"].contains("replicas") || !next["spec"]["replicas"].is_number_integer())
                throw invalid(t, target.name, "spec.replicas: Required value");
            std::string rv = next.value("metadata", Json::object()).value("resourceVersion", "");
            if (!rv.empty() && rv != metaString(*current, "resourceVersion"))
                throw ApiError(409, "Conflict",
                               "Operation cannot be fulfilled on " + qualified(t) + " \"" + target.name +
                                   "\": the object has been modified; please apply your changes to the latest version "
                                   "and try again",
                               details(t, target.name));
            Json object = present(t, target.version, *current);
            object["spec"]["replicas"] = next["spec"]["replicas"];
            result = scaleOf(updateL(t, target.version, object, ctx, changes));
        } else {
            throw ApiError(405, "MethodNotAllowed", "the /scale subresource takes GET, PUT and PATCH");
        }
    }
    runControllers(changes);
    sendJson(ex, 200, result);
}

// ---------------- public API ----------------

ApiDouble::ApiDouble() : impl_(std::make_unique<Impl>()) {}

std::unique_ptr<ApiDouble> ApiDouble::start(ApiDoubleOptions options) {
    std::unique_ptr<ApiDouble> d(new ApiDouble());
    Impl& impl = *d->impl_;
    impl.self = d.get();
    impl.options = options;
    impl.tokens = options.tokens;
    impl.types = builtinResourceTypes();
    impl.store = ObjectStore(options.watchHistory);
    {
        Changes ignored;
        for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"})
            impl.createL(impl.types[0], "v1", Json{{"metadata", Json{{"name", ns}}}}, WriteContext{}, ignored);
    }
    impl.scheduler = std::thread([&impl] { impl.schedulerLoop(); });
    const TestPki& pki = TestPki::shared();
    HttpsServerConfig config;
    config.certPem = options.useOtherServerCert ? pki.otherServerCertPem : pki.serverCertPem;
    config.keyPem = options.useOtherServerCert ? pki.otherServerKeyPem : pki.serverKeyPem;
    config.clientCaPem = pki.caPem;
    try {
        impl.server = std::make_unique<HttpsServer>(config, [&impl](const HttpRequest& r, HttpExchange& ex) {
            impl.handle(r, ex);
        });
    } catch (...) {
        impl.stopping = true;
        impl.scheduleCv.notify_all();
        impl.scheduler.join();
        throw;
    }
    return d;
}

ApiDouble::~ApiDouble() {
    impl_->stopping = true;
    {
        std::lock_guard lock(impl_->mu);
        impl_->changed.notify_all();
    }
    if (impl_->server) impl_->server->stop();
    {
        std::lock_guard lock(impl_->scheduleMu);
        impl_->tasks.clear();
        impl_->scheduleCv.notify_all();
    }
    if (impl_->scheduler.joinable()) impl_->scheduler.join();
}

std::string ApiDouble::url() const { return "https://127.0.0.1:" + std::to_string(port()); }
int ApiDouble::port() const { return impl_->server->port(); }
const TestPki& ApiDouble::pki() const { return TestPki::shared(); }

std::string ApiDouble::writeKubeconfig(const std::string& path, bool useToken) const {
    const TestPki& p = pki();
    std::string user;
    if (useToken) {
        std::string token;
        {
            std::lock_guard lock(impl_->mu);
            token = impl_->tokens.empty() ? "" : impl_->tokens.front();
        }
        user = "    token: " + token + "\n";
    } else {
        user = "    client-certificate-data: " + base64Encode(p.clientCertPem) + "\n" +
               "    client-key-data: " + base64Encode(p.clientKeyPem) + "\n";
    }
    std::string text = "apiVersion: v1\nkind: Config\nclusters:\n- name: double\n  cluster:\n    server: " + url() +
                       "\n    certificate-authority-data: " + base64Encode(p.caPem) +
                       "\ncontexts:\n- name: double\n  context:\n    cluster: double\n    user: double-user\n"
                       "    namespace: default\ncurrent-context: double\nusers:\n- name: double-user\n  user:\n" +
                       user + "preferences: {}\n";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write kubeconfig " + path);
    return path;
}

namespace {
[[noreturn]] void rethrow(const ApiError& e) {
    throw std::runtime_error(std::to_string(e.code) + " " + e.reason + ": " + e.what());
}
}  // namespace

Json ApiDouble::create(Json object) {
    Changes changes;
    Json created;
    try {
        std::lock_guard lock(impl_->mu);
        std::string version;
        const ResourceType* t = impl_->typeForKind(object.value("apiVersion", ""), object.value("kind", ""), version);
        if (!t) throw std::runtime_error("the API test double does not serve " + object.value("apiVersion", "") + "/" + object.value("kind", ""));
        created = impl_->createL(*t, version, std::move(object), WriteContext{}, changes);
    } catch (const ApiError& e) {
        rethrow(e);
    }
    impl_->runControllers(changes);
    return created;
}

std::optional<Json> ApiDouble::get(const std::string& apiVersion, const std::string& kind, const std::string& ns,
                                   const std::string& name) const {
    std::lock_guard lock(impl_->mu);
    std::string version;
    const ResourceType* t = impl_->typeForKind(apiVersion, kind, version);
    if (!t) return std::nullopt;
    const Json* found = impl_->store.find(t->key(), t->namespaced ? (ns.empty() ? "default" : ns) : "", name);
    if (!found) return std::nullopt;
    return impl_->present(*t, version, *found);
}

Json ApiDouble::update(Json object) {
    Changes changes;
    Json updated;
    try {
        std::lock_guard lock(impl_->mu);
        std::string version;
        const ResourceType* t = impl_->typeForKind(object.value("apiVersion", ""), object.value("kind", ""), version);
        if (!t) throw std::runtime_error("the API test double does not serve " + object.value("apiVersion", "") + "/" + object.value("kind", ""));
        updated = impl_->updateL(*t, version, std::move(object), WriteContext{}, changes);
    } catch (const ApiError& e) {
        rethrow(e);
    }
    impl_->runControllers(changes);
    return updated;
}

void ApiDouble::remove(const std::string& apiVersion, const std::string& kind, const std::string& ns,
                       const std::string& name) {
    Changes changes;
    try {
        std::lock_guard lock(impl_->mu);
        std::string version;
        const ResourceType* t = impl_->typeForKind(apiVersion, kind, version);
        if (!t) throw std::runtime_error("the API test double does not serve " + apiVersion + "/" + kind);
        impl_->deleteL(*t, t->namespaced ? (ns.empty() ? "default" : ns) : "", name, "Background", nullptr, false, changes);
    } catch (const ApiError& e) {
        rethrow(e);
    }
    impl_->runControllers(changes);
}

void ApiDouble::setPodLog(const std::string& ns, const std::string& pod, const std::string& container,
                          const std::string& text) {
    std::lock_guard lock(impl_->mu);
    impl_->logs[std::make_tuple(ns, pod, container)] = text;
    impl_->changed.notify_all();
}

void ApiDouble::injectFault(FaultRule rule) {
    std::lock_guard lock(impl_->mu);
    if (rule.times != 0) impl_->faults.push_back(std::move(rule));
}

void ApiDouble::clearFaults() {
    std::lock_guard lock(impl_->mu);
    impl_->faults.clear();
}

void ApiDouble::setServiceProxy(const std::string& ns, const std::string& service, const std::string& port,
                                ServiceProxyHandler handler) {
    std::lock_guard lock(impl_->mu);
    impl_->proxies[{ns, service, port}] = std::move(handler);
}

void ApiDouble::removeServiceProxy(const std::string& ns, const std::string& service, const std::string& port) {
    std::lock_guard lock(impl_->mu);
    impl_->proxies.erase({ns, service, port});
}

void ApiDouble::denyServiceProxy(bool deny) {
    std::lock_guard lock(impl_->mu);
    impl_->proxyDenied = deny;
}

void ApiDouble::setTokens(std::vector<std::string> tokens) {
    std::lock_guard lock(impl_->mu);
    impl_->tokens = std::move(tokens);
}

void ApiDouble::compactHistory() {
    std::lock_guard lock(impl_->mu);
    impl_->store.compact();
}

void ApiDouble::expireContinueTokens() {
    std::lock_guard lock(impl_->mu);
    ++impl_->continueEpoch;
}

std::vector<RecordedRequest> ApiDouble::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->recorded;
}

void ApiDouble::clearRequests() {
    std::lock_guard lock(impl_->mu);
    impl_->recorded.clear();
}

void ApiDouble::addController(Controller controller) {
    std::lock_guard lock(impl_->mu);
    impl_->controllers.push_back(std::move(controller));
}

void ApiDouble::schedule(std::chrono::milliseconds delay, std::function<void(ApiDouble&)> action) {
    impl_->addTask(delay, std::move(action));
}

}  // namespace kc::testing
