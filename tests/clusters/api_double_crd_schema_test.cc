// The API double's CRD schema validation: the keyword checks on their own, then HTTP writes of a custom resource
// (create, apply, /status) refused with 422 and a cause per field, while direct access stays unchecked.
#include <catch2/catch.hpp>

#include "tests/support/api_double.h"
#include "tests/support/crd_schema.h"
#include "tests/support/raw_https_client.h"

using kc::Json;
using namespace kc::testing;

namespace {

const Json kSchema = Json::parse(R"({
  "type": "object", "required": ["spec"],
  "properties": {
    "spec": {"type": "object", "required": ["image", "workers"],
      "properties": {
        "image": {"type": "string", "minLength": 1, "maxLength": 10},
        "workers": {"type": "integer", "minimum": 1, "maximum": 4},
        "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
        "mode": {"type": "string", "enum": ["a", "b"]},
        "tag": {"type": "string", "pattern": "^v[0-9]+$"},
        "port": {"x-kubernetes-int-or-string": true},
        "command": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "status": {"type": "object", "properties": {"phase": {"type": "string", "enum": ["Pending", "Running"]}}}}})");

Json job(Json spec) {
    return Json{{"apiVersion", "ml.example.com/v1"}, {"kind", "TrainingJob"},
                {"metadata", {{"name", "t"}, {"namespace", "default"}}}, {"spec", std::move(spec)}};
}

std::vector<std::string> fields(const std::vector<SchemaViolation>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.field);
    return out;
}

}  // namespace

TEST_CASE("crd schema: a valid object has no violations and metadata is not the schema's business") {
    Json ok = job({{"image", "busybox"}, {"workers", 2}, {"ratio", 0.5}, {"mode", "a"}, {"tag", "v1"}, {"port", "http"},
                   {"command", {"sh"}}, {"labels", {{"x", "y"}}}, {"unknown", 1}});
    CHECK(validateCustomResource(kSchema, ok).empty());
}

TEST_CASE("crd schema: each keyword names the field and says why") {
    auto v = validateCustomResource(kSchema, job({{"image", ""}, {"workers", 0}}));
    REQUIRE(fields(v) == std::vector<std::string>{"spec.image", "spec.workers"});
    CHECK(v[0].message == "spec.image: Invalid value: \"\": spec.image in body should be at least 1 chars long");
    CHECK(v[1].message == "spec.workers: Invalid value: 0: spec.workers in body should be greater than or equal to 1");

    CHECK(fields(validateCustomResource(kSchema, job({{"workers", 2}}))) == std::vector<std::string>{"spec.image"});
    CHECK(validateCustomResource(kSchema, job({{"workers", 2}}))[0].message == "spec.image: Required value");
    CHECK(fields(validateCustomResource(kSchema, Json{{"apiVersion", "x/v1"}, {"kind", "K"}})) ==
          std::vector<std::string>{"spec"});

    auto check1 = [](Json spec) {
        if (!spec.contains("image")) spec["image"] = "busybox";
        if (!spec.contains("workers")) spec["workers"] = 1;
        auto v = validateCustomResource(kSchema, job(spec));
        return v.size() == 1 ? v[0].message : std::string("violations: ") + std::to_string(v.size());
    };
    CHECK(check1({{"workers", 5}}) == "spec.workers: Invalid value: 5: spec.workers in body should be less than or equal to 4");
    CHECK(check1({{"workers", "2"}}) == "spec.workers: Invalid value: \"2\": spec.workers in body must be of type integer: \"string\"");
    CHECK(check1({{"workers", 2.5}}).find("must be of type integer") != std::string::npos);
    CHECK(check1({{"workers", 2.0}}) == "violations: 0");  // JSON has one number type; 2.0 is a whole number
    CHECK(check1({{"ratio", 0}}) == "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0");
    CHECK(check1({{"mode", "c"}}) == "spec.mode: Unsupported value: \"c\": supported values: [\"a\",\"b\"]");
    CHECK(check1({{"tag", "latest"}}) == "spec.tag: Invalid value: \"latest\": spec.tag in body should match '^v[0-9]+$'");
    CHECK(check1({{"port", true}}).find("integer or string") != std::string::npos);
    CHECK(check1({{"port", 8080}}) == "violations: 0");
    CHECK(check1({{"command", {"a", "b", "c"}}}) == "spec.command: Too many: 3: must have at most 2 items");
    CHECK(check1({{"command", {"a", 1}}}).rfind("spec.command[1]: Invalid value: 1:", 0) == 0);
    CHECK(check1({{"labels", {{"x", 1}}}}).rfind("spec.labels.x: Invalid value: 1:", 0) == 0);
    CHECK(check1({{"image", "much-too-long-image"}}) == "spec.image: Too long: may not be more than 10 bytes");
}

