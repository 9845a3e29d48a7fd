// YAML→JSON with bounds. Scalars resolve as kubectl's YAML reader does (YAML 1.1 booleans yes/no/on/off,
// 0x and 0o integers), quoted scalars always stay strings, and map keys stay the text that was written.
#include "clusters/yaml_json.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_set>

#include "clusters/utf8.h"

namespace kc {
namespace {

SourceLocation toLocation(const YAML::Mark& mark) {
    if (mark.is_null()) return {};
    return {mark.line + 1, mark.column + 1};
}

bool oneOf(const std::string& s, std::initializer_list<const char*> options) {
    for (const char* o : options)
        if (s == o) return true;
    return false;
}

// Resolves a plain (unquoted, untagged) scalar the way YAML 1.1 readers in the Kubernetes tool chain do.
Json resolvePlainScalar(const std::string& s) {
    if (s.empty() || oneOf(s, {"~", "null", "Null", "NULL"})) return nullptr;
    if (oneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return true;
    if (oneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return false;

    static const std::regex decimal(R"([-+]?(0|[1-9][0-9]*))");
    static const std::regex hex(R"(0x[0-9a-fA-F]+)");
    static const std::regex octal(R"(0o[0-7]+)");
    static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    errno = 0;
    if (std::regex_match(s, decimal)) {
        long long v = std::strtoll(s.c_str(), nullptr, 10);
        if (errno != ERANGE) return v;
        return std::strtod(s.c_str(), nullptr);
    }
    if (std::regex_match(s, hex)) {
        unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 16);
        if (errno != ERANGE) return v;
        return s;
    }
    if (std::regex_match(s, octal)) {
        unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 8);
        if (errno != ERANGE) return v;
        return s;
    }
    if (std::regex_match(s, floating)) {
        double v = std::strtod(s.c_str(), nullptr);
        if (std::isfinite(v)) return v;
    }
    return s;
}

class Converter {
public:
    Converter(const std::string& source, const YamlLimits& limits, size_t& nodeCount)
        : source_(source), limits_(limits), nodeCount_(nodeCount) {}

    Result<Json> convert(const YAML::Node& node, const std::string& pointer, int depth, YamlDocument& doc,
                         bool throughAlias = false) {
        // An alias hands back the anchored node itself, so a collection met a second time (same position) is
        // an alias being expanded; everything under it counts against the alias budget.
        const bool collection = node.IsMap() || node.IsSequence();
        if (collection && !throughAlias && !node.Mark().is_null() &&
            !convertedCollections_.insert(node.Mark().pos).second)
            throughAlias = true;
        if (throughAlias && ++aliasValues_ > limits_.maxAliasValues)
            return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(node.Mark())) +
                                                ": aliases expand to more than " +
                                                std::to_string(limits_.maxAliasValues) +
                                                " values (alias expansion is bounded)");
        if (++nodeCount_ > limits_.maxNodes)
            return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(node.Mark())) +
                                                ": document expands to more than " +
                                                std::to_string(limits_.maxNodes) +
                                                " values (alias expansion is bounded)");
        if (depth > limits_.maxDepth)
            return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(node.Mark())) +
                                                ": nesting deeper than " + std::to_string(limits_.maxDepth) +
                                                " levels");
        SourceLocation here = toLocation(node.Mark());
        if (here.line > 0) doc.locations.emplace(pointer, here);

        switch (node.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null: return Json(nullptr);
            case YAML::NodeType::Scalar: return scalar(node);
            case YAML::NodeType::Sequence: {
                Json out = Json::array();
                size_t index = 0;
                for (const auto& item : node) {
                    auto value = convert(item, pointer + "/" + std::to_string(index++), depth + 1, doc, throughAlias);
                    if (!value) return value;
                    out.push_back(std::move(*value));
                }
                return out;
            }
            case YAML::NodeType::Map: {
                Json out = Json::object();
                // kc::Json objects are vectors searched linearly; checking duplicates against them (and inserting
                // through operator[]) made a map of n keys cost n² (a 4 MB snapshot took 80 s). Keys are checked
                // here and appended without a search.
                auto& members = out.get_ref<Json::object_t&>();
                std::unordered_set<std::string> keys;
                for (const auto& entry : node) {
                    if (!entry.first.IsScalar())
                        return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(entry.first.Mark())) +
                                                            ": map keys must be plain text");
                    const std::string key = entry.first.Scalar();
                    if (key == "<<")
                        return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(entry.first.Mark())) +
                                                            ": merge keys (<<) are not supported");
                    if (!keys.insert(key).second)
                        return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(entry.first.Mark())) +
                                                            ": duplicate key \"" + key + "\"");
                    auto value = convert(entry.second, pointer + "/" + jsonPointerToken(key), depth + 1, doc, throughAlias);
                    if (!value) return value;
                    members.Json::object_t::Container::emplace_back(key, std::move(*value));
                }
                return out;
            }
        }
        return Json(nullptr);
    }

private:
    Result<Json> scalar(const YAML::Node& node) {
        const std::string& text = node.Scalar();
        const std::string& tag = node.Tag();
        if (tag == "!") return Json(text);  // quoted
        if (tag == "?" || tag.empty()) return resolvePlainScalar(text);
        if (tag == "tag:yaml.org,2002:str") return Json(text);
        if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
            tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
            Json v = resolvePlainScalar(text);
            if (v.is_string())
                return fail(ErrorKind::Invalid, formatLocation(source_, toLocation(node.Mark())) + ": \"" + text +
                                                    "\" does not fit its tag " + tag);
            return v;
        }
        return fail(ErrorKind::Invalid,
                    formatLocation(source_, toLocation(node.Mark())) + ": unsupported YAML tag " + tag);
    }

    const std::string& source_;
    const YamlLimits& limits_;
    size_t& nodeCount_;
    std::set<int> convertedCollections_;  // stream positions of the collections converted so far
    size_t aliasValues_ = 0;
};

