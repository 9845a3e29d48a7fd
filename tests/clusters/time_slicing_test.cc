// Device-plugin time-slicing configs: parsing with line:col errors, choosing a node's config key, and the
// capacity/label arithmetic (expected values worked out from the k8s-device-plugin README's rules).
#include <catch2/catch.hpp>

#include <algorithm>

#include "clusters/time_slicing.h"

using namespace kc;

namespace {

const std::string kA100 = "NVIDIA-A100-SXM4-40GB";

DevicePluginConfig parsed(const std::string& yaml) {
    auto config = parseDevicePluginConfig(yaml, "config.yaml");
    INFO((config ? std::string() : config.error().message));
    REQUIRE(config);
    return *config;
}

std::string errorOf(const std::string& yaml) {
    auto config = parseDevicePluginConfig(yaml, "config.yaml");
    REQUIRE_FALSE(config);
    CHECK(config.error().kind == ErrorKind::Invalid);
    return config.error().message;
}

}  // namespace

TEST_CASE("four replicas on four GPUs advertise sixteen nvidia.com/gpu and a SHARED product") {
    auto config = parsed(R"(version: v1
sharing:
  timeSlicing:
    resources:
    - name: nvidia.com/gpu
      replicas: 4
)");
    auto effect = computeSharingEffect(&config, kA100, 4);
    CHECK(effect.resources == std::map<std::string, long long>{{"nvidia.com/gpu", 16}});
    CHECK(effect.strategy == "time-slicing");
    CHECK(effect.labels.at("nvidia.com/gpu.product") == "NVIDIA-A100-SXM4-40GB-SHARED");
    CHECK(effect.labels.at("nvidia.com/gpu.replicas") == "4");
    CHECK(effect.labels.at("nvidia.com/gpu.count") == "4");
    CHECK(effect.labels.at("nvidia.com/gpu.sharing-strategy") == "time-slicing");
    CHECK_FALSE(effect.renamed);
}

TEST_CASE("renameByDefault advertises nvidia.com/gpu.shared and leaves the product alone") {
    // The README's example: 10 replicas on a node with 8 GPUs → 80 nvidia.com/gpu.shared, no nvidia.com/gpu.
    auto config = parsed(R"(version: v1
sharing:
  timeSlicing:
    renameByDefault: true
    resources:
    - name: nvidia.com/gpu
      replicas: 10
)");
    auto effect = computeSharingEffect(&config, kA100, 8);
    CHECK(effect.resources == std::map<std::string, long long>{{"nvidia.com/gpu.shared", 80}});
    CHECK(effect.renamed);
    CHECK(effect.labels.at("nvidia.com/gpu.product") == kA100);
    CHECK(effect.labels.at("nvidia.com/gpu.replicas") == "10");
    CHECK(effect.labels.at("nvidia.com/gpu.sharing-strategy") == "time-slicing");
}

TEST_CASE("an explicit rename wins over renameByDefault") {
    auto config = parsed(R"(version: v1
sharing:
  timeSlicing:
    renameByDefault: true
    failRequestsGreaterThanOne: true
    resources:
    - name: nvidia.com/gpu
      rename: nvidia.com/gpu-slice
      replicas: 2
)");
    REQUIRE(config.timeSlicing);
    CHECK(config.timeSlicing->failRequestsGreaterThanOne);
    CHECK(config.timeSlicing->resources.at(0).rename == "nvidia.com/gpu-slice");
    auto effect = computeSharingEffect(&config, kA100, 4);
    CHECK(effect.resources == std::map<std::string, long long>{{"nvidia.com/gpu-slice", 8}});
    CHECK(effect.labels.at("nvidia.com/gpu.product") == kA100);
    // The admission failure for requests > 1 is not simulated, and the effect says so.
    REQUIRE(effect.notes.size() == 1);
    CHECK(effect.notes[0].find("failRequestsGreaterThanOne") != std::string::npos);
}

TEST_CASE("replicating some devices leaves the others whole") {
    auto listed = parsed(R"(version: v1
sharing:
  timeSlicing:
    resources:
    - name: nvidia.com/gpu
      replicas: 3
      devices: [0, "1"]
)");
    // GPUs 0 and 1 give 3 each, GPUs 2 and 3 stay one each: 6 + 2.
    CHECK(computeSharingEffect(&listed, kA100, 4).resources ==
          std::map<std::string, long long>{{"nvidia.com/gpu", 8}});

    auto renamed = parsed(R"(version: v1
sharing:
  timeSlicing:
    renameByDefault: true
    resources:
    - name: nvidia.com/gpu
      replicas: 3
      devices: 1
)");
    CHECK(computeSharingEffect(&renamed, kA100, 4).resources ==
          std::map<std::string, long long>{{"nvidia.com/gpu", 3}, {"nvidia.com/gpu.shared", 3}});
}

TEST_CASE("a devices entry the simulated node lacks is a note not a capacity") {
    auto config = parsed(R"(version: v1
sharing:
  timeSlicing:
    resources:
    - name: nvidia.com/gpu
      replicas: 2
      devices: [1, 7, GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c]
)");
    auto effect = computeSharingEffect(&config, kA100, 2);
    // Only GPU 1 exists of those listed: 1 × 2 + 1 whole.
    CHECK(effect.resources.at("nvidia.com/gpu") == 3);
    CHECK(effect.notes.size() == 2);
}

