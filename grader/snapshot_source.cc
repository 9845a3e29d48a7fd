// Snapshot source: every object of a capture directory or a List dump, indexed by apiVersion+kind, with the
// capture's events and logs. Nothing changes in a snapshot, so waits return at once and passes are no-ops.
#include "grader/snapshot_source.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "grader/capture.h"

namespace kc::grader {

namespace {

namespace fs = std::filesystem;

struct Located {
    ClusterEvent event;
    std::string namespace_;  // of the Event object itself
};

class SnapshotSource final : public ObjectSource {
public:
    explicit SnapshotSource(std::string path) : path_(std::move(path)) {}

    bool isLive() const override { return false; }
    std::string describe() const override { return "snapshot " + path_; }
    std::string clusterVersion() override { return version_; }

    Result<std::shared_ptr<const std::vector<Json>>> list(const SourceQuery& query) override {
        const std::string k = query.apiVersion + "|" + query.kind + "|" + query.namespace_;
        if (auto it = answers_.find(k); it != answers_.end()) return it->second;
        auto out = std::make_shared<std::vector<Json>>();
        if (auto it = objects_.find(query.apiVersion + "|" + query.kind); it != objects_.end()) {
            for (const auto& item : it->second) {
                std::string ns = objectNamespace(item);
                // Objects without a namespace are cluster-scoped and answer any namespace, as the API does.
                if (query.namespace_.empty() || ns.empty() || ns == query.namespace_) out->push_back(item);
            }
        }
        answers_[k] = out;
        return std::shared_ptr<const std::vector<Json>>(out);
    }

    Result<std::string> podLogs(const std::string& ns, const std::string& pod, const std::string& container,
                                bool previous) override {
        auto it = logs_.find(logKey(ns, pod, container, previous));
        if (it == logs_.end())
            return fail(ErrorKind::NotFound, "the snapshot holds no " + std::string(previous ? "previous " : "") +
                                                 "log of pod " + ns + "/" + pod + " container " + container);
        return it->second;
    }

    Result<std::vector<ClusterEvent>> events(const std::string& ns) override {
        if (allEvents_) {
            std::vector<ClusterEvent> out;
            for (const auto& e : *allEvents_)
                if (ns.empty() || e.namespace_ == ns)
                    out.push_back(e.event);
            return out;
        }
        auto it = eventsByNs_.find(ns);
        if (it == eventsByNs_.end()) {
            // An all-namespaces capture answers every namespace.
            auto all = eventsByNs_.find("");
            if (all == eventsByNs_.end() || ns.empty())
                return fail(ErrorKind::NotFound, "the snapshot holds no events" +
                                                     (ns.empty() ? std::string() : " for namespace " + ns));
            std::vector<ClusterEvent> out;
            for (const auto& e : all->second)
                if (e.involvedNamespace == ns) out.push_back(e);
            return out;
        }
        return it->second;
    }

    void newPass() override {}
    Status waitForChange(const SourceQuery&, Duration, const std::shared_ptr<Cancellation>&) override {
        return fail(ErrorKind::Timeout, "a snapshot does not change");
    }
    KubeClient* client() override { return nullptr; }

    // Loading.
    Status addObject(Json object, const std::string& where) {
        if (!object.is_object() || !object.contains("apiVersion") || !object["apiVersion"].is_string() ||
            !object.contains("kind") || !object["kind"].is_string())
            return fail(ErrorKind::Invalid, where + ": an object needs apiVersion and kind");
        if (!object.contains("metadata") || !object["metadata"].is_object())
            return fail(ErrorKind::Invalid, where + ": an object needs metadata (a map with name)");
        const Json& metadata = object["metadata"];
        if (!metadata.contains("name") || !metadata["name"].is_string() || objectName(object).empty())
            return fail(ErrorKind::Invalid, where + ": an object needs metadata.name (text)");
        if (metadata.contains("namespace") && !metadata["namespace"].is_string() && !metadata["namespace"].is_null())
            return fail(ErrorKind::Invalid, where + ": metadata.namespace must be text");
        if (++count_ > kMaxSnapshotObjects)
            return fail(ErrorKind::Invalid, where + ": more than " + std::to_string(kMaxSnapshotObjects) + " objects");
        const std::string typeKey = object["apiVersion"].get<std::string>() + "|" + object["kind"].get<std::string>();
        const std::string id = typeKey + "|" + objectNamespace(object) + "|" + objectName(object);
        if (!seen_.insert(id).second) return {};  // the same object captured twice (e.g. namespace and all)
        objects_[typeKey].push_back(std::move(object));
        return {};
    }

