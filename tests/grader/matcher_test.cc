// The matcher: partial maps, unordered and positional arrays, each operator passing and failing with the path,
// expected and observed text a student would read, quantities by value, pattern validation and count.
#include "grader/matcher.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "grader/regex_cache.h"

using kc::Json;
using namespace kc::grader;

namespace {

Json j(const char* text) { return Json::parse(text); }

// The only mismatch of a failed match.
Mismatch only(const MatchResult& r) {
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.error.empty());
    REQUIRE(r.mismatches.size() == 1);
    return r.mismatches[0];
}

}  // namespace

TEST_CASE("maps match partially and ignore extra observed fields") {
    Json observed = j(R"({"metadata":{"name":"web","uid":"1"},"spec":{"replicas":3,"paused":false}})");
    CHECK(match(j(R"({"spec":{"replicas":3}})"), observed).ok);
    CHECK(match(j(R"({})"), observed).ok);
    CHECK(matches(j(R"({"metadata":{"name":"web"}})"), observed));
}

TEST_CASE("a differing scalar reports its dotted path and both values") {
    auto m = only(match(j(R"({"spec":{"replicas":3}})"), j(R"({"spec":{"replicas":2}})")));
    CHECK(m.path == ".spec.replicas");
    CHECK(m.expected == "3");
    CHECK(m.observed == "2");
}

TEST_CASE("a missing field is reported as missing") {
    auto m = only(match(j(R"({"spec":{"serviceAccountName":"trainer"}})"), j(R"({"spec":{}})")));
    CHECK(m.path == ".spec.serviceAccountName");
    CHECK(m.expected == "\"trainer\"");
    CHECK(m.observed == "<missing>");
}

TEST_CASE("keys that are not identifiers are quoted in the path") {
    auto m = only(match(j(R"({"metadata":{"labels":{"app.kubernetes.io/name":"web"}}})"),
                        j(R"({"metadata":{"labels":{"app.kubernetes.io/name":"api"}}})")));
    CHECK(m.path == R"(.metadata.labels["app.kubernetes.io/name"])");
}

TEST_CASE("every differing field is reported, not only the first") {
    auto r = match(j(R"({"a":1,"b":2,"c":3})"), j(R"({"a":0,"b":2,"c":0})"));
    REQUIRE(r.mismatches.size() == 2);
    CHECK(r.mismatches[0].path == ".a");
    CHECK(r.mismatches[1].path == ".c");
}

TEST_CASE("a map expected where the object has a scalar fails at that path") {
    auto m = only(match(j(R"({"spec":{"template":{}}})"), j(R"({"spec":{"template":"x"}})")));
    CHECK(m.path == ".spec.template");
    CHECK(m.observed == "\"x\"");
}

TEST_CASE("expected null matches a null or omitted field") {
    CHECK(match(j(R"({"spec":{"nodeName":null}})"), j(R"({"spec":{}})")).ok);
    CHECK(match(j(R"({"spec":{"nodeName":null}})"), j(R"({"spec":{"nodeName":null}})")).ok);
    CHECK_FALSE(match(j(R"({"spec":{"nodeName":null}})"), j(R"({"spec":{"nodeName":"n1"}})")).ok);
}

TEST_CASE("booleans match only booleans") {
    CHECK(match(j(R"({"allowed":true})"), j(R"({"allowed":true})")).ok);
    CHECK_FALSE(match(j(R"({"allowed":true})"), j(R"({"allowed":"true"})")).ok);
    CHECK_FALSE(match(j(R"({"allowed":true})"), j(R"({"allowed":1})")).ok);
}

TEST_CASE("arrays are unordered contains") {
    Json observed = j(R"({"args":["--b","--a","--c"]})");
    CHECK(match(j(R"({"args":["--a","--b"]})"), observed).ok);
    CHECK(match(j(R"({"args":[]})"), observed).ok);
    auto m = only(match(j(R"({"args":["--d"]})"), observed));
    CHECK(m.path == ".args");
    CHECK(m.expected == R"(an item matching "--d")");
    CHECK(m.observed == "none of 3 items matches");
}

TEST_CASE("two expected items cannot both match the same observed item") {
    // Both expected items match the single "web" container, but each needs its own.
    Json expected = j(R"({"containers":[{"image":"nginx"},{"image":"nginx"}]})");
    Json observed = j(R"({"containers":[{"name":"web","image":"nginx"},{"name":"side","image":"envoy"}]})");
    auto m = only(match(expected, observed));
    CHECK(m.path == ".containers");
    CHECK(m.observed == "every matching item is already matched by another expected item");
    CHECK(match(expected, j(R"({"containers":[{"image":"nginx"},{"image":"nginx"}]})")).ok);
}

