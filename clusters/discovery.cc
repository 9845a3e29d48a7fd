// Discovery: aggregated first, legacy as fallback; lookups by kind or by resource name.
#include "clusters/discovery.h"

#include <algorithm>

namespace kc {
namespace {

constexpr const char* kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

std::vector<std::string> stringList(const Json& value) {
    std::vector<std::string> out;
    if (!value.is_array()) return out;
    for (const auto& v : value)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

Result<Json> parseBody(const HttpResponse& response, const std::string& target) {
    Json body = Json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return fail(ErrorKind::Server, "discovery: " + target + " did not return a JSON object");
    return body;
}

}  // namespace

bool ResourceInfo::hasSubresource(const std::string& name) const {
    return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

std::string ResourceInfo::path(const std::string& ns, const std::string& name, const std::string& subresource) const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
    p += "/" + resource;
    if (!name.empty()) p += "/" + name;
    if (!name.empty() && !subresource.empty()) p += "/" + subresource;
    return p;
}

std::pair<std::string, std::string> splitApiVersion(const std::string& apiVersion) {
    auto slash = apiVersion.find('/');
    if (slash == std::string::npos) return {"", apiVersion};
    return {apiVersion.substr(0, slash), apiVersion.substr(slash + 1)};
}

Discovery::Discovery(Getter get) : get_(std::move(get)) {}

void Discovery::reset() {
    std::lock_guard lock(mutex_);
    loaded_ = false;
    resources_.clear();
}

bool Discovery::usedAggregated() const {
    std::lock_guard lock(mutex_);
    return aggregated_;
}

Status Discovery::loadAggregated(bool& served) {
    served = false;
    std::vector<ResourceInfo> found;
    for (const std::string target : {"/api", "/apis"}) {
        auto response = get_(target, kAggregatedAccept);
        if (!response) return fail(response.error());
        if (response->status / 100 != 2) {
            if (response->status == 404 || response->status == 406) return {};
            return fail(ErrorKind::Server, "discovery: GET " + target + " answered HTTP " +
                                               std::to_string(response->status));
        }
        // A server without aggregated discovery ignores the preference and answers the legacy form.
        if (response->header("content-type").find("as=APIGroupDiscoveryList") == std::string::npos) return {};
        auto body = parseBody(*response, target);
        if (!body) return fail(body.error());
        if (!(*body)["items"].is_array()) continue;
        for (const auto& groupEntry : (*body)["items"]) {
            std::string group = groupEntry.contains("metadata") ? groupEntry["metadata"].value("name", "") : "";
            if (!groupEntry.contains("versions") || !groupEntry["versions"].is_array()) continue;
            for (const auto& versionEntry : groupEntry["versions"]) {
                std::string version = versionEntry.value("version", "");
                if (!versionEntry.contains("resources") || !versionEntry["resources"].is_array()) continue;
                for (const auto& r : versionEntry["resources"]) {
                    ResourceInfo info;
                    info.group = group;
                    info.version = version;
                    info.resource = r.value("resource", "");
                    info.singular = r.value("singularResource", "");
                    info.namespaced = r.value("scope", "") == "Namespaced";
                    if (r.contains("responseKind") && r["responseKind"].is_object())
                        info.kind = r["responseKind"].value("kind", "");
                    info.verbs = stringList(r.value("verbs", Json::array()));
                    info.shortNames = stringList(r.value("shortNames", Json::array()));
                    if (r.contains("subresources") && r["subresources"].is_array())
                        for (const auto& s : r["subresources"]) info.subresources.push_back(s.value("subresource", ""));
                    if (!info.resource.empty() && !info.kind.empty()) found.push_back(std::move(info));
                }
            }
        }
    }
    served = true;
    resources_ = std::move(found);
    return {};
}

Status Discovery::loadLegacy() {
    std::vector<std::string> groupVersions;
    auto core = get_("/api", "application/json");
    if (!core) return fail(core.error());
    if (core->status / 100 == 2) {
        auto body = parseBody(*core, "/api");
        if (!body) return fail(body.error());
        for (const auto& v : stringList((*body)["versions"])) groupVersions.push_back(v);
    }
    auto groups = get_("/apis", "application/json");
    if (!groups) return fail(groups.error());
    if (groups->status / 100 == 2) {
        auto body = parseBody(*groups, "/apis");
        if (!body) return fail(body.error());
        if ((*body)["groups"].is_array())
            for (const auto& g : (*body)["groups"])
                if (g.contains("versions") && g["versions"].is_array())
                    for (const auto& v : g["versions"]) groupVersions.push_back(v.value("groupVersion", ""));
    }
    if (groupVersions.empty()) return fail(ErrorKind::Server, "discovery: the server lists no API groups");

    std::vector<ResourceInfo> found;
    for (const auto& gv : groupVersions) {
        if (gv.empty()) continue;
        std::string target = gv.find('/') == std::string::npos ? "/api/" + gv : "/apis/" + gv;
        auto response = get_(target, "application/json");
        if (!response) return fail(response.error());
        // One broken group (an aggregated API server that is down) must not hide all the others.
        if (response->status / 100 != 2) continue;
        auto body = parseBody(*response, target);
        if (!body) continue;
        auto [group, version] = splitApiVersion(gv);
        std::map<std::string, size_t> byResource;
        std::vector<std::pair<std::string, std::string>> subresources;
        if (!(*body)["resources"].is_array()) continue;
        for (const auto& r : (*body)["resources"]) {
            std::string name = r.value("name", "");
            auto slash = name.find('/');
            if (slash != std::string::npos) {
                subresources.emplace_back(name.substr(0, slash), name.substr(slash + 1));
                continue;
            }
            ResourceInfo info;
            info.group = group;
            info.version = version;
            info.resource = name;
            info.singular = r.value("singularName", "");
            info.kind = r.value("kind", "");
            info.namespaced = r.value("namespaced", false);
            info.verbs = stringList(r.value("verbs", Json::array()));
            info.shortNames = stringList(r.value("shortNames", Json::array()));
            byResource[name] = found.size();
            found.push_back(std::move(info));
        }
        for (const auto& [parent, sub] : subresources) {
            auto it = byResource.find(parent);
            if (it != byResource.end()) found[it->second].subresources.push_back(sub);
        }
    }
    resources_ = std::move(found);
    return {};
}

Status Discovery::ensureLoaded() {
    if (loaded_) return {};
    bool served = false;
    auto aggregated = loadAggregated(served);
    if (!aggregated) return aggregated;
    aggregated_ = served;
    if (!served) {
        auto legacy = loadLegacy();
        if (!legacy) return legacy;
    }
    loaded_ = true;
    return {};
}

std::optional<ResourceInfo> Discovery::findKind(const std::string& apiVersion, const std::string& kind) const {
    auto [group, version] = splitApiVersion(apiVersion);
    for (const auto& info : resources_)
        if (info.group == group && info.version == version && info.kind == kind) return info;
    return std::nullopt;
}

Result<ResourceInfo> Discovery::resolveKind(const std::string& apiVersion, const std::string& kind) {
    std::lock_guard lock(mutex_);
    for (int pass = 0; pass < 2; ++pass) {
        auto loaded = ensureLoaded();
        if (!loaded) return fail(loaded.error());
        if (auto info = findKind(apiVersion, kind)) return *info;
        if (pass == 0) {
            // The type may be new (a CRD established since the last read): read discovery once more.
            loaded_ = false;
            resources_.clear();
        }
    }
    return fail(ErrorKind::NotFound, "the server has no resource for kind \"" + kind + "\" in apiVersion \"" +
                                         apiVersion + "\" (is its CustomResourceDefinition installed?)");
}

Result<ResourceInfo> Discovery::resolveResource(const std::string& name, const std::string& group) {
    std::lock_guard lock(mutex_);
    for (int pass = 0; pass < 2; ++pass) {
        auto loaded = ensureLoaded();
        if (!loaded) return fail(loaded.error());
        for (const auto& info : resources_) {
            if (!group.empty() && info.group != group) continue;
            bool matches = info.resource == name || info.singular == name ||
                           std::find(info.shortNames.begin(), info.shortNames.end(), name) != info.shortNames.end();
            if (!matches) {
                std::string lowerKind;
                for (char c : info.kind) lowerKind += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                matches = lowerKind == name;
            }
            if (matches) return info;
        }
        if (pass == 0) {
            loaded_ = false;
            resources_.clear();
        }
    }
    return fail(ErrorKind::NotFound, "the server has no resource type \"" + name + "\"");
}

Result<std::vector<ResourceInfo>> Discovery::all() {
    std::lock_guard lock(mutex_);
    auto loaded = ensureLoaded();
    if (!loaded) return fail(loaded.error());
    return resources_;
}

}  // namespace kc