    // Events found as objects in a List dump: converted like KubeClient::events does, with its uid de-duplication
    // and order; each keeps the namespace the Event object lives in, which is what a namespaced read filters on.
    void collectEventObjects() {
        std::vector<Located> events;
        std::set<std::string> uids;
        bool any = false;
        for (const char* type : {"v1|Event", "events.k8s.io/v1|Event"}) {
            auto it = objects_.find(type);
            if (it == objects_.end()) continue;
            any = true;
            for (const auto& e : it->second) {
                std::string uid = e.contains("metadata") && e["metadata"].is_object()
                                      ? e["metadata"].value("uid", std::string())
                                      : std::string();
                if (!uid.empty() && !uids.insert(uid).second) continue;
                events.push_back({clusterEventFromObject(e), objectNamespace(e)});
            }
        }
        if (!any) return;
        std::stable_sort(events.begin(), events.end(), [](const Located& a, const Located& b) {
            return a.event.time.substr(0, 19) < b.event.time.substr(0, 19);
        });
        allEvents_ = std::move(events);
    }

    std::string path_;
    std::string version_;
    std::map<std::string, std::vector<Json>> objects_;  // "apiVersion|kind" → objects in file order
    std::set<std::string> seen_;
    size_t count_ = 0;
    std::map<std::string, std::shared_ptr<const std::vector<Json>>> answers_;
    std::map<std::string, std::string> logs_;
    std::map<std::string, std::vector<ClusterEvent>> eventsByNs_;
    std::optional<std::vector<Located>> allEvents_;

    static std::string logKey(const std::string& ns, const std::string& pod, const std::string& container,
                              bool previous) {
        return ns + "/" + pod + "/" + container + (previous ? "/previous" : "");
    }