TEST_CASE("array matching finds an assignment a greedy first fit would miss") {
    // The first expected item fits both observed items; taking the first would leave the second item unmatched.
    Json expected = j(R"([{"$anyOf":[{"v":1},{"v":2}]},{"v":1}])");
    CHECK(match(expected, j(R"([{"v":1},{"v":2}])")).ok);
}

TEST_CASE("containers are reported by name when the name identifies one") {
    Json expected = j(R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})");
    Json observed = j(
        R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy"},{"name":"web","image":"nginx:1.25"}]}}}})");
    auto m = only(match(expected, observed));
    CHECK(m.path == ".spec.template.spec.containers[name=web].image");
    CHECK(m.expected == "\"nginx:1.27\"");
    CHECK(m.observed == "\"nginx:1.25\"");
}

TEST_CASE("conditions are reported by type") {
    auto m = only(match(
        j(R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})"),
        j(R"({"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Scheduled","status":"True"}]}})")));
    CHECK(m.path == ".status.conditions[type=Ready].status");
    CHECK(m.expected == "\"True\"");
    CHECK(m.observed == "\"False\"");
}

TEST_CASE("nested arrays of maps match at every level") {
    Json observed = j(R"({"containers":[{"name":"web","ports":[{"containerPort":80},{"containerPort":443}],
                                          "env":[{"name":"A","value":"1"}]}]})");
    CHECK(match(j(R"({"containers":[{"name":"web","ports":[{"containerPort":443}]}]})"), observed).ok);
    auto m = only(match(j(R"({"containers":[{"name":"web","env":[{"name":"A","value":"2"}]}]})"), observed));
    CHECK(m.path == ".containers[name=web].env[name=A].value");
}

TEST_CASE("an array expected where the object has none fails") {
    auto m = only(match(j(R"({"args":["x"]})"), j(R"({})")));
    CHECK(m.path == ".args");
    CHECK(m.observed == "<missing>");
}

TEST_CASE("$exactly matches positions and length") {
    Json observed = j(R"({"command":["sh","-c","run"]})");
    CHECK(match(j(R"({"command":{"$exactly":["sh","-c","run"]}})"), observed).ok);
    auto reordered = match(j(R"({"command":{"$exactly":["sh","run","-c"]}})"), observed);
    REQUIRE(reordered.mismatches.size() == 2);
    CHECK(reordered.mismatches[0].path == ".command[1]");
    CHECK(reordered.mismatches[1].path == ".command[2]");
    auto r = match(j(R"({"command":{"$exactly":["sh","-c"]}})"), observed);
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.mismatches.size() == 1);
    CHECK(r.mismatches[0].path == ".command");
    CHECK(r.mismatches[0].expected == "exactly 2 items");
    CHECK(r.mismatches[0].observed == "3 items");
}

TEST_CASE("$exactly reports the differing index") {
    auto m = only(match(j(R"({"command":{"$exactly":["sh","-x","run"]}})"), j(R"({"command":["sh","-c","run"]})")));
    CHECK(m.path == ".command[1]");
    CHECK(m.expected == "\"-x\"");
    CHECK(m.observed == "\"-c\"");
}

TEST_CASE("$eq and $ne compare single values") {
    CHECK(match(j(R"({"a":{"$eq":"x"}})"), j(R"({"a":"x"})")).ok);
    auto eq = only(match(j(R"({"a":{"$eq":"x"}})"), j(R"({"a":"y"})")));
    CHECK(eq.path == ".a");
    CHECK(eq.expected == "\"x\"");
    CHECK(match(j(R"({"a":{"$ne":"x"}})"), j(R"({"a":"y"})")).ok);
    auto ne = only(match(j(R"({"a":{"$ne":"x"}})"), j(R"({"a":"x"})")));
    CHECK(ne.expected == "!= \"x\"");
    CHECK(ne.observed == "\"x\"");
}

TEST_CASE("$ne needs the field to be there") {
    auto m = only(match(j(R"({"a":{"$ne":"x"}})"), j(R"({})")));
    CHECK(m.observed == "<missing>");
}

