// One CSV field for files that spreadsheets and LMS importers open: RFC 4180 quoting, and a guard against
// formula injection. Shared by every CSV kubeclass-grade writes (quiz class CSV, batch grade exports).
#pragma once

#include <string>

namespace kc::grader {

// Quotes the field when it holds a comma, quote, CR or LF (quotes doubled). A field that starts with
// = + - @ TAB or CR would run as a formula in a spreadsheet; it gets a leading apostrophe first. Student names,
// ids and messages are untrusted text.
std::string csvField(const std::string& value);

// A number for a CSV cell: up to six significant digits, no trailing zeros ("7.5", "10"); never guarded.
std::string csvNumber(double value);

}  // namespace kc::grader