TEST_CASE("no config or a config without sharing advertises whole GPUs") {
    auto none = computeSharingEffect(nullptr, kA100, 4);
    CHECK(none.resources == std::map<std::string, long long>{{"nvidia.com/gpu", 4}});
    CHECK(none.strategy == "none");
    CHECK(none.labels.at("nvidia.com/gpu.replicas") == "1");
    CHECK(none.labels.at("nvidia.com/gpu.product") == kA100);
    CHECK(none.labels.at("nvidia.com/gpu.sharing-strategy") == "none");

    auto flagsOnly = parsed("version: v1\nflags:\n  migStrategy: none\n");
    CHECK_FALSE(flagsOnly.timeSlicing);
    CHECK(computeSharingEffect(&flagsOnly, kA100, 4).resources.at("nvidia.com/gpu") == 4);
}

TEST_CASE("invalid configs report every error at line and column") {
    // replicas 1 is refused by the plugin (>= 2); the value sits at line 6 column 17.
    std::string one = errorOf(R"(version: v1
sharing:
  timeSlicing:
    resources:
    - name: nvidia.com/gpu
      replicas: 1
)");
    CHECK(one == "config.yaml:6:17: sharing.timeSlicing.resources[0].replicas: number of replicas must be >= 2 (it is 1)");

    std::string many = errorOf(R"(version: v2
sharing:
  timeSlicing:
    renameByDefault: maybe
    resources:
    - name: nvidia.com/gpu
      replica: 4
    - name: nvidia.com/mig-1g.5gb
      replicas: four
      devices: some
)");
    INFO(many);
    CHECK(many.find("config.yaml:1:10: version: must be v1, not v2") != std::string::npos);
    CHECK(many.find("config.yaml:4:22: sharing.timeSlicing.renameByDefault: must be true or false") != std::string::npos);
    CHECK(many.find("config.yaml:7:16: sharing.timeSlicing.resources[0].replica: unknown field") != std::string::npos);
    CHECK(many.find("config.yaml:6:7: sharing.timeSlicing.resources[0].replicas: no replicas specified") != std::string::npos);
    CHECK(many.find("config.yaml:8:13: sharing.timeSlicing.resources[1].name: nvidia.com/mig-1g.5gb is a MIG resource") != std::string::npos);
    CHECK(many.find("config.yaml:9:17: sharing.timeSlicing.resources[1].replicas: must be a whole number") != std::string::npos);
    CHECK(many.find("config.yaml:10:16: sharing.timeSlicing.resources[1].devices: \"some\" is not allowed") != std::string::npos);
    CHECK(std::count(many.begin(), many.end(), '\n') == 6);  // seven errors
}

TEST_CASE("structural mistakes in a config are errors") {
    CHECK(errorOf("sharing: {}\n").find("config.yaml:1:1: version: missing") != std::string::npos);
    CHECK(errorOf("- version: v1\n").find("a device-plugin config is a map") != std::string::npos);
    CHECK(errorOf("version: v1\nsharing:\n  timeSlicing:\n    resources: []\n")
              .find("config.yaml:4:16: sharing.timeSlicing.resources: no resources specified") != std::string::npos);
    CHECK(errorOf("version: v1\nsharing:\n  mps:\n    resources: []\n").find("MPS sharing is not simulated") !=
          std::string::npos);
    CHECK(errorOf("version: v1\nsharing:\n  timeSlicing:\n    resources:\n    - {name: nvidia.com/gpu, replicas: 2, "
                  "rename: \"Not A Name\"}\n")
              .find("rename: must be a resource name") != std::string::npos);
    // YAML that does not parse keeps the parser's position.
    std::string syntax = errorOf("version: v1\nsharing:\n  timeSlicing: [\n");
    CHECK(syntax.rfind("config.yaml:", 0) == 0);
}

TEST_CASE("a node's config key follows the label then the default then the only key") {
    std::vector<std::string> keys{"a100", "default", "t4"};
    CHECK(*chooseConfigKey(keys, "t4", "") == "t4");
    CHECK(*chooseConfigKey(keys, "", "") == "default");
    CHECK(*chooseConfigKey(keys, "", "a100") == "a100");
    auto unknown = chooseConfigKey(keys, "h100", "");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == ErrorKind::NotFound);
    CHECK(unknown.error().message.find("nvidia.com/device-plugin.config=h100") != std::string::npos);

    CHECK(*chooseConfigKey({"only"}, "", "") == "only");
    auto ambiguous = chooseConfigKey({"x", "y"}, "", "");
    REQUIRE_FALSE(ambiguous);
    CHECK(ambiguous.error().kind == ErrorKind::Invalid);
    auto badDefault = chooseConfigKey({"x", "y"}, "", "z");
    REQUIRE_FALSE(badDefault);
    CHECK(badDefault.error().message.find("\"z\"") != std::string::npos);
}
