// Late policy: ISO 8601 instants with offsets, the penalty rule syntax, and penalties worked out by hand.
#include "grader/late_policy.h"

#include <catch2/catch.hpp>

using namespace std::chrono;
using kc::grader::assessLateness;
using kc::grader::LatePolicy;
using kc::grader::parseIso8601;
using kc::grader::parseLatePenaltyRule;
using kc::grader::TimePoint;

namespace {

// 2026-03-01T23:59:00Z, built from the calendar rather than parsed, to check the parser against it.
TimePoint deadline() { return sys_days(year(2026) / March / 1) + hours(23) + minutes(59); }

LatePolicy tenPercentPerDayMaxFifty() {
    auto rule = parseLatePenaltyRule("10% per day, max 50%");
    REQUIRE(rule.has_value());
    return LatePolicy{deadline(), *rule};
}

}  // namespace

TEST_CASE("ISO 8601 times with Z or an offset name the same instant") {
    auto utc = parseIso8601("2026-03-01T23:59:00Z");
    REQUIRE(utc.has_value());
    CHECK(*utc == deadline());
    // 00:59 the next day at +01:00 is 23:59 UTC; 18:59 at -05:00 is 23:59 UTC.
    auto plusOne = parseIso8601("2026-03-02T00:59:00+01:00");
    REQUIRE(plusOne.has_value());
    CHECK(*plusOne == deadline());
    auto minusFive = parseIso8601("2026-03-01T18:59:00-0500");
    REQUIRE(minusFive.has_value());
    CHECK(*minusFive == deadline());
    // Seconds are optional, a fraction is dropped, and a space may separate date and time.
    auto noSeconds = parseIso8601("2026-03-01 23:59Z");
    REQUIRE(noSeconds.has_value());
    CHECK(*noSeconds == deadline());
    auto fraction = parseIso8601("2026-03-01T23:59:00.750Z");
    REQUIRE(fraction.has_value());
    CHECK(*fraction == deadline());
    CHECK(kc::grader::formatIso8601(deadline()) == "2026-03-01T23:59:00Z");
}

TEST_CASE("ISO 8601 times without an offset or with impossible fields are refused") {
    auto local = parseIso8601("2026-03-01T23:59:00");
    REQUIRE_FALSE(local.has_value());
    CHECK(local.error().kind == kc::ErrorKind::Invalid);
    CHECK_THAT(local.error().message, Catch::Contains("offset"));
    CHECK_FALSE(parseIso8601("2026-02-30T10:00:00Z").has_value());  // no 30 February
    CHECK_FALSE(parseIso8601("2026-03-01T24:00:00Z").has_value());
    CHECK_FALSE(parseIso8601("2026-03-01").has_value());
    CHECK_FALSE(parseIso8601("2026-03-01T10:00:00+25:00").has_value());
    CHECK_FALSE(parseIso8601("2026-03-01T10:00:00Z trailing").has_value());
    CHECK_FALSE(parseIso8601("").has_value());
}

TEST_CASE("the penalty rule syntax reads percent per period with an optional cap and grace") {
    auto rule = parseLatePenaltyRule("10% per day, max 50%");
    REQUIRE(rule.has_value());
    REQUIRE(rule->has_value());
    CHECK((*rule)->percentPerPeriod == 10);
    CHECK((*rule)->period == seconds(86400));
    CHECK((*rule)->maxPercent == 50);
    CHECK((*rule)->grace == seconds(0));

    auto sixHours = parseLatePenaltyRule("  2.5% PER 6 hours, grace 15m ");
    REQUIRE(sixHours.has_value());
    REQUIRE(sixHours->has_value());
    CHECK((*sixHours)->percentPerPeriod == 2.5);
    CHECK((*sixHours)->period == seconds(6 * 3600));
    CHECK((*sixHours)->maxPercent == 100);
    CHECK((*sixHours)->grace == seconds(15 * 60));

    auto none = parseLatePenaltyRule("none");
    REQUIRE(none.has_value());
    CHECK_FALSE(none->has_value());
}

