// Server-side apply for the API test double: FieldsV1 sets, conflict detection, ownership transfer, removal of
// fields a manager stopped applying. See the header for exactly what is simplified.
#include "tests/support/server_side_apply.h"

#include <algorithm>

namespace kc::testing {
namespace {

using Path = std::vector<std::string>;

bool keyedList(const Json& array) {
    if (!array.is_array() || array.empty()) return false;
    for (const auto& e : array)
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) return false;
    return true;
}

std::string elementKey(const Json& element) { return "k:" + Json{{"name", element["name"]}}.dump(); }

Json setOfValue(const Json& value) {
    Json set = Json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
        const Json& child = it.value();
        std::string key = "f:" + it.key();
        if (child.is_object() && !child.empty()) {
            set[key] = setOfValue(child);
        } else if (keyedList(child)) {
            Json elements = Json::object();
            for (const auto& e : child) {
                Json sub = Json{{".", Json::object()}};
                sub.update(setOfValue(e));
                elements[elementKey(e)] = sub;
            }
            set[key] = elements;
        } else {
            set[key] = Json::object();
        }
    }
    return set;
}

void leaves(const Json& set, Path& prefix, std::vector<Path>& out) {
    for (auto it = set.begin(); it != set.end(); ++it) {
        prefix.push_back(it.key());
        if (it.key() == "." || it.value().empty())
            out.push_back(prefix);
        else
            leaves(it.value(), prefix, out);
        prefix.pop_back();
    }
}

std::vector<Path> leavesOf(const Json& set) {
    std::vector<Path> out;
    Path prefix;
    if (set.is_object()) leaves(set, prefix, out);
    return out;
}

bool contains(const Json& set, const Path& path) {
    const Json* node = &set;
    for (const auto& seg : path) {
        if (!node->is_object() || !node->contains(seg)) return false;
        node = &(*node)[seg];
    }
    return true;
}

void add(Json& set, const Path& path) {
    Json* node = &set;
    for (const auto& seg : path) {
        if (!node->contains(seg)) (*node)[seg] = Json::object();
        node = &(*node)[seg];
    }
}

bool removeRec(Json& node, const Path& path, size_t i) {
    if (!node.is_object() || !node.contains(path[i])) return false;
    if (i + 1 == path.size()) {
        node.erase(path[i]);
        return true;
    }
    bool removed = removeRec(node[path[i]], path, i + 1);
    // Prune parents left empty, or they would read as leaves owned by this manager.
    if (removed && node[path[i]].empty()) node.erase(path[i]);
    return removed;
}

void remove(Json& set, const Path& path) {
    if (!path.empty()) removeRec(set, path, 0);
}

Json* findElement(Json& array, const std::string& seg) {
    Json key = Json::parse(seg.substr(2), nullptr, false);
    if (!array.is_array() || !key.is_object()) return nullptr;
    for (auto& e : array) {
        bool match = e.is_object();
        for (auto it = key.begin(); match && it != key.end(); ++it)
            match = e.contains(it.key()) && e[it.key()] == it.value();
        if (match) return &e;
    }
    return nullptr;
}

const Json* valueAt(const Json& object, const Path& path) {
    Json* node = const_cast<Json*>(&object);  // findElement is shared with the mutating walk; nothing is changed here
    for (const auto& seg : path) {
        if (seg == ".") break;
        if (seg.rfind("f:", 0) == 0) {
            std::string key = seg.substr(2);
            if (!node->is_object() || !node->contains(key)) return nullptr;
            node = &(*node)[key];
        } else if (seg.rfind("k:", 0) == 0) {
            node = findElement(*node, seg);
            if (!node) return nullptr;
        } else {
            return nullptr;
        }
    }
    return node;
}

