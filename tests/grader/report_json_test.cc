#include <catch2/catch.hpp>

#include "grader/report_json.h"
#include "report_sample.h"

using namespace kc::grader;
using namespace kc::grader::testing;
using kc::Json;

TEST_CASE("the JSON report carries the schema and every field of the run") {
    Json j = Json::parse(renderJsonReport(sampleRun(), {}));
    CHECK(j["schema"] == "kubeclass.grade/v1");
    CHECK(j["view"] == "instructor");
    CHECK(j["lab"] == "lab-02");
    CHECK(j["title"] == "Advanced GPU scheduling");
    CHECK(j["rubricFile"] == "labs/lab-02-gpu/rubric.yaml");
    CHECK(j["mode"] == "snapshot");
    CHECK(j["source"] == "snapshot examples/typical");
    CHECK(j["clusterVersion"] == "v1.31.0");
    CHECK(j["startedAt"] == "2026-11-22T10:00:00Z");
    CHECK(j["durationMs"] == 1234);
    CHECK(j["points"].get<double>() == 38);
    CHECK(j["earned"].get<double>() == 5);
    CHECK(j["percent"].get<double>() == Approx(100.0 * 5 / 38));
    CHECK(j["counts"] == Json::parse(R"({"pass":1,"fail":3,"error":1,"skipped":1,"blocked":1})"));
    CHECK(j["leftovers"] == Json::array({"v1 Pod ml/preemptor"}));
    REQUIRE(j["checks"].size() == 7);

    const Json& pc = j["checks"][1];
    CHECK(pc["id"] == "priority-classes");
    CHECK(pc["visibility"] == "visible");
    CHECK(pc["outcome"] == "fail");
    CHECK(pc["points"].get<double>() == 10);
    CHECK(pc["earned"].get<double>() == 0);
    CHECK(pc["hints"]["solution"] == "SOLUTION-TIER");
    CHECK(pc["durationMs"] == 4);
    REQUIRE(pc["steps"].size() == 1);
    const Json& step = pc["steps"][0];
    CHECK(step["kind"] == "assert");
    CHECK(step["source"] == "labs/lab-02-gpu/rubric.yaml:14:9");
    CHECK(step["outcome"] == "fail");
    CHECK(step["summary"] == "0 of at least 1 PriorityClass matched");
    CHECK(step["mismatches"][0] == Json::parse(R"({"path":".value","expected":"> 1000","observed":"500"})"));
    CHECK(step["evidence"][0] == "scheduling.k8s.io/v1 PriorityClass training-high @rv 812");
    CHECK(step["durationMs"] == 3);

    CHECK(j["checks"][2]["visibility"] == "hidden");
    CHECK(j["checks"][3]["visibility"] == "after_due_date");
    CHECK(j["checks"][4]["blockedBy"] == kHiddenId);
}

TEST_CASE("the JSON student view drops and redacts what students may not see") {
    ReportOptions options;
    options.studentView = true;
    std::string text = renderJsonReport(sampleRun(), options);
    CHECK_THAT(text, !Catch::Contains(kHiddenId));
    CHECK_THAT(text, !Catch::Contains("HIDDEN-"));
    CHECK_THAT(text, !Catch::Contains(kHiddenTitle));
    Json j = Json::parse(text);
    CHECK(j["view"] == "student");
    CHECK(j["checks"].size() == 5);
    CHECK(j["points"].get<double>() == 26);
    CHECK(j["leftovers"].empty());
    CHECK(j["checks"][2]["blockedBy"] == "another check");
}

TEST_CASE("the JSON report survives invalid UTF-8 in evidence") {
    GradeRun run = sampleRun();
    run.checks[1].steps[0].evidence.push_back("log line \xff\xfe bytes");
    Json j = Json::parse(renderJsonReport(run, {}));
    CHECK(j["checks"][1]["steps"][0]["evidence"].size() == 2);
}
