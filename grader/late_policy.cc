// Late policy: ISO 8601 parsing, the penalty rule's small syntax, and the lateness arithmetic.
#include "grader/late_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <vector>

namespace kc::grader {
namespace {

// Reads exactly `digits` decimal digits at pos.
std::optional<int> readDigits(std::string_view text, size_t& pos, size_t digits) {
    if (pos + digits > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < digits; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += digits;
    return value;
}

bool expectChar(std::string_view text, size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

tl::unexpected<Error> badTime(std::string_view text, const std::string& why) {
    return fail(ErrorKind::Invalid, "time '" + std::string(text.substr(0, 64)) + "': " + why +
                                        " (expected e.g. 2026-03-01T23:59:00Z or 2026-03-01T23:59:00+01:00)");
}

std::string trim(std::string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    std::string out(text.substr(begin, end - begin));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::vector<std::string> splitWords(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!word.empty()) words.push_back(std::move(word)), word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

std::optional<double> parseNumber(std::string_view text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

// "10%" → 10; refuses anything outside (0, 100].
std::optional<double> parsePercent(const std::string& word) {
    if (word.size() < 2 || word.back() != '%') return std::nullopt;
    auto value = parseNumber(std::string_view(word).substr(0, word.size() - 1));
    if (!value || *value <= 0 || *value > 100) return std::nullopt;
    return value;
}

std::optional<std::chrono::seconds> unitSeconds(std::string unit) {
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    if (unit == "minute") return std::chrono::seconds(60);
    if (unit == "hour") return std::chrono::seconds(3600);
    if (unit == "day") return std::chrono::seconds(86400);
    if (unit == "week") return std::chrono::seconds(7 * 86400);
    return std::nullopt;
}

std::optional<long> parseCount(std::string_view text) {
    long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0 || value > 100000) return std::nullopt;
    return value;
}

// "30m", "2h", "1d", or "2 hours".
std::optional<std::chrono::seconds> parseDuration(const std::vector<std::string>& words) {
    if (words.size() == 2) {
        auto count = parseCount(words[0]);
        auto unit = unitSeconds(words[1]);
        if (count && unit) return *unit * *count;
        return std::nullopt;
    }
    if (words.size() != 1 || words[0].size() < 2) return std::nullopt;
    const std::string& word = words[0];
    auto count = parseCount(std::string_view(word).substr(0, word.size() - 1));
    if (!count) return std::nullopt;
    switch (word.back()) {
        case 'm': return std::chrono::seconds(60) * *count;
        case 'h': return std::chrono::seconds(3600) * *count;
        case 'd': return std::chrono::seconds(86400) * *count;
        default: return std::nullopt;
    }
}

}  // namespace

Result<TimePoint> parseIso8601(std::string_view text) {
    using namespace std::chrono;
    size_t pos = 0;
    auto year = readDigits(text, pos, 4);
    if (!year || !expectChar(text, pos, '-')) return badTime(text, "no YYYY- date");
    auto month = readDigits(text, pos, 2);
    if (!month || !expectChar(text, pos, '-')) return badTime(text, "no month");
    auto day = readDigits(text, pos, 2);
    if (!day) return badTime(text, "no day");
    if (!expectChar(text, pos, 'T') && !expectChar(text, pos, 't') && !expectChar(text, pos, ' '))
        return badTime(text, "a time of day (THH:MM) must follow the date");
    auto hour = readDigits(text, pos, 2);
    if (!hour || !expectChar(text, pos, ':')) return badTime(text, "no HH:MM time");
    auto minute = readDigits(text, pos, 2);
    if (!minute) return badTime(text, "no minutes");
    int second = 0;
    if (expectChar(text, pos, ':')) {
        auto parsed = readDigits(text, pos, 2);
        if (!parsed) return badTime(text, "no seconds after ':'");
        second = *parsed;
        if (expectChar(text, pos, '.') || expectChar(text, pos, ',')) {
            size_t start = pos;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
            if (pos == start) return badTime(text, "no digits after the decimal point");
        }
    }
    year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                        std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) return badTime(text, "no such date");
    if (*hour > 23 || *minute > 59 || second > 59) return badTime(text, "no such time of day");

    seconds offset{0};
    if (expectChar(text, pos, 'Z') || expectChar(text, pos, 'z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        auto offsetHours = readDigits(text, pos, 2);
        if (!offsetHours) return badTime(text, "bad UTC offset");
        expectChar(text, pos, ':');
        auto offsetMinutes = readDigits(text, pos, 2);
        if (!offsetMinutes || *offsetHours > 23 || *offsetMinutes > 59) return badTime(text, "bad UTC offset");
        offset = sign * (hours(*offsetHours) + minutes(*offsetMinutes));
    } else if (pos == text.size()) {
        return badTime(text, "no UTC offset: add Z or +HH:MM so the deadline does not depend on the grader's zone");
    } else {
        return badTime(text, "unexpected text after the time");
    }
    if (pos != text.size()) return badTime(text, "unexpected text after the offset");
    // Local time = UTC + offset, so UTC = local - offset.
    auto local = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(second);
    return time_point_cast<system_clock::duration>(local - offset);
}

std::string formatIso8601(TimePoint time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

Result<std::optional<LatePenaltyRule>> parseLatePenaltyRule(std::string_view text) {
    std::string whole = trim(text);
    if (whole.empty() || whole == "none") return std::optional<LatePenaltyRule>{};
    auto bad = [&](const std::string& part, const std::string& why) {
        return fail(ErrorKind::Invalid, "late penalty rule '" + std::string(text.substr(0, 120)) + "': '" + part +
                                            "': " + why +
                                            " (syntax: P% per [N] minute|hour|day|week[, max M%][, grace 30m|2h|1d])");
    };

    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= whole.size()) {
        size_t comma = whole.find(',', start);
        if (comma == std::string::npos) comma = whole.size();
        parts.push_back(trim(std::string_view(whole).substr(start, comma - start)));
        start = comma + 1;
    }

    LatePenaltyRule rule;
    std::vector<std::string> first = splitWords(parts[0]);
    if (first.size() < 3 || first[1] != "per") return bad(parts[0], "expected 'P% per UNIT'");
    auto percent = parsePercent(first[0]);
    if (!percent) return bad(first[0], "expected a percentage above 0 and at most 100, like 10%");
    rule.percentPerPeriod = *percent;
    long periods = 1;
    size_t unitIndex = 2;
    if (first.size() == 4) {
        auto count = parseCount(first[2]);
        if (!count) return bad(first[2], "expected a whole number of units");
        periods = *count;
        unitIndex = 3;
    } else if (first.size() != 3) {
        return bad(parts[0], "expected 'P% per UNIT' or 'P% per N UNITs'");
    }
    auto unit = unitSeconds(first[unitIndex]);
    if (!unit) return bad(first[unitIndex], "unit must be minute, hour, day or week");
    rule.period = *unit * periods;

    bool sawMax = false, sawGrace = false;
    for (size_t i = 1; i < parts.size(); ++i) {
        std::vector<std::string> words = splitWords(parts[i]);
        if (words.empty()) return bad(parts[i], "empty part between commas");
        if (words[0] == "max" && words.size() == 2 && !sawMax) {
            auto max = parsePercent(words[1]);
            if (!max) return bad(words[1], "expected a percentage above 0 and at most 100");
            rule.maxPercent = *max;
            sawMax = true;
        } else if (words[0] == "grace" && words.size() >= 2 && !sawGrace) {
            auto grace = parseDuration(std::vector<std::string>(words.begin() + 1, words.end()));
            if (!grace) return bad(parts[i], "expected a duration like 30m, 2h, 1d or '2 hours'");
            rule.grace = *grace;
            sawGrace = true;
        } else {
            return bad(parts[i], "expected 'max M%' or 'grace DURATION', each at most once");
        }
    }
    return std::optional<LatePenaltyRule>(rule);
}

Lateness assessLateness(TimePoint commitTime, const LatePolicy& policy) {
    using namespace std::chrono;
    Lateness lateness;
    if (commitTime <= policy.deadline) return lateness;
    // Commit times are whole seconds; a fraction of a second late still counts as late.
    lateness.lateBy = ceil<seconds>(commitTime - policy.deadline);
    seconds grace = policy.penalty ? policy.penalty->grace : seconds(0);
    lateness.late = lateness.lateBy > grace;
    if (!lateness.late || !policy.penalty) return lateness;
    const LatePenaltyRule& rule = *policy.penalty;
    // Every started period counts in full.
    lateness.periodsLate = static_cast<long>((lateness.lateBy.count() + rule.period.count() - 1) / rule.period.count());
    double percent = std::min(static_cast<double>(lateness.periodsLate) * rule.percentPerPeriod, rule.maxPercent);
    lateness.penaltyFraction = percent / 100.0;
    return lateness;
}

double applyLatePenalty(double earned, const Lateness& lateness) { return earned * (1.0 - lateness.penaltyFraction); }

}  // namespace kc::grader
