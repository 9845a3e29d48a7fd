// KubeClient operations. Every request goes through send()/streamLines(), so auth, retries and request
// counting live in one place.
#include "clusters/kube_client.h"

#include <algorithm>
#include <set>

#include "clusters/api_status.h"
#include "clusters/yaml_json.h"

namespace kc {
namespace {

std::string describe(const ObjectRef& ref) {
    std::string out = ref.apiVersion + " " + ref.kind;
    if (!ref.name.empty()) out += " " + (ref.ns.empty() ? ref.name : ref.ns + "/" + ref.name);
    else if (!ref.ns.empty()) out += " in namespace " + ref.ns;
    return out;
}

std::string metadataString(const Json& object, const char* field) {
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return "";
    const Json& metadata = object["metadata"];
    return metadata.contains(field) && metadata[field].is_string() ? metadata[field].get<std::string>() : "";
}

void addQuery(std::string& target, const std::string& name, const std::string& value) {
    if (value.empty()) return;
    target += (target.find('?') == std::string::npos ? "?" : "&") + name + "=" + encodeQueryValue(value);
}

const char* propagationName(Propagation p) {
    switch (p) {
        case Propagation::Background: return "Background";
        case Propagation::Foreground: return "Foreground";
        case Propagation::Orphan: return "Orphan";
    }
    return "Background";
}

std::string jsonString(const Json& object, std::initializer_list<const char*> path) {
    const Json* at = &object;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return "";
        at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : "";
}

// A server's CRD status is read defensively: a condition of the wrong shape is not Established, never a throw.
bool isEstablished(const Json& crd) {
    const Json* conditions = nullptr;
    if (crd.is_object() && crd.contains("status") && crd["status"].is_object() && crd["status"].contains("conditions"))
        conditions = &crd["status"]["conditions"];
    if (!conditions || !conditions->is_array()) return false;
    for (const auto& c : *conditions)
        if (jsonString(c, {"type"}) == "Established" && jsonString(c, {"status"}) == "True") return true;
    return false;
}

}  // namespace

std::string encodeQueryValue(const std::string& value) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

KubeClient::KubeClient(TransportConfig transportConfig, TransportFactory factory,
                       std::shared_ptr<CredentialSource> credentials, KubeClientOptions options)
    : transportConfig_(std::move(transportConfig)),
      factory_(std::move(factory)),
      credentials_(credentials ? std::move(credentials) : noCredentials()),
      options_(options),
      clock_(options.clock ? options.clock : systemClock()),
      retry_(options.retry, options.retrySeed ? options.retrySeed : std::random_device{}()),
      discovery_([this](const std::string& target, const std::string& accept) {
          HttpRequest request;
          request.target = target;
          request.headers.emplace_back("Accept", accept);
          return send(std::move(request));
      }) {}

size_t KubeClient::requestCount() const {
    std::lock_guard lock(mutex_);
    return requestCount_;
}

Result<std::shared_ptr<Transport>> KubeClient::transportFor(const Credentials& credentials) {
    std::lock_guard lock(mutex_);
    ++requestCount_;
    // An exec plugin may hand out a client certificate; the TLS layer then has to be rebuilt with it.
    if (transport_ && credentials.clientCertPem == transportCertPem_) return transport_;
    TransportConfig config = transportConfig_;
    if (!credentials.clientCertPem.empty()) {
        config.clientCertPem = credentials.clientCertPem;
        config.clientKeyPem = credentials.clientKeyPem;
    }
    auto made = factory_(config);
    if (!made) return fail(made.error());
    transport_ = std::shared_ptr<Transport>(std::move(*made));
    transportCertPem_ = credentials.clientCertPem;
    return transport_;
}

HttpRequest KubeClient::withCredentials(HttpRequest request, const Credentials& credentials) const {
    if (!credentials.bearerToken.empty())
        request.headers.emplace_back("Authorization", "Bearer " + credentials.bearerToken);
    bool hasAccept = false;
    for (const auto& h : request.headers) hasAccept = hasAccept || h.first == "Accept";
    if (!hasAccept) request.headers.emplace_back("Accept", "application/json");
    if (request.timeout.count() <= 0) request.timeout = options_.requestTimeout;
    return request;
}

Result<HttpResponse> KubeClient::send(HttpRequest request) {
    bool refreshed = false;
    for (int attempt = 1;; ++attempt) {
        auto credentials = credentials_->current();
        if (!credentials) return fail(Error(credentials.error()).context("getting credentials"));
        auto transport = transportFor(*credentials);
        if (!transport) return fail(transport.error());
        Result<HttpResponse> outcome = (*transport)->send(withCredentials(request, *credentials));
        if (outcome && outcome->status == 401 && !refreshed && credentials_->invalidateAfterUnauthorized()) {
            refreshed = true;  // client-go runs an exec plugin again once after a 401
            --attempt;
            continue;
        }
        auto delay = retry_.delayAfter(attempt, request.method, outcome);
        if (!delay || (request.cancel && request.cancel->cancelled())) {
            if (!outcome) return fail(Error(outcome.error()).context(request.method + " " + request.target));
            return outcome;
        }
        clock_->sleepFor(*delay);
    }
}

Result<HttpResponse> KubeClient::streamLines(HttpRequest request,
                                             const std::function<bool(std::string_view)>& onLine) {
    for (bool refreshed = false;;) {
        auto credentials = credentials_->current();
        if (!credentials) return fail(Error(credentials.error()).context("getting credentials"));
        auto transport = transportFor(*credentials);
        if (!transport) return fail(transport.error());
        auto outcome = (*transport)->stream(withCredentials(request, *credentials), onLine);
        if (outcome && outcome->status == 401 && !refreshed && credentials_->invalidateAfterUnauthorized()) {
            refreshed = true;
            continue;
        }
        if (!outcome) return fail(Error(outcome.error()).context(request.method + " " + request.target));
        return outcome;
    }
}

Result<Json> KubeClient::sendForJson(HttpRequest request, const std::string& what) {
    auto response = send(std::move(request));
    if (!response) return fail(Error(response.error()).context(what));
    if (response->status / 100 != 2) return fail(apiError(*response, what));
    Json body = Json::parse(response->body, nullptr, false);
    if (body.is_discarded()) return fail(ErrorKind::Server, what + ": the server's answer is not JSON");
    return body;
}

Result<Json> KubeClient::serverVersion() {
    HttpRequest request;
    request.target = "/version";
    return sendForJson(std::move(request), "reading the server version");
}

Result<ResourceInfo> KubeClient::resolve(const std::string& apiVersion, const std::string& kind) {
    return discovery_.resolveKind(apiVersion, kind);
}

Result<std::optional<Json>> KubeClient::get(const ObjectRef& ref) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    HttpRequest request;
    request.target = info->path(ref.ns, ref.name);
    auto response = send(std::move(request));
    std::string what = "getting " + describe(ref);
    if (!response) return fail(Error(response.error()).context(what));
    if (response->status == 404) return std::optional<Json>();
    if (response->status / 100 != 2) return fail(apiError(*response, what));
    Json body = Json::parse(response->body, nullptr, false);
    if (body.is_discarded()) return fail(ErrorKind::Server, what + ": the server's answer is not JSON");
    return std::optional<Json>(std::move(body));
}

