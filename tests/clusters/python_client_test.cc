// Keeps the API test double honest with the official Python kubernetes client: runs
// tests/support/python/client_check.py with /usr/bin/python3 and asserts the JSON it prints.
#include <catch2/catch.hpp>

#include <filesystem>

#include "clusters/process_runner.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using kc::Json;
using namespace kc::testing;

namespace {

const char* kPython = "/usr/bin/python3";  // the pyenv python3 on PATH has no kubernetes package

bool pythonClientPresent() {
    kc::ProcessSpec spec;
    spec.program = kPython;
    spec.args = {"-c", "import kubernetes"};
    auto r = kc::posixProcessRunner()->run(spec);
    return r && r->exitCode == 0;
}

void arrange(ApiDouble& api) {
    api.create(Json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "logger"}, {"namespace", "kube-system"}}},
                    {"spec", {{"containers", Json::array({Json{{"name", "app"}, {"image", "busybox"}}})}}}});
    api.setPodLog("kube-system", "logger", "app", "starting\nready\n");
    api.create(Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "gpu-node"}}},
                    {"status", {{"capacity", {{"cpu", "8"}}}}}});
    api.create(Json::parse(R"({
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "trainingjobs.ml.kubeclass.dev"},
      "spec": {"group": "ml.kubeclass.dev", "scope": "Namespaced",
               "names": {"plural": "trainingjobs", "singular": "trainingjob", "kind": "TrainingJob"},
               "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}}}]}})"));
}

Json runClientCheck(ApiDouble& api, bool useToken) {
    TempDir dir;
    kc::ProcessSpec spec;
    spec.program = kPython;
    // The script sits in tests/support/python, beside tests/fixtures (an absolute path: __FILE__ may be relative).
    std::string script =
        (std::filesystem::path(KUBECLASS_TEST_FIXTURES).parent_path() / "support" / "python" / "client_check.py").string();
    spec.args = {script,
                 api.writeKubeconfig(dir.path() + "/kubeconfig", useToken)};
    spec.extraEnv = {{"HOME", dir.path()}, {"PYTHONDONTWRITEBYTECODE", "1"}};
    spec.timeout = std::chrono::seconds(60);
    auto result = kc::posixProcessRunner()->run(spec);
    REQUIRE(result);
    INFO("stderr: " << result->stderrText);
    REQUIRE(result->exitCode == 0);
    return Json::parse(result->stdoutText);
}

void checkResults(const Json& out) {
    INFO(out.dump(2));
    CHECK(out["version"] == "v1.32.4");
    CHECK(out["namespaces"] == Json::array({"default", "kube-node-lease", "kube-public", "kube-system"}));
    CHECK(out["created_uid_len"] == 36);
    CHECK(out["created_phase"] == "Pending");
    CHECK(out["pods_by_label"] == Json::array({"py-pod"}));
    CHECK(out["pods_other_label"] == Json::array());
    CHECK(out["patched_labels"] == Json{{"app", "py"}, {"patched", "yes"}});
    CHECK(out["deployment_ready"] == 2);
    CHECK(out["deployment_replicas"] == 3);
    CHECK(out["deployment_generation"] == 2);
    CHECK(out["node_gpus"] == "4");
    CHECK(out["custom_kind"] == "TrainingJobList");
    CHECK(out["custom_phase"] == "Running");
    CHECK(out["custom_names"] == Json::array({"py-job"}));
    CHECK(out["missing_status"] == 404);
    CHECK(out["missing_reason"] == "NotFound");
    CHECK(out["watch_events"] == Json::array({Json::array({"ADDED", "py-pod"}), Json::array({"ADDED", "py-late"})}));
    CHECK(out["watch_seconds"].get<double>() >= 1.9);
    CHECK(out["watch_seconds"].get<double>() < 5.0);
    CHECK(out["pods_after_delete"] == Json::array({"py-pod"}));
    CHECK(out["log_tail"] == "ready\n");
    CHECK(out["pages"] == Json::array({"py-late", "py-pod", 2}));  // sorted by namespace, then name
    CHECK(out["expired_watch"] == 410);
}

}  // namespace

TEST_CASE("python kubernetes client against the api double") {
    if (!pythonClientPresent()) {
        WARN("SKIPPED: /usr/bin/python3 cannot import kubernetes (Debian python3-kubernetes), so the Python client test cannot run");
        return;
    }
    ApiDoubleOptions options;
    options.watchHistory = 10;  // so that the script's watch from resourceVersion 1 is too old
    SECTION("client certificate") {
        auto api = ApiDouble::start(options);
        arrange(*api);
        checkResults(runClientCheck(*api, false));
        for (const auto& r : api->requests()) CHECK(r.user == "student");
        // The client's writes are what the store holds.
        auto status = api->get("apps/v1", "Deployment", "default", "py-deploy");
        REQUIRE(status);
        CHECK((*status)["status"]["readyReplicas"] == 2);
    }
    SECTION("bearer token") {
        auto api = ApiDouble::start(options);
        arrange(*api);
        checkResults(runClientCheck(*api, true));
        for (const auto& r : api->requests()) CHECK(r.user == "token-user");
    }
}