TEST_CASE("$gt $gte $lt $lte compare numbers") {
    Json observed = j(R"({"value":1000})");
    CHECK(match(j(R"({"value":{"$gt":999}})"), observed).ok);
    CHECK(match(j(R"({"value":{"$gte":1000}})"), observed).ok);
    CHECK(match(j(R"({"value":{"$lt":1001}})"), observed).ok);
    CHECK(match(j(R"({"value":{"$lte":1000}})"), observed).ok);
    auto gt = only(match(j(R"({"value":{"$gt":1000}})"), observed));
    CHECK(gt.path == ".value");
    CHECK(gt.expected == "> 1000");
    CHECK(gt.observed == "1000");
    CHECK(only(match(j(R"({"value":{"$gte":1001}})"), observed)).expected == ">= 1001");
    CHECK(only(match(j(R"({"value":{"$lt":1000}})"), observed)).expected == "< 1000");
    CHECK(only(match(j(R"({"value":{"$lte":999}})"), observed)).expected == "<= 999");
}

TEST_CASE("several operators on one field must all hold") {
    CHECK(match(j(R"({"replicas":{"$gte":2,"$lte":5}})"), j(R"({"replicas":3})")).ok);
    auto m = only(match(j(R"({"replicas":{"$gte":2,"$lte":5}})"), j(R"({"replicas":6})")));
    CHECK(m.expected == "<= 5");
}

TEST_CASE("ordering operators compare quantities by value") {
    Json observed = j(R"({"limits":{"memory":"1536Mi","cpu":"500m"}})");
    CHECK(match(j(R"({"limits":{"memory":{"$gte":"1Gi"}}})"), observed).ok);
    CHECK(match(j(R"({"limits":{"memory":{"$gt":"1Gi"}}})"), observed).ok);
    CHECK(match(j(R"({"limits":{"cpu":{"$lte":0.5}}})"), observed).ok);
    CHECK(match(j(R"({"limits":{"cpu":{"$lt":1}}})"), observed).ok);
    auto m = only(match(j(R"({"limits":{"memory":{"$gte":"2Gi"}}})"), observed));
    CHECK(m.path == ".limits.memory");
    CHECK(m.expected == ">= \"2Gi\"");
    CHECK(m.observed == "\"1536Mi\"");
}

TEST_CASE("ordering plain strings is lexicographic") {
    CHECK(match(j(R"({"t":{"$gt":"2026-01-01T00:00:00Z"}})"), j(R"({"t":"2026-03-01T10:00:00Z"})")).ok);
}

TEST_CASE("ordering a number against text fails") {
    auto m = only(match(j(R"({"v":{"$gt":3}})"), j(R"({"v":"high"})")));
    CHECK(m.observed == "\"high\"");
}

TEST_CASE("equality compares quantities by value") {
    CHECK(match(j(R"({"cpu":"500m"})"), j(R"({"cpu":"0.5"})")).ok);
    CHECK(match(j(R"({"cpu":0.5})"), j(R"({"cpu":"500m"})")).ok);
    CHECK(match(j(R"({"memory":"1Gi"})"), j(R"({"memory":"1024Mi"})")).ok);
    CHECK(match(j(R"({"cpu":2})"), j(R"({"cpu":"2"})")).ok);
    CHECK(match(j(R"({"cpu":"2"})"), j(R"({"cpu":"2000m"})")).ok);
    CHECK(match(j(R"({"cpu":0.1})"), j(R"({"cpu":"100m"})")).ok);
    CHECK(match(j(R"({"replicas":3})"), j(R"({"replicas":3.0})")).ok);
    CHECK_FALSE(match(j(R"({"memory":"1Gi"})"), j(R"({"memory":"1G"})")).ok);
}

TEST_CASE("strings without a unit compare as text") {
    // Neither side has a suffix, so "1.20" and "1.2" are different versions rather than equal numbers.
    CHECK_FALSE(match(j(R"({"version":"1.20"})"), j(R"({"version":"1.2"})")).ok);
    CHECK_FALSE(match(j(R"({"tag":"007"})"), j(R"({"tag":"7"})")).ok);
    CHECK_FALSE(match(j(R"({"image":"nginx"})"), j(R"({"image":"nginx:1.27"})")).ok);
}