Result<ObjectList> KubeClient::list(const ObjectRef& ref, const ListOptions& options) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    const std::string what = "listing " + describe(ref);
    ObjectList result;
    std::string continueToken;
    constexpr int kMaxRestarts = 3;
    while (true) {
        std::string target = info->path(ref.ns);
        addQuery(target, "labelSelector", options.labelSelector);
        addQuery(target, "fieldSelector", options.fieldSelector);
        if (options.pageSize > 0) addQuery(target, "limit", std::to_string(options.pageSize));
        addQuery(target, "continue", continueToken);
        HttpRequest request;
        request.target = target;
        auto response = send(std::move(request));
        if (!response) return fail(Error(response.error()).context(what));
        if (response->status == 410 && !continueToken.empty()) {
            // The continue token expired (the server compacted): a consistent list has to start over.
            if (++result.restarts > kMaxRestarts)
                return fail(ErrorKind::Gone, what + ": the list kept expiring while it was being read");
            result.items.clear();
            result.pages = 0;
            continueToken.clear();
            continue;
        }
        if (response->status / 100 != 2) return fail(apiError(*response, what));
        Json body = Json::parse(response->body, nullptr, false);
        if (!body.is_object()) return fail(ErrorKind::Server, what + ": the server's answer is not a JSON object");
        ++result.pages;
        const std::string itemKind = ref.kind;
        const std::string itemApiVersion = info->apiVersion();
        if (body.contains("items") && body["items"].is_array()) {
            for (auto& item : body["items"]) {
                // List items come without apiVersion/kind; fill them in so each stands on its own.
                if (item.is_object()) {
                    if (!item.contains("apiVersion")) item["apiVersion"] = itemApiVersion;
                    if (!item.contains("kind")) item["kind"] = itemKind;
                }
                result.items.push_back(std::move(item));
                if (static_cast<int>(result.items.size()) > options.maxItems)
                    return fail(ErrorKind::Invalid, what + ": more than " + std::to_string(options.maxItems) +
                                                        " objects");
            }
        }
        result.resourceVersion = jsonString(body, {"metadata", "resourceVersion"});
        continueToken = jsonString(body, {"metadata", "continue"});
        if (continueToken.empty()) return result;
    }
}

