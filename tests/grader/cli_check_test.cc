#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "clusters/json.h"
#include "cli_test_support.h"
#include "tests/support/temp_dir.h"

using namespace kc::grader::testing;
using kc::Json;

// Worked out from tests/fixtures/cli/labs/lab-90-cli/rubric.yaml before running anything:
//   partial (replicas 2): web-deployment fail 0/4, web-service blocked 0/3 (needs web-deployment),
//     config-present pass 2/2, secret-typed (hidden) pass 5/5, apply-probe skipped 0/1 (live only)
//     → all checks 7/15 = 46.7%; what a student sees (visible checks) 2/10 = 20%.
//   reference (replicas 3): 4 + 3 + 2 + 5 + 0 = 14/15 = 93.3%; visible 9/10.

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("check grades a snapshot into the text table a student may see") {
    auto r = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot});
    INFO(r.stderrText);
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.stdoutText, Catch::Contains("Total: 2/10 points (20%)"));
    CHECK_THAT(r.stdoutText, Catch::Contains("web-deployment") && Catch::Contains("FAIL") &&
                                 Catch::Contains("web needs three replicas") &&
                                 Catch::Contains("hint: Look at how many replicas"));
    CHECK_THAT(r.stdoutText, !Catch::Contains("secret-typed"));
    CHECK_THAT(r.stdoutText, !Catch::Contains("SECRET-CHECK-MESSAGE"));
    CHECK_THAT(r.stdoutText, !Catch::Contains("Database credentials"));
    CHECK(r.stdoutText.find('\033') == std::string::npos);
    // Progress on stderr names only checks the student may see.
    CHECK_THAT(r.stderrText, Catch::Contains("web-deployment: fail") && !Catch::Contains("secret-typed"));

    auto all = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--include-hidden"});
    CHECK(all.exitCode == 0);
    CHECK_THAT(all.stdoutText, Catch::Contains("Total: 7/15 points (46.7%)") && Catch::Contains("secret-typed"));
    CHECK_THAT(all.stderrText, Catch::Contains("secret-typed: pass"));
}

TEST_CASE("check writes the JSON report with every check's outcome") {
    auto r = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "json"});
    INFO(r.stderrText);
    REQUIRE(r.exitCode == 0);
    Json j = Json::parse(r.stdoutText);
    CHECK(j["schema"] == "kubeclass.grade/v1");
    CHECK(j["lab"] == "lab-90");
    CHECK(j["mode"] == "snapshot");
    CHECK(j["points"].get<double>() == 15);
    CHECK(j["earned"].get<double>() == 7);
    std::map<std::string, std::string> outcomes;
    for (const auto& c : j["checks"]) outcomes[c["id"].get<std::string>()] = c["outcome"].get<std::string>();
    CHECK(outcomes == std::map<std::string, std::string>{{"web-deployment", "fail"},
                                                         {"web-service", "blocked"},
                                                         {"config-present", "pass"},
                                                         {"secret-typed", "pass"},
                                                         {"apply-probe", "skipped"}});
    auto reference = grade({"check", "--lab", kCliLab, "--snapshot", kReferenceSnapshot, "--format", "json"});
    REQUIRE(reference.exitCode == 0);
    CHECK(Json::parse(reference.stdoutText)["earned"].get<double>() == 14);
}

TEST_CASE("check writes JUnit Gradescope and Markdown reports of the same run") {
    auto junit = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "junit"});
    REQUIRE(junit.exitCode == 0);
    CHECK_THAT(junit.stdoutText, Catch::Contains("<testsuite name=\"lab-90\" tests=\"5\" failures=\"1\" errors=\"0\" "
                                                 "skipped=\"2\""));

    auto gs = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "gradescope"});
    REQUIRE(gs.exitCode == 0);
    Json g = Json::parse(gs.stdoutText);
    CHECK(g["score"].get<double>() == 7);
    REQUIRE(g["tests"].size() == 5);
    CHECK(g["tests"][3]["visibility"] == "hidden");
    CHECK(g["tests"][3]["status"] == "passed");

    auto md = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "markdown"});
    REQUIRE(md.exitCode == 0);
    CHECK_THAT(md.stdoutText, Catch::Contains("**2 / 10 points (20%)**") && !Catch::Contains("secret-typed"));
}

TEST_CASE("check resolves a lab id under the data root") {
    auto r = grade({"check", "--lab", "lab-90", "--snapshot", kReferenceSnapshot, "--format", "json"});
    INFO(r.stderrText);
    REQUIRE(r.exitCode == 0);
    CHECK(Json::parse(r.stdoutText)["earned"].get<double>() == 14);
    auto missing = grade({"check", "--lab", "lab-77", "--snapshot", kReferenceSnapshot});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.stderrText, Catch::Contains("lab-77"));
}

