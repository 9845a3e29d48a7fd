// Parsing and comparing Kubernetes quantities exactly: digits and a power of ten, with binary suffixes
// multiplied out as integers so no value ever passes through a double.
#include "grader/quantity.h"

#include <algorithm>
#include <cctype>

namespace kc::grader {
namespace {

constexpr size_t kMaxText = 64;     // quantities in manifests are short; bounds the arithmetic below
constexpr int kMaxExponent = 1000;  // |e| in "1e<e>"; keeps digit strings small

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// digits (most significant first) × factor, for the small factor 1024.
std::string multiplySmall(const std::string& digits, int factor) {
    std::string out(digits.size(), '0');
    int carry = 0;
    for (size_t i = digits.size(); i-- > 0;) {
        int v = (digits[i] - '0') * factor + carry;
        out[i] = static_cast<char>('0' + v % 10);
        carry = v / 10;
    }
    while (carry > 0) {
        out.insert(out.begin(), static_cast<char>('0' + carry % 10));
        carry /= 10;
    }
    return out;
}

// Parses an optionally signed integer exponent that must fill the whole view.
std::optional<int> parseExponent(std::string_view s) {
    size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    int value = 0;
    for (; i < s.size(); ++i) {
        if (!isDigit(s[i])) return std::nullopt;
        value = value * 10 + (s[i] - '0');
        if (value > kMaxExponent) return std::nullopt;
    }
    return negative ? -value : value;
}

}  // namespace

std::optional<Quantity> Quantity::parse(std::string_view text) {
    if (text.empty() || text.size() > kMaxText) return std::nullopt;
    size_t i = 0;
    Quantity q;
    if (text[i] == '+' || text[i] == '-') q.negative_ = text[i++] == '-';

    std::string digits;
    int fractionDigits = 0;
    bool sawDigit = false, sawPoint = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (isDigit(c)) {
            digits += c;
            sawDigit = true;
            if (sawPoint) ++fractionDigits;
        } else if (c == '.' && !sawPoint) {
            sawPoint = true;
        } else {
            break;
        }
    }
    if (!sawDigit) return std::nullopt;

    std::string_view suffix = text.substr(i);
    int exponent = -fractionDigits;
    int binaryPower = 0;  // multiply by 1024^binaryPower
    if (suffix.empty()) {
    } else if (suffix.size() == 2 && suffix[1] == 'i') {
        static constexpr std::string_view kBinary = "KMGTPE";
        auto pos = kBinary.find(suffix[0]);
        if (pos == std::string_view::npos) return std::nullopt;
        binaryPower = static_cast<int>(pos) + 1;
    } else if (suffix.size() == 1 && suffix != "e") {
        switch (suffix[0]) {
            case 'n': exponent -= 9; break;
            case 'u': exponent -= 6; break;
            case 'm': exponent -= 3; break;
            case 'k': exponent += 3; break;
            case 'M': exponent += 6; break;
            case 'G': exponent += 9; break;
            case 'T': exponent += 12; break;
            case 'P': exponent += 15; break;
            case 'E': exponent += 18; break;  // a lone "E" is exa; "E3" below is an exponent
            default: return std::nullopt;
        }
    } else if (suffix[0] == 'e' || suffix[0] == 'E') {
        auto e = parseExponent(suffix.substr(1));
        if (!e) return std::nullopt;
        exponent += *e;
    } else {
        return std::nullopt;
    }
    q.suffixed_ = !suffix.empty();

    for (int p = 0; p < binaryPower; ++p) digits = multiplySmall(digits, 1024);
    q.digits_ = std::move(digits);
    q.exponent_ = exponent;
    q.normalise();
    return q;
}

std::optional<Quantity> Quantity::fromJson(const Json& value) {
    if (value.is_number_integer()) return parse(value.dump());
    if (value.is_number_float()) {
        // dump() writes the shortest text that reads back as the same double, so a YAML 0.1 stays "0.1".
        std::string text = value.dump();
        if (auto q = parse(text)) {
            q->suffixed_ = false;
            return q;
        }
        return std::nullopt;
    }
    if (value.is_string()) return parse(value.get_ref<const std::string&>());
    return std::nullopt;
}

void Quantity::normalise() {
    size_t lead = digits_.find_first_not_of('0');
    if (lead == std::string::npos) {
        digits_.clear();
        exponent_ = 0;
        negative_ = false;  // -0 is 0
        return;
    }
    digits_.erase(0, lead);
    size_t last = digits_.find_last_not_of('0');
    exponent_ += static_cast<int>(digits_.size() - 1 - last);
    digits_.erase(last + 1);
}

std::strong_ordering Quantity::operator<=>(const Quantity& other) const {
    int signThis = isZero() ? 0 : (negative_ ? -1 : 1);
    int signOther = other.isZero() ? 0 : (other.negative_ ? -1 : 1);
    if (signThis != signOther) return signThis <=> signOther;
    if (signThis == 0) return std::strong_ordering::equal;

    // Same sign: compare magnitudes by the position of the leading digit, then digit by digit.
    std::strong_ordering magnitude = std::strong_ordering::equal;
    long long orderThis = static_cast<long long>(digits_.size()) + exponent_;
    long long orderOther = static_cast<long long>(other.digits_.size()) + other.exponent_;
    if (orderThis != orderOther) {
        magnitude = orderThis <=> orderOther;
    } else {
        int c = digits_.compare(other.digits_);  // no trailing zeros, so a prefix is the smaller value
        magnitude = c <=> 0;
    }
    if (signThis < 0) return 0 <=> magnitude;
    return magnitude;
}

std::string Quantity::toString() const {
    if (isZero()) return "0";
    std::string out = negative_ ? "-" : "";
    if (exponent_ >= 0) {
        out += digits_;
        out.append(static_cast<size_t>(exponent_), '0');
        return out;
    }
    long long intDigits = static_cast<long long>(digits_.size()) + exponent_;
    if (intDigits > 0) {
        out += digits_.substr(0, static_cast<size_t>(intDigits));
        out += '.';
        out += digits_.substr(static_cast<size_t>(intDigits));
    } else {
        out += "0.";
        out.append(static_cast<size_t>(-intDigits), '0');
        out += digits_;
    }
    return out;
}

}  // namespace kc::grader
