// Label and field selectors as the API test double evaluates them (list, watch, deletecollection).
// Label syntax: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k; commas AND the terms.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

class LabelSelector {
public:
    // nullopt when the text is not a valid selector (the double answers 400).
    static std::optional<LabelSelector> parse(const std::string& text);
    bool matches(const Json& labels) const;  // labels: the metadata.labels object (or null)
    bool empty() const { return terms_.empty(); }

private:
    enum class Op { Equals, NotEquals, In, NotIn, Exists, NotExists };
    struct Term {
        std::string key;
        Op op;
        std::vector<std::string> values;
    };
    std::vector<Term> terms_;
};

// Field selectors: "path=value", "path==value", "path!=value", comma = AND. The path is a dotted JSON path into
// the object (metadata.name, status.phase, spec.nodeName, involvedObject.name, type, ...). Simplified: the real
// server allows only a few fields per kind and rejects others; the double accepts any dotted path, and a missing
// field compares as "".
class FieldSelector {
public:
    static std::optional<FieldSelector> parse(const std::string& text);
    bool matches(const Json& object) const;

private:
    struct Term {
        std::string path;
        bool equals;
        std::string value;
    };
    std::vector<Term> terms_;
};

}  // namespace kc::testing
