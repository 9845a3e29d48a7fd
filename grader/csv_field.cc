// CSV quoting and the formula guard; see csv_field.h.
#include "grader/csv_field.h"

#include <sstream>

namespace kc::grader {

std::string csvField(const std::string& value) {
    std::string v = value;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
        v = "'" + v;
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csvNumber(double value) {
    std::ostringstream s;
    s.precision(6);
    s << value;
    return s.str();
}

}  // namespace kc::grader
