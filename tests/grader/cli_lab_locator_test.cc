#include <catch2/catch.hpp>

#include <cstdlib>

#include "grader/lab_locator.h"
#include "kubeclass_version.h"
#include "tests/support/temp_dir.h"

using namespace kc::grader;

TEST_CASE("a lab id finds labs/ID-* under the data root and paths are taken as given") {
    kc::testing::TempDir root;
    std::string gpu = root.write("labs/lab-02-gpu/rubric.yaml", "lab: lab-02\n");
    root.write("labs/lab-03-mesh/rubric.yaml", "lab: lab-03\n");
    root.write("labs/lab-04/README.md", "no rubric here\n");

    CHECK(*locateRubric("lab-02", {root.path()}) == gpu);
    CHECK(*locateRubric(root.path() + "/labs/lab-02-gpu", {}) == root.path() + "/labs/lab-02-gpu/rubric.yaml");
    CHECK(*locateRubric(gpu, {}) == gpu);
    auto none = locateRubric("lab-04", {root.path()});
    REQUIRE(!none);
    CHECK(none.error().kind == kc::ErrorKind::NotFound);
    // Something that is neither a path nor an id is never looked up under labs/.
    CHECK(!locateRubric("../lab-02", {root.path()}));
}

TEST_CASE("an ambiguous lab id is an error naming the candidates and an exact name wins") {
    kc::testing::TempDir root;
    root.write("labs/lab-02-a/rubric.yaml", "x\n");
    root.write("labs/lab-02-b/rubric.yaml", "x\n");
    auto ambiguous = locateRubric("lab-02", {root.path()});
    REQUIRE(!ambiguous);
    CHECK_THAT(ambiguous.error().message, Catch::Contains("lab-02-a") && Catch::Contains("lab-02-b"));
    std::string exact = root.write("labs/lab-02/rubric.yaml", "x\n");
    CHECK(*locateRubric("lab-02", {root.path()}) == exact);
}

TEST_CASE("the first data root with labs wins and a missing one is skipped") {
    kc::testing::TempDir first, second;
    std::string inSecond = second.write("labs/lab-01-op/rubric.yaml", "x\n");
    CHECK(*locateRubric("lab-01", {first.path() + "/nothing", second.path()}) == inSecond);
    auto missing = locateRubric("lab-01", {first.path()});
    REQUIRE(!missing);
    CHECK_THAT(missing.error().message, Catch::Contains("KUBECLASS_DATA_DIR"));
}

TEST_CASE("KUBECLASS_DATA_DIR when set is the only data root") {
    kc::testing::TempDir root;
    ::setenv("KUBECLASS_DATA_DIR", root.path().c_str(), 1);
    auto roots = dataRootCandidates();
    ::unsetenv("KUBECLASS_DATA_DIR");
    CHECK(roots == std::vector<std::string>{root.path()});
    auto fallback = dataRootCandidates();
    REQUIRE(fallback.size() >= 2);
    CHECK(fallback.front() == KUBECLASS_SOURCE_DIR);
}