TEST_CASE("scalarsEqual follows the documented rule") {
    CHECK(scalarsEqual(Json("1k"), Json("1000")));
    CHECK(scalarsEqual(Json(1000), Json("1k")));
    CHECK_FALSE(scalarsEqual(Json("web"), Json(1)));
    CHECK_FALSE(scalarsEqual(Json(true), Json("true")));
    CHECK(scalarsEqual(Json(nullptr), Json(nullptr)));
    CHECK_FALSE(scalarsEqual(Json(nullptr), Json(0)));
}

TEST_CASE("$in accepts any listed value") {
    CHECK(match(j(R"({"type":{"$in":["ClusterIP","NodePort"]}})"), j(R"({"type":"NodePort"})")).ok);
    CHECK(match(j(R"({"cpu":{"$in":[1,2]}})"), j(R"({"cpu":"2000m"})")).ok);
    auto m = only(match(j(R"({"type":{"$in":["ClusterIP","NodePort"]}})"), j(R"({"type":"LoadBalancer"})")));
    CHECK(m.path == ".type");
    CHECK(m.expected == R"(one of ["ClusterIP","NodePort"])");
    CHECK(m.observed == "\"LoadBalancer\"");
}

TEST_CASE("$regex searches the string") {
    CHECK(match(j(R"({"nodeName":{"$regex":"gpu-.*"}})"), j(R"({"nodeName":"node-gpu-1"})")).ok);
    CHECK(match(j(R"({"nodeName":{"$regex":"^gpu-[0-9]+$"}})"), j(R"({"nodeName":"gpu-12"})")).ok);
    auto m = only(match(j(R"({"nodeName":{"$regex":"^gpu-"}})"), j(R"({"nodeName":"cpu-1"})")));
    CHECK(m.path == ".nodeName");
    CHECK(m.expected == "matches /^gpu-/");
    CHECK(m.observed == "\"cpu-1\"");
}

TEST_CASE("$regex does not match numbers") {
    CHECK_FALSE(match(j(R"({"port":{"$regex":"80"}})"), j(R"({"port":80})")).ok);
}

TEST_CASE("$exists true and false") {
    CHECK(match(j(R"({"spec":{"nodeName":{"$exists":true}}})"), j(R"({"spec":{"nodeName":"n1"}})")).ok);
    CHECK(match(j(R"({"spec":{"nodeName":{"$exists":false}}})"), j(R"({"spec":{}})")).ok);
    CHECK(match(j(R"({"spec":{"nodeName":{"$exists":false}}})"), j(R"({"spec":{"nodeName":null}})")).ok);
    auto present = only(match(j(R"({"spec":{"nodeName":{"$exists":false}}})"), j(R"({"spec":{"nodeName":"n1"}})")));
    CHECK(present.path == ".spec.nodeName");
    CHECK(present.expected == "absent");
    CHECK(present.observed == "\"n1\"");
    auto missing = only(match(j(R"({"spec":{"nodeName":{"$exists":true}}})"), j(R"({"spec":{}})")));
    CHECK(missing.expected == "present");
    CHECK(missing.observed == "<missing>");
}

TEST_CASE("$len counts items and characters and takes operators") {
    Json observed = j(R"({"items":[1,2,3],"name":"héllo","labels":{"a":"1"}})");
    CHECK(match(j(R"({"items":{"$len":3}})"), observed).ok);
    CHECK(match(j(R"({"items":{"$len":{"$gte":2}}})"), observed).ok);
    CHECK(match(j(R"({"name":{"$len":5}})"), observed).ok);  // characters, not bytes
    CHECK(match(j(R"({"labels":{"$len":1}})"), observed).ok);
    auto m = only(match(j(R"({"items":{"$len":{"$gte":4}}})"), observed));
    CHECK(m.path == ".items");
    CHECK(m.expected == "length >= 4");
    CHECK(m.observed == "length 3");
    CHECK(only(match(j(R"({"items":{"$len":2}})"), observed)).expected == "length 2");
}

TEST_CASE("$len of a number fails") {
    auto m = only(match(j(R"({"v":{"$len":1}})"), j(R"({"v":7})")));
    CHECK(m.observed == "7 (has no length)");
}

TEST_CASE("$not inverts a sub-pattern") {
    CHECK(match(j(R"({"image":{"$not":{"$regex":":latest$"}}})"), j(R"({"image":"nginx:1.27"})")).ok);
    CHECK(match(j(R"({"image":{"$not":"nginx"}})"), j(R"({})")).ok);
    auto m = only(match(j(R"({"image":{"$not":{"$regex":":latest$"}}})"), j(R"({"image":"nginx:latest"})")));
    CHECK(m.path == ".image");
    CHECK(m.expected == "not (matches /:latest$/)");
    CHECK(m.observed == "\"nginx:latest\"");
}