Status KubeClient::watch(const ObjectRef& ref, const WatchOptions& options,
                         const std::function<bool(const WatchEvent&)>& onEvent) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    const std::string what = "watching " + describe(ref);
    const auto deadline = clock_->monotonicNow() + options.timeout;
    auto remaining = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->monotonicNow());
    };
    auto cancelled = [&] { return options.cancel && options.cancel->cancelled(); };

    std::string resourceVersion = options.resourceVersion;
    // Without a starting point, the current state comes first, as a RESYNC; the watch continues from it.
    auto resync = [&]() -> Result<bool> {
        auto fresh = list({ref.apiVersion, ref.kind, ref.ns, ""},
                          {.labelSelector = options.labelSelector, .fieldSelector = options.fieldSelector});
        if (!fresh) return fail(fresh.error());
        resourceVersion = fresh->resourceVersion;
        WatchEvent event;
        event.type = "RESYNC";
        event.list = std::move(*fresh);
        return onEvent(event);
    };
    if (resourceVersion.empty()) {
        auto keepGoing = resync();
        if (!keepGoing) return fail(keepGoing.error());
        if (!*keepGoing) return {};
    }

    int quickEmptyStreams = 0;
    int connectionFailures = 0;
    while (true) {
        if (cancelled()) return fail(ErrorKind::Cancelled, what + ": cancelled");
        auto left = remaining();
        if (left.count() <= 0) return fail(ErrorKind::Timeout, what + ": no result within the timeout");

        std::string target = info->path(ref.ns);
        addQuery(target, "watch", "1");
        addQuery(target, "allowWatchBookmarks", "true");
        addQuery(target, "resourceVersion", resourceVersion);
        addQuery(target, "labelSelector", options.labelSelector);
        addQuery(target, "fieldSelector", options.fieldSelector);
        long long serverTimeout = std::max<long long>(
            1, std::min<long long>(options.serverTimeoutSeconds, (left.count() + 999) / 1000));
        addQuery(target, "timeoutSeconds", std::to_string(serverTimeout));

        HttpRequest request;
        request.target = target;
        request.cancel = options.cancel;
        // The longest silence allowed: the server ends the stream at timeoutSeconds, bookmarks come between.
        request.timeout = std::min(left, std::chrono::milliseconds(serverTimeout * 1000 + 5000));

        bool gone = false, stop = false;
        int events = 0;
        Error streamError;
        const auto started = clock_->monotonicNow();
        auto response = streamLines(request, [&](std::string_view line) {
            if (cancelled() || remaining().count() <= 0) return false;
            Json parsed = Json::parse(line, nullptr, false);
            if (!parsed.is_object()) {
                streamError = Error{ErrorKind::Server, what + ": the watch sent a line that is not JSON"};
                return false;
            }
            WatchEvent event;
            // The server is not trusted to send the right types: a wrong one reads as absent, never throws.
            event.type = jsonString(parsed, {"type"});
            event.object = parsed.contains("object") ? std::move(parsed["object"]) : Json();
            if (event.type == "ERROR") {
                // An ERROR carries a Status, never a usable resourceVersion.
                const bool hasCode = event.object.is_object() && event.object.contains("code") &&
                                     event.object["code"].is_number_integer();
                int code = hasCode ? event.object["code"].get<int>() : 0;
                std::string message = jsonString(event.object, {"message"});
                if (code == 410) gone = true;
                else
                    streamError = Error{errorKindForHttpStatus(code),
                                        what + ": " + (message.empty() ? std::string("watch error") : message), code};
                return false;
            }
            std::string rv = metadataString(event.object, "resourceVersion");
            if (!rv.empty()) resourceVersion = rv;
            ++events;
            if (!onEvent(event)) {
                stop = true;
                return false;
            }
            return true;
        });
        if (stop) return {};
        if (!streamError.message.empty()) return fail(streamError);
        if (!response) {
            const ErrorKind kind = response.error().kind;
            if (kind == ErrorKind::Cancelled || cancelled()) return fail(ErrorKind::Cancelled, what + ": cancelled");
            if (remaining().count() <= 0) return fail(ErrorKind::Timeout, what + ": no result within the timeout");
            // A silent stream past its window or a dropped connection: reconnect from the last version seen.
            if (kind != ErrorKind::Timeout && kind != ErrorKind::Unreachable) return fail(response.error());
            if (kind == ErrorKind::Unreachable && ++connectionFailures > retry_.settings().maxAttempts)
                return fail(response.error());
            auto pause = retry_.delayAfter(1, "GET", response);
            clock_->sleepFor(std::min(pause.value_or(std::chrono::milliseconds(200)), remaining()));
            continue;
        }
        connectionFailures = 0;
        if (response->status == 410) gone = true;
        else if (response->status / 100 != 2) return fail(apiError(*response, what));
        if (!gone && events == 0 && clock_->monotonicNow() - started < std::chrono::seconds(1)) {
            // A server that answers a too-old resourceVersion with an empty 200 would make this loop spin;
            // twice in a row is treated like 410.
            if (++quickEmptyStreams >= 2) gone = true;
            else clock_->sleepFor(std::min(std::chrono::milliseconds(100), remaining()));
        } else if (events > 0) {
            quickEmptyStreams = 0;
        }
        if (gone) {
            quickEmptyStreams = 0;
            auto keepGoing = resync();
            if (!keepGoing) return fail(keepGoing.error());
            if (!*keepGoing) return {};
        }
    }
}

