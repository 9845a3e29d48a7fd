// Replays every seed (tests/fuzz/corpus/<target>/) and every input a fuzzer once crashed on
// (tests/fuzz/regressions/<target>/) through the same entries the libFuzzer targets call. Each must return
// normally, and an input that does not load must say why and where it came from.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_entries.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> filesUnder(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) return files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Feeds each file and checks the outcome; returns how many files it fed.
size_t replay(const kc::fuzz::FuzzTarget& target, const std::vector<fs::path>& files) {
    for (const auto& file : files) {
        INFO("target " << target.name << ", input " << file.string());
        const std::string bytes = readAll(file);
        const std::string error = target.entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        if (!error.empty()) CHECK(error.find(target.sourceName) != std::string::npos);
    }
    return files.size();
}

const fs::path kFuzzDir = KUBECLASS_FUZZ_DIR;

}  // namespace

TEST_CASE("every fuzz target has a seed corpus and replays it without crashing", "[fuzz]") {
    for (const auto& target : kc::fuzz::fuzzTargets()) {
        INFO("target " << target.name);
        CHECK(replay(target, filesUnder(kFuzzDir / "corpus" / target.name)) >= 3);
    }
}

TEST_CASE("every input a fuzzer crashed on now loads or fails cleanly", "[fuzz]") {
    size_t replayed = 0;
    for (const auto& target : kc::fuzz::fuzzTargets())
        replayed += replay(target, filesUnder(kFuzzDir / "regressions" / target.name));
    // Folders may be empty until a fuzzer finds something; the loop above is the check.
    SUCCEED("replayed " << replayed << " saved crash inputs");
}

TEST_CASE("the fuzz entries reject obvious garbage with a located message", "[fuzz]") {
    // A NUL and an unterminated flow map are no valid document in any of the formats: each entry must answer
    // with an error that names its source, not load it and not crash.
    const std::string garbage = std::string("{\"a\": [1, 2,\0", 13);
    for (const auto& target : kc::fuzz::fuzzTargets()) {
        if (std::string(target.name) == "watch") continue;  // a watch line is checked as JSON below
        INFO("target " << target.name);
        const std::string error =
            target.entry(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size());
        CHECK_FALSE(error.empty());
        CHECK(error.find(target.sourceName) != std::string::npos);
    }
    const std::string notJson = "{\"type\":\"ADDED\",\"object\":{}}\nthis is not json\n";
    const std::string watchError = kc::fuzz::fuzzWatch(reinterpret_cast<const std::uint8_t*>(notJson.data()),
                                                       notJson.size());
    CHECK(watchError.find("not JSON") != std::string::npos);
}

TEST_CASE("a watch line with wrongly typed fields is read as fields left out", "[fuzz]") {
    // Found by the odd-types seed: a numeric "type" threw out of KubeClient::watch. A type that is not a string
    // is no known type, and an ERROR whose code is not a number is not the 410 that asks for a relist: the watch
    // ends with the server's error, named after the watch, instead of crashing or relisting.
    const std::string body = "{\"type\":7,\"object\":[1,2]}\n{\"type\":\"ERROR\",\"object\":{\"code\":\"410\",\"message\":5}}\n";
    const std::string error = kc::fuzz::fuzzWatch(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    CHECK(error == "watching v1 Pod in namespace default: watch error");
}

TEST_CASE("a comma where a YAML document should start is an error at that comma and not an endless loop", "[fuzz]") {
    // Found by the matcher, kubeconfig and rubric fuzzers: yaml-cpp 0.7's LoadAll never returned on these.
    const std::string body = ", a\n";
    const std::string error = kc::fuzz::fuzzManifest(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    CHECK(error == "manifest.yaml:1:1: unexpected ',' where a YAML value should start");
    const std::string later = "kind: Pod\n---\n\"a\", b\n";
    const std::string laterError =
        kc::fuzz::fuzzManifest(reinterpret_cast<const std::uint8_t*>(later.data()), later.size());
    CHECK(laterError.rfind("manifest.yaml:3:", 0) == 0);
    // Empty documents in a row are not that: each starts at its own "---".
    const std::string empties = "---\n---\n---\nkind: Pod\n";
    CHECK(kc::fuzz::fuzzManifest(reinterpret_cast<const std::uint8_t*>(empties.data()), empties.size()).empty());
}
