// Rubrics of one check with one step, for the tests of a single step kind: the text, the loaded rubric, and the
// loader's error for text that must be refused.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "grader/rubric_loader.h"

namespace kc::grader::testing {

inline std::string oneStepRubric(const std::string& step, const std::string& lab = "lab-01", int points = 1) {
    return "lab: " + lab + "\ntitle: T\nchecks:\n  - id: c\n    title: C\n    points: " + std::to_string(points) +
           "\n    steps:\n      - " + step + "\n";
}

// The loader's message for a rubric it must refuse as Invalid.
inline std::string rubricErrorText(const std::string& text) {
    auto r = parseRubric(text, "r.yaml", ".");
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::Invalid);
    return r.error().message;
}

inline Rubric rubricWithStep(const std::string& step, const std::string& lab = "lab-01", int points = 1) {
    auto r = parseRubric(oneStepRubric(step, lab, points), "r.yaml", ".");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return *r;
}

}  // namespace kc::grader::testing
