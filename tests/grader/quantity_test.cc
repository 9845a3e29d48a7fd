// Kubernetes quantities: every suffix family, exact decimal equality, ordering across families,
// and rejection of near misses such as "1MB" or "1ki".
#include "grader/quantity.h"

#include <catch2/catch.hpp>

using kc::Json;
using kc::grader::Quantity;

namespace {

Quantity q(const char* text) {
    auto parsed = Quantity::parse(text);
    INFO(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

}  // namespace

TEST_CASE("milli and plain decimals are the same value") {
    CHECK(q("500m") == q("0.5"));
    CHECK(q("100m") == q("0.1"));
    CHECK(q("2") == q("2000m"));
    CHECK(q("1.5") == q("1500m"));
    CHECK(q(".5") == q("0.5"));
    CHECK(q("5.") == q("5"));
}

TEST_CASE("decimal SI suffixes scale by powers of 1000") {
    CHECK(q("1k") == q("1000"));
    CHECK(q("1M") == q("1000k"));
    CHECK(q("1G") == q("1000M"));
    CHECK(q("1T") == q("1000G"));
    CHECK(q("1P") == q("1000T"));
    CHECK(q("1E") == q("1000P"));
    CHECK(q("1m") == q("1000u"));
    CHECK(q("1u") == q("1000n"));
    CHECK(q("1n").toString() == "0.000000001");
}

TEST_CASE("binary suffixes scale by powers of 1024") {
    CHECK(q("1Ki") == q("1024"));
    CHECK(q("1Gi") == q("1024Mi"));
    CHECK(q("1Mi") == q("1024Ki"));
    CHECK(q("1Ti") == q("1024Gi"));
    CHECK(q("1Pi") == q("1024Ti"));
    CHECK(q("1Ei") == q("1024Pi"));
    CHECK(q("1Gi").toString() == "1073741824");
    CHECK(q("1.5Gi").toString() == "1610612736");
    CHECK(q("1.5Gi") == q("1536Mi"));
    CHECK(q("1Gi") != q("1G"));  // 2^30 is not 10^9
}

TEST_CASE("exponent forms are exact powers of ten") {
    CHECK(q("1e3") == q("1k"));
    CHECK(q("1E3") == q("1000"));
    CHECK(q("5e-1") == q("500m"));
    CHECK(q("1.5e+2") == q("150"));
    CHECK(q("12e-3") == q("12m"));
}

TEST_CASE("a lone E is the exa suffix rather than an exponent") {
    CHECK(q("2E") == q("2000000000000000000"));
    CHECK_FALSE(Quantity::parse("2e").has_value());
}

TEST_CASE("quantities order by value across suffix families") {
    CHECK(q("1.5Gi") > q("1Gi"));
    CHECK(q("999Mi") < q("1Gi"));
    CHECK(q("1G") < q("1Gi"));
    CHECK(q("250m") < q("1"));
    CHECK(q("-1") < q("0"));
    CHECK(q("-2") < q("-1"));
    CHECK(q("-500m") == q("-0.5"));
    CHECK(q("0.1") < q("0.10001"));
}

TEST_CASE("zero has one value however it is written") {
    CHECK(q("0") == q("0m"));
    CHECK(q("-0") == q("0Ki"));
    CHECK(q("0.000") == q("0"));
    CHECK(q("0").isZero());
    CHECK(q("0").toString() == "0");
}

TEST_CASE("signs are kept and printed") {
    CHECK(q("+3") == q("3"));
    CHECK(q("-250m").isNegative());
    CHECK(q("-250m").toString() == "-0.25");
}

TEST_CASE("garbage is not a quantity") {
    for (const char* bad :
         {"",   "abc",   "1MB",  "1 Gi", " 1", "1Gi ", "Gi",   "1.2.3", "--1", "1ki",        "1KI",
          "1e", "1e1.5", "1ee3", ".",    "+",  "1x",   "0x10", "1Gib",  "v1",  "nginx:1.27", "1,000"}) {
        INFO(bad);
        CHECK_FALSE(Quantity::parse(bad).has_value());
    }
}

TEST_CASE("overlong input and huge exponents are rejected") {
    CHECK_FALSE(Quantity::parse(std::string(65, '1')).has_value());
    CHECK_FALSE(Quantity::parse("1e1001").has_value());
    CHECK(Quantity::parse("1e1000").has_value());
}

TEST_CASE("whether a suffix was written is remembered") {
    CHECK(q("500m").hadSuffix());
    CHECK(q("1Gi").hadSuffix());
    CHECK(q("1e3").hadSuffix());
    CHECK_FALSE(q("2").hadSuffix());
    CHECK_FALSE(q("0.5").hadSuffix());
}

TEST_CASE("JSON numbers and strings convert to quantities") {
    CHECK(*Quantity::fromJson(Json(2)) == q("2000m"));
    CHECK(*Quantity::fromJson(Json(0.1)) == q("100m"));  // the double 0.1 reads as the decimal 0.1
    CHECK(*Quantity::fromJson(Json(1e20)) == q("100E"));
    CHECK(*Quantity::fromJson(Json("1Gi")) == q("1024Mi"));
    CHECK_FALSE(Quantity::fromJson(Json(true)).has_value());
    CHECK_FALSE(Quantity::fromJson(Json(nullptr)).has_value());
    CHECK_FALSE(Quantity::fromJson(Json("web")).has_value());
    CHECK_FALSE(Quantity::fromJson(Json::array()).has_value());
}

TEST_CASE("toString writes plain decimals") {
    CHECK(q("1k").toString() == "1000");
    CHECK(q("1500m").toString() == "1.5");
    CHECK(q("12.50").toString() == "12.5");
    CHECK(q("1u").toString() == "0.000001");
}