    friend Result<std::unique_ptr<ObjectSource>> loadCaptureDir(const std::string& dir);
    friend Status loadDocuments(SnapshotSource& source, const std::string& text, const std::string& sourceName);
};

// A document is one object or a List of them; lists come as kind "List" or "<Kind>List" with items.
Status loadDocuments(SnapshotSource& source, const std::string& text, const std::string& sourceName) {
    YamlLimits limits;
    limits.maxBytes = kMaxSnapshotFileBytes;
    limits.maxNodes = 20000000;
    limits.maxDocuments = 100000;
    auto documents = parseYamlDocuments(text, sourceName, limits);
    if (!documents) return fail(documents.error());
    for (auto& doc : *documents) {
        Json& value = doc.value;
        if (!value.is_object())
            return fail(ErrorKind::Invalid, formatLocation(sourceName, doc.locate("")) + ": a document must be a map");
        // Read leniently here: a kind or apiVersion that is not text fails in addObject with its position.
        std::string kind = value.contains("kind") && value["kind"].is_string() ? value["kind"].get<std::string>() : "";
        bool isList = value.contains("items") && (kind == "List" || (kind.size() > 4 && kind.ends_with("List")));
        if (!isList) {
            auto added = source.addObject(std::move(value), formatLocation(sourceName, doc.locate("")));
            if (!added) return added;
            continue;
        }
        if (!value["items"].is_array() && !value["items"].is_null())
            return fail(ErrorKind::Invalid, formatLocation(sourceName, doc.locate("/items")) + ": items must be a list");
        if (value["items"].is_null()) continue;
        // A typed list (DeploymentList) leaves apiVersion/kind off its items; restore them from the list.
        std::string itemKind = kind == "List" ? "" : kind.substr(0, kind.size() - 4);
        std::string itemApiVersion =
            value.contains("apiVersion") && value["apiVersion"].is_string() ? value["apiVersion"].get<std::string>() : "";
        for (size_t i = 0; i < value["items"].size(); ++i) {
            Json item = std::move(value["items"][i]);
            if (item.is_object() && !itemKind.empty()) {
                if (!item.contains("kind")) item["kind"] = itemKind;
                if (!item.contains("apiVersion")) item["apiVersion"] = itemApiVersion;
            }
            auto added = source.addObject(std::move(item),
                                          formatLocation(sourceName, doc.locate("/items/" + std::to_string(i))));
            if (!added) return added;
        }
    }
    return {};
}

// Manifest paths come from untrusted captures: relative, no "..", no absolute parts.
bool safeRelative(const std::string& p) {
    if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos) return false;
    for (const auto& part : fs::path(p))
        if (part == ".." ) return false;
    return true;
}

// The manifest's shape, checked before any file it names is read, so a wrong type is reported where it was
// written rather than thrown from deep inside the loader.
Status checkCaptureManifest(const YamlDocument& doc, const std::string& manifestPath) {
    const Json& m = doc.value;
    auto at = [&](const std::string& pointer, const std::string& what) {
        return fail(ErrorKind::Invalid, formatLocation(manifestPath, doc.locate(pointer)) + ": " + what);
    };
    if (!m.is_object() || !m.contains("format") || !m["format"].is_string() || m["format"] != kCaptureFormat)
        return at("/format", std::string("not a kubeclass capture manifest (format must be \"") + kCaptureFormat + "\")");
    if (m.contains("clusterVersion") && !m["clusterVersion"].is_string())
        return at("/clusterVersion", "clusterVersion must be text");
    struct Field { const char* name; bool text; };
    const std::map<std::string, std::vector<Field>> parts = {
        {"objects", {{"file", true}}},
        {"events", {{"file", true}, {"namespace", true}}},
        {"logs", {{"file", true}, {"namespace", true}, {"pod", true}, {"container", true}, {"previous", false}}}};
    for (const auto& [part, fields] : parts) {
        if (!m.contains(part) || m[part].is_null()) continue;
        if (!m[part].is_array()) return at("/" + part, part + " must be a list of {file: ...} entries");
        for (size_t i = 0; i < m[part].size(); ++i) {
            const Json& entry = m[part][i];
            const std::string pointer = "/" + part + "/" + std::to_string(i);
            if (!entry.is_object()) return at(pointer, part + "[" + std::to_string(i) + "] must be a map");
            for (const auto& f : fields) {
                if (!entry.contains(f.name)) continue;
                const Json& v = entry[f.name];
                if (f.text ? !v.is_string() : !v.is_boolean())
                    return at(pointer + "/" + f.name, part + "[" + std::to_string(i) + "]." + f.name + " must be " +
                                                          (f.text ? "text" : "true or false"));
            }
        }
    }
    return {};
}

Result<std::unique_ptr<ObjectSource>> loadCaptureDir(const std::string& dir) {
    const std::string manifestPath = (fs::path(dir) / kCaptureManifest).string();
    auto manifestText = readFileBounded(manifestPath, 4 * 1024 * 1024);
    if (!manifestText) return fail(Error(manifestText.error()).context("reading the capture " + dir));
    // JSON is YAML: the shared reader bounds it and gives every error a line and column.
    auto parsedManifest = parseYamlDocument(*manifestText, manifestPath);
    if (!parsedManifest) return fail(parsedManifest.error());
    if (auto bad = checkCaptureManifest(*parsedManifest, manifestPath); !bad) return fail(bad.error());
    const Json& manifest = parsedManifest->value;
    auto source = std::make_unique<SnapshotSource>(dir);
    source->version_ = manifest.value("clusterVersion", "");
    size_t total = 0;
    auto readPart = [&](const Json& entry, const char* what) -> Result<std::pair<std::string, std::string>> {
        std::string file = entry.is_object() ? entry.value("file", "") : "";
        if (!safeRelative(file))
            return fail(ErrorKind::Invalid, manifestPath + ": " + what + " entry with an unsafe file \"" + file + "\"");
        std::string full = (fs::path(dir) / file).string();
        auto text = readFileBounded(full, kMaxSnapshotFileBytes);
        if (!text) return fail(Error(text.error()).context("reading " + full));
        total += text->size();
        if (total > kMaxSnapshotTotalBytes)
            return fail(ErrorKind::Invalid, dir + ": the capture is larger than " +
                                                std::to_string(kMaxSnapshotTotalBytes / (1024 * 1024)) + " MiB");
        return std::make_pair(full, std::move(*text));
    };
    for (const auto& entry : manifest.value("objects", Json::array())) {
        auto part = readPart(entry, "objects");
        if (!part) return fail(part.error());
        auto loaded = loadDocuments(*source, part->second, part->first);
        if (!loaded) return fail(loaded.error());
    }
    for (const auto& entry : manifest.value("events", Json::array())) {
        auto part = readPart(entry, "events");
        if (!part) return fail(part.error());
        Json list = Json::parse(part->second, nullptr, false);
        if (!list.is_array()) return fail(ErrorKind::Invalid, part->first + ": events must be a JSON array");
        std::vector<ClusterEvent> events;
        for (const auto& e : list) events.push_back(eventFromJson(e));
        source->eventsByNs_[entry.value("namespace", "")] = std::move(events);
    }
    for (const auto& entry : manifest.value("logs", Json::array())) {
        auto part = readPart(entry, "logs");
        if (!part) return fail(part.error());
        source->logs_[SnapshotSource::logKey(entry.value("namespace", ""), entry.value("pod", ""),
                                             entry.value("container", ""), entry.value("previous", false))] =
            std::move(part->second);
    }
    return std::unique_ptr<ObjectSource>(std::move(source));
}

}  // namespace

Result<std::unique_ptr<ObjectSource>> snapshotFromText(const std::string& text, const std::string& sourceName) {
    auto source = std::make_unique<SnapshotSource>(sourceName);
    auto loaded = loadDocuments(*source, text, sourceName);
    if (!loaded) return fail(loaded.error());
    source->collectEventObjects();
    return std::unique_ptr<ObjectSource>(std::move(source));
}

Result<std::unique_ptr<ObjectSource>> openSnapshot(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return loadCaptureDir(path);
    if (!fs::exists(path, ec)) return fail(ErrorKind::NotFound, path + ": no such snapshot file or directory");
    auto text = readFileBounded(path, kMaxSnapshotFileBytes);
    if (!text) return fail(Error(text.error()).context("reading the snapshot " + path));
    return snapshotFromText(*text, path);
}

}  // namespace kc::grader