TEST_CASE("$anyOf passes when one alternative matches") {
    Json pattern = j(R"({"spec":{"$anyOf":[{"type":"NodePort"},{"type":"LoadBalancer"}]}})");
    CHECK(match(pattern, j(R"({"spec":{"type":"LoadBalancer"}})")).ok);
    auto m = only(match(pattern, j(R"({"spec":{"type":"ClusterIP"}})")));
    CHECK(m.path == ".spec");
    CHECK(m.expected == R"(any of: type = "NodePort" | type = "LoadBalancer")");
}

TEST_CASE("an unknown operator at match time is an error") {
    auto r = match(j(R"({"a":{"$gtt":1}})"), j(R"({"a":2})"));
    CHECK_FALSE(r.ok);
    CHECK(r.error == "unknown operator $gtt (did you mean \"$gt\"?) at .a");
    CHECK_FALSE(matches(j(R"({"a":{"$gtt":1}})"), j(R"({"a":2})")));
}

TEST_CASE("an error inside an array item or $not names the path where it was met") {
    auto inArray = match(j(R"({"items":[{"$foo":1}]})"), j(R"({"items":[1]})"));
    CHECK(inArray.error == "unknown operator $foo at .items");
    auto inNot = match(j(R"({"a":{"$not":{"$foo":1}}})"), j(R"({"a":1})"));
    CHECK(inNot.error == "unknown operator $foo at .a");
}

TEST_CASE("$regex refuses subjects over 16 KiB instead of risking the stack") {
    auto m = only(match(j(R"({"data":{"$regex":"x"}})"), Json{{"data", std::string(20000, 'x')}}));
    CHECK(m.observed == "a string of 20000 bytes, too long to match against a pattern");
}

TEST_CASE("compiled regexes are cached and shared") {
    auto a = compiledRegex("^cache-test-[0-9]+$");
    auto b = compiledRegex("^cache-test-[0-9]+$");
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(a->get() == b->get());
    CHECK(regexCacheSize() >= 1);
    auto bad = compiledRegex("([");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == kc::ErrorKind::Invalid);
}

TEST_CASE("patterns with an unbounded repeat nested in another are refused before they can backtrack") {
    // Each of these takes exponential time in std::regex on a long subject that almost matches.
    for (const char* nested : {".*+", "(a+)+$", "^(x*y?)*z", "(?:[a-z]+[0-9]*)+!", "(a|b+){2,}c", "a+*"}) {
        INFO(nested);
        auto re = compiledRegex(nested);
        REQUIRE_FALSE(re.has_value());
        CHECK(re.error().kind == kc::ErrorKind::Invalid);
        CHECK_THAT(re.error().message, Catch::Contains("exponential time"));
    }
    // Bounded nesting, lazy repeats, escaped and bracketed symbols, and the labs' own patterns stay allowed.
    for (const char* fine : {".*?x", "^ranker(\\.inference(\\.svc(\\.cluster\\.local)?)?)?$", "^istio(-.+)?$",
                             "(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$", "extensionProviders:[\\s\\S]*(zipkin):",
                             "\\++", "[*+]+", "(ab){2}(cd)*", "a{2,5}b+"}) {
        INFO(fine);
        CHECK(compiledRegex(fine).has_value());
    }
    // The input the matcher fuzzer stalled on now fails fast instead of running for seconds.
    auto r = match(j(R"({"image":{"$regex":".*+"}})"), j(R"({"image":"registry.example.com/app:1"})"));
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.error, Catch::Contains("exponential time"));
}

TEST_CASE("an invalid regex at match time is an error") {
    auto r = match(j(R"({"a":{"$regex":"(unclosed"}})"), j(R"({"a":"x"})"));
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.error, Catch::StartsWith("invalid regular expression /(unclosed/"));
}