TEST_CASE("check exits 1 when the score is below --fail-under and 0 when it is not") {
    auto below = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--fail-under", "50"});
    CHECK(below.exitCode == 1);
    CHECK_THAT(below.stderrText, Catch::Contains("46.7%") && Catch::Contains("50%"));
    CHECK_THAT(below.stdoutText, Catch::Contains("Total:"));  // the report is still written
    auto above = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--fail-under", "40"});
    CHECK(above.exitCode == 0);
    auto bad = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--fail-under", "lots"});
    CHECK(bad.exitCode == 2);
}

TEST_CASE("check --out writes the whole report to the file and nothing to stdout") {
    kc::testing::TempDir dir;
    std::string out = dir.path() + "/report.json";
    auto r = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "json", "--out", out});
    INFO(r.stderrText);
    REQUIRE(r.exitCode == 0);
    CHECK(r.stdoutText.empty());
    CHECK(Json::parse(readFile(out))["earned"].get<double>() == 7);
    // Only the report: no temporary file left beside it.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);

    auto unwritable = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--out",
                             dir.path() + "/no/such/dir/report.txt"});
    CHECK(unwritable.exitCode == 2);
}

TEST_CASE("check reports every rubric error with file line and column and exits 2") {
    auto r = grade({"check", "--lab", kCliFixtures + "/bad", "--snapshot", kPartialSnapshot});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.stderrText, Catch::Contains("bad/rubric.yaml:7:5:") && Catch::Contains("visiblity"));
    CHECK_THAT(r.stderrText, Catch::Contains("bad/rubric.yaml:9:80:") && Catch::Contains("$regx"));
    CHECK(r.stdoutText.empty());
}

TEST_CASE("check rejects unknown flags missing values and conflicting sources with the usage") {
    auto unknown = grade({"check", "--lab", kCliLab, "--frobnicate"});
    CHECK(unknown.exitCode == 2);
    CHECK_THAT(unknown.stderrText, Catch::Contains("unknown option --frobnicate") && Catch::Contains("Usage:"));
    auto missing = grade({"check", "--lab"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.stderrText, Catch::Contains("--lab needs a value"));
    auto conflict = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--context", "kind-x"});
    CHECK(conflict.exitCode == 2);
    CHECK_THAT(conflict.stderrText, Catch::Contains("conflict"));
    auto noLab = grade({"check", "--snapshot", kPartialSnapshot});
    CHECK(noLab.exitCode == 2);
    auto format = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--format", "xml"});
    CHECK(format.exitCode == 2);
    CHECK_THAT(format.stderrText, Catch::Contains("unknown report format"));
    auto badSnapshot = grade({"check", "--lab", kCliLab, "--snapshot", kCliFixtures + "/no-such-snapshot"});
    CHECK(badSnapshot.exitCode == 2);
}

TEST_CASE("check exits 3 when the cluster cannot be reached") {
    kc::testing::TempDir dir;
    std::string kubeconfig = dir.write("kubeconfig", unreachableKubeconfig(closedPort()));
    auto r = grade({"check", "--lab", kCliLab, "--kubeconfig", kubeconfig});
    CHECK(r.exitCode == 3);
    CHECK_THAT(r.stderrText, Catch::Contains("cannot reach the cluster"));
    CHECK(r.stdoutText.empty());
}

TEST_CASE("check applies an instructor overlay before grading") {
    kc::testing::TempDir dir;
    // config-present goes from 2 to 6 points, and a new check (hidden by default) looks for a missing Ingress.
    std::string overlay = dir.write("overlay.yaml",
                                    "overlay: lab-90\n"
                                    "override:\n"
                                    "  - id: config-present\n"
                                    "    points: 6\n"
                                    "checks:\n"
                                    "  - id: ingress-present\n"
                                    "    title: An Ingress routes to web\n"
                                    "    points: 2\n"
                                    "    steps:\n"
                                    "      - assert: {apiVersion: networking.k8s.io/v1, kind: Ingress, namespace: shop, name: web}\n");
    auto r = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--overlay", overlay, "--format", "json"});
    INFO(r.stderrText);
    REQUIRE(r.exitCode == 0);
    Json j = Json::parse(r.stdoutText);
    // 7 - 2 + 6 earned; 15 - 2 + 6 + 2 points.
    CHECK(j["earned"].get<double>() == 11);
    CHECK(j["points"].get<double>() == 21);
    CHECK(j["checks"].back()["id"] == "ingress-present");
    CHECK(j["checks"].back()["visibility"] == "hidden");
    CHECK(j["checks"].back()["outcome"] == "fail");

    std::string wrongLab = dir.write("wrong.yaml", "overlay: lab-99\n");
    auto bad = grade({"check", "--lab", kCliLab, "--snapshot", kPartialSnapshot, "--overlay", wrongLab});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.stderrText, Catch::Contains("wrong.yaml"));
}
