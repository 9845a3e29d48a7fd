// Shared by the Lab 2 tests: the lab's directory, its rubric, live grading against the API double with short
// retry windows, and readable outcome summaries.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "double_fixture.h"
#include "grader/check_runner.h"
#include "grader/object_source.h"
#include "grader/rubric_loader.h"
#include "tests/support/api_double.h"

namespace kc::grader::testing {

using namespace std::chrono_literals;

inline const std::string kLab2Dir = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-02-gpu-scheduling";

inline Json readYaml(const std::string& path) {
    auto text = kc::readFileBounded(path, 16 * 1024 * 1024);
    if (!text) throw std::runtime_error(text.error().message);
    auto docs = kc::parseYamlDocuments(*text, path);
    if (!docs || docs->empty()) throw std::runtime_error("cannot parse " + path);
    return docs->at(0).value;
}

inline kc::grader::Rubric lab2Rubric() {
    auto rubric = kc::grader::loadRubric(kLab2Dir + "/rubric.yaml");
    if (!rubric) throw std::runtime_error(rubric.error().message);
    return *rubric;
}

inline std::map<std::string, std::string> outcomesOf(const kc::grader::GradeRun& run) {
    std::map<std::string, std::string> out;
    for (const auto& c : run.checks) out[c.id] = kc::grader::outcomeName(c.outcome);
    return out;
}

inline std::string failureDetails(const kc::grader::GradeRun& run) {
    std::string out;
    for (const auto& c : run.checks) {
        if (c.outcome == kc::grader::Outcome::Pass) continue;
        out += c.id + ": " + kc::grader::outcomeName(c.outcome);
        for (const auto& m : c.messages) out += " | " + m;
        if (!c.steps.empty()) out += " | last step: " + c.steps.back().summary;
        out += "\n";
    }
    return out;
}

// Static state does not change while grading, so a failing read need not wait long; the preemption scenario
// keeps enough time for the scripted scheduler to act.
inline void shortenTimeouts(kc::grader::Rubric& rubric) {
    for (auto& check : rubric.checks) {
        bool scenario = check.id == "preemption";
        check.timeout = scenario ? std::optional<kc::grader::Duration>(20s) : std::nullopt;
        for (auto& step : check.steps) step.timeout = scenario ? kc::grader::Duration(10s) : kc::grader::Duration(300ms);
    }
}

// The rubric with only these checks, their needs dropped: to drive one scenario on its own.
inline kc::grader::Rubric onlyChecks(kc::grader::Rubric rubric, const std::vector<std::string>& ids) {
    std::vector<kc::grader::Check> kept;
    for (auto& check : rubric.checks)
        if (std::find(ids.begin(), ids.end(), check.id) != ids.end()) {
            check.needs.clear();
            kept.push_back(std::move(check));
        }
    rubric.checks = std::move(kept);
    return rubric;
}

inline kc::grader::GradeRun gradeLive(kc::testing::ApiDouble& api, const kc::grader::Rubric& rubric) {
    auto client = kc::grader::testing::clientFor(api);
    auto source = kc::grader::liveSource(*client, "api double");
    kc::grader::RunOptions options;
    options.cleanupTimeout = 5s;
    return kc::grader::runChecks(rubric, {{"", source.get()}}, options);
}

}  // namespace kc::grader::testing
