// End to end: kubeconfig files (certificate, token and exec plugin users) → KubeClient → the API double.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "clusters/cluster_connection.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::testing;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string base64(const std::string& data) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned n = (unsigned char)data[i] << 16 | (unsigned char)data[i + 1] << 8 | (unsigned char)data[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += table[(n >> s) & 63];
    }
    if (i + 1 == data.size()) {
        unsigned n = (unsigned char)data[i] << 16;
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == data.size()) {
        unsigned n = (unsigned char)data[i] << 16 | (unsigned char)data[i + 1] << 8;
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

}  // namespace

TEST_CASE("a kubeconfig written for the double connects with a client certificate and with a token") {
    auto server = ApiDouble::start();
    TempDir dir;
    for (bool useToken : {false, true}) {
        std::string path = server->writeKubeconfig(dir.path() + (useToken ? "/token.yaml" : "/cert.yaml"), useToken);
        auto connection = connectToCluster({.kubeconfigPath = path});
        REQUIRE(connection);
        auto version = connection->client->serverVersion();
        REQUIRE(version);
        CHECK((*version)["gitVersion"] == "v1.32.4");
        CHECK_THAT(connection->config.describe(), !Catch::Contains("double-token"));
    }
    std::string users;
    for (const auto& r : server->requests()) users += r.user + ",";
    CHECK_THAT(users, Catch::Contains("student") && Catch::Contains("token-user"));
}

TEST_CASE("an exec plugin token is cached and the plugin runs again once after a 401") {
    ApiDoubleOptions options;
    options.tokens = {"exec-token-1"};
    auto server = ApiDouble::start(options);
    TempDir dir;
    const std::string tokenFile = dir.write("current-token", "exec-token-1");
    const std::string runs = dir.path() + "/runs";
    dir.write("plugin.sh",
              "#!/bin/sh\necho run >> '" + runs + "'\n"
              "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
              "\"status\":{\"token\":\"%s\"}}' \"$(cat '" + tokenFile + "')\"\n",
              0755);
    const std::string kubeconfig = dir.write("config", R"(apiVersion: v1
kind: Config
current-context: double
clusters:
- name: double
  cluster:
    server: )" + server->url() + R"(
    certificate-authority-data: )" + base64(server->pki().caPem) + R"(
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
      interactiveMode: Never
contexts:
- name: double
  context: {cluster: double, user: exec-user, namespace: ml}
)");
    auto connection = connectToCluster({.kubeconfigPath = kubeconfig});
    REQUIRE(connection);
    CHECK(connection->config.namespaceName == "ml");
    REQUIRE(connection->client->serverVersion());
    REQUIRE(connection->client->serverVersion());
    CHECK(readFile(runs) == "run\n");  // cached: one run for two requests

    server->setTokens({"exec-token-2"});
    dir.write("current-token", "exec-token-2");
    auto afterRotation = connection->client->serverVersion();
    REQUIRE(afterRotation);
    CHECK(readFile(runs) == "run\nrun\n");
}

TEST_CASE("a kubeconfig pointing at a missing context fails before any request") {
    auto server = ApiDouble::start();
    TempDir dir;
    std::string path = server->writeKubeconfig(dir.path() + "/config");
    auto connection = connectToCluster({.kubeconfigPath = path, .context = "no-such-context"});
    REQUIRE_FALSE(connection);
    CHECK_THAT(connection.error().message, Catch::Contains("no-such-context"));
    CHECK(server->requests().empty());
}