Result<Json> KubeClient::waitFor(const ObjectRef& ref, const std::function<bool(const Json&)>& ready,
                                 std::chrono::milliseconds timeout) {
    std::optional<Json> current, found;
    WatchOptions options;
    options.fieldSelector = "metadata.name=" + ref.name;
    options.timeout = timeout;
    auto status = watch(ref, options, [&](const WatchEvent& event) {
        if (event.type == "RESYNC") {
            current.reset();
            for (const auto& item : event.list.items)
                if (metadataString(item, "name") == ref.name) current = item;
        } else if (event.type == "ADDED" || event.type == "MODIFIED") {
            current = event.object;
        } else if (event.type == "DELETED") {
            current.reset();
        }
        if (current && ready(*current)) {
            found = current;
            return false;
        }
        return true;
    });
    if (found) return *found;
    if (!status) {
        Error error = status.error();
        if (error.kind == ErrorKind::Timeout)
            error.message = "waiting for " + describe(ref) + ": " +
                            (current ? "it exists but is not ready" : "it does not exist") + " after " +
                            std::to_string(timeout.count()) + " ms";
        return fail(error);
    }
    return fail(ErrorKind::Other, "waiting for " + describe(ref) + ": the watch ended early");
}

Status KubeClient::waitUntilGone(const ObjectRef& ref, const std::string& uid, std::chrono::milliseconds timeout) {
    bool gone = false;
    WatchOptions options;
    options.fieldSelector = "metadata.name=" + ref.name;
    options.timeout = timeout;
    auto sameObject = [&](const Json& object) { return uid.empty() || metadataString(object, "uid") == uid; };
    auto status = watch(ref, options, [&](const WatchEvent& event) {
        if (event.type == "RESYNC") {
            gone = std::none_of(event.list.items.begin(), event.list.items.end(), [&](const Json& item) {
                return metadataString(item, "name") == ref.name && sameObject(item);
            });
        } else if (event.type == "DELETED" && sameObject(event.object)) {
            gone = true;
        }
        return !gone;
    });
    if (gone) return {};
    if (!status) {
        Error error = status.error();
        if (error.kind == ErrorKind::Timeout)
            error.message = "waiting for " + describe(ref) + " to be deleted: still there after " +
                            std::to_string(timeout.count()) + " ms (finalizers?)";
        return fail(error);
    }
    return fail(ErrorKind::Other, "waiting for " + describe(ref) + " to be deleted: the watch ended early");
}