// yaml-cpp reports a tab in indentation as a structural error ("illegal map value"); say why.
std::string tabHint(std::string_view text, const YAML::Mark& mark) {
    if (mark.is_null()) return "";
    size_t start = 0;
    for (int line = 0; line < mark.line && start != std::string_view::npos; ++line) {
        start = text.find('\n', start);
        if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos) return "";
    for (size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i)
        if (text[i] == '\t') return " (a tab indents line " + std::to_string(mark.line + 1) + "; YAML indents with spaces only)";
    return "";
}

}  // namespace

SourceLocation YamlDocument::locate(const std::string& jsonPointer) const {
    std::string p = jsonPointer;
    while (true) {
        auto it = locations.find(p);
        if (it != locations.end()) return it->second;
        if (p.empty()) return {};
        auto slash = p.rfind('/');
        p = slash == std::string::npos ? std::string() : p.substr(0, slash);
    }
}

std::string formatLocation(const std::string& sourceName, SourceLocation location) {
    if (location.line <= 0) return sourceName;
    return sourceName + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

std::string jsonPointerToken(std::string_view token) {
    std::string out;
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

namespace {

// Sees where each document starts and nothing else.
class DocumentStarts final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    YAML::Mark start = YAML::Mark::null_mark();
};

// yaml-cpp 0.7 (Debian bookworm) never gets past a ',' where a block node should start (", a", "{a: 1},",
// "\"a\", b"): each HandleNextDocument starts another empty document at the same token, so LoadAll loops for
// ever while its vector grows. This first pass walks the documents with a handler that keeps nothing, stops at
// the first document that starts where the one before it did, and bounds the count before LoadAll runs.
Status checkDocumentsEnd(std::string_view text, const std::string& sourceName, const YamlLimits& limits) {
    std::stringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentStarts starts;
    size_t count = 0;
    std::optional<int> previous;
    while (parser.HandleNextDocument(starts)) {
        if (previous && *previous == starts.start.pos) {
            const size_t at = static_cast<size_t>(std::max(starts.start.pos, 0));
            std::string what = at < text.size() ? "'" + std::string(1, text[at]) + "'" : "the end of the input";
            return fail(ErrorKind::Invalid, formatLocation(sourceName, toLocation(starts.start)) + ": unexpected " +
                                                what + " where a YAML value should start");
        }
        previous = starts.start.pos;
        if (++count > limits.maxDocuments)
            return fail(ErrorKind::Invalid, sourceName + ": more than " + std::to_string(limits.maxDocuments) +
                                                " YAML documents");
    }
    return {};
}

}  // namespace

Result<std::vector<YamlDocument>> parseYamlDocuments(std::string_view text, const std::string& sourceName,
                                                     const YamlLimits& limits) {
    if (text.size() > limits.maxBytes)
        return fail(ErrorKind::Invalid, sourceName + ": " + std::to_string(text.size()) +
                                            " bytes is more than the limit of " + std::to_string(limits.maxBytes));
    if (auto problem = findTextProblem(text))
        return fail(ErrorKind::Invalid,
                    formatLocation(sourceName, {problem->line, problem->column}) + ": " + problem->what);
    std::vector<YAML::Node> nodes;
    try {
        if (auto stuck = checkDocumentsEnd(text, sourceName, limits); !stuck) return fail(stuck.error());
        std::stringstream in{std::string(text)};
        nodes = YAML::LoadAll(in);
    } catch (const YAML::Exception& e) {
        return fail(ErrorKind::Invalid,
                    formatLocation(sourceName, toLocation(e.mark)) + ": " + e.msg + tabHint(text, e.mark));
    }
    if (nodes.size() > limits.maxDocuments)
        return fail(ErrorKind::Invalid, sourceName + ": more than " + std::to_string(limits.maxDocuments) +
                                            " YAML documents");
    std::vector<YamlDocument> documents;
    size_t nodeCount = 0;
    Converter converter(sourceName, limits, nodeCount);
    for (const auto& node : nodes) {
        if (node.IsNull()) continue;
        YamlDocument doc;
        try {
            auto value = converter.convert(node, "", 0, doc);
            if (!value) return fail(value.error());
            doc.value = std::move(*value);
        } catch (const YAML::Exception& e) {
            return fail(ErrorKind::Invalid, formatLocation(sourceName, toLocation(e.mark)) + ": " + e.msg);
        }
        documents.push_back(std::move(doc));
    }
    return documents;
}

Result<YamlDocument> parseYamlDocument(std::string_view text, const std::string& sourceName,
                                       const YamlLimits& limits) {
    auto docs = parseYamlDocuments(text, sourceName, limits);
    if (!docs) return fail(docs.error());
    if (docs->empty()) return YamlDocument{};
    if (docs->size() > 1)
        return fail(ErrorKind::Invalid, sourceName + ": expected one YAML document, found " +
                                            std::to_string(docs->size()));
    return std::move(docs->front());
}

}  // namespace kc