TEST_CASE("validatePattern finds every problem with its pointer") {
    auto issues = validatePattern(j(R"({"a":{"$gtt":1},"b":{"$regex":"("},"c":{"$in":[]},
        "d":{"$len":"x"},"e":{"$exists":"yes"},"f":{"$anyOf":[]},"g":{"$gt":1,"name":"x"},"h":{"$not":{"$foo":1}},
        "i":{"$eq":{"a":1}}})"));
    REQUIRE(issues.size() == 9);
    CHECK(issues[0].pointer == "/a/$gtt");
    CHECK(issues[0].aboutKey);
    CHECK(issues[1].pointer == "/b/$regex");
    CHECK(issues[2].message == "$in takes a non-empty list of values");
    CHECK(issues[3].pointer == "/d/$len");
    CHECK(issues[4].message == "$exists takes true or false");
    CHECK(issues[5].pointer == "/f/$anyOf");
    CHECK(issues[6].pointer == "/g");
    CHECK(issues[7].pointer == "/h/$not/$foo");
    CHECK(issues[8].pointer == "/i/$eq");
}

TEST_CASE("validatePattern accepts a valid pattern") {
    CHECK(validatePattern(j(R"({"spec":{"replicas":{"$gte":2},"containers":[{"name":"web","image":{"$regex":"^nginx"}}],
        "args":{"$exactly":["a",{"$ne":"b"}]},"x":{"$len":{"$lt":3}},"y":{"$anyOf":[1,{"$in":[2,3]}]}}})"))
              .empty());
}

TEST_CASE("isOperatorMap needs every key to start with a dollar") {
    CHECK(isOperatorMap(j(R"({"$gt":1})")));
    CHECK_FALSE(isOperatorMap(j(R"({"gt":1})")));
    CHECK_FALSE(isOperatorMap(j(R"({})")));
    CHECK_FALSE(isOperatorMap(j(R"([1])")));
}

TEST_CASE("long values are cut in messages") {
    std::string longText(500, 'x');
    auto m = only(match(Json{{"a", "y"}}, Json{{"a", longText}}));
    CHECK(m.observed.size() < 140);
    CHECK_THAT(m.observed, Catch::EndsWith("…"));
}

TEST_CASE("mismatches are capped") {
    Json expected = Json::object(), observed = Json::object();
    for (int i = 0; i < 80; ++i) {
        expected["k" + std::to_string(i)] = 1;
        observed["k" + std::to_string(i)] = 2;
    }
    auto r = match(expected, observed);
    CHECK(r.mismatches.size() == kMaxMismatches);
    CHECK(r.truncated);
}

TEST_CASE("describePattern reads as a sentence") {
    CHECK(describePattern(j(R"({"value":{"$gt":1000},"preemptionPolicy":"PreemptLowerPriority"})")) ==
          R"(value > 1000, preemptionPolicy = "PreemptLowerPriority")");
    CHECK(describePattern(j(R"({"spec":{"nodeName":{"$regex":"gpu-.*"}}})")) == "spec.nodeName matches /gpu-.*/");
    CHECK(describePattern(j(R"({"args":["--a"]})")) == R"(args contains "--a")");
}

TEST_CASE("count constraints") {
    CountConstraint atLeastOne{1, std::nullopt, std::nullopt};
    CHECK(atLeastOne.satisfied(1));
    CHECK(atLeastOne.satisfied(5));
    CHECK_FALSE(atLeastOne.satisfied(0));
    CHECK(atLeastOne.describe() == "at least 1");
    CountConstraint none{std::nullopt, 0, std::nullopt};
    CHECK(none.satisfied(0));
    CHECK_FALSE(none.satisfied(1));
    CHECK(none.describe() == "at most 0");
    CountConstraint two{std::nullopt, std::nullopt, 2};
    CHECK(two.satisfied(2));
    CHECK_FALSE(two.satisfied(3));
    CHECK(two.describe() == "exactly 2");
    CountConstraint range{1, 3, std::nullopt};
    CHECK(range.satisfied(3));
    CHECK_FALSE(range.satisfied(4));
    CHECK(range.describe() == "between 1 and 3");
    CHECK(CountConstraint{}.satisfied(0));
    CHECK(CountConstraint{}.describe() == "any number");
}

TEST_CASE("matching from several threads at once gives the same answers") {
    Json pattern =
        j(R"({"spec":{"containers":[{"name":"web","image":{"$regex":"^nginx:1\\.2[0-9]$"}}],"cpu":{"$gte":"250m"}}})");
    Json good = j(R"({"spec":{"containers":[{"name":"web","image":"nginx:1.27"}],"cpu":"1"}})");
    Json bad = j(R"({"spec":{"containers":[{"name":"web","image":"nginx:1.30"}],"cpu":"1"}})");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i)
                if (!matches(pattern, good) || matches(pattern, bad)) ++wrong;
        });
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);
}