Result<Json> KubeClient::applyOne(const Json& object, const ApplyOptions& options, const std::string& where) {
    const std::string apiVersion = object.value("apiVersion", "");
    const std::string kind = object.value("kind", "");
    const std::string name = metadataString(object, "name");
    auto info = resolve(apiVersion, kind);
    if (!info) return fail(Error(info.error()).context(where));
    Json body = object;
    std::string ns = metadataString(object, "namespace");
    if (info->namespaced) {
        if (ns.empty()) ns = options.defaultNamespace;
        body["metadata"]["namespace"] = ns;
    } else if (!ns.empty()) {
        body["metadata"].erase("namespace");
        ns.clear();
    }
    std::string target = info->path(ns, name);
    addQuery(target, "fieldManager", options.fieldManager);
    if (options.force) addQuery(target, "force", "true");
    HttpRequest request;
    request.method = "PATCH";
    request.target = target;
    request.headers.emplace_back("Content-Type", "application/apply-patch+yaml");
    request.body = body.dump();  // JSON is YAML
    ObjectRef ref{apiVersion, kind, ns, name};
    return sendForJson(std::move(request), where + ": applying " + describe(ref));
}

Result<Json> KubeClient::apply(const Json& object, const ApplyOptions& options) {
    if (!object.is_object() || !object.contains("apiVersion") || !object.contains("kind") ||
        metadataString(object, "name").empty())
        return fail(ErrorKind::Invalid, "apply: the object needs apiVersion, kind and metadata.name");
    return applyOne(object, options, "apply");
}

Result<ApplyResult> KubeClient::applyManifests(const std::string& yamlText, const std::string& sourceName,
                                               const ApplyOptions& options) {
    auto documents = parseYamlDocuments(yamlText, sourceName);
    if (!documents) return fail(documents.error());
    // Check every document before changing anything, and report all problems at once.
    std::string problems;
    for (const auto& doc : *documents) {
        const Json& v = doc.value;
        std::string at = formatLocation(sourceName, doc.locate(""));
        if (!v.is_object()) {
            problems += at + ": a manifest must be a map\n";
            continue;
        }
        for (const char* field : {"apiVersion", "kind"})
            if (!v.contains(field) || !v[field].is_string() || v[field].get<std::string>().empty())
                problems += at + ": missing field \"" + field + "\"\n";
        if (metadataString(v, "name").empty())
            problems += formatLocation(sourceName, doc.locate("/metadata")) + ": missing field \"metadata.name\"\n";
    }
    if (!problems.empty()) {
        problems.pop_back();
        return fail(ErrorKind::Invalid, problems);
    }

    // CRDs from this stream, by "group/Kind", so their custom resources can wait for them.
    std::map<std::string, std::string> crdByGroupKind;
    ApplyResult result;
    for (const auto& doc : *documents) {
        const Json& object = doc.value;
        const std::string where = formatLocation(sourceName, doc.locate(""));
        auto applied = applyOne(object, options, where);
        if (!applied && applied.error().kind == ErrorKind::NotFound && applied.error().httpStatus == 0) {
            auto [group, version] = splitApiVersion(object.value("apiVersion", ""));
            auto crd = crdByGroupKind.find(group + "/" + object.value("kind", ""));
            if (crd != crdByGroupKind.end()) {
                ObjectRef crdRef{"apiextensions.k8s.io/v1", "CustomResourceDefinition", "", crd->second};
                auto established = waitFor(crdRef, isEstablished, options.crdEstablishTimeout);
                if (!established) return fail(Error(established.error()).context(where));
                discovery_.reset();
                applied = applyOne(object, options, where);
            }
        }
        if (!applied) return fail(applied.error());
        if (object.value("kind", "") == "CustomResourceDefinition") {
            const Json& spec = object.contains("spec") ? object["spec"] : Json::object();
            std::string group = spec.value("group", "");
            std::string kind = spec.contains("names") ? spec["names"].value("kind", "") : "";
            crdByGroupKind[group + "/" + kind] = metadataString(object, "name");
        }
        result.objects.push_back(std::move(*applied));
    }
    return result;
}

Result<Json> KubeClient::create(const Json& object, const std::string& defaultNamespace) {
    if (!object.is_object() || !object.contains("apiVersion") || !object.contains("kind"))
        return fail(ErrorKind::Invalid, "create: the object needs apiVersion and kind");
    const std::string apiVersion = object.value("apiVersion", "");
    const std::string kind = object.value("kind", "");
    auto info = resolve(apiVersion, kind);
    if (!info) return fail(info.error());
    std::string ns = info->namespaced ? metadataString(object, "namespace") : "";
    if (info->namespaced && ns.empty()) ns = defaultNamespace;
    HttpRequest request;
    request.method = "POST";
    request.target = info->path(ns);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = object.dump();
    ObjectRef ref{apiVersion, kind, ns, metadataString(object, "name")};
    return sendForJson(std::move(request), "creating " + describe(ref));
}

