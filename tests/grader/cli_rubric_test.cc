#include <catch2/catch.hpp>

#include "cli_test_support.h"

using namespace kc::grader::testing;

TEST_CASE("rubric validate prints the checks and points of a good rubric") {
    auto byPath = grade({"rubric", "validate", kCliLab + "/rubric.yaml"});
    INFO(byPath.stderrText);
    CHECK(byPath.exitCode == 0);
    CHECK(byPath.stdoutText == "ok: 5 checks, 15 points\n");
    auto byDir = grade({"rubric", "validate", kCliLab});
    CHECK(byDir.stdoutText == "ok: 5 checks, 15 points\n");
    auto byId = grade({"rubric", "validate", "lab-90"});
    CHECK(byId.stdoutText == "ok: 5 checks, 15 points\n");
}

TEST_CASE("rubric validate lists every error with file line and column and exits 2") {
    auto r = grade({"rubric", "validate", kCliFixtures + "/bad/rubric.yaml"});
    CHECK(r.exitCode == 2);
    CHECK(r.stdoutText.empty());
    CHECK_THAT(r.stderrText, Catch::Contains("rubric.yaml:7:5:") && Catch::Contains("rubric.yaml:9:80:"));
}

TEST_CASE("rubric explain shows hidden checks only when asked") {
    auto student = grade({"rubric", "explain", kCliLab});
    INFO(student.stderrText);
    CHECK(student.exitCode == 0);
    CHECK_THAT(student.stdoutText, Catch::Contains("web-deployment") && !Catch::Contains("secret-typed"));
    auto instructor = grade({"rubric", "explain", kCliLab, "--include-hidden"});
    CHECK(instructor.exitCode == 0);
    CHECK_THAT(instructor.stdoutText, Catch::Contains("secret-typed"));
}

TEST_CASE("rubric rejects a missing action an unknown action and a missing lab") {
    CHECK(grade({"rubric"}).exitCode == 2);
    auto unknown = grade({"rubric", "lint", kCliLab});
    CHECK(unknown.exitCode == 2);
    CHECK_THAT(unknown.stderrText, Catch::Contains("unknown action") && Catch::Contains("Usage:"));
    auto missing = grade({"rubric", "validate", "/no/such/rubric.yaml"});
    CHECK(missing.exitCode == 2);
    CHECK(grade({"rubric", "validate", kCliLab, "--include-hidden"}).exitCode == 2);
}
