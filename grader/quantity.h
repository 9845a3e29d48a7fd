// Kubernetes resource quantities ("500m", "1Gi", "1e3") as exact decimal values, so the matcher can compare
// what a rubric wrote with what the API server returned by value rather than by spelling.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "clusters/json.h"

namespace kc::grader {

// An exact decimal: sign × digits × 10^exponent. No floating point anywhere, so 0.1 and 100m are the same value
// and 1.5Gi is exactly 1610612736. Unlike the API server, nothing is rounded to milli or nano units: values
// compare exactly as written.
class Quantity {
public:
    // Accepts <sign>?<digits>[.<digits>]<suffix> where suffix is one of the decimal SI suffixes
    // n u m k M G T P E, a binary suffix Ki Mi Gi Ti Pi Ei, an exponent e<int>/E<int>, or nothing.
    // Rejects anything else (spaces, units like "MB", empty numbers) and inputs over 64 characters.
    static std::optional<Quantity> parse(std::string_view text);

    // A JSON number, or a JSON string that parses as a quantity; nullopt for anything else.
    static std::optional<Quantity> fromJson(const Json& value);

    // True when the text carried a suffix or exponent ("500m", "1Gi", "1e3"), false for plain numbers ("2",
    // "0.5"). The matcher uses it to decide when two strings are quantities rather than ordinary text.
    bool hadSuffix() const { return suffixed_; }

    bool isZero() const { return digits_.empty(); }
    bool isNegative() const { return negative_; }

    // The value in plain decimal notation ("0.5", "1073741824", "-0.000001"), for messages.
    std::string toString() const;

    std::strong_ordering operator<=>(const Quantity& other) const;
    bool operator==(const Quantity& other) const { return (*this <=> other) == 0; }

private:
    void normalise();

    bool negative_ = false;
    std::string digits_;  // magnitude without leading or trailing zeros; empty for zero
    int exponent_ = 0;    // value = digits_ × 10^exponent_
    bool suffixed_ = false;
};

}  // namespace kc::grader
