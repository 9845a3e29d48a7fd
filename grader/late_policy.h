// Late policy: the deadline a batch grades against and an optional late-penalty rule, as pure functions.
// Times come from commits (committer time); nothing here reads the clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "clusters/result.h"

namespace kc::grader {

using TimePoint = std::chrono::system_clock::time_point;

// ISO 8601 date-time with an explicit offset: "2026-03-01T23:59:00Z", "2026-03-01T23:59:00+01:00",
// optional fractional seconds (truncated to whole seconds), 'T' or ' ' between date and time.
// A time without an offset is refused: a deadline must not depend on the grader's time zone.
Result<TimePoint> parseIso8601(std::string_view text);

// UTC, "YYYY-MM-DDTHH:MM:SSZ".
std::string formatIso8601(TimePoint time);

// "P% per [N] UNIT[, max M%][, grace DURATION]" (UNIT: minute|hour|day|week, plural allowed; DURATION:
// a number with m, h or d). Every started period counts in full: late by 1 s = 1 period.
struct LatePenaltyRule {
    double percentPerPeriod = 0;            // (0, 100]
    std::chrono::seconds period{86400};     // > 0
    double maxPercent = 100;                // (0, 100]
    std::chrono::seconds grace{0};          // lateness up to this is on time; periods count from the deadline
};

// Parses the rule text; errors (Invalid) name the offending part. "none" or "" gives no rule (nullopt).
Result<std::optional<LatePenaltyRule>> parseLatePenaltyRule(std::string_view text);

struct LatePolicy {
    TimePoint deadline;
    std::optional<LatePenaltyRule> penalty;  // nullopt: late work earns no penalty (the fetcher still records it)
};

struct Lateness {
    bool late = false;               // after the deadline plus the rule's grace
    std::chrono::seconds lateBy{0};  // time after the deadline (grace included); 0 at or before it
    long periodsLate = 0;            // started periods after the deadline; 0 when on time or no rule
    double penaltyFraction = 0;      // 0..1 of the score to take away
};

// At or before the deadline (or within grace) is on time.
Lateness assessLateness(TimePoint commitTime, const LatePolicy& policy);

// The score after the penalty: earned * (1 - penaltyFraction).
double applyLatePenalty(double earned, const Lateness& lateness);

}  // namespace kc::grader
