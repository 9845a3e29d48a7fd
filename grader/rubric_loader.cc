// The loader: a Reader walks one YAML document into the model, turning each problem into a positioned
// diagnostic instead of stopping; whole-rubric checks (ids, needs, cycles) run last over the merged model.
#include "grader/rubric_loader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>

#include "clusters/bounded_file.h"
#include "grader/regex_cache.h"
#include "grader/spelling.h"

namespace kc::grader {
namespace {

namespace fs = std::filesystem;

struct Diagnostic {
    std::string file;
    SourceLocation location;
    std::string message;
    bool preformatted = false;  // message already starts with its own FILE:LINE:COL
};

YamlLimits rubricLimits() {
    YamlLimits limits;
    limits.maxBytes = kMaxRubricBytes;
    limits.maxDepth = kMaxRubricDepth;
    limits.maxNodes = 200000;
    limits.maxDocuments = 1;
    return limits;
}

bool isId(const std::string& s) {
    if (s.empty() || s.size() > 63) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return s.front() != '-' && s.back() != '-';
}

std::string typeName(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return "nothing";
        case Json::value_t::boolean: return "true/false";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float: return "a number";
        case Json::value_t::string: return "a string";
        case Json::value_t::array: return "a list";
        case Json::value_t::object: return "a map";
        default: return "an unsupported value";
    }
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

const std::vector<std::string> kStepKinds = {"assert", "absent", "apply",      "delete", "logs",
                                             "events", "probe",  "provenance", "http", "file"};

// A Service name (DNS-1035 label) or port name (IANA service name): lower-case letters, digits and '-', not at
// either end. Checked here so nothing odd is spliced into the proxy path.
bool isDnsLabel(const std::string& s, size_t maxLength) {
    if (s.empty() || s.size() > maxLength || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// An http step's path: '/' then URL characters only (already percent-encoded), no "." or ".." segment, since the
// proxy would resolve those against the service's root.
std::string httpPathProblem(const std::string& path) {
    if (path.empty() || path.front() != '/') return "must start with '/'";
    if (path.size() > 2048) return "is longer than 2048 characters";
    static const std::string allowed = "/?&=%:@!$'()*+,;~-._";
    for (char c : path) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  allowed.find(c) != std::string::npos;
        if (!ok) return std::string("holds '") + (c == ' ' ? std::string("space") : std::string(1, c)) +
                        "'; write it percent-encoded";
    }
    std::string segments = path.substr(0, path.find('?'));
    for (size_t at = 0; at < segments.size();) {
        size_t next = segments.find('/', at + 1);
        std::string seg = segments.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
        if (seg == "." || seg == "..") return "holds a '" + seg + "' segment";
        if (next == std::string::npos) break;
        at = next;
    }
    return "";
}

// A file step's path: relative to the submission root and inside it, so a rubric cannot read the grader's machine.
std::string submissionPathProblem(const std::string& path) {
    if (path.empty()) return "must not be empty";
    if (path.size() > 1024) return "is longer than 1024 characters";
    if (path.find('\\') != std::string::npos) return "uses '\\'; separate folders with '/'";
    if (path.find('\0') != std::string::npos) return "holds a NUL character";
    fs::path written(path);
    if (written.is_absolute() || path.front() == '/')
        return "must be relative to the submission folder, not an absolute path";
    for (const auto& part : written)
        if (part == "..") return "must stay inside the submission folder (no '..')";
    if (path.back() == '/') return "names a folder; a file step reads a file";
    return "";
}

class Reader {
public:
    Reader(std::string_view text, std::string source, std::string baseDir, std::vector<Diagnostic>& out)
        : text_(text), source_(std::move(source)), baseDir_(std::move(baseDir)), out_(out) {
        lineStarts_.push_back(0);
        for (size_t i = 0; i < text_.size(); ++i)
            if (text_[i] == '\n') lineStarts_.push_back(i + 1);
    }

    bool load() {
        auto doc = parseYamlDocument(text_, source_, rubricLimits());
        if (!doc) {
            out_.push_back({source_, {}, doc.error().message, true});
            return false;
        }
        doc_ = std::move(*doc);
        if (!doc_.value.is_object()) {
            error("", "a rubric file must be a map with lab, title and checks, got " + typeName(doc_.value));
            return false;
        }
        return true;
    }

    // The lab rubric: lab, title, version, defaults, clusters, checks.
    void readRubric(Rubric& rubric) {
        const Json& root = doc_.value;
        allowKeys(root, "", {"lab", "title", "version", "defaults", "clusters", "submission", "checks"});
        if (auto lab = idField(root, "", "lab", true)) rubric.lab = *lab;
        if (auto title = stringField(root, "", "title", true)) rubric.title = *title;
        if (root.contains("version"))
            if (auto v = intField(root, "", "version", 1, 1000000)) rubric.version = static_cast<int>(*v);
        if (const Json* defaults = mapField(root, "", "defaults")) {
            allowKeys(*defaults, "/defaults", {"timeout", "namespace"});
            if (auto t = durationField(*defaults, "/defaults", "timeout")) rubric.defaults.timeout = *t;
            if (auto ns = stringField(*defaults, "/defaults", "namespace", false)) rubric.defaults.namespace_ = *ns;
        }
        if (const Json* submission = mapField(root, "", "submission")) readSubmission(*submission, rubric.submission);
        if (root.contains("clusters")) {
            auto ptr = child("", "clusters");
            rubric.clusters = stringList(root, "", "clusters");
            for (size_t i = 0; i < rubric.clusters.size(); ++i)
                if (!isId(rubric.clusters[i]))
                    error(ptr + "/" + std::to_string(i), "cluster names are lower-case letters, digits and '-'");
        }
        const Json* checks = listField(root, "", "checks", true);
        if (checks == nullptr) return;
        if (checks->empty()) error("/checks", "a rubric needs at least one check");
        for (size_t i = 0; i < checks->size(); ++i) {
            Check check;
            if (readCheck((*checks)[i], "/checks/" + std::to_string(i), rubric, false, check))
                rubric.checks.push_back(std::move(check));
        }
    }

    // submission: manifests (relative paths that stay inside the submission), profile, cluster_scoped (kinds).
    void readSubmission(const Json& map, SubmissionSettings& settings) {
        allowKeys(map, "/submission", {"manifests", "profile", "cluster_scoped"});
        if (map.contains("manifests")) {
            settings.manifests = stringList(map, "/submission", "manifests");
            auto ptr = child("/submission", "manifests");
            if (settings.manifests.empty()) error(ptr, "list at least one folder or file of the submission");
            for (size_t i = 0; i < settings.manifests.size(); ++i) {
                const std::string& m = settings.manifests[i];
                bool escapes = m.empty() || m[0] == '/' || m == ".." || m.rfind("../", 0) == 0 ||
                               m.find("/../") != std::string::npos ||
                               (m.size() >= 3 && m.compare(m.size() - 3, 3, "/..") == 0);
                if (escapes)
                    error(ptr + "/" + std::to_string(i),
                          "a path relative to the submission root that stays inside it, not \"" + m + "\"");
            }
        }
        if (auto profile = stringField(map, "/submission", "profile", false)) settings.profile = *profile;
        if (map.contains("cluster_scoped")) {
            settings.clusterScoped = stringList(map, "/submission", "cluster_scoped");
            auto ptr = child("/submission", "cluster_scoped");
            for (size_t i = 0; i < settings.clusterScoped.size(); ++i) {
                const std::string& k = settings.clusterScoped[i];
                bool kindName = !k.empty() && std::isupper(static_cast<unsigned char>(k[0])) &&
                                std::all_of(k.begin(), k.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
                if (!kindName) error(ptr + "/" + std::to_string(i), "a kind such as ClusterRole, not \"" + k + "\"");
            }
        }
    }

    // An overlay: overlay (the lab id), checks to add, override entries by id. Removed ids are returned so the
    // cross-checks can say why a `needs` no longer resolves.
    void readOverlay(Rubric& rubric, std::map<std::string, SourceRef>& removed) {
        const Json& root = doc_.value;
        allowKeys(root, "", {"overlay", "checks", "override"});
        if (auto lab = idField(root, "", "overlay", true); lab && *lab != rubric.lab)
            error("/overlay", "this overlay is for lab \"" + *lab + "\" but the rubric is lab \"" + rubric.lab + "\"");
        if (const Json* overrides = listField(root, "", "override", false)) {
            for (size_t i = 0; i < overrides->size(); ++i)
                readOverride((*overrides)[i], "/override/" + std::to_string(i), rubric, removed);
        }
        rubric.checks.erase(std::remove_if(rubric.checks.begin(), rubric.checks.end(),
                                           [&](const Check& c) { return removed.count(c.id) > 0; }),
                            rubric.checks.end());
        if (const Json* checks = listField(root, "", "checks", false)) {
            for (size_t i = 0; i < checks->size(); ++i) {
                Check check;
                if (readCheck((*checks)[i], "/checks/" + std::to_string(i), rubric, true, check))
                    rubric.checks.push_back(std::move(check));
            }
        }
        if (!root.contains("checks") && !root.contains("override"))
            error("", "an overlay needs `checks` to add or `override` entries");
    }

private:
    // ---- positions and diagnostics ----

    static std::string child(const std::string& pointer, const std::string& key) {
        return pointer + "/" + jsonPointerToken(key);
    }

    size_t offsetOf(SourceLocation loc) const {
        if (loc.line <= 0 || static_cast<size_t>(loc.line) > lineStarts_.size()) return std::string_view::npos;
        return lineStarts_[static_cast<size_t>(loc.line - 1)] + static_cast<size_t>(std::max(0, loc.column - 1));
    }

    SourceLocation locationOf(size_t offset) const {
        auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
        size_t line = static_cast<size_t>(it - lineStarts_.begin());
        return {static_cast<int>(line), static_cast<int>(offset - lineStarts_[line - 1] + 1)};
    }

    SourceRef ref(const std::string& pointer) const { return {source_, doc_.locate(pointer)}; }

    // The converter records where values start; an error about a key should point at the key itself, which
    // comes just before its value (or, for an empty value, somewhere after the start of its map).
    SourceLocation keyLocation(const std::string& mapPointer, const std::string& key) const {
        SourceLocation parent = doc_.locate(mapPointer);
        size_t parentOffset = offsetOf(parent);
        auto it = doc_.locations.find(child(mapPointer, key));
        if (it != doc_.locations.end()) {
            size_t valueOffset = offsetOf(it->second);
            if (valueOffset != std::string_view::npos && valueOffset > 0) {
                size_t pos = text_.rfind(key, valueOffset - 1);
                if (pos != std::string_view::npos && (parentOffset == std::string_view::npos || pos >= parentOffset))
                    return locationOf(pos);
            }
        }
        if (parentOffset != std::string_view::npos) {
            size_t pos = text_.find(key, parentOffset);
            if (pos != std::string_view::npos) return locationOf(pos);
        }
        return parent;
    }

    void error(const std::string& pointer, const std::string& message) {
        out_.push_back({source_, doc_.locate(pointer), message});
    }

    void keyError(const std::string& mapPointer, const std::string& key, const std::string& message) {
        out_.push_back({source_, keyLocation(mapPointer, key), message});
    }

    void typeError(const std::string& pointer, const std::string& key, const std::string& wanted, const Json& got) {
        error(pointer, "`" + key + "` must be " + wanted + ", got " + typeName(got));
    }

    // ---- typed fields ----

    void allowKeys(const Json& map, const std::string& pointer, const std::vector<std::string>& allowed,
                   const std::string& extraHint = "") {
        for (const auto& [key, value] : map.items()) {
            (void)value;
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            std::string hint = didYouMean(key, allowed);
            if (hint.empty() && !extraHint.empty()) hint = " (" + extraHint + ")";
            keyError(pointer, key, "unknown key `" + key + "`" + hint + "; expected one of " + joinNames(allowed));
        }
    }

    const Json* present(const Json& map, const std::string& pointer, const char* key, bool required) {
        auto it = map.find(key);
        if (it == map.end()) {
            if (required) error(pointer, "missing required key `" + std::string(key) + "`");
            return nullptr;
        }
        return &*it;
    }

    std::optional<std::string> stringField(const Json& map, const std::string& pointer, const char* key,
                                           bool required) {
        const Json* v = present(map, pointer, key, required);
        if (v == nullptr) return std::nullopt;
        if (!v->is_string()) {
            typeError(child(pointer, key), key, "a string", *v);
            return std::nullopt;
        }
        if (required && v->get_ref<const std::string&>().empty()) {
            error(child(pointer, key), "`" + std::string(key) + "` must not be empty");
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    std::optional<std::string> idField(const Json& map, const std::string& pointer, const char* key, bool required) {
        auto s = stringField(map, pointer, key, required);
        if (s && !isId(*s)) {
            error(child(pointer, key),
                  "`" + std::string(key) + "` \"" + *s + "\" must be lower-case letters, digits and '-' (at most 63)");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolField(const Json& map, const std::string& pointer, const char* key) {
        const Json* v = present(map, pointer, key, false);
        if (v == nullptr) return std::nullopt;
        if (!v->is_boolean()) {
            typeError(child(pointer, key), key, "true or false", *v);
            return std::nullopt;
        }
        return v->get<bool>();
    }

    std::optional<long long> intField(const Json& map, const std::string& pointer, const char* key, long long min,
                                      long long max) {
        const Json* v = present(map, pointer, key, false);
        if (v == nullptr) return std::nullopt;
        if (!v->is_number_integer()) {
            typeError(child(pointer, key), key, "a whole number", *v);
            return std::nullopt;
        }
        long long n = v->get<long long>();
        if (n < min || n > max) {
            error(child(pointer, key), "`" + std::string(key) + "` must be between " + std::to_string(min) + " and " +
                                           std::to_string(max) + ", got " + std::to_string(n));
            return std::nullopt;
        }
        return n;
    }

    const Json* mapField(const Json& map, const std::string& pointer, const char* key, bool required = false) {
        const Json* v = present(map, pointer, key, required);
        if (v == nullptr) return nullptr;
        if (!v->is_object()) {
            typeError(child(pointer, key), key, "a map", *v);
            return nullptr;
        }
        return v;
    }

    const Json* listField(const Json& map, const std::string& pointer, const char* key, bool required) {
        const Json* v = present(map, pointer, key, required);
        if (v == nullptr) return nullptr;
        if (!v->is_array()) {
            typeError(child(pointer, key), key, "a list", *v);
            return nullptr;
        }
        return v;
    }

    std::vector<std::string> stringList(const Json& map, const std::string& pointer, const char* key) {
        std::vector<std::string> out;
        const Json* list = listField(map, pointer, key, false);
        if (list == nullptr) return out;
        for (size_t i = 0; i < list->size(); ++i) {
            const Json& item = (*list)[i];
            if (!item.is_string()) {
                error(child(pointer, key) + "/" + std::to_string(i),
                      "`" + std::string(key) + "` entries must be strings, got " + typeName(item));
                continue;
            }
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    std::optional<Duration> durationField(const Json& map, const std::string& pointer, const char* key) {
        const Json* v = present(map, pointer, key, false);
        if (v == nullptr) return std::nullopt;
        if (v->is_string())
            if (auto d = parseDuration(v->get<std::string>())) return d;
        error(child(pointer, key),
              "`" + std::string(key) + "` must be a duration such as 500ms, 30s, 2m or 1m30s, got " + renderValue(*v));
        return std::nullopt;
    }

    std::optional<CountConstraint> countField(const Json& map, const std::string& pointer) {
        const Json* v = mapField(map, pointer, "count");
        if (v == nullptr) return std::nullopt;
        return countAt(*v, child(pointer, "count"));
    }

    void checkPattern(const Json& pattern, const std::string& pointer) {
        for (const auto& issue : validatePattern(pattern)) {
            std::string full = pointer + issue.pointer;
            if (!issue.aboutKey) {
                error(full, issue.message);
                continue;
            }
            // Point at the operator's name: undo the last pointer token to find its map and key.
            size_t slash = full.rfind('/');
            std::string key = full.substr(slash + 1);
            for (size_t p; (p = key.find("~1")) != std::string::npos;) key.replace(p, 2, "/");
            for (size_t p; (p = key.find("~0")) != std::string::npos;) key.replace(p, 2, "~");
            keyError(full.substr(0, slash), key, issue.message);
        }
    }

    void checkRegex(const std::string& pattern, const std::string& pointer) {
        if (auto re = compiledRegex(pattern); !re) error(pointer, re.error().message);
    }

    // A step's `regex`, one pattern or a list: every pattern must compile, each error at its own pointer.
    void checkRegexField(const Json& body, const std::string& pointer) {
        auto it = body.find("regex");
        if (it == body.end()) return;
        if (it->is_string())
            checkRegex(it->get<std::string>(), child(pointer, "regex"));
        else if (it->is_array())
            for (size_t i = 0; i < it->size(); ++i)
                if ((*it)[i].is_string())
                    checkRegex((*it)[i].get<std::string>(), child(pointer, "regex") + "/" + std::to_string(i));
    }

    // ---- selectors and targets ----

    std::optional<LabelSelector> selectorFields(const Json& map, const std::string& pointer) {
        const bool structured = map.contains("selector"), text = map.contains("labelSelector");
        if (structured && text) {
            keyError(pointer, "labelSelector", "use either `selector` or `labelSelector`, not both");
            return std::nullopt;
        }
        if (text) {
            auto s = stringField(map, pointer, "labelSelector", true);
            if (!s) return std::nullopt;
            return parseSelectorText(*s, child(pointer, "labelSelector"));
        }
        if (!structured) return std::nullopt;
        const Json* sel = mapField(map, pointer, "selector");
        if (sel == nullptr) return std::nullopt;
        std::string ptr = child(pointer, "selector");
        allowKeys(*sel, ptr, {"matchLabels", "matchExpressions"});
        LabelSelector out;
        if (const Json* labels = mapField(*sel, ptr, "matchLabels")) {
            for (const auto& [k, v] : labels->items()) {
                if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
                    error(child(ptr + "/matchLabels", k), "label values must be strings, got " + typeName(v));
                    continue;
                }
                // An unquoted `true` or `3` in YAML is still meant as the label's text.
                out.requirements.push_back(
                    {k, LabelRequirement::Op::Equals, {v.is_string() ? v.get<std::string>() : v.dump()}});
            }
        }
        if (const Json* exprs = listField(*sel, ptr, "matchExpressions", false)) {
            for (size_t i = 0; i < exprs->size(); ++i) {
                std::string ep = ptr + "/matchExpressions/" + std::to_string(i);
                const Json& e = (*exprs)[i];
                if (!e.is_object()) {
                    error(ep, "a match expression must be a map with key, operator and values");
                    continue;
                }
                allowKeys(e, ep, {"key", "operator", "values"});
                auto key = stringField(e, ep, "key", true);
                auto op = stringField(e, ep, "operator", true);
                auto values = stringList(e, ep, "values");
                if (!key || !op) continue;
                LabelRequirement r{*key, LabelRequirement::Op::In, values};
                if (*op == "In")
                    r.op = LabelRequirement::Op::In;
                else if (*op == "NotIn")
                    r.op = LabelRequirement::Op::NotIn;
                else if (*op == "Exists")
                    r.op = LabelRequirement::Op::Exists;
                else if (*op == "DoesNotExist")
                    r.op = LabelRequirement::Op::DoesNotExist;
                else {
                    error(ep + "/operator", "operator must be In, NotIn, Exists or DoesNotExist" +
                                                didYouMean(*op, {"In", "NotIn", "Exists", "DoesNotExist"}));
                    continue;
                }
                bool wantsValues = r.op == LabelRequirement::Op::In || r.op == LabelRequirement::Op::NotIn;
                if (wantsValues && values.empty()) error(ep, *op + " needs a non-empty `values` list");
                if (!wantsValues && e.contains("values")) error(ep + "/values", *op + " takes no values");
                out.requirements.push_back(std::move(r));
            }
        }
        if (out.empty()) error(ptr, "an empty selector selects everything; give matchLabels or matchExpressions");
        return out;
    }

    // The string form of a Kubernetes label selector: requirements separated by commas.
    std::optional<LabelSelector> parseSelectorText(const std::string& text, const std::string& pointer) {
        LabelSelector out;
        auto trim = [](std::string s) {
            size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
            return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
        };
        auto validKey = [](const std::string& k) {
            if (k.empty()) return false;
            for (char c : k)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/'))
                    return false;
            return true;
        };
        // Split on commas that are not inside parentheses.
        std::vector<std::string> parts;
        int depth = 0;
        std::string current;
        for (char c : text) {
            if (c == '(') ++depth;
            if (c == ')') --depth;
            if (c == ',' && depth == 0) {
                parts.push_back(current);
                current.clear();
            } else {
                current += c;
            }
        }
        parts.push_back(current);
        for (auto part : parts) {
            part = trim(part);
            LabelRequirement r;
            size_t pos;
            auto bad = [&](const std::string& why) {
                error(pointer, "label selector \"" + text + "\": " + why);
                return std::nullopt;
            };
            if (part.empty()) return bad("empty requirement");
            if ((pos = part.find("!=")) != std::string::npos) {
                r = {trim(part.substr(0, pos)), LabelRequirement::Op::NotEquals, {trim(part.substr(pos + 2))}};
            } else if ((pos = part.find("==")) != std::string::npos) {
                r = {trim(part.substr(0, pos)), LabelRequirement::Op::Equals, {trim(part.substr(pos + 2))}};
            } else if ((pos = part.find('=')) != std::string::npos) {
                r = {trim(part.substr(0, pos)), LabelRequirement::Op::Equals, {trim(part.substr(pos + 1))}};
            } else if (part.find('(') != std::string::npos) {
                size_t open = part.find('('), close = part.rfind(')');
                if (close == std::string::npos || close != part.size() - 1) return bad("unbalanced parentheses");
                std::string head = trim(part.substr(0, open));
                size_t space = head.find_last_of(" \t");
                if (space == std::string::npos) return bad("expected `key in (...)` or `key notin (...)`");
                std::string key = trim(head.substr(0, space)), word = head.substr(space + 1);
                if (word == "in")
                    r.op = LabelRequirement::Op::In;
                else if (word == "notin")
                    r.op = LabelRequirement::Op::NotIn;
                else
                    return bad("unknown set operator \"" + word + "\"");
                r.key = key;
                std::string inner = part.substr(open + 1, close - open - 1);
                size_t start = 0;
                while (start <= inner.size()) {
                    size_t comma = inner.find(',', start);
                    std::string v =
                        trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                    if (!v.empty()) r.values.push_back(v);
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
                if (r.values.empty()) return bad("`" + word + "` needs at least one value");
            } else if (part[0] == '!') {
                r = {trim(part.substr(1)), LabelRequirement::Op::DoesNotExist, {}};
            } else {
                r = {part, LabelRequirement::Op::Exists, {}};
            }
            if (!validKey(r.key)) return bad("invalid label key \"" + r.key + "\"");
            out.requirements.push_back(std::move(r));
        }
        return out;
    }

    const std::vector<std::string> kTargetKeys = {"apiVersion", "kind",     "namespace",
                                                  "name",       "selector", "labelSelector"};

    Target readTarget(const Json& body, const std::string& pointer) {
        Target t;
        if (auto v = stringField(body, pointer, "apiVersion", true)) t.apiVersion = *v;
        if (auto v = stringField(body, pointer, "kind", true)) t.kind = *v;
        if (auto v = stringField(body, pointer, "namespace", false)) t.namespace_ = *v;
        if (auto v = stringField(body, pointer, "name", false)) t.name = *v;
        if (body.contains("name") && (body.contains("selector") || body.contains("labelSelector")))
            keyError(pointer, "name", "use either `name` or a selector, not both");
        else
            t.selector = selectorFields(body, pointer);
        return t;
    }

    static std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<const char*> more) {
        for (const char* m : more) base.push_back(m);
        return base;
    }

    // ---- checks and steps ----

    bool readCheck(const Json& v, const std::string& pointer, const Rubric& ctx, bool overlay, Check& check) {
        check.source = ref(pointer);
        if (overlay) check.visibility = Visibility::Hidden;  // instructors add hidden checks unless they say so
        if (!v.is_object()) {
            error(pointer, "a check must be a map with id, title, points and steps, got " + typeName(v));
            return false;
        }
        allowKeys(v, pointer,
                  {"id", "title", "objective", "points", "visibility", "needs", "cluster", "timeout", "hints",
                   "feedback", "steps"});
        if (auto id = idField(v, pointer, "id", true)) check.id = *id;
        if (auto t = stringField(v, pointer, "title", true)) check.title = *t;
        if (auto o = stringField(v, pointer, "objective", false)) check.objective = *o;
        if (const Json* p = present(v, pointer, "points", true)) {
            if (!p->is_number())
                typeError(child(pointer, "points"), "points", "a number", *p);
            else if (!(p->get<double>() >= 0) || !std::isfinite(p->get<double>()))
                error(child(pointer, "points"), "`points` must be 0 or more, got " + renderValue(*p));
            else
                check.points = p->get<double>();
        }
        if (auto vis = visibilityField(v, pointer)) check.visibility = *vis;
        readNeeds(v, pointer, check);
        if (auto c = stringField(v, pointer, "cluster", false)) {
            check.cluster = *c;
            if (!ctx.clusters.empty() && std::find(ctx.clusters.begin(), ctx.clusters.end(), *c) == ctx.clusters.end())
                error(child(pointer, "cluster"), "cluster \"" + *c + "\" is not one of the rubric's clusters (" +
                                                     joinNames(ctx.clusters) + ")" + didYouMean(*c, ctx.clusters));
        }
        check.timeout = durationField(v, pointer, "timeout");
        readHints(v, pointer, check.hints);
        if (const Json* fb = mapField(v, pointer, "feedback")) {
            std::string fp = child(pointer, "feedback");
            allowKeys(*fb, fp, {"pass", "fail"});
            if (auto s = stringField(*fb, fp, "pass", false)) check.feedbackPass = *s;
            if (auto s = stringField(*fb, fp, "fail", false)) check.feedbackFail = *s;
        }
        if (const Json* steps = listField(v, pointer, "steps", true)) {
            if (steps->empty()) error(child(pointer, "steps"), "a check needs at least one step");
            for (size_t i = 0; i < steps->size(); ++i) {
                Step step;
                if (readStep((*steps)[i], child(pointer, "steps") + "/" + std::to_string(i), ctx, step))
                    check.steps.push_back(std::move(step));
            }
        }
        return true;
    }

    std::optional<Visibility> visibilityField(const Json& v, const std::string& pointer) {
        auto s = stringField(v, pointer, "visibility", false);
        if (!s) return std::nullopt;
        if (*s == "visible") return Visibility::Visible;
        if (*s == "hidden") return Visibility::Hidden;
        if (*s == "after_due_date") return Visibility::AfterDueDate;
        error(child(pointer, "visibility"), "`visibility` must be visible, hidden or after_due_date, got \"" + *s +
                                                "\"" + didYouMean(*s, {"visible", "hidden", "after_due_date"}));
        return std::nullopt;
    }

    void readNeeds(const Json& v, const std::string& pointer, Check& check) {
        if (!v.contains("needs")) return;
        check.needs.clear();
        check.needsSources.clear();
        auto needs = stringList(v, pointer, "needs");
        const Json& list = v["needs"];
        for (size_t i = 0, k = 0; list.is_array() && i < list.size(); ++i) {
            if (!list[i].is_string()) continue;
            check.needs.push_back(needs[k++]);
            check.needsSources.push_back(ref(child(pointer, "needs") + "/" + std::to_string(i)));
        }
    }

    void readHints(const Json& v, const std::string& pointer, Hints& hints) {
        const Json* h = mapField(v, pointer, "hints");
        if (h == nullptr) return;
        std::string hp = child(pointer, "hints");
        allowKeys(*h, hp, {"nudge", "command", "solution"});
        hints = Hints{};
        int lastRank = -1;
        for (const auto& [key, value] : h->items()) {
            int rank = key == "nudge" ? 0 : key == "command" ? 1 : key == "solution" ? 2 : -1;
            if (rank < 0) continue;
            if (rank < lastRank) keyError(hp, key, "hints go from least to most revealing: nudge, command, solution");
            lastRank = std::max(lastRank, rank);
            if (!value.is_string()) {
                typeError(child(hp, key), key, "a string", value);
                continue;
            }
            (rank == 0 ? hints.nudge : rank == 1 ? hints.command : hints.solution) = value.get<std::string>();
        }
    }

    bool readStep(const Json& v, const std::string& pointer, const Rubric& ctx, Step& step) {
        step.source = ref(pointer);
        if (!v.is_object() || v.empty()) {
            error(pointer, "a step must be a map with one of " + joinNames(kStepKinds));
            return false;
        }
        std::vector<std::string> kinds;
        for (const auto& [key, value] : v.items()) {
            (void)value;
            if (std::find(kStepKinds.begin(), kStepKinds.end(), key) != kStepKinds.end()) kinds.push_back(key);
        }
        allowKeys(v, pointer, kStepKinds, "`message` and `timeout` go inside the step, e.g. assert: {message: ...}");
        if (kinds.empty()) return false;  // the unknown key was reported above
        if (kinds.size() > 1) {
            keyError(pointer, kinds[1], "a step has exactly one kind; this one has " + joinNames(kinds));
            return false;
        }
        const std::string& kind = kinds[0];
        std::string bp = child(pointer, kind);
        const Json& body = v[kind];
        if (!body.is_object()) {
            error(bp, "`" + kind + "` must be a map, got " + typeName(body));
            return false;
        }
        // In events, `message` is the pattern for the event's message rather than the failure text.
        if (kind != "events")
            if (auto m = stringField(body, bp, "message", false)) step.message = *m;
        step.timeout = ctx.defaults.timeout;
        if (auto t = durationField(body, bp, "timeout")) {
            step.timeout = *t;
            step.timeoutWritten = true;
        }

        if (kind == "assert") {
            step.kind = StepKind::Assert;
            allowKeys(body, bp, with(with(kTargetKeys, {"count", "match"}), {"message", "timeout"}));
            AssertStep s;
            s.target = readTarget(body, bp);
            s.count.min = 1;
            if (auto c = countField(body, bp)) s.count = *c;
            readMatch(body, bp, "match", s.match);
            step.spec = std::move(s);
        } else if (kind == "absent") {
            step.kind = StepKind::Absent;
            allowKeys(body, bp, with(kTargetKeys, {"match", "message", "timeout"}));
            AbsentStep s;
            s.target = readTarget(body, bp);
            readMatch(body, bp, "match", s.match);
            step.spec = std::move(s);
        } else if (kind == "apply") {
            step.kind = StepKind::Apply;
            allowKeys(body, bp, {"file", "object", "namespace", "expect", "reject", "cleanup", "message", "timeout"});
            step.spec = readApply(body, bp);
        } else if (kind == "delete") {
            step.kind = StepKind::Delete;
            allowKeys(body, bp, with(kTargetKeys, {"wait", "message", "timeout"}));
            DeleteStep s;
            s.target = readTarget(body, bp);
            if (s.target.name.empty() && !s.target.selector && body.contains("apiVersion") && body.contains("kind"))
                error(bp, "delete needs a `name` or a selector; it will not delete every " + s.target.kind);
            if (auto w = boolField(body, bp, "wait")) s.wait = *w;
            step.spec = std::move(s);
        } else if (kind == "logs") {
            step.kind = StepKind::Logs;
            step.spec = readLogs(body, bp, ctx);
        } else if (kind == "events") {
            step.kind = StepKind::Events;
            step.spec = readEvents(body, bp);
        } else if (kind == "probe") {
            step.kind = StepKind::Probe;
            step.spec = readProbe(body, bp);
        } else if (kind == "http") {
            step.kind = StepKind::Http;
            step.spec = readHttp(body, bp);
        } else if (kind == "file") {
            step.kind = StepKind::File;
            step.spec = readFile(body, bp);
        } else {
            step.kind = StepKind::Provenance;
            step.spec = readProvenance(body, bp);
        }
        return true;
    }

    void readMatch(const Json& body, const std::string& pointer, const char* key, Json& out) {
        auto it = body.find(key);
        if (it == body.end()) return;
        if (!it->is_object()) {
            typeError(child(pointer, key), key, "a map (a partial object)", *it);
            return;
        }
        checkPattern(*it, child(pointer, key));
        out = *it;
    }

    ApplyStep readApply(const Json& body, const std::string& bp) {
        ApplyStep s;
        if (auto ns = stringField(body, bp, "namespace", false)) s.namespace_ = *ns;
        if (auto c = boolField(body, bp, "cleanup")) s.cleanup = *c;
        if (body.contains("expect")) {
            if (!body["expect"].is_object())
                typeError(child(bp, "expect"), "expect", "a map (a partial object)", body["expect"]);
            else {
                checkPattern(body["expect"], child(bp, "expect"));
                s.expect = body["expect"];
            }
        }
        if (body.contains("reject")) s.reject = readRejection(body, bp);
        if (s.reject && body.contains("expect"))
            error(child(bp, "reject"), "`reject` and `expect` contradict each other: a refused object has no answer to match");
        const bool hasFile = body.contains("file"), hasObject = body.contains("object");
        if (hasFile == hasObject) {
            error(bp, "apply needs exactly one of `file` or `object`");
            return s;
        }
        if (hasObject) {
            const Json& obj = body["object"];
            if (checkManifest(obj, child(bp, "object"), source_)) s.objects.push_back(obj);
            return s;
        }
        auto file = stringField(body, bp, "file", true);
        if (!file) return s;
        s.file = *file;
        std::string fp = child(bp, "file");
        fs::path written(*file);
        if (written.is_absolute()) {
            error(fp, "`file` must be relative to the rubric's directory, not an absolute path");
            return s;
        }
        fs::path normal = written.lexically_normal();
        if (normal.empty() || *normal.begin() == ".." || normal == ".") {
            error(fp, "`file` \"" + *file + "\" leaves the lab directory");
            return s;
        }
        std::error_code ec;
        fs::path base = fs::weakly_canonical(fs::path(baseDir_), ec);
        fs::path full = fs::weakly_canonical(base / normal, ec);
        auto rel = full.lexically_relative(base);
        if (ec || rel.empty() || *rel.begin() == "..") {
            error(fp, "`file` \"" + *file + "\" resolves outside the lab directory (through a link)");
            return s;
        }
        s.resolvedFile = full.string();
        auto content = readFileBounded(s.resolvedFile, kMaxRubricBytes);
        if (!content) {
            error(fp, "cannot read apply file \"" + *file + "\": " + content.error().message);
            return s;
        }
        YamlLimits limits = rubricLimits();
        limits.maxDocuments = 100;
        auto docs = parseYamlDocuments(*content, *file, limits);
        if (!docs) {
            error(fp, "apply file: " + docs.error().message);
            return s;
        }
        if (docs->empty()) error(fp, "apply file \"" + *file + "\" holds no objects");
        for (auto& d : *docs) {
            const Json& obj = d.value;
            std::string where = formatLocation(*file, d.locate(""));
            if (!obj.is_object() || !obj.contains("apiVersion") || !obj.contains("kind") ||
                !obj["apiVersion"].is_string() || !obj["kind"].is_string())
                error(fp, where + ": every object in an apply file needs apiVersion and kind");
            else
                s.objects.push_back(std::move(d.value));
        }
        return s;
    }

    // `reject: true`, or `reject: {status: 422, message: {$regex: ...}}` to narrow which refusal counts.
    std::optional<ApplyRejection> readRejection(const Json& body, const std::string& bp) {
        const Json& v = body["reject"];
        const std::string rp = child(bp, "reject");
        ApplyRejection out;
        if (v.is_boolean()) {
            if (!v.get<bool>()) {
                error(rp, "`reject: false` is the default; leave `reject` out instead");
                return std::nullopt;
            }
            return out;
        }
        if (!v.is_object()) {
            typeError(rp, "reject", "true or a map with `status` and/or `message`", v);
            return std::nullopt;
        }
        allowKeys(v, rp, {"status", "message"});
        if (auto n = intField(v, rp, "status", 400, 499)) out.status = static_cast<int>(*n);
        if (v.contains("message")) {
            const Json& m = v["message"];
            if (!m.is_string() && !isOperatorMap(m))
                typeError(child(rp, "message"), "message", "a string or an operator map such as {$regex: ...}", m);
            else {
                checkPattern(m, child(rp, "message"));
                out.message = m;
            }
        }
        return out;
    }

    bool checkManifest(const Json& obj, const std::string& pointer, const std::string&) {
        if (!obj.is_object()) {
            error(pointer, "`object` must be a Kubernetes object (a map), got " + typeName(obj));
            return false;
        }
        bool ok = true;
        for (const char* key : {"apiVersion", "kind"}) {
            if (!obj.contains(key) || !obj[key].is_string()) {
                error(pointer, std::string("the object needs a string `") + key + "`");
                ok = false;
            }
        }
        return ok;
    }

    LogsStep readLogs(const Json& body, const std::string& bp, const Rubric& ctx) {
        allowKeys(body, bp,
                  {"namespace", "pod", "selector", "labelSelector", "container", "contains", "regex", "absent",
                   "previous", "message", "timeout"});
        LogsStep s;
        if (auto ns = stringField(body, bp, "namespace", false)) s.namespace_ = *ns;
        if (s.namespace_.empty() && ctx.defaults.namespace_.empty())
            error(bp, "logs needs a `namespace` (or defaults.namespace in the rubric)");
        if (auto p = stringField(body, bp, "pod", false)) s.pod = *p;
        if (body.contains("pod") && (body.contains("selector") || body.contains("labelSelector")))
            keyError(bp, "pod", "use either `pod` or a selector, not both");
        else
            s.selector = selectorFields(body, bp);
        if (!body.contains("pod") && !body.contains("selector") && !body.contains("labelSelector"))
            error(bp, "logs needs a `pod` name or a `selector`");
        if (auto c = stringField(body, bp, "container", false)) s.container = *c;
        s.contains = stringList(body, bp, "contains");
        s.regex = stringList(body, bp, "regex");
        s.absent = stringList(body, bp, "absent");
        if (body.contains("regex") && body["regex"].is_array())
            for (size_t i = 0; i < body["regex"].size(); ++i)
                if (body["regex"][i].is_string())
                    checkRegex(body["regex"][i].get<std::string>(), child(bp, "regex") + "/" + std::to_string(i));
        if (auto p = boolField(body, bp, "previous")) s.previous = *p;
        if (s.contains.empty() && s.regex.empty() && s.absent.empty())
            error(bp, "logs needs at least one of `contains`, `regex` or `absent`");
        return s;
    }

    EventsStep readEvents(const Json& body, const std::string& bp) {
        allowKeys(body, bp, {"namespace", "involved", "reason", "type", "message", "count", "timeout"});
        EventsStep s;
        if (auto ns = stringField(body, bp, "namespace", false)) s.namespace_ = *ns;
        if (const Json* inv = mapField(body, bp, "involved")) {
            std::string ip = child(bp, "involved");
            allowKeys(*inv, ip, {"kind", "name"});
            if (auto k = stringField(*inv, ip, "kind", false)) s.involvedKind = *k;
            if (auto n = stringField(*inv, ip, "name", false)) s.involvedName = *n;
        }
        if (auto r = stringField(body, bp, "reason", false)) s.reason = *r;
        if (auto t = stringField(body, bp, "type", false)) {
            if (*t != "Normal" && *t != "Warning")
                error(child(bp, "type"), "`type` must be Normal or Warning, got \"" + *t + "\"");
            s.type = *t;
        }
        // In events, `message` is the pattern for the event's message (the step's failure text is not needed:
        // reason and involved object already say what was looked for).
        if (body.contains("message")) {
            const Json& m = body["message"];
            if (!m.is_string() && !isOperatorMap(m))
                typeError(child(bp, "message"), "message", "a string or an operator map such as {$regex: ...}", m);
            else {
                checkPattern(m, child(bp, "message"));
                s.message = m;
            }
        }
        s.count.min = 1;
        if (auto c = countField(body, bp)) s.count = *c;
        if (!body.contains("involved") && !body.contains("reason") && !body.contains("message"))
            error(bp, "events needs at least one of `involved`, `reason` or `message`");
        return s;
    }

    ProbeStep readProbe(const Json& body, const std::string& bp) {
        allowKeys(body, bp,
                  {"image", "namespace", "command", "requests", "serviceAccount", "labels", "extract", "expect",
                   "message", "timeout"});
        ProbeStep s;
        if (auto i = stringField(body, bp, "image", true)) s.image = *i;
        if (auto ns = stringField(body, bp, "namespace", false)) s.namespace_ = *ns;
        if (!body.contains("command")) error(bp, "missing required key `command`");
        s.command = stringList(body, bp, "command");
        if (body.contains("command") && body["command"].is_array() && body["command"].empty())
            error(child(bp, "command"), "`command` must not be empty");
        if (auto n = intField(body, bp, "requests", 1, 10000)) s.requests = static_cast<int>(*n);
        if (auto sa = stringField(body, bp, "serviceAccount", false)) s.serviceAccount = *sa;
        if (const Json* labels = mapField(body, bp, "labels"))
            for (const auto& [k, v] : labels->items()) {
                if (v.is_string())
                    s.labels[k] = v.get<std::string>();
                else
                    error(child(child(bp, "labels"), k), "label values must be strings, got " + typeName(v));
            }
        if (auto e = stringField(body, bp, "extract", false)) {
            s.extract = *e;
            auto re = compiledRegex(*e);
            if (!re)
                error(child(bp, "extract"), re.error().message);
            else if ((*re)->mark_count() < 1)
                error(child(bp, "extract"), "`extract` needs a capture group, e.g. \"version: (v[0-9]+)\"");
        }
        const Json* expect = mapField(body, bp, "expect", true);
        if (expect == nullptr) return s;
        std::string ep = child(bp, "expect");
        allowKeys(*expect, ep, {"ratio", "tolerance", "counts"});
        if (const Json* ratio = mapField(*expect, ep, "ratio")) {
            double sum = 0;
            for (const auto& [label, f] : ratio->items()) {
                if (!f.is_number() || f.get<double>() < 0 || f.get<double>() > 1) {
                    error(child(child(ep, "ratio"), label), "a ratio is a fraction from 0 to 1, got " + renderValue(f));
                    continue;
                }
                sum += f.get<double>();
                s.ratio.emplace_back(label, f.get<double>());
            }
            if (sum > 1.0 + 1e-9) error(child(ep, "ratio"), "the ratios add up to more than 1");
        }
        if (const Json* tol = present(*expect, ep, "tolerance", false)) {
            if (!tol->is_number() || tol->get<double>() < 0 || tol->get<double>() >= 1)
                error(child(ep, "tolerance"), "`tolerance` is a fraction from 0 to below 1, got " + renderValue(*tol));
            else
                s.tolerance = tol->get<double>();
        }
        if (const Json* counts = mapField(*expect, ep, "counts")) {
            std::string cp = child(ep, "counts");
            for (const auto& [label, c] : counts->items()) {
                if (!c.is_object()) {
                    typeError(child(cp, label), label, "a count such as {min: 1}", c);
                    continue;
                }
                if (auto cc = countAt(c, child(cp, label))) s.counts.emplace_back(label, *cc);
            }
        }
        if (s.ratio.empty() && s.counts.empty() && !expect->contains("ratio") && !expect->contains("counts"))
            error(ep, "probe expect needs `ratio` or `counts`");
        return s;
    }

    // A string or a list of strings.
    std::vector<std::string> oneOrMany(const Json& body, const std::string& bp, const char* key) {
        auto it = body.find(key);
        if (it == body.end()) return {};
        if (it->is_string()) return {it->get<std::string>()};
        if (!it->is_array()) {
            typeError(child(bp, key), key, "a string or a list of strings", *it);
            return {};
        }
        return stringList(body, bp, key);
    }

    HttpStep readHttp(const Json& body, const std::string& bp) {
        allowKeys(body, bp,
                  {"namespace", "service", "port", "scheme", "path", "status", "json", "contains", "regex", "maxBytes",
                   "message", "timeout"});
        HttpStep s;
        if (auto ns = stringField(body, bp, "namespace", false)) {
            if (!isDnsLabel(*ns, 63))
                error(child(bp, "namespace"), "`namespace` \"" + *ns + "\" is not a namespace name");
            else
                s.namespace_ = *ns;
        }
        if (auto name = stringField(body, bp, "service", true)) {
            if (!isDnsLabel(*name, 63) || (name->front() >= '0' && name->front() <= '9'))
                error(child(bp, "service"), "`service` \"" + *name +
                                                "\" is not a Service name (lower-case letters, digits and '-', "
                                                "starting with a letter, at most 63)");
            else
                s.service = *name;
        }
        if (const Json* port = present(body, bp, "port", false)) {
            if (port->is_number_integer()) {
                if (auto n = intField(body, bp, "port", 1, 65535)) s.port = std::to_string(*n);
            } else if (port->is_string() && isDnsLabel(port->get<std::string>(), 15)) {
                s.port = port->get<std::string>();
            } else {
                error(child(bp, "port"), "`port` must be a port number (1..65535) or a port name (lower-case letters, "
                                         "digits and '-', at most 15), got " + renderValue(*port));
            }
        }
        if (auto scheme = stringField(body, bp, "scheme", false)) {
            if (*scheme != "http" && *scheme != "https")
                error(child(bp, "scheme"), "`scheme` must be http or https, got \"" + *scheme + "\"");
            else
                s.scheme = *scheme;
        }
        if (auto path = stringField(body, bp, "path", true)) {
            if (auto problem = httpPathProblem(*path); !problem.empty())
                error(child(bp, "path"), "`path` " + problem);
            else
                s.path = *path;
        }
        if (auto n = intField(body, bp, "status", 100, 599)) s.status = static_cast<int>(*n);
        if (auto n = intField(body, bp, "maxBytes", 1, 16 << 20)) s.maxBytes = *n;
        if (body.contains("json")) {
            const Json& pattern = body["json"];
            if (pattern.is_null())
                error(child(bp, "json"), "`json` must be a pattern (a partial JSON document), got null");
            else {
                checkPattern(pattern, child(bp, "json"));
                s.json = pattern;
            }
        }
        s.contains = oneOrMany(body, bp, "contains");
        s.regex = oneOrMany(body, bp, "regex");
        checkRegexField(body, bp);
        if (body.contains("json") && (body.contains("contains") || body.contains("regex")))
            keyError(bp, "json",
                     "the body is judged either as JSON (`json`) or as text (`contains`, `regex`), not both");
        return s;
    }

    FileStep readFile(const Json& body, const std::string& bp) {
        allowKeys(body, bp, {"path", "contains", "regex", "sections", "minBytes", "maxBytes", "message", "timeout"});
        FileStep s;
        if (auto path = stringField(body, bp, "path", true)) {
            if (auto problem = submissionPathProblem(*path); !problem.empty())
                error(child(bp, "path"), "`path` " + problem);
            else
                s.path = *path;
        }
        s.contains = oneOrMany(body, bp, "contains");
        s.regex = oneOrMany(body, bp, "regex");
        s.sections = oneOrMany(body, bp, "sections");
        checkRegexField(body, bp);
        for (size_t i = 0; i < s.sections.size(); ++i)
            if (s.sections[i].find_first_not_of(" \t") == std::string::npos)
                error(child(bp, "sections") + "/" + std::to_string(i), "a section is a heading's text; it cannot be empty");
        if (auto n = intField(body, bp, "maxBytes", 1, 16 << 20)) s.maxBytes = *n;
        if (auto n = intField(body, bp, "minBytes", 0, 16 << 20)) s.minBytes = *n;
        if (s.minBytes > s.maxBytes)
            error(child(bp, "minBytes"), "`minBytes` (" + std::to_string(s.minBytes) + ") is over `maxBytes` (" +
                                             std::to_string(s.maxBytes) + ")");
        return s;
    }

    std::optional<CountConstraint> countAt(const Json& v, const std::string& ptr) {
        allowKeys(v, ptr, {"min", "max", "exactly"});
        CountConstraint c;
        if (auto n = intField(v, ptr, "min", 0, 1000000)) c.min = static_cast<int>(*n);
        if (auto n = intField(v, ptr, "max", 0, 1000000)) c.max = static_cast<int>(*n);
        if (auto n = intField(v, ptr, "exactly", 0, 1000000)) c.exactly = static_cast<int>(*n);
        if (c.exactly && (c.min || c.max)) error(ptr, "`exactly` cannot be combined with `min` or `max`");
        if (c.min && c.max && *c.min > *c.max) error(ptr, "`min` is larger than `max`, so no count can satisfy it");
        if (v.empty()) error(ptr, "a count needs min, max or exactly");
        return c;
    }

    ProvenanceStep readProvenance(const Json& body, const std::string& bp) {
        allowKeys(body, bp, with(kTargetKeys, {"controller", "managerNot", "managerAny", "message", "timeout"}));
        ProvenanceStep s;
        s.target = readTarget(body, bp);
        if (const Json* ctl = mapField(body, bp, "controller")) {
            std::string cp = child(bp, "controller");
            allowKeys(*ctl, cp, {"kind", "name"});
            if (auto k = stringField(*ctl, cp, "kind", true)) s.controllerKind = *k;
            if (auto n = stringField(*ctl, cp, "name", false)) s.controllerName = *n;
        }
        s.managerNot = stringList(body, bp, "managerNot");
        s.managerAny = stringList(body, bp, "managerAny");
        if (!body.contains("controller") && !body.contains("managerNot") && !body.contains("managerAny"))
            error(bp, "provenance needs `controller`, `managerNot` or `managerAny`");
        return s;
    }

    void readOverride(const Json& v, const std::string& pointer, Rubric& rubric,
                      std::map<std::string, SourceRef>& removed) {
        if (!v.is_object()) {
            error(pointer, "an override must be a map with an id, got " + typeName(v));
            return;
        }
        allowKeys(v, pointer, {"id", "points", "visibility", "hints", "needs", "remove"});
        auto id = idField(v, pointer, "id", true);
        if (!id) return;
        auto it = std::find_if(rubric.checks.begin(), rubric.checks.end(), [&](const Check& c) { return c.id == *id; });
        if (it == rubric.checks.end()) {
            std::vector<std::string> ids;
            for (const auto& c : rubric.checks) ids.push_back(c.id);
            error(child(pointer, "id"),
                  "no check \"" + *id + "\" in lab " + rubric.lab + " to override" + didYouMean(*id, ids));
            return;
        }
        Check& check = *it;
        if (auto remove = boolField(v, pointer, "remove"); remove && *remove) {
            if (v.size() > 2) error(pointer, "an override that removes a check changes nothing else");
            removed[*id] = ref(pointer);
            return;
        }
        if (const Json* p = present(v, pointer, "points", false)) {
            if (!p->is_number())
                typeError(child(pointer, "points"), "points", "a number", *p);
            else if (!(p->get<double>() >= 0) || !std::isfinite(p->get<double>()))
                error(child(pointer, "points"), "`points` must be 0 or more, got " + renderValue(*p));
            else
                check.points = p->get<double>();
        }
        if (auto vis = visibilityField(v, pointer)) check.visibility = *vis;
        readHints(v, pointer, check.hints);
        readNeeds(v, pointer, check);
    }

    std::string_view text_;
    std::string source_;
    std::string baseDir_;
    std::vector<Diagnostic>& out_;
    YamlDocument doc_;
    std::vector<size_t> lineStarts_;
};

// Checks that need the whole rubric: unique ids, resolvable needs, no cycles.
void crossCheck(const Rubric& rubric, const std::map<std::string, SourceRef>& removed, std::vector<Diagnostic>& out) {
    std::map<std::string, const Check*> byId;
    for (const auto& c : rubric.checks) {
        if (c.id.empty()) continue;
        auto [it, inserted] = byId.emplace(c.id, &c);
        if (!inserted)
            out.push_back({c.source.file, c.source.location,
                           "duplicate check id \"" + c.id + "\" (also at " + it->second->source.str() + ")"});
    }
    std::vector<std::string> ids;
    for (const auto& [id, c] : byId) ids.push_back(id);
    for (const auto& c : rubric.checks) {
        for (size_t i = 0; i < c.needs.size(); ++i) {
            const SourceRef& at = i < c.needsSources.size() ? c.needsSources[i] : c.source;
            if (byId.count(c.needs[i])) continue;
            auto r = removed.find(c.needs[i]);
            if (r != removed.end())
                out.push_back({at.file, at.location,
                               "check \"" + c.id + "\" needs \"" + c.needs[i] + "\", which the overlay removes at " +
                                   r->second.str()});
            else
                out.push_back({at.file, at.location,
                               "check \"" + c.id + "\" needs unknown check \"" + c.needs[i] + "\"" +
                                   didYouMean(c.needs[i], ids)});
        }
    }
    // Depth-first search; each edge that closes a loop is one cycle, reported at that needs entry.
    std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
    std::vector<std::string> path;
    std::function<void(const Check&)> visit = [&](const Check& c) {
        state[c.id] = 1;
        path.push_back(c.id);
        for (size_t i = 0; i < c.needs.size(); ++i) {
            auto it = byId.find(c.needs[i]);
            if (it == byId.end()) continue;
            int s = state[c.needs[i]];
            if (s == 1) {
                std::string cycle;
                auto from = std::find(path.begin(), path.end(), c.needs[i]);
                for (auto p = from; p != path.end(); ++p) cycle += *p + " → ";
                cycle += c.needs[i];
                // Report at the edge that closes the loop, unless an overlay wrote one of the loop's edges:
                // then the overlay is what made the cycle, so point there.
                SourceRef at = i < c.needsSources.size() ? c.needsSources[i] : c.source;
                for (auto p = from; p + 1 != path.end() && at.file == rubric.sourceFile; ++p) {
                    const Check* owner = byId[*p];
                    for (size_t k = 0; k < owner->needs.size() && k < owner->needsSources.size(); ++k)
                        if (owner->needs[k] == *(p + 1) && owner->needsSources[k].file != rubric.sourceFile)
                            at = owner->needsSources[k];
                }
                out.push_back({at.file, at.location, "needs form a cycle: " + cycle});
            } else if (s == 0) {
                visit(*it->second);
            }
        }
        path.pop_back();
        state[c.id] = 2;
    };
    for (const auto& c : rubric.checks)
        if (!c.id.empty() && state[c.id] == 0 && byId[c.id] == &c) visit(c);
}

Status report(std::vector<Diagnostic>& diagnostics) {
    if (diagnostics.empty()) return {};
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file < b.file;
        if (a.location.line != b.location.line) return a.location.line < b.location.line;
        return a.location.column < b.location.column;
    });
    std::string message;
    for (const auto& d : diagnostics) {
        if (!message.empty()) message += "\n";
        message += d.preformatted ? d.message : formatLocation(d.file, d.location) + ": " + d.message;
    }
    return fail(ErrorKind::Invalid, message);
}

std::string directoryOf(const std::string& path) {
    fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

}  // namespace

Result<Rubric> parseRubric(std::string_view text, const std::string& sourceName, const std::string& baseDir) {
    std::vector<Diagnostic> diagnostics;
    Rubric rubric;
    rubric.sourceFile = sourceName;
    rubric.baseDir = baseDir.empty() ? "." : baseDir;
    Reader reader(text, sourceName, rubric.baseDir, diagnostics);
    if (reader.load()) reader.readRubric(rubric);
    crossCheck(rubric, {}, diagnostics);
    if (auto s = report(diagnostics); !s) return fail(s.error());
    return rubric;
}

Result<Rubric> loadRubric(const std::string& path) {
    auto text = readFileBounded(path, kMaxRubricBytes);
    if (!text) return fail(text.error().context("reading rubric " + path));
    return parseRubric(*text, path, directoryOf(path));
}

Result<Rubric> applyOverlay(Rubric base, std::string_view overlayText, const std::string& sourceName,
                            const std::string& baseDir) {
    std::vector<Diagnostic> diagnostics;
    std::map<std::string, SourceRef> removed;
    Reader reader(overlayText, sourceName, baseDir.empty() ? "." : baseDir, diagnostics);
    if (reader.load()) reader.readOverlay(base, removed);
    crossCheck(base, removed, diagnostics);
    if (auto s = report(diagnostics); !s) return fail(s.error());
    base.overlays.push_back(sourceName);
    return base;
}

Result<Rubric> applyOverlayFile(Rubric base, const std::string& path) {
    auto text = readFileBounded(path, kMaxRubricBytes);
    if (!text) return fail(text.error().context("reading overlay " + path));
    return applyOverlay(std::move(base), *text, path, directoryOf(path));
}

Result<Rubric> loadRubricWithOverlays(const std::string& path, const std::vector<std::string>& overlayFiles) {
    auto rubric = loadRubric(path);
    for (const auto& overlay : overlayFiles) {
        if (!rubric) break;
        rubric = applyOverlayFile(std::move(*rubric), overlay);
    }
    return rubric;
}

}  // namespace kc::grader
