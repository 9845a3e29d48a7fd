// One entry per fuzz target: each feeds arbitrary bytes through a real kubeclass loader or parser and must
// return normally. Each returns the loader's error message, or "" when the input loaded. The libFuzzer targets and the regression test (fuzz_regression_test.cc)
// call the same functions, so every crash a fuzzer finds is replayed by the ordinary test suite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kc::fuzz {

// Kubeconfig text → MergedKubeconfig (clusters/kubeconfig.h), then every context → RestConfig when the file
// references no other files.
std::string fuzzKubeconfig(const std::uint8_t* data, std::size_t size);
// A multi-document manifest stream through the one YAML loader every manifest reader uses (applyManifests, rubric
// apply files, snapshots; clusters/yaml_json.h), with the default limits and those of a rubric apply file.
std::string fuzzManifest(const std::uint8_t* data, std::size_t size);
// Rubric text (grader/rubric_loader.h) read against an empty lab directory.
std::string fuzzRubric(const std::uint8_t* data, std::size_t size);
// "EXPECTED\n====\nOBSERVED" (YAML or JSON each): validatePattern, match, matches, describePattern (grader/matcher.h).
std::string fuzzMatcher(const std::uint8_t* data, std::size_t size);
// Quiz bank YAML (quiz/bank_loader.h).
std::string fuzzQuizBank(const std::uint8_t* data, std::size_t size);
// A student's quiz answers file checked against the fixture bank and graded (grader/quiz_answers.h).
std::string fuzzQuizAnswers(const std::uint8_t* data, std::size_t size);
// Snapshot text (grader/snapshot_source.h), then a list of every kind it holds.
std::string fuzzSnapshot(const std::uint8_t* data, std::size_t size);
// The body of a watch response, line by line, through KubeClient::watch (clusters/kube_client.h).
std::string fuzzWatch(const std::uint8_t* data, std::size_t size);

struct FuzzTarget {
    const char* name;  // also the folder under tests/fuzz/corpus and tests/fuzz/regressions
    std::string (*entry)(const std::uint8_t*, std::size_t);
    // Every error message names where the input came from; this is the name the entry passes to the loader.
    const char* sourceName;
};

const std::vector<FuzzTarget>& fuzzTargets();

}  // namespace kc::fuzz