Status KubeClient::remove(const ObjectRef& ref, const DeleteOptions& options) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    HttpRequest request;
    request.method = "DELETE";
    request.target = info->path(ref.ns, ref.name);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = Json{{"kind", "DeleteOptions"},
                        {"apiVersion", "v1"},
                        {"propagationPolicy", propagationName(options.propagation)}}
                       .dump();
    const std::string what = "deleting " + describe(ref);
    auto response = send(std::move(request));
    if (!response) return fail(Error(response.error()).context(what));
    if (response->status == 404) return {};
    if (response->status / 100 != 2) return fail(apiError(*response, what));
    if (!options.waitUntilGone) return {};
    Json body = Json::parse(response->body, nullptr, false);
    std::string uid = metadataString(body, "uid");
    if (uid.empty() && body.is_object() && body.contains("details") && body["details"].is_object())
        uid = body["details"].value("uid", "");
    return waitUntilGone(ref, uid, options.timeout);
}

Result<Json> KubeClient::patchStatus(const ObjectRef& ref, const Json& jsonPatch) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    HttpRequest request;
    request.method = "PATCH";
    request.target = info->path(ref.ns, ref.name, "status");
    request.headers.emplace_back("Content-Type", "application/json-patch+json");
    request.body = jsonPatch.dump();
    return sendForJson(std::move(request), "patching the status of " + describe(ref));
}

Result<Json> KubeClient::patch(const ObjectRef& ref, const Json& jsonPatch, const std::string& fieldManager) {
    auto info = resolve(ref.apiVersion, ref.kind);
    if (!info) return fail(info.error());
    HttpRequest request;
    request.method = "PATCH";
    request.target = info->path(ref.ns, ref.name);
    addQuery(request.target, "fieldManager", fieldManager);
    request.headers.emplace_back("Content-Type", "application/json-patch+json");
    request.body = jsonPatch.dump();
    return sendForJson(std::move(request), "patching " + describe(ref));
}

Result<std::string> KubeClient::podLogs(const std::string& ns, const std::string& pod, const LogOptions& options) {
    std::string target = "/api/v1/namespaces/" + ns + "/pods/" + pod + "/log";
    addQuery(target, "container", options.container);
    if (options.tailLines >= 0) addQuery(target, "tailLines", std::to_string(options.tailLines));
    if (options.limitBytes > 0) addQuery(target, "limitBytes", std::to_string(options.limitBytes));
    if (options.previous) addQuery(target, "previous", "true");
    HttpRequest request;
    request.target = target;
    request.headers.emplace_back("Accept", "text/plain, */*");
    const std::string what = "reading logs of pod " + ns + "/" + pod +
                             (options.container.empty() ? "" : " container " + options.container);
    auto response = send(std::move(request));
    if (!response) return fail(Error(response.error()).context(what));
    if (response->status / 100 != 2) return fail(apiError(*response, what));
    if (options.limitBytes > 0 && static_cast<long long>(response->body.size()) > options.limitBytes)
        response->body.resize(static_cast<size_t>(options.limitBytes));
    return std::move(response->body);
}

Result<std::vector<ClusterEvent>> KubeClient::events(const std::string& ns, const std::string& involvedName) {
    std::vector<ClusterEvent> out;
    std::set<std::string> seenUids;  // both APIs serve the same stored events on a real cluster
    auto core = list({"v1", "Event", ns, ""},
                     {.fieldSelector = involvedName.empty() ? "" : "involvedObject.name=" + involvedName});
    if (!core) return fail(core.error());
    for (const auto& e : core->items) {
        std::string uid = metadataString(e, "uid");
        if (!uid.empty() && !seenUids.insert(uid).second) continue;
        out.push_back(clusterEventFromObject(e));
    }
    auto modern = list({"events.k8s.io/v1", "Event", ns, ""},
                       {.fieldSelector = involvedName.empty() ? "" : "regarding.name=" + involvedName});
    // Old clusters may lack events.k8s.io/v1; the core list is enough there.
    if (modern) {
        for (const auto& e : modern->items) {
            std::string uid = metadataString(e, "uid");
            if (!uid.empty() && !seenUids.insert(uid).second) continue;
            out.push_back(clusterEventFromObject(e));
        }
    } else if (modern.error().kind != ErrorKind::NotFound) {
        return fail(modern.error());
    }
    sortEventsByTime(out);
    return out;
}

}  // namespace kc
