#include <catch2/catch.hpp>

#include "grader/report_gradescope.h"
#include "report_sample.h"

using namespace kc::grader;
using namespace kc::grader::testing;
using kc::Json;

TEST_CASE("gradescope results carry the score and one test per check with the spec's fields") {
    Json j = Json::parse(renderGradescopeReport(sampleRun(), {}));
    CHECK(j["score"].get<double>() == 5);
    CHECK(j["execution_time"].get<double>() == Approx(1.234));
    CHECK(j["visibility"] == "visible");
    CHECK(j["stdout_visibility"] == "hidden");
    CHECK(j["output"].is_string());
    REQUIRE(j["tests"].size() == 7);
    double sum = 0;
    for (const auto& t : j["tests"]) {
        for (const char* key : {"name", "number", "score", "max_score", "status", "output", "visibility"})
            CHECK(t.contains(key));
        CHECK((t["status"] == "passed" || t["status"] == "failed"));
        sum += t["score"].get<double>();
    }
    CHECK(sum == j["score"].get<double>());
    const Json& first = j["tests"][0];
    CHECK(first["name"] == "crd-installed: The TrainingJob CRD is installed");
    CHECK(first["number"] == "1");
    CHECK(first["max_score"].get<double>() == 5);
    CHECK(first["status"] == "passed");
    CHECK(first["tags"] == Json::array({"Extend the API"}));
    CHECK(j["tests"][1]["status"] == "failed");
    CHECK_THAT(j["tests"][1]["output"].get<std::string>(),
               Catch::Contains("at .value: expected > 1000, observed 500") &&
                   Catch::Contains("Hint: Look at how the scheduler"));
    // Skipped, blocked and errored checks earn nothing and are not passed.
    CHECK(j["tests"][3]["status"] == "failed");
    CHECK(j["tests"][4]["status"] == "failed");
    CHECK(j["tests"][5]["status"] == "failed");
}

TEST_CASE("gradescope visibility maps ours and the visible parts never name hidden checks") {
    Json j = Json::parse(renderGradescopeReport(sampleRun(), {}));
    CHECK(gradescopeVisibility(Visibility::Visible) == std::string("visible"));
    CHECK(j["tests"][2]["visibility"] == "hidden");
    CHECK(j["tests"][3]["visibility"] == "after_due_date");
    // The hidden test keeps its own text for the instructor; Gradescope hides it from students.
    CHECK_THAT(j["tests"][2]["output"].get<std::string>(), Catch::Contains("HIDDEN-MESSAGE"));

    std::string visible = j["output"].get<std::string>();
    for (const auto& t : j["tests"]) {
        if (t["visibility"] != "visible") continue;
        visible += t["name"].get<std::string>() + t["output"].get<std::string>();
    }
    CHECK_THAT(visible, !Catch::Contains(kHiddenId));
    CHECK_THAT(visible, !Catch::Contains(kHiddenTitle));
    CHECK_THAT(visible, !Catch::Contains("HIDDEN-"));
    CHECK_THAT(visible, !Catch::Contains("preemption-works"));
    CHECK_THAT(j["output"].get<std::string>(), Catch::Contains("Visible checks: 5/26 points"));
}

TEST_CASE("gradescope student view leaves hidden tests out of the file and the score") {
    ReportOptions options;
    options.studentView = true;
    std::string text = renderGradescopeReport(sampleRun(), options);
    CHECK_THAT(text, !Catch::Contains(kHiddenId));
    CHECK_THAT(text, !Catch::Contains("HIDDEN-"));
    Json j = Json::parse(text);
    CHECK(j["tests"].size() == 6);  // after_due_date stays: Gradescope releases it at the due date
}