TEST_CASE("api double: custom resources are validated against the CRD schema on HTTP writes") {
    auto api = ApiDouble::start();
    api->create(Json{{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"},
                     {"metadata", {{"name", "trainingjobs.ml.example.com"}}},
                     {"spec", {{"group", "ml.example.com"}, {"scope", "Namespaced"},
                               {"names", {{"plural", "trainingjobs"}, {"kind", "TrainingJob"}}},
                               {"versions", Json::array({Json{{"name", "v1"}, {"served", true}, {"storage", true},
                                                              {"subresources", {{"status", Json::object()}}},
                                                              {"schema", {{"openAPIV3Schema", kSchema}}}}})}}}});
    const TestPki& pki = TestPki::shared();
    RawTls tls{pki.caPem, pki.clientCertPem, pki.clientKeyPem, ""};
    const std::string base = "/apis/ml.example.com/v1/namespaces/default/trainingjobs";
    auto send = [&](const std::string& method, const std::string& target, const Json& body, const std::string& type) {
        return rawHttpsRequest(api->url(), method, target, {{"Content-Type", type}}, body.dump(), tls);
    };

    RawResponse refused = send("POST", base, job({{"image", "busybox"}, {"workers", 0}}), "application/json");
    REQUIRE(refused.status == 422);
    Json status = Json::parse(refused.body);
    CHECK(status["reason"] == "Invalid");
    CHECK(status["message"] ==
          "TrainingJob.ml.example.com \"t\" is invalid: spec.workers: Invalid value: 0: spec.workers in body should be "
          "greater than or equal to 1");
    REQUIRE(status["details"]["causes"].size() == 1);
    CHECK(status["details"]["causes"][0]["field"] == "spec.workers");
    CHECK_FALSE(api->get("ml.example.com/v1", "TrainingJob", "default", "t"));

    // Server-side apply goes through the same check, and two problems are listed together.
    RawResponse applied = send("PATCH", base + "/t?fieldManager=me", job({{"image", ""}, {"workers", 9}}),
                               "application/apply-patch+yaml");
    REQUIRE(applied.status == 422);
    CHECK(Json::parse(applied.body)["details"]["causes"].size() == 2);
    CHECK(Json::parse(applied.body)["message"].get<std::string>().find("is invalid: [spec.image:") != std::string::npos);

    REQUIRE(send("POST", base, job({{"image", "busybox"}, {"workers", 2}}), "application/json").status == 201);
    // /status writes are validated too: a phase outside the enum is refused, one inside is stored.
    RawResponse badStatus = send("PATCH", base + "/t/status", Json{{"status", {{"phase", "Done"}}}},
                                 "application/merge-patch+json");
    CHECK(badStatus.status == 422);
    CHECK(send("PATCH", base + "/t/status", Json{{"status", {{"phase", "Running"}}}}, "application/merge-patch+json")
              .status == 200);
    CHECK((*api->get("ml.example.com/v1", "TrainingJob", "default", "t"))["status"]["phase"] == "Running");

    // Direct access arranges any state, valid or not.
    Json invalid = job({{"workers", 0}});
    invalid["metadata"]["name"] = "arranged";
    CHECK_NOTHROW(api->create(invalid));
}