TEST_CASE("a malformed penalty rule names the part that is wrong") {
    auto noPercent = parseLatePenaltyRule("10 per day");
    REQUIRE_FALSE(noPercent.has_value());
    CHECK_THAT(noPercent.error().message, Catch::Contains("'10'"));
    auto badUnit = parseLatePenaltyRule("10% per fortnight");
    REQUIRE_FALSE(badUnit.has_value());
    CHECK_THAT(badUnit.error().message, Catch::Contains("'fortnight'"));
    auto overCap = parseLatePenaltyRule("10% per day, max 150%");
    REQUIRE_FALSE(overCap.has_value());
    CHECK_THAT(overCap.error().message, Catch::Contains("'150%'"));
    auto unknownPart = parseLatePenaltyRule("10% per day, maxx 50%");
    REQUIRE_FALSE(unknownPart.has_value());
    CHECK_THAT(unknownPart.error().message, Catch::Contains("'maxx 50%'"));
    CHECK_FALSE(parseLatePenaltyRule("10% per day, max 50%, max 20%").has_value());
    CHECK_FALSE(parseLatePenaltyRule("0% per day").has_value());
}

TEST_CASE("at the deadline is on time and one second later is one started day") {
    LatePolicy policy = tenPercentPerDayMaxFifty();
    auto atDeadline = assessLateness(deadline(), policy);
    CHECK_FALSE(atDeadline.late);
    CHECK(atDeadline.lateBy == seconds(0));
    CHECK(atDeadline.penaltyFraction == 0);

    auto oneSecond = assessLateness(deadline() + seconds(1), policy);
    CHECK(oneSecond.late);
    CHECK(oneSecond.lateBy == seconds(1));
    CHECK(oneSecond.periodsLate == 1);
    CHECK(oneSecond.penaltyFraction == Approx(0.10));
}

TEST_CASE("every started day adds ten percent until the fifty percent cap") {
    LatePolicy policy = tenPercentPerDayMaxFifty();
    // Exactly 24 h late is still within the first day: 1 period, 10%.
    auto oneDay = assessLateness(deadline() + hours(24), policy);
    CHECK(oneDay.periodsLate == 1);
    CHECK(oneDay.penaltyFraction == Approx(0.10));
    // 24 h and 1 s starts the second day: 2 periods, 20%.
    auto intoDayTwo = assessLateness(deadline() + hours(24) + seconds(1), policy);
    CHECK(intoDayTwo.periodsLate == 2);
    CHECK(intoDayTwo.penaltyFraction == Approx(0.20));
    // 3 days 5 hours: 4 started days, 40%.
    auto fourDays = assessLateness(deadline() + hours(77), policy);
    CHECK(fourDays.periodsLate == 4);
    CHECK(fourDays.penaltyFraction == Approx(0.40));
    // 10 days: 100% by the rate, capped at 50%.
    auto tenDays = assessLateness(deadline() + hours(240), policy);
    CHECK(tenDays.periodsLate == 10);
    CHECK(tenDays.penaltyFraction == Approx(0.50));
    CHECK(kc::grader::applyLatePenalty(80, tenDays) == Approx(40));
    CHECK(kc::grader::applyLatePenalty(80, intoDayTwo) == Approx(64));
}

TEST_CASE("grace keeps a slightly late commit on time and periods still count from the deadline") {
    auto rule = parseLatePenaltyRule("5% per hour, grace 15m");
    REQUIRE(rule.has_value());
    LatePolicy policy{deadline(), *rule};
    auto withinGrace = assessLateness(deadline() + minutes(15), policy);
    CHECK_FALSE(withinGrace.late);
    CHECK(withinGrace.lateBy == seconds(900));
    CHECK(withinGrace.penaltyFraction == 0);
    auto pastGrace = assessLateness(deadline() + minutes(15) + seconds(1), policy);
    CHECK(pastGrace.late);
    CHECK(pastGrace.periodsLate == 1);
    CHECK(pastGrace.penaltyFraction == Approx(0.05));
    // 2 h 10 min late: 3 started hours from the deadline, 15%.
    auto later = assessLateness(deadline() + minutes(130), policy);
    CHECK(later.periodsLate == 3);
    CHECK(later.penaltyFraction == Approx(0.15));
}

TEST_CASE("without a rule late work is recorded as late with no penalty") {
    LatePolicy policy{deadline(), std::nullopt};
    auto late = assessLateness(deadline() + hours(72), policy);
    CHECK(late.late);
    CHECK(late.lateBy == seconds(72 * 3600));
    CHECK(late.periodsLate == 0);
    CHECK(late.penaltyFraction == 0);
}