void removeAt(Json& object, Path path) {
    if (path.empty()) return;
    if (path.back() == ".") {
        path.pop_back();
        if (path.empty()) return;
        std::string elementSeg = path.back();
        path.pop_back();
        Json* array = const_cast<Json*>(valueAt(object, path));
        if (!array || !array->is_array()) return;
        Json* element = findElement(*array, elementSeg);
        if (!element) return;
        for (size_t i = 0; i < array->size(); ++i)
            if (&(*array)[i] == element) {
                array->erase(i);
                break;
            }
        return;
    }
    std::string last = path.back();
    path.pop_back();
    Json* parent = const_cast<Json*>(valueAt(object, path));
    if (parent && parent->is_object() && last.rfind("f:", 0) == 0) parent->erase(last.substr(2));
}

std::string display(const Path& path) {
    std::string out;
    for (const auto& seg : path) {
        if (seg == ".") continue;
        if (seg.rfind("f:", 0) == 0) {
            out += "." + seg.substr(2);
        } else if (seg.rfind("k:", 0) == 0) {
            Json key = Json::parse(seg.substr(2), nullptr, false);
            out += "[";
            bool first = true;
            if (key.is_object())
                for (auto it = key.begin(); it != key.end(); ++it) {
                    if (!first) out += ",";
                    first = false;
                    out += it.key() + "=" + it.value().dump();
                }
            out += "]";
        }
    }
    return out;
}

void mergeInto(Json& live, const Json& config) {
    for (auto it = config.begin(); it != config.end(); ++it) {
        const Json& value = it.value();
        if (live.contains(it.key())) {
            Json& target = live[it.key()];
            if (value.is_object() && target.is_object()) {
                mergeInto(target, value);
                continue;
            }
            if (keyedList(value) && keyedList(target)) {
                for (const auto& e : value) {
                    if (Json* existing = findElement(target, elementKey(e)))
                        mergeInto(*existing, e);
                    else
                        target.push_back(e);
                }
                continue;
            }
        }
        live[it.key()] = value;
    }
}

Json entry(const std::string& manager, const std::string& operation, const std::string& apiVersion,
           const std::string& subresource, const std::string& now, const Json& set) {
    Json e{{"manager", manager}, {"operation", operation}, {"apiVersion", apiVersion}, {"time", now},
           {"fieldsType", "FieldsV1"}, {"fieldsV1", set}};
    if (!subresource.empty()) e["subresource"] = subresource;
    return e;
}

bool sameEntry(const Json& e, const std::string& manager, const std::string& operation, const std::string& subresource) {
    return e.value("manager", "") == manager && e.value("operation", "") == operation &&
           e.value("subresource", "") == subresource;
}

Json managedFieldsOf(const Json& object) {
    if (object.is_object() && object.contains("metadata") && object["metadata"].contains("managedFields") &&
        object["metadata"]["managedFields"].is_array())
        return object["metadata"]["managedFields"];
    return Json::array();
}

void storeManagedFields(Json& object, Json managed) {
    Json kept = Json::array();
    for (auto& e : managed)
        if (e.contains("fieldsV1") && e["fieldsV1"].is_object() && !e["fieldsV1"].empty()) kept.push_back(e);
    if (kept.empty())
        object["metadata"].erase("managedFields");
    else
        object["metadata"]["managedFields"] = kept;
}

}  // namespace

Json fieldSetOf(const Json& object) {
    if (!object.is_object()) return Json::object();
    Json copy = object;
    copy.erase("apiVersion");
    copy.erase("kind");
    if (copy.contains("metadata") && copy["metadata"].is_object()) {
        for (const char* k : {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                              "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"})
            copy["metadata"].erase(k);
        if (copy["metadata"].empty()) copy.erase("metadata");
    }
    return setOfValue(copy);
}

std::string conflictMessage(const ApplyConflict& conflict) {
    std::string using_ = conflict.apiVersion.empty() ? "" : " using " + conflict.apiVersion;
    return "conflict with \"" + conflict.manager + "\"" + using_ + ": " + conflict.field;
}

