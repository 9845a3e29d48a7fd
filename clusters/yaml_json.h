// The one YAML→JSON conversion in kubeclass: manifests, kubeconfigs, rubrics, profiles and the quiz bank all
// come through here. Input is untrusted, so size, depth and alias expansion are bounded, and every value keeps
// the line and column it was written at for error messages.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/json.h"
#include "clusters/result.h"

namespace kc {

struct SourceLocation {
    int line = 0;  // 1-based; 0 when unknown
    int column = 0;
};

struct YamlLimits {
    size_t maxBytes = 8 * 1024 * 1024;
    int maxDepth = 100;          // nesting of maps and sequences
    size_t maxNodes = 1000000;   // values after alias expansion, over all documents
    size_t maxAliasValues = 100000;  // values reached through aliases (a billion-laughs bomb stops here)
    size_t maxDocuments = 5000;
};

struct YamlDocument {
    Json value;
    // JSON pointer ("/spec/containers/0/image") → where that value was written.
    std::map<std::string, SourceLocation> locations;

    // Location of the pointer, or of its nearest ancestor that has one.
    SourceLocation locate(const std::string& jsonPointer) const;
};

// Parses every document of a YAML stream. Empty documents (a lone "---") are skipped.
// Errors read "SOURCE:LINE:COL: what is wrong". Text that is not UTF-8, or holds a NUL byte, is refused.
Result<std::vector<YamlDocument>> parseYamlDocuments(std::string_view text, const std::string& sourceName,
                                                     const YamlLimits& limits = {});

// Parses a stream that must hold at most one document; an empty stream gives a null value.
Result<YamlDocument> parseYamlDocument(std::string_view text, const std::string& sourceName,
                                       const YamlLimits& limits = {});

// "SOURCE:LINE:COL" (or "SOURCE" when the location is unknown), the prefix of every positioned error.
std::string formatLocation(const std::string& sourceName, SourceLocation location);

// Escapes one JSON pointer token ("~" → "~0", "/" → "~1").
std::string jsonPointerToken(std::string_view token);

}  // namespace kc
