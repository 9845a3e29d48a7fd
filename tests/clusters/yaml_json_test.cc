#include <catch2/catch.hpp>

#include "clusters/yaml_json.h"

using kc::Json;
using kc::parseYamlDocument;
using kc::parseYamlDocuments;

TEST_CASE("plain scalars resolve as kubectl reads them and quoted ones stay strings") {
    auto doc = parseYamlDocument(
        "a: 1\nb: \"1\"\nc: true\nd: yes\ne: 'no'\nf: 1.5\ng: ~\nh: 0x1F\ni: 0o17\nj: 500m\nk: -3\nl: 1e3\n",
        "t.yaml");
    REQUIRE(doc);
    const Json& v = doc->value;
    CHECK(v["a"] == 1);
    CHECK(v["b"] == "1");
    CHECK(v["c"] == true);
    CHECK(v["d"] == true);
    CHECK(v["e"] == "no");
    CHECK(v["f"] == 1.5);
    CHECK(v["g"].is_null());
    CHECK(v["h"] == 31);
    CHECK(v["i"] == 15);
    CHECK(v["j"] == "500m");
    CHECK(v["k"] == -3);
    CHECK(v["l"] == 1000.0);
}

TEST_CASE("multi-document streams skip empty documents and keep order") {
    auto docs = parseYamlDocuments("---\nkind: A\n---\n---\nkind: B\n", "m.yaml");
    REQUIRE(docs);
    REQUIRE(docs->size() == 2);
    CHECK((*docs)[0].value["kind"] == "A");
    CHECK((*docs)[1].value["kind"] == "B");
}

TEST_CASE("values remember where they were written") {
    auto doc = parseYamlDocument("spec:\n  containers:\n    - name: x\n      image: busybox\n", "pod.yaml");
    REQUIRE(doc);
    auto at = doc->locate("/spec/containers/0/image");
    CHECK(at.line == 4);
    CHECK(at.column == 14);
    // An unknown pointer falls back to its nearest ancestor.
    CHECK(doc->locate("/spec/containers/0/missing").line == 3);
}

TEST_CASE("syntax errors name file and line and column") {
    auto doc = parseYamlDocument("a: [1, 2\nb: 3\n", "bad.yaml");
    REQUIRE_FALSE(doc);
    CHECK(doc.error().kind == kc::ErrorKind::Invalid);
    CHECK_THAT(doc.error().message, Catch::StartsWith("bad.yaml:"));
}

TEST_CASE("duplicate keys are errors and never silently overwritten") {
    auto doc = parseYamlDocument("a: 1\nb: 2\na: 3\n", "dup.yaml");
    REQUIRE_FALSE(doc);
    CHECK_THAT(doc.error().message, Catch::Contains("dup.yaml:3:1") && Catch::Contains("duplicate key \"a\""));
}

TEST_CASE("untrusted YAML is bounded in size and depth and alias expansion") {
    kc::YamlLimits limits;
    limits.maxBytes = 64;
    CHECK_FALSE(parseYamlDocument(std::string(100, 'a'), "big.yaml", limits));

    std::string deep;
    for (int i = 0; i < 150; ++i) deep += "[";
    for (int i = 0; i < 150; ++i) deep += "]";
    auto tooDeep = parseYamlDocument(deep, "deep.yaml");
    REQUIRE_FALSE(tooDeep);
    CHECK_THAT(tooDeep.error().message, Catch::Contains("deep.yaml"));

    // "Billion laughs": nine levels of ten aliases expand to 10^9 values.
    std::string laughs = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        std::string prev(1, static_cast<char>(level - 1));
        laughs += std::string(1, level) + ": &" + std::string(1, level) + " [";
        for (int i = 0; i < 10; ++i) laughs += (i ? ",*" : "*") + prev;
        laughs += "]\n";
    }
    auto bomb = parseYamlDocument(laughs, "bomb.yaml");
    REQUIRE_FALSE(bomb);
    CHECK_THAT(bomb.error().message, Catch::Contains("alias expansion"));
}

TEST_CASE("a stream that must hold one document rejects two") {
    auto doc = parseYamlDocument("a: 1\n---\nb: 2\n", "two.yaml");
    REQUIRE_FALSE(doc);
    CHECK_THAT(doc.error().message, Catch::Contains("expected one YAML document"));
}
