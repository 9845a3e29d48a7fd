// Fake tools and a roomy fake host for the Cluster page: a paced fake kind, docker, kubectl and helm that
// report versions that pass preflight, and the API double standing in for each created cluster's API server.
// Header-only so the app benchmark drives the page with the same fakes as the tests.
#pragma once

#include <memory>
#include <string>

#include "clusters/json.h"
#include "tests/app/cluster_fake_kind.h"
#include "tests/clusters/fake_host_probes.h"
#include "tests/clusters/kind_output_fixture.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"
// After the cluster headers: Qt defines emit as a macro and kind_progress.h has a member of that name.
#include "app/app_context.h"

namespace kc::testing {

// A node as the kubelet registers it on kind, Ready; kubeadm labels the control plane's role.
inline Json kindNodeObject(const std::string& name) {
    const std::string controlPlane = "-control-plane";
    Json node = Json{{"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
                {"spec", {{"podCIDR", "10.244.0.0/24"}}},
                {"status",
                 {{"capacity", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"allocatable", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"addresses", Json::array({{{"type", "InternalIP"}, {"address", "172.18.0.2"}}})},
                  {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
    if (name.size() > controlPlane.size() && name.compare(name.size() - controlPlane.size(), controlPlane.size(), controlPlane) == 0)
        node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = "";
    return node;
}

struct ClusterFakes {
    TempDir dir;
    PacedFakeKind kind{dir};
    FakeTool docker{dir, "docker"}, kubectl{dir, "kubectl"}, helm{dir, "helm"};

    ClusterFakes() {
        docker.on({"info"}, {.stdoutText = "27.3.1|/|runc\n"});
        kubectl.on({"version"}, {.stdoutText = R"({"clientVersion":{"gitVersion":"v1.31.2"}})" "\n"});
        helm.on({"version"}, {.stdoutText = "v3.16.2+g13654a5\n"});
    }

    // Points the context's tool settings at the fakes and gives it a host with room to spare.
    void configure(app::AppContext& context) const {
        context.settings.kindPath = QString::fromStdString(kind.path());
        context.settings.dockerPath = QString::fromStdString(docker.path());
        context.settings.kubectlPath = QString::fromStdString(kubectl.path());
        context.settings.helmPath = QString::fromStdString(helm.path());
        context.settings.kubeconfigPath = QString::fromStdString(dir.path() + "/state/kubeconfig");
        context.hostProbes = std::make_shared<FakeHostProbes>(FakeHostProbes::roomy());
    }

    // `kind get kubeconfig --name NAME` answers with the double's kubeconfig.
    void serve(const std::string& name, const ApiDouble& api) {
        std::string file = api.writeKubeconfig(dir.path() + "/" + name + "-double.kubeconfig");
        kind.rules().on({"get", "kubeconfig", "--name", name}, {.stdoutFile = file});
    }
};

}  // namespace kc::testing
