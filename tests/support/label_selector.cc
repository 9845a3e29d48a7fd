// Parsing and matching of label and field selectors for the API test double.
#include "tests/support/label_selector.h"

#include <cctype>

namespace kc::testing {
namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

bool validKey(const std::string& k) {
    if (k.empty() || k.size() > 316) return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/'))
            return false;
    return true;
}

bool validValue(const std::string& v) {
    if (v.size() > 63) return false;
    for (char c : v)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> splitTerms(const std::string& text, bool& ok) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    ok = true;
    for (char c : text) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (depth < 0 || depth > 1) ok = false;
        if (c == ',' && depth == 0) {
            out.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (depth != 0) ok = false;
    out.push_back(trim(current));
    return out;
}

std::string labelValue(const Json& labels, const std::string& key, bool& present) {
    present = labels.is_object() && labels.contains(key);
    if (!present) return {};
    const Json& v = labels[key];
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

std::optional<LabelSelector> LabelSelector::parse(const std::string& text) {
    LabelSelector selector;
    if (trim(text).empty()) return selector;
    bool ok = true;
    for (const std::string& raw : splitTerms(text, ok)) {
        if (!ok || raw.empty()) return std::nullopt;
        Term term;
        if (raw[0] == '!') {
            term.key = trim(raw.substr(1));
            term.op = Op::NotExists;
        } else if (size_t p = raw.find("!="); p != std::string::npos) {
            term.key = trim(raw.substr(0, p));
            term.op = Op::NotEquals;
            term.values = {trim(raw.substr(p + 2))};
        } else if (size_t p2 = raw.find("=="); p2 != std::string::npos) {
            term.key = trim(raw.substr(0, p2));
            term.op = Op::Equals;
            term.values = {trim(raw.substr(p2 + 2))};
        } else if (size_t p3 = raw.find('='); p3 != std::string::npos) {
            term.key = trim(raw.substr(0, p3));
            term.op = Op::Equals;
            term.values = {trim(raw.substr(p3 + 1))};
        } else if (size_t open = raw.find('('); open != std::string::npos) {
            if (raw.back() != ')') return std::nullopt;
            std::string left = trim(raw.substr(0, open));
            size_t space = left.find_last_of(" \t");
            if (space == std::string::npos) return std::nullopt;
            std::string op = trim(left.substr(space + 1));
            term.key = trim(left.substr(0, space));
            if (op == "in")
                term.op = Op::In;
            else if (op == "notin")
                term.op = Op::NotIn;
            else
                return std::nullopt;
            std::string inside = raw.substr(open + 1, raw.size() - open - 2);
            size_t start = 0;
            for (;;) {
                size_t comma = inside.find(',', start);
                std::string v = trim(inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!validValue(v)) return std::nullopt;
                term.values.push_back(v);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        } else {
            term.key = raw;
            term.op = Op::Exists;
        }
        if (!validKey(term.key)) return std::nullopt;
        for (const auto& v : term.values)
            if (!validValue(v)) return std::nullopt;
        selector.terms_.push_back(std::move(term));
    }
    return selector;
}

bool LabelSelector::matches(const Json& labels) const {
    for (const Term& t : terms_) {
        bool present = false;
        std::string value = labelValue(labels, t.key, present);
        bool inValues = false;
        for (const auto& v : t.values) inValues = inValues || (present && v == value);
        switch (t.op) {
            case Op::Equals: if (!inValues) return false; break;
            case Op::In: if (!inValues) return false; break;
            case Op::NotEquals: if (inValues) return false; break;  // absent keys match != (as in Kubernetes)
            case Op::NotIn: if (inValues) return false; break;
            case Op::Exists: if (!present) return false; break;
            case Op::NotExists: if (present) return false; break;
        }
    }
    return true;
}

std::optional<FieldSelector> FieldSelector::parse(const std::string& text) {
    FieldSelector selector;
    if (trim(text).empty()) return selector;
    bool ok = true;
    for (const std::string& raw : splitTerms(text, ok)) {
        if (!ok || raw.empty()) return std::nullopt;
        Term term;
        size_t p;
        if ((p = raw.find("!=")) != std::string::npos) {
            term = {trim(raw.substr(0, p)), false, trim(raw.substr(p + 2))};
        } else if ((p = raw.find("==")) != std::string::npos) {
            term = {trim(raw.substr(0, p)), true, trim(raw.substr(p + 2))};
        } else if ((p = raw.find('=')) != std::string::npos) {
            term = {trim(raw.substr(0, p)), true, trim(raw.substr(p + 1))};
        } else {
            return std::nullopt;
        }
        if (term.path.empty()) return std::nullopt;
        selector.terms_.push_back(std::move(term));
    }
    return selector;
}

bool FieldSelector::matches(const Json& object) const {
    for (const Term& t : terms_) {
        const Json* node = &object;
        size_t start = 0;
        bool found = true;
        while (found) {
            size_t dot = t.path.find('.', start);
            std::string key = t.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (!node->is_object() || !node->contains(key)) {
                found = false;
                break;
            }
            node = &(*node)[key];
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        std::string value;
        if (found) value = node->is_string() ? node->get<std::string>() : (node->is_null() ? "" : node->dump());
        if ((value == t.value) != t.equals) return false;
    }
    return true;
}

}  // namespace kc::testing