ApplyOutcome serverSideApply(const Json& live, const Json& config, const std::string& manager, bool force,
                             const std::string& apiVersion, const std::string& subresource, const std::string& now) {
    ApplyOutcome outcome;
    Json newSet = fieldSetOf(config);
    if (live.is_null()) {
        outcome.object = config;
        storeManagedFields(outcome.object,
                           Json::array({entry(manager, "Apply", apiVersion, subresource, now, newSet)}));
        return outcome;
    }
    Json managed = managedFieldsOf(live);
    struct Owned {
        size_t entryIndex;
        Path path;
    };
    std::vector<Owned> taken;
    for (const Path& p : leavesOf(newSet)) {
        if (p.back() == ".") continue;
        const Json* configValue = valueAt(config, p);
        const Json* liveValue = valueAt(live, p);
        if (liveValue && configValue && *liveValue == *configValue) continue;  // same value: shared ownership
        for (size_t i = 0; i < managed.size(); ++i) {
            if (sameEntry(managed[i], manager, "Apply", subresource)) continue;
            if (!contains(managed[i]["fieldsV1"], p)) continue;
            bool update = managed[i].value("operation", "") == "Update";
            outcome.conflicts.push_back({managed[i].value("manager", ""), display(p),
                                         update ? managed[i].value("apiVersion", "") : std::string()});
            taken.push_back({i, p});
        }
    }
    if (!outcome.conflicts.empty() && !force) return outcome;
    outcome.conflicts.clear();
    for (const Owned& t : taken) remove(managed[t.entryIndex]["fieldsV1"], t.path);

    size_t mine = managed.size();
    for (size_t i = 0; i < managed.size(); ++i)
        if (sameEntry(managed[i], manager, "Apply", subresource)) mine = i;
    Json previous = mine < managed.size() ? managed[mine]["fieldsV1"] : Json::object();

    Json object = live;
    for (const Path& p : leavesOf(previous)) {
        if (contains(newSet, p)) continue;
        bool ownedElsewhere = false;
        for (size_t i = 0; i < managed.size(); ++i)
            if (i != mine && contains(managed[i]["fieldsV1"], p)) ownedElsewhere = true;
        if (!ownedElsewhere) removeAt(object, p);
    }
    mergeInto(object, config);
    Json mineEntry = entry(manager, "Apply", apiVersion, subresource, now, newSet);
    if (mine < managed.size())
        managed[mine] = mineEntry;
    else
        managed.push_back(mineEntry);
    storeManagedFields(object, managed);
    outcome.object = std::move(object);
    return outcome;
}

void recordUpdateOwnership(const Json& before, Json& after, const std::string& manager, const std::string& apiVersion,
                           const std::string& subresource, const std::string& now) {
    Json managed = managedFieldsOf(before);
    Json afterSet = fieldSetOf(after);
    for (auto& e : managed) {
        if (!e.contains("fieldsV1")) continue;
        for (const Path& p : leavesOf(e["fieldsV1"]))
            if (!contains(afterSet, p)) remove(e["fieldsV1"], p);
    }
    std::vector<Path> changed;
    for (const Path& p : leavesOf(afterSet)) {
        const Json* old = before.is_null() ? nullptr : valueAt(before, p);
        const Json* now2 = valueAt(after, p);
        // An element's "." changes hands only when the element itself is new, not when one of its fields changed.
        if (p.back() == ".") {
            if (!old) changed.push_back(p);
        } else if (!old || !now2 || *old != *now2) {
            changed.push_back(p);
        }
    }
    if (!changed.empty()) {
        size_t mine = managed.size();
        for (size_t i = 0; i < managed.size(); ++i)
            if (sameEntry(managed[i], manager, "Update", subresource)) mine = i;
        if (mine == managed.size()) managed.push_back(entry(manager, "Update", apiVersion, subresource, now, Json::object()));
        for (const Path& p : changed) {
            for (size_t i = 0; i < managed.size(); ++i)
                if (i != mine) remove(managed[i]["fieldsV1"], p);
            add(managed[mine]["fieldsV1"], p);
        }
        managed[mine]["time"] = now;
        managed[mine]["apiVersion"] = apiVersion;
    }
    if (!after.contains("metadata") || !after["metadata"].is_object()) after["metadata"] = Json::object();
    storeManagedFields(after, managed);
}

}  // namespace kc::testing
