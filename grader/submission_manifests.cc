// Reading and confining a submission's manifests; see submission_manifests.h.
#include "grader/submission_manifests.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"

namespace kc::grader {

namespace fs = std::filesystem;

namespace {

bool isManifestFile(const std::string& name) {
    auto endsWith = [&](const char* suffix) {
        std::string s(suffix);
        return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return endsWith(".yaml") || endsWith(".yml") || endsWith(".json");
}

struct Walk {
    const std::string& root;
    const ManifestLimits& limits;
    std::vector<std::string> files;  // relative to root
    std::vector<std::string> problems;

    void visit(const std::string& relative, int depth, bool listed) {
        struct stat st {};
        std::string full = root + "/" + relative;
        if (::lstat(full.c_str(), &st) != 0) {
            if (!listed) problems.push_back(relative + ": cannot be read");
            return;  // a listed path that is absent is simply not handed in
        }
        if (S_ISLNK(st.st_mode)) {
            problems.push_back(relative + ": a symbolic link; commit the manifest itself");
            return;
        }
        if (S_ISREG(st.st_mode)) {
            if (!listed && !isManifestFile(relative)) return;
            if (files.size() >= limits.maxFiles) {
                problems.push_back(relative + ": more than " + std::to_string(limits.maxFiles) + " manifest files");
                return;
            }
            files.push_back(relative);
            return;
        }
        if (!S_ISDIR(st.st_mode)) return;
        if (depth > limits.maxDepth) {
            problems.push_back(relative + ": folders nested deeper than " + std::to_string(limits.maxDepth));
            return;
        }
        std::vector<std::string> names;
        std::error_code ec;
        for (fs::directory_iterator it(full, ec), end; !ec && it != end; it.increment(ec)) {
            names.push_back(it->path().filename().string());
            if (names.size() > limits.maxFiles * 4) break;  // a folder of junk is not walked to the end
        }
        if (ec) problems.push_back(relative + ": " + ec.message());
        std::sort(names.begin(), names.end());
        for (const auto& n : names)
            if (n[0] != '.') visit(relative + "/" + n, depth + 1, false);
    }
};

std::string trimmedPath(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    while (p.rfind("./", 0) == 0) p = p.substr(2);
    return p;
}

}  // namespace

Result<std::vector<ManifestObject>> readSubmissionManifests(const std::string& submissionRoot,
                                                            const std::vector<std::string>& paths,
                                                            const ManifestLimits& limits) {
    Walk walk{submissionRoot, limits, {}, {}};
    for (const auto& p : paths) {
        std::string relative = trimmedPath(p);
        if (relative.empty() || relative[0] == '/' || relative.find("..") != std::string::npos) {
            walk.problems.push_back(p + ": not a path inside the submission");
            continue;
        }
        walk.visit(relative, 0, true);
    }
    auto refuse = [](const std::vector<std::string>& problems) {
        std::string message = "the submission's manifests were refused:";
        for (const auto& p : problems) message += "\n  " + p;
        return fail(ErrorKind::Invalid, message);
    };
    if (!walk.problems.empty()) return refuse(walk.problems);

    std::vector<ManifestObject> objects;
    size_t total = 0;
    YamlLimits yamlLimits;
    yamlLimits.maxBytes = limits.maxFileBytes;
    yamlLimits.maxDocuments = limits.maxObjects;
    for (const auto& relative : walk.files) {
        auto text = readFileBounded(submissionRoot + "/" + relative, limits.maxFileBytes);
        if (!text) {
            walk.problems.push_back(relative + ": " + text.error().message);
            continue;
        }
        total += text->size();
        if (total > limits.maxTotalBytes) {
            walk.problems.push_back(relative + ": the manifests add up to more than " +
                                    std::to_string(limits.maxTotalBytes) + " bytes");
            break;
        }
        auto docs = parseYamlDocuments(*text, relative, yamlLimits);
        if (!docs) {
            walk.problems.push_back(docs.error().message);
            continue;
        }
        for (auto& doc : *docs) {
            std::string where = formatLocation(relative, doc.locate(""));
            if (doc.value.is_null()) continue;
            const Json& v = doc.value;
            // A List (kubectl get -o yaml) holds its objects in items.
            std::vector<Json> items;
            if (v.is_object() && v.value("kind", "") == "List" && v.contains("items") && v["items"].is_array())
                for (const auto& item : v["items"]) items.push_back(item);
            else
                items.push_back(v);
            for (auto& item : items) {
                bool ok = item.is_object() && item.contains("apiVersion") && item["apiVersion"].is_string() &&
                          item.contains("kind") && item["kind"].is_string() && item.contains("metadata") &&
                          item["metadata"].is_object() && item["metadata"].contains("name") &&
                          item["metadata"]["name"].is_string();
                if (!ok) {
                    walk.problems.push_back(where + ": not a Kubernetes object (apiVersion, kind and metadata.name)");
                    continue;
                }
                if (objects.size() >= limits.maxObjects) {
                    walk.problems.push_back(where + ": more than " + std::to_string(limits.maxObjects) + " objects");
                    return refuse(walk.problems);
                }
                objects.push_back({std::move(item), where});
            }
        }
    }
    if (!walk.problems.empty()) return refuse(walk.problems);
    if (objects.empty()) {
        std::string list;
        for (const auto& p : paths) list += (list.empty() ? "" : ", ") + trimmedPath(p);
        return fail(ErrorKind::NotFound, "the submission has no manifests to apply under " + list);
    }
    return objects;
}

Result<std::vector<ManifestObject>> confineToNamespace(std::vector<ManifestObject> objects, const std::string& ns,
                                                       const std::set<std::string>& labNamespaces,
                                                       const std::set<std::string>& allowedClusterKinds,
                                                       const ScopeLookup& isNamespaced) {
    // Kinds the submission's own CRDs define: apiVersion group → kind → namespaced.
    std::map<std::pair<std::string, std::string>, bool> ownKinds;
    for (const auto& m : objects) {
        const Json& o = m.object;
        if (o["kind"] != "CustomResourceDefinition" || !o.contains("spec") || !o["spec"].is_object()) continue;
        const Json& spec = o["spec"];
        std::string group = spec.value("group", "");
        std::string kind = spec.contains("names") && spec["names"].is_object() ? spec["names"].value("kind", "") : "";
        bool namespaced = spec.value("scope", "Namespaced") != "Cluster";
        if (spec.contains("versions") && spec["versions"].is_array())
            for (const auto& v : spec["versions"])
                if (v.is_object() && v.contains("name") && v["name"].is_string())
                    ownKinds[{group + "/" + v["name"].get<std::string>(), kind}] = namespaced;
    }
    std::vector<std::string> problems;
    for (auto& m : objects) {
        Json& o = m.object;
        std::string apiVersion = o["apiVersion"], kind = o["kind"];
        std::string name = o["metadata"]["name"];
        std::string label = m.where + ": " + kind + " \"" + name + "\"";
        if (kind == "Namespace") {
            problems.push_back(label + ": a submission graded in its own namespace may not create namespaces");
            continue;
        }
        std::optional<bool> namespaced;
        if (auto own = ownKinds.find({apiVersion, kind}); own != ownKinds.end()) namespaced = own->second;
        else namespaced = isNamespaced(apiVersion, kind);
        if (!namespaced) {
            problems.push_back(label + ": the cluster does not serve " + apiVersion + " " + kind);
            continue;
        }
        if (!*namespaced) {
            if (!allowedClusterKinds.count(kind))
                problems.push_back(label + ": cluster-scoped " + kind +
                                   " objects are not allowed by this lab (rubric submission.cluster_scoped)");
            continue;
        }
        std::string written = o["metadata"].value("namespace", "");
        if (!written.empty() && written != ns && !labNamespaces.count(written)) {
            problems.push_back(label + ": namespace \"" + written +
                               "\" is not the submission's; leave metadata.namespace out or use the lab's namespace");
            continue;
        }
        o["metadata"]["namespace"] = ns;
    }
    if (!problems.empty()) {
        std::string message = "the submission's manifests act outside namespace " + ns + ":";
        for (const auto& p : problems) message += "\n  " + p;
        return fail(ErrorKind::Invalid, message);
    }
    return objects;
}

std::string submissionNamespace(const std::string& studentId, size_t maxLength) {
    std::string out = "kc-";
    bool changed = false;
    for (char c : studentId) {
        char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '-';
        changed = changed || !ok || lower != c;
        out += ok ? lower : '-';
    }
    // FNV-1a of the original id keeps "Ann.Lee" and "ann-lee" apart.
    std::string suffix;
    if (changed || out.size() > maxLength) {
        std::uint32_t h = 2166136261u;
        for (unsigned char c : studentId) h = (h ^ c) * 16777619u;
        char hex[16];
        std::snprintf(hex, sizeof hex, "-%06x", h & 0xffffffu);
        suffix = hex;
    }
    if (out.size() + suffix.size() > maxLength) out.resize(maxLength - suffix.size());
    while (out.size() > 3 && out.back() == '-') out.pop_back();
    return out + suffix;
}

}  // namespace kc::grader
