// The double's subset of CRD schema validation (see crd_schema.h). Recursive over the schema, which the CRD's
// author wrote and the double bounds by depth; the object is walked only where the schema goes.
#include "tests/support/crd_schema.h"

#include <algorithm>
#include <regex>

namespace kc::testing {

namespace {

constexpr size_t kMaxViolations = 20;
constexpr int kMaxDepth = 64;

std::string typeOf(const Json& v) {
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
    if (v.is_number()) return "number";
    return "null";
}

bool hasType(const Json& v, const std::string& type) {
    if (type == "number") return v.is_number();
    if (type == "integer") {
        if (v.is_number_integer() || v.is_number_unsigned()) return true;
        if (!v.is_number_float()) return false;
        double d = v.get<double>();
        return d == static_cast<double>(static_cast<long long>(d));
    }
    return typeOf(v) == type;
}

// A non-negative whole-number keyword (maxItems, minLength, ...), or -1 when the schema does not set one.
long long limit(const Json& schema, const char* key) {
    if (!schema.contains(key) || !schema[key].is_number_integer()) return -1;
    return std::max(0LL, schema[key].get<long long>());
}

struct Validator {
    std::vector<SchemaViolation> out;

    void add(const std::string& field, const std::string& text) {
        if (out.size() < kMaxViolations) out.push_back({field, field + ": " + text});
    }
    void invalidValue(const std::string& field, const Json& value, const std::string& why) {
        std::string shown = value.is_string() ? "\"" + value.get<std::string>() + "\"" : value.dump();
        if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
        add(field, "Invalid value: " + shown + ": " + why);
    }

    void check(const Json& schema, const Json& value, const std::string& field, int depth) {
        if (!schema.is_object() || depth > kMaxDepth || out.size() >= kMaxViolations) return;
        if (value.is_null()) {
            if (!schema.value("nullable", false) && schema.contains("type"))
                invalidValue(field, value, field + " in body must be of type " + schema.value("type", "") + ": \"null\"");
            return;
        }
        if (schema.value("x-kubernetes-int-or-string", false)) {
            if (!value.is_string() && !hasType(value, "integer"))
                invalidValue(field, value, field + " in body must be of type integer or string: \"" + typeOf(value) + "\"");
            return;
        }
        const std::string type = schema.value("type", "");
        if (!type.empty() && !hasType(value, type)) {
            invalidValue(field, value, field + " in body must be of type " + type + ": \"" + typeOf(value) + "\"");
            return;
        }
        if (schema.contains("enum") && schema["enum"].is_array()) {
            bool found = false;
            for (const auto& e : schema["enum"]) found = found || e == value;
            if (!found) add(field, "Unsupported value: " + value.dump() + ": supported values: " + schema["enum"].dump());
        }
        if (value.is_number()) checkBounds(schema, value, field);
        if (value.is_string()) checkString(schema, value, field);
        if (value.is_array()) {
            const long long n = static_cast<long long>(value.size());
            if (limit(schema, "maxItems") >= 0 && n > limit(schema, "maxItems"))
                add(field, "Too many: " + std::to_string(value.size()) + ": must have at most " +
                               schema["maxItems"].dump() + " items");
            if (limit(schema, "minItems") >= 0 && n < limit(schema, "minItems"))
                invalidValue(field, value, field + " in body should have at least " + schema["minItems"].dump() + " items");
            if (schema.contains("items"))
                for (size_t i = 0; i < value.size(); ++i)
                    check(schema["items"], value[i], field + "[" + std::to_string(i) + "]", depth + 1);
        }
        if (value.is_object()) checkObject(schema, value, field, depth);
    }

    void checkBounds(const Json& schema, const Json& value, const std::string& field) {
        const double v = value.get<double>();
        if (schema.contains("minimum") && schema["minimum"].is_number()) {
            const double m = schema["minimum"].get<double>();
            if (schema.value("exclusiveMinimum", false) ? v <= m : v < m)
                invalidValue(field, value, field + " in body should be greater than " +
                                               std::string(schema.value("exclusiveMinimum", false) ? "" : "or equal to ") +
                                               schema["minimum"].dump());
        }
        if (schema.contains("maximum") && schema["maximum"].is_number()) {
            const double m = schema["maximum"].get<double>();
            if (schema.value("exclusiveMaximum", false) ? v >= m : v > m)
                invalidValue(field, value, field + " in body should be less than " +
                                               std::string(schema.value("exclusiveMaximum", false) ? "" : "or equal to ") +
                                               schema["maximum"].dump());
        }
    }

    void checkString(const Json& schema, const Json& value, const std::string& field) {
        const std::string& s = value.get_ref<const std::string&>();
        const long long n = static_cast<long long>(s.size());
        if (limit(schema, "minLength") >= 0 && n < limit(schema, "minLength"))
            invalidValue(field, value, field + " in body should be at least " + schema["minLength"].dump() + " chars long");
        if (limit(schema, "maxLength") >= 0 && n > limit(schema, "maxLength"))
            add(field, "Too long: may not be more than " + schema["maxLength"].dump() + " bytes");
        if (schema.contains("pattern") && schema["pattern"].is_string()) {
            try {
                if (!std::regex_search(s, std::regex(schema["pattern"].get<std::string>(), std::regex::ECMAScript)))
                    invalidValue(field, value, field + " in body should match '" + schema["pattern"].get<std::string>() + "'");
            } catch (const std::regex_error&) {
                // A pattern the double cannot compile is not this object's fault.
            }
        }
    }

    void checkObject(const Json& schema, const Json& value, const std::string& field, int depth) {
        const std::string prefix = field.empty() ? "" : field + ".";
        if (schema.contains("required") && schema["required"].is_array())
            for (const auto& key : schema["required"])
                if (key.is_string() && !value.contains(key.get<std::string>()))
                    add(prefix + key.get<std::string>(), "Required value");
        const Json& props = schema.contains("properties") ? schema["properties"] : Json();
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (depth == 0 && (it.key() == "apiVersion" || it.key() == "kind" || it.key() == "metadata")) continue;
            if (props.is_object() && props.contains(it.key()))
                check(props[it.key()], it.value(), prefix + it.key(), depth + 1);
            else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object())
                check(schema["additionalProperties"], it.value(), prefix + it.key(), depth + 1);
            // Anything else is what a real server prunes; the double keeps it (see crd_schema.h).
        }
    }
};

}  // namespace

std::vector<SchemaViolation> validateCustomResource(const Json& schema, const Json& object) {
    Validator v;
    v.check(schema, object, "", 0);
    return v.out;
}

}  // namespace kc::testing
