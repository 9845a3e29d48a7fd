// The matcher: a recursive walk of the pattern beside the observed value. Arrays are a bipartite matching
// (augmenting paths over a lazily filled table), since a greedy first fit fails {a|b, a} against [a, b].
#include "grader/matcher.h"

#include <algorithm>
#include <functional>

#include "clusters/yaml_json.h"
#include "grader/quantity.h"
#include "grader/regex_cache.h"
#include "grader/spelling.h"

namespace kc::grader {
namespace {

constexpr size_t kMaxRegexSubject = 16 * 1024;

bool isPlainKey(const std::string& key) {
    if (key.empty()) return false;
    for (char c : key) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string dumpSafe(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string keySegment(const std::string& key, bool leadingDot) {
    if (isPlainKey(key)) return (leadingDot ? "." : "") + key;
    return "[" + dumpSafe(Json(key)) + "]";
}

std::string render(const Json* value) { return value == nullptr ? "<missing>" : renderValue(*value); }

size_t utf8Length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// observed <=> expected for the ordering operators; nullopt when the two cannot be ordered.
std::optional<std::strong_ordering> compareOrdered(const Json& expected, const Json& observed) {
    auto qe = Quantity::fromJson(expected);
    auto qo = Quantity::fromJson(observed);
    if (qe && qo) return *qo <=> *qe;
    if (expected.is_string() && observed.is_string())
        return observed.get_ref<const std::string&>().compare(expected.get_ref<const std::string&>()) <=> 0;
    return std::nullopt;
}

std::string describeOperator(const std::string& op, const Json& operand);

std::string describeOperatorMap(const Json& ops) {
    std::string out;
    for (const auto& [op, operand] : ops.items()) {
        if (!out.empty()) out += " and ";
        out += describeOperator(op, operand);
    }
    return out;
}

std::string describeOperator(const std::string& op, const Json& operand) {
    if (op == "$eq") return "= " + renderValue(operand);
    if (op == "$ne") return "!= " + renderValue(operand);
    if (op == "$gt") return "> " + renderValue(operand);
    if (op == "$gte") return ">= " + renderValue(operand);
    if (op == "$lt") return "< " + renderValue(operand);
    if (op == "$lte") return "<= " + renderValue(operand);
    if (op == "$in") return "one of " + renderValue(operand);
    if (op == "$regex")
        return "matches /" + (operand.is_string() ? operand.get<std::string>() : dumpSafe(operand)) + "/";
    if (op == "$exists") return operand == Json(false) ? "absent" : "present";
    if (op == "$len") {
        if (isOperatorMap(operand)) return "length " + describeOperatorMap(operand);
        return "length " + renderValue(operand);
    }
    if (op == "$not") return "not (" + describePattern(operand) + ")";
    if (op == "$anyOf") {
        std::string out = "any of: ";
        if (operand.is_array()) {
            bool first = true;
            for (const auto& alt : operand) {
                if (!first) out += " | ";
                out += describePattern(alt);
                first = false;
            }
        }
        return out;
    }
    if (op == "$exactly") return "exactly " + renderValue(operand);
    return op + " " + renderValue(operand);
}

class Matcher {
public:
    explicit Matcher(bool collect) : collect_(collect) {}

    bool node(const Json& expected, const Json* observed) {
        if (expected.is_object()) {
            if (isOperatorMap(expected)) return operators(expected, observed);
            return object(expected, observed);
        }
        if (expected.is_array()) return array(expected, observed);
        if (observed == nullptr) {
            if (expected.is_null()) return true;  // null and omitted are the same thing in Kubernetes objects
            return report(renderValue(expected), "<missing>");
        }
        if (scalarsEqual(expected, *observed)) return true;
        return report(renderValue(expected), renderValue(*observed));
    }

    MatchResult result(bool ok) && {
        MatchResult r;
        r.ok = ok && error_.empty();
        r.mismatches = std::move(mismatches_);
        r.truncated = truncated_;
        r.error = std::move(error_);
        if (!r.ok && r.mismatches.empty() && r.error.empty())
            r.mismatches.push_back({".", "a match", "no match"});  // cannot happen; keeps ok=false explained
        return r;
    }

    const std::string& error() const { return error_; }

private:
    // Records a mismatch at the current path; always returns false so callers can `return report(...)`.
    bool report(std::string expected, std::string observed) {
        if (!collect_) return false;
        if (mismatches_.size() >= kMaxMismatches) {
            truncated_ = true;
            return false;
        }
        mismatches_.push_back({path_.empty() ? "." : path_, std::move(expected), std::move(observed)});
        return false;
    }

    bool setError(const std::string& message) {
        if (error_.empty()) {
            errorCore_ = message;
            error_ = message + " at " + (path_.empty() ? "." : path_);
        }
        return false;
    }

    // Whether expected matches observed, without recording anything. A quiet matcher builds no paths, so an
    // error found inside it is placed at the path where this matcher asked.
    bool test(const Json& expected, const Json* observed) {
        Matcher sub(false);
        bool ok = sub.node(expected, observed);
        if (!sub.error_.empty()) return setError(sub.errorCore_);
        return ok;
    }

    bool object(const Json& expected, const Json* observed) {
        if (observed == nullptr || !observed->is_object()) return report(renderValue(expected), render(observed));
        bool ok = true;
        for (const auto& [key, value] : expected.items()) {
            auto it = observed->find(key);
            const Json* child = it == observed->end() ? nullptr : &*it;
            size_t mark = path_.size();
            if (collect_) path_ += keySegment(key, true);
            bool childOk = node(value, child);
            path_.resize(mark);
            if (!childOk) {
                ok = false;
                if (!collect_ || !error_.empty()) return false;
            }
        }
        return ok;
    }

    bool array(const Json& expected, const Json* observed) {
        if (observed == nullptr || !observed->is_array()) return report(renderValue(expected), render(observed));
        const size_t e = expected.size(), o = observed->size();
        if (e == 0) return true;

        // compat[i*o+j]: -1 unknown, 0 no, 1 yes; filled only as the search needs it.
        std::vector<signed char> compat(e * o, -1);
        auto fits = [&](size_t i, size_t j) {
            signed char& c = compat[i * o + j];
            if (c < 0) c = test(expected[i], &(*observed)[j]) ? 1 : 0;
            return c == 1;
        };
        std::vector<long> ownerOf(o, -1);
        std::vector<char> seen(o);
        std::function<bool(size_t)> assign = [&](size_t i) {
            for (size_t j = 0; j < o; ++j) {
                if (seen[j] || !fits(i, j)) continue;
                seen[j] = 1;
                if (ownerOf[j] < 0 || assign(static_cast<size_t>(ownerOf[j]))) {
                    ownerOf[j] = static_cast<long>(i);
                    return true;
                }
            }
            return false;
        };
        std::vector<size_t> unmatched;
        for (size_t i = 0; i < e; ++i) {
            std::fill(seen.begin(), seen.end(), 0);
            if (!assign(i)) {
                if (!error_.empty()) return false;
                unmatched.push_back(i);
                if (!collect_) return false;
            }
        }
        if (unmatched.empty()) return true;
        for (size_t i : unmatched) explainUnmatched(expected[i], i, *observed, fits);
        return false;
    }

    // Points at the observed item the student most likely meant (same name/type/key) and says what differs
    // there; otherwise reports the whole expected item as not found.
    template <typename Fits>
    void explainUnmatched(const Json& item, size_t i, const Json& observed, Fits& fits) {
        if (item.is_object() && !isOperatorMap(item)) {
            for (const char* identity : {"name", "type", "key"}) {
                auto id = item.find(identity);
                if (id == item.end() || !id->is_string()) continue;
                std::optional<size_t> only;
                int count = 0;
                for (size_t j = 0; j < observed.size(); ++j) {
                    const Json& candidate = observed[j];
                    if (!candidate.is_object()) continue;
                    auto cid = candidate.find(identity);
                    if (cid != candidate.end() && *cid == *id) {
                        only = j;
                        ++count;
                    }
                }
                if (count != 1) continue;
                size_t mark = path_.size();
                const std::string& text = id->get_ref<const std::string&>();
                path_ += std::string("[") + identity + "=" + (isPlainKey(text) ? text : dumpSafe(*id)) + "]";
                if (fits(i, *only))
                    report("a distinct item", "this item is already matched by another expected item");
                else
                    node(item, &observed[*only]);
                path_.resize(mark);
                return;
            }
        }
        size_t candidates = 0;
        for (size_t j = 0; j < observed.size(); ++j)
            if (fits(i, j)) ++candidates;
        std::string why;
        if (observed.empty())
            why = "an empty list";
        else if (candidates == 0)
            why = "none of " + std::to_string(observed.size()) + " items matches";
        else
            why = "every matching item is already matched by another expected item";
        report("an item matching " + renderValue(item), why);
    }

    bool operators(const Json& ops, const Json* observed) {
        bool ok = true;
        for (const auto& [op, operand] : ops.items()) {
            bool one = apply(op, operand, observed);
            if (!error_.empty()) return false;
            if (!one) {
                ok = false;
                if (!collect_) return false;
            }
        }
        return ok;
    }

    bool apply(const std::string& op, const Json& operand, const Json* observed) {
        if (op == "$exists") {
            if (!operand.is_boolean()) return setError("$exists takes true or false");
            bool present = observed != nullptr && !observed->is_null();
            if (present == operand.get<bool>()) return true;
            return report(describeOperator(op, operand), render(observed));
        }
        if (op == "$not") {
            bool inner = test(operand, observed);
            if (!error_.empty()) return false;
            if (!inner) return true;
            return report(describeOperator(op, operand), render(observed));
        }
        if (op == "$anyOf") {
            if (!operand.is_array() || operand.empty()) return setError("$anyOf takes a non-empty list of patterns");
            for (const auto& alternative : operand) {
                if (test(alternative, observed)) return true;
                if (!error_.empty()) return false;
            }
            return report(describeOperator(op, operand), render(observed));
        }
        if (std::find(knownOperators().begin(), knownOperators().end(), op) == knownOperators().end())
            return setError("unknown operator " + op + didYouMean(op, knownOperators()));
        if (observed == nullptr) return report(expectedText(op, operand), "<missing>");

        if (op == "$eq" || op == "$ne") {
            bool equal = scalarsEqual(operand, *observed);
            if (equal == (op == "$eq")) return true;
            return report(expectedText(op, operand), renderValue(*observed));
        }
        if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
            if (!operand.is_number() && !operand.is_string())
                return setError(op + " takes a number, quantity or string");
            auto order = compareOrdered(operand, *observed);
            bool ok = false;
            if (order) {
                if (op == "$gt")
                    ok = *order > 0;
                else if (op == "$gte")
                    ok = *order >= 0;
                else if (op == "$lt")
                    ok = *order < 0;
                else
                    ok = *order <= 0;
            }
            if (ok) return true;
            return report(expectedText(op, operand), renderValue(*observed));
        }
        if (op == "$in") {
            if (!operand.is_array()) return setError("$in takes a list of values");
            for (const auto& candidate : operand)
                if (scalarsEqual(candidate, *observed)) return true;
            return report(expectedText(op, operand), renderValue(*observed));
        }
        if (op == "$regex") {
            if (!operand.is_string()) return setError("$regex takes a string");
            auto re = compiledRegex(operand.get_ref<const std::string&>());
            if (!re) return setError(re.error().message);
            if (!observed->is_string()) return report(expectedText(op, operand), renderValue(*observed));
            const std::string& subject = observed->get_ref<const std::string&>();
            // libstdc++ matches recursively, so a huge subject could exhaust the stack; field values this long
            // are data blobs, not something a rubric should pattern-match.
            if (subject.size() > kMaxRegexSubject)
                return report(expectedText(op, operand), "a string of " + std::to_string(subject.size()) +
                                                             " bytes, too long to match against a pattern");
            if (std::regex_search(subject, **re)) return true;
            return report(expectedText(op, operand), renderValue(*observed));
        }
        if (op == "$len") {
            size_t length = 0;
            if (observed->is_array() || observed->is_object())
                length = observed->size();
            else if (observed->is_string())
                length = utf8Length(observed->get_ref<const std::string&>());
            else
                return report(expectedText(op, operand), renderValue(*observed) + " (has no length)");
            Json lengthValue = length;
            bool ok = isOperatorMap(operand) ? test(operand, &lengthValue) : scalarsEqual(operand, lengthValue);
            if (!error_.empty()) return false;
            if (ok) return true;
            return report(expectedText(op, operand), "length " + std::to_string(length));
        }
        if (op == "$exactly") {
            if (!operand.is_array()) return setError("$exactly takes a list");
            if (!observed->is_array()) return report(expectedText(op, operand), renderValue(*observed));
            bool ok = true;
            if (operand.size() != observed->size()) {
                ok = report("exactly " + std::to_string(operand.size()) + " items",
                            std::to_string(observed->size()) + " items");
                if (!collect_) return false;
            }
            for (size_t i = 0; i < std::min(operand.size(), observed->size()); ++i) {
                size_t mark = path_.size();
                if (collect_) path_ += "[" + std::to_string(i) + "]";
                bool itemOk = node(operand[i], &(*observed)[i]);
                path_.resize(mark);
                if (!itemOk) {
                    ok = false;
                    if (!collect_ || !error_.empty()) return false;
                }
            }
            return ok;
        }
        return setError("unhandled operator " + op);
    }

    // Mismatch text for what an operator wanted; plain equality reads as the value itself.
    static std::string expectedText(const std::string& op, const Json& operand) {
        if (op == "$eq") return renderValue(operand);
        return describeOperator(op, operand);
    }

    bool collect_;
    std::string path_;
    std::vector<Mismatch> mismatches_;
    bool truncated_ = false;
    std::string error_;
    std::string errorCore_;  // error_ without its path
};

void validateInto(const Json& pattern, const std::string& pointer, std::vector<PatternIssue>& issues);

void validateOperator(const std::string& op, const Json& operand, const std::string& pointer,
                      std::vector<PatternIssue>& issues) {
    auto issue = [&](const std::string& message) { issues.push_back({pointer, message}); };
    auto isScalar = [](const Json& v) { return v.is_primitive(); };
    if (op == "$eq" || op == "$ne") {
        if (!isScalar(operand)) issue(op + " takes a single value (string, number, boolean or null)");
    } else if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
        if (!operand.is_number() && !operand.is_string()) issue(op + " takes a number, quantity or string");
    } else if (op == "$in") {
        if (!operand.is_array() || operand.empty())
            issue("$in takes a non-empty list of values");
        else
            for (size_t i = 0; i < operand.size(); ++i)
                if (!isScalar(operand[i]))
                    issues.push_back({pointer + "/" + std::to_string(i), "$in values must be single values"});
    } else if (op == "$regex") {
        if (!operand.is_string())
            issue("$regex takes a string");
        else if (auto re = compiledRegex(operand.get_ref<const std::string&>()); !re)
            issue(re.error().message);
    } else if (op == "$exists") {
        if (!operand.is_boolean()) issue("$exists takes true or false");
    } else if (op == "$len") {
        if (operand.is_number_integer() || operand.is_number_unsigned()) {
            if (operand.get<long long>() < 0) issue("$len takes a length of 0 or more");
        } else if (isOperatorMap(operand)) {
            validateInto(operand, pointer, issues);
        } else {
            issue("$len takes a whole number or an operator map such as {$gte: 2}");
        }
    } else if (op == "$not") {
        validateInto(operand, pointer, issues);
    } else if (op == "$anyOf") {
        if (!operand.is_array() || operand.empty())
            issue("$anyOf takes a non-empty list of patterns");
        else
            for (size_t i = 0; i < operand.size(); ++i)
                validateInto(operand[i], pointer + "/" + std::to_string(i), issues);
    } else if (op == "$exactly") {
        if (!operand.is_array())
            issue("$exactly takes a list");
        else
            for (size_t i = 0; i < operand.size(); ++i)
                validateInto(operand[i], pointer + "/" + std::to_string(i), issues);
    } else {
        issues.push_back({pointer, "unknown operator " + op + didYouMean(op, knownOperators()), true});
    }
}

void validateInto(const Json& pattern, const std::string& pointer, std::vector<PatternIssue>& issues) {
    if (pattern.is_object()) {
        bool anyOperator = false, anyField = false;
        for (const auto& [key, value] : pattern.items()) {
            (void)value;
            (key.size() > 0 && key[0] == '$' ? anyOperator : anyField) = true;
        }
        if (anyOperator && anyField) {
            issues.push_back({pointer, "a map mixes $operators with field names; put the operators under the field"});
            return;
        }
        for (const auto& [key, value] : pattern.items()) {
            std::string child = pointer + "/" + jsonPointerToken(key);
            if (anyOperator)
                validateOperator(key, value, child, issues);
            else
                validateInto(value, child, issues);
        }
    } else if (pattern.is_array()) {
        for (size_t i = 0; i < pattern.size(); ++i) validateInto(pattern[i], pointer + "/" + std::to_string(i), issues);
    }
}

void describeInto(const Json& pattern, const std::string& prefix, std::vector<std::string>& parts) {
    const std::string lead = prefix.empty() ? "" : prefix + " ";
    if (pattern.is_object() && isOperatorMap(pattern)) {
        for (const auto& [op, operand] : pattern.items()) parts.push_back(lead + describeOperator(op, operand));
    } else if (pattern.is_object()) {
        if (pattern.empty()) parts.push_back(lead + "is a map");
        for (const auto& [key, value] : pattern.items())
            describeInto(value, prefix.empty() ? keySegment(key, false) : prefix + keySegment(key, true), parts);
    } else if (pattern.is_array()) {
        if (pattern.empty()) parts.push_back(lead + "is a list");
        for (const auto& item : pattern) parts.push_back(lead + "contains " + renderValue(item));
    } else {
        parts.push_back(lead + "= " + renderValue(pattern));
    }
}

}  // namespace

const std::vector<std::string>& knownOperators() {
    static const std::vector<std::string> ops = {"$eq",    "$ne",     "$gt",  "$gte", "$lt",    "$lte",    "$in",
                                                 "$regex", "$exists", "$len", "$not", "$anyOf", "$exactly"};
    return ops;
}

bool isOperatorMap(const Json& value) {
    if (!value.is_object() || value.empty()) return false;
    for (const auto& [key, v] : value.items()) {
        (void)v;
        if (key.empty() || key[0] != '$') return false;
    }
    return true;
}

MatchResult match(const Json& expected, const Json& observed) {
    Matcher m(true);
    bool ok = m.node(expected, &observed);
    return std::move(m).result(ok);
}

bool matches(const Json& expected, const Json& observed) {
    Matcher m(false);
    return m.node(expected, &observed) && m.error().empty();
}

bool scalarsEqual(const Json& expected, const Json& observed) {
    if (expected.is_string() && observed.is_string()) {
        const auto& a = expected.get_ref<const std::string&>();
        const auto& b = observed.get_ref<const std::string&>();
        if (a == b) return true;
        auto qa = Quantity::parse(a);
        if (!qa) return false;
        auto qb = Quantity::parse(b);
        return qb && (qa->hadSuffix() || qb->hadSuffix()) && *qa == *qb;
    }
    if (expected.is_number() || observed.is_number()) {
        if (!(expected.is_number() || expected.is_string()) || !(observed.is_number() || observed.is_string()))
            return false;
        auto qa = Quantity::fromJson(expected);
        auto qb = Quantity::fromJson(observed);
        return qa && qb && *qa == *qb;
    }
    if (expected.is_boolean() || observed.is_boolean()) return expected == observed;
    if (expected.is_null() || observed.is_null()) return expected.is_null() && observed.is_null();
    return expected == observed;
}

std::vector<PatternIssue> validatePattern(const Json& pattern) {
    std::vector<PatternIssue> issues;
    validateInto(pattern, "", issues);
    return issues;
}

std::string describePattern(const Json& pattern) {
    std::vector<std::string> parts;
    describeInto(pattern, "", parts);
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += ", ";
        out += p;
    }
    return out;
}

std::string renderValue(const Json& value, size_t maxChars) {
    std::string text = dumpSafe(value);
    if (text.size() <= maxChars) return text;
    size_t cut = maxChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // stay on a UTF-8 boundary
    return text.substr(0, cut) + "…";
}

bool CountConstraint::satisfied(int n) const {
    if (exactly && n != *exactly) return false;
    if (min && n < *min) return false;
    if (max && n > *max) return false;
    return true;
}

std::string CountConstraint::describe() const {
    if (exactly) return "exactly " + std::to_string(*exactly);
    if (min && max)
        return *min == *max ? "exactly " + std::to_string(*min)
                            : "between " + std::to_string(*min) + " and " + std::to_string(*max);
    if (min) return "at least " + std::to_string(*min);
    if (max) return "at most " + std::to_string(*max);
    return "any number";
}

}  // namespace kc::grader
