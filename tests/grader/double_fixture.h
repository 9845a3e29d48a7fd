// Shared by the live grading tests: a KubeClient against the API double, and the fixture state of
// tests/fixtures/grading/kubectl-dump.yaml arranged in the double (plus the operator's log).
#pragma once

#include <memory>
#include <string>

#include "clusters/cpprest_transport.h"
#include "clusters/kube_client.h"
#include "clusters/yaml_json.h"
#include "kubeclass_version.h"
#include "tests/support/api_double.h"

namespace kc::grader::testing {

inline const std::string kGradingFixtures = std::string(KUBECLASS_SOURCE_DIR) + "/tests/fixtures/grading";

inline std::unique_ptr<KubeClient> clientFor(const kc::testing::ApiDouble& server, KubeClientOptions options = {}) {
    TransportConfig config;
    config.server = server.url();
    config.caPem = server.pki().caPem;
    config.clientCertPem = server.pki().clientCertPem;
    config.clientKeyPem = server.pki().clientKeyPem;
    return std::make_unique<KubeClient>(config, cpprestTransportFactory(), noCredentials(), options);
}

inline void createNamespace(kc::testing::ApiDouble& server, const std::string& name) {
    server.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
}

// Every object of the List dump, created in the double, and a log for the operator pod.
inline void arrangeFixtureState(kc::testing::ApiDouble& server) {
    createNamespace(server, "shop");
    createNamespace(server, "other");
    std::string text;
    {
        FILE* f = std::fopen((kGradingFixtures + "/kubectl-dump.yaml").c_str(), "rb");
        char buf[4096];
        size_t n;
        while (f && (n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        if (f) std::fclose(f);
    }
    auto docs = parseYamlDocuments(text, "kubectl-dump.yaml");
    if (!docs) throw std::runtime_error(docs.error().message);
    for (const auto& item : docs->at(0).value["items"]) server.create(item);
    server.setPodLog("shop", "operator-0", "manager", "starting\nreconciled trainingjob shop/mnist\n");
}

}  // namespace kc::grader::testing
