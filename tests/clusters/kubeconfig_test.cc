// Tests of kubeconfig loading: which files are read, how they merge, how a context becomes a RestConfig,
// and that errors point at file:line:col without ever showing a secret. Expectations follow client-go's rules.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "clusters/base64.h"
#include "clusters/kubeconfig.h"
#include "tests/support/temp_dir.h"

using Catch::Contains;
using Catch::StartsWith;
using kc::ErrorKind;
using kc::KubeconfigSources;
using kc::loadKubeconfig;
using kc::loadRestConfig;
using kc::testing::TempDir;

namespace {

std::string fixture(const std::string& relative) { return std::string(KUBECLASS_TEST_FIXTURES) + "/" + relative; }

KubeconfigSources explicitFile(const std::string& path) { return KubeconfigSources{path, std::nullopt, ""}; }

KubeconfigSources envList(const std::string& value, const std::string& home = "") {
    return KubeconfigSources{"", value, home};
}

// A minimal single-context kubeconfig whose current-context, cluster, user and token are all named `name`.
std::string simpleConfig(const std::string& name, const std::string& server = "https://127.0.0.1:6443") {
    return "apiVersion: v1\nkind: Config\ncurrent-context: " + name + "\nclusters:\n- name: " + name +
           "\n  cluster:\n    server: " + server + "\nusers:\n- name: " + name + "\n  user:\n    token: token-of-" + name +
           "\ncontexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name + "\n";
}

}  // namespace

// ---- which files are read -------------------------------------------------------------------------------

TEST_CASE("an explicit --kubeconfig alone is read even when KUBECONFIG and the home file exist") {
    TempDir dir;
    std::string explicitPath = dir.write("explicit.yaml", simpleConfig("explicit"));
    std::string envPath = dir.write("env.yaml", simpleConfig("from-env"));
    dir.write("home/.kube/config", simpleConfig("from-home"));
    auto merged = loadKubeconfig(KubeconfigSources{explicitPath, envPath, dir.path() + "/home"});
    REQUIRE(merged);
    CHECK(merged->currentContext == "explicit");
    CHECK(merged->contextNames() == std::vector<std::string>{"explicit"});
    CHECK(merged->files == std::vector<std::string>{explicitPath});
}

TEST_CASE("a missing --kubeconfig file is an error and nothing else is tried") {
    TempDir dir;
    std::string envPath = dir.write("env.yaml", simpleConfig("from-env"));
    auto merged = loadKubeconfig(KubeconfigSources{dir.path() + "/nope.yaml", envPath, ""});
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::NotFound);
    CHECK_THAT(merged.error().message, Contains(dir.path() + "/nope.yaml") && Contains("--kubeconfig"));
}

TEST_CASE("KUBECONFIG is used instead of the home file when set") {
    TempDir dir;
    std::string envPath = dir.write("env.yaml", simpleConfig("from-env"));
    dir.write("home/.kube/config", simpleConfig("from-home"));
    auto merged = loadKubeconfig(envList(envPath, dir.path() + "/home"));
    REQUIRE(merged);
    CHECK(merged->contextNames() == std::vector<std::string>{"from-env"});
}

TEST_CASE("an empty KUBECONFIG falls back to the home file") {
    TempDir dir;
    dir.write("home/.kube/config", simpleConfig("from-home"));
    auto merged = loadKubeconfig(envList("", dir.path() + "/home"));
    REQUIRE(merged);
    CHECK(merged->currentContext == "from-home");
    CHECK(merged->files == std::vector<std::string>{dir.path() + "/home/.kube/config"});
}

TEST_CASE("the home file is read when neither --kubeconfig nor KUBECONFIG is given") {
    TempDir dir;
    dir.write("home/.kube/config", simpleConfig("from-home"));
    auto merged = loadKubeconfig(KubeconfigSources{"", std::nullopt, dir.path() + "/home"});
    REQUIRE(merged);
    CHECK(merged->currentContext == "from-home");
}

TEST_CASE("a missing home file gives a clear no kubeconfig found error") {
    TempDir dir;
    auto merged = loadKubeconfig(KubeconfigSources{"", std::nullopt, dir.path()});
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::NotFound);
    CHECK_THAT(merged.error().message,
               StartsWith("no kubeconfig found") && Contains(dir.path() + "/.kube/config"));
}

TEST_CASE("no home directory at all is also no kubeconfig found") {
    auto merged = loadKubeconfig(KubeconfigSources{});
    REQUIRE_FALSE(merged);
    CHECK_THAT(merged.error().message, StartsWith("no kubeconfig found"));
}

TEST_CASE("KUBECONFIG skips empty entries and missing files") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    std::string b = dir.write("b.yaml", simpleConfig("b"));
    auto merged = loadKubeconfig(envList(":" + dir.path() + "/missing.yaml:" + a + "::" + b + ":"));
    REQUIRE(merged);
    CHECK(merged->files == std::vector<std::string>{a, b});
    CHECK(merged->contextNames() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("KUBECONFIG naming the same file twice reads it once") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    auto merged = loadKubeconfig(envList(a + ":" + a));
    REQUIRE(merged);
    CHECK(merged->files == std::vector<std::string>{a});
}

TEST_CASE("KUBECONFIG whose files are all missing is no kubeconfig found and names them") {
    TempDir dir;
    dir.write("home/.kube/config", simpleConfig("from-home"));
    auto merged = loadKubeconfig(envList(dir.path() + "/x.yaml:" + dir.path() + "/y.yaml", dir.path() + "/home"));
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::NotFound);
    CHECK_THAT(merged.error().message, StartsWith("no kubeconfig found") && Contains(dir.path() + "/x.yaml") &&
                                           Contains(dir.path() + "/y.yaml"));
}

TEST_CASE("a broken file in the KUBECONFIG list fails the load") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    std::string bad = dir.write("bad.yaml", "clusters: [\n");
    auto merged = loadKubeconfig(envList(a + ":" + bad));
    REQUIRE_FALSE(merged);
    CHECK_THAT(merged.error().message, StartsWith(bad + ":"));
}

TEST_CASE("an empty file in the list is an empty config") {
    TempDir dir;
    std::string empty = dir.write("empty.yaml", "");
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    auto merged = loadKubeconfig(envList(empty + ":" + a));
    REQUIRE(merged);
    CHECK(merged->currentContext == "a");
}

TEST_CASE("kubeconfigSourcesFromEnvironment reads KUBECONFIG and HOME") {
    const char* oldKubeconfig = std::getenv("KUBECONFIG");
    const char* oldHome = std::getenv("HOME");
    std::optional<std::string> savedKubeconfig = oldKubeconfig ? std::optional<std::string>(oldKubeconfig) : std::nullopt;
    std::optional<std::string> savedHome = oldHome ? std::optional<std::string>(oldHome) : std::nullopt;

    ::setenv("KUBECONFIG", "/a:/b", 1);
    ::setenv("HOME", "/home/student", 1);
    auto sources = kc::kubeconfigSourcesFromEnvironment("/explicit");
    CHECK(sources.explicitPath == "/explicit");
    CHECK(sources.kubeconfigEnv == std::optional<std::string>("/a:/b"));
    CHECK(sources.homeDir == "/home/student");
    ::unsetenv("KUBECONFIG");
    CHECK_FALSE(kc::kubeconfigSourcesFromEnvironment("").kubeconfigEnv.has_value());

    if (savedKubeconfig) ::setenv("KUBECONFIG", savedKubeconfig->c_str(), 1);
    if (savedHome) ::setenv("HOME", savedHome->c_str(), 1);
    else ::unsetenv("HOME");
}

// ---- merging -----------------------------------------------------------------------------------------------

TEST_CASE("the first file to define a user wins the whole entry and no later field leaks in") {
    TempDir dir;
    std::string first = dir.write("first.yaml",
                                  "users:\n- name: alice\n  user:\n    token: first-token\n");
    std::string second = dir.write("second.yaml",
                                   "users:\n- name: alice\n  user:\n    token: second-token\n"
                                   "    client-certificate-data: " + kc::base64Encode("CERT") + "\n"
                                   "    client-key-data: " + kc::base64Encode("KEY") + "\n"
                                   "    username: mallory\n");
    auto merged = loadKubeconfig(envList(first + ":" + second));
    REQUIRE(merged);
    const auto& alice = merged->users.at("alice");
    CHECK(alice.token == "first-token");
    CHECK(alice.clientCertificateData.empty());
    CHECK(alice.clientKeyData.empty());
    CHECK(alice.username.empty());
    CHECK(alice.origin.file == first);
}

TEST_CASE("the first file to define a cluster wins even when a later one sets more fields") {
    TempDir dir;
    std::string first = dir.write("first.yaml", "clusters:\n- name: c\n  cluster:\n    server: https://first:6443\n");
    std::string second = dir.write("second.yaml",
                                   "clusters:\n- name: c\n  cluster:\n    server: https://second:6443\n"
                                   "    insecure-skip-tls-verify: true\n    tls-server-name: other\n");
    auto merged = loadKubeconfig(envList(first + ":" + second));
    REQUIRE(merged);
    const auto& c = merged->clusters.at("c");
    CHECK(c.server == "https://first:6443");
    CHECK_FALSE(c.insecureSkipTlsVerify);
    CHECK(c.tlsServerName.empty());
}

TEST_CASE("reversing the KUBECONFIG order reverses which definition wins") {
    TempDir dir;
    std::string first = dir.write("first.yaml", "contexts:\n- name: x\n  context: {cluster: one, user: u}\n");
    std::string second = dir.write("second.yaml", "contexts:\n- name: x\n  context: {cluster: two, user: u}\n");
    auto forward = loadKubeconfig(envList(first + ":" + second));
    auto backward = loadKubeconfig(envList(second + ":" + first));
    REQUIRE(forward);
    REQUIRE(backward);
    CHECK(forward->contexts.at("x").cluster == "one");
    CHECK(backward->contexts.at("x").cluster == "two");
}

TEST_CASE("names only later files define are still merged in") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    std::string b = dir.write("b.yaml", simpleConfig("b"));
    auto merged = loadKubeconfig(envList(a + ":" + b));
    REQUIRE(merged);
    CHECK(merged->clusterNames() == std::vector<std::string>{"a", "b"});
    CHECK(merged->userNames() == std::vector<std::string>{"a", "b"});
    auto rest = kc::resolveRestConfig(*merged, "b");
    REQUIRE(rest);
    CHECK(rest->token == "token-of-b");
    CHECK(rest->sourceFile == b);
}

TEST_CASE("current-context comes from the first file that sets one") {
    TempDir dir;
    std::string none = dir.write("none.yaml", "clusters: []\n");
    std::string b = dir.write("b.yaml", simpleConfig("b"));
    std::string c = dir.write("c.yaml", simpleConfig("c"));
    auto merged = loadKubeconfig(envList(none + ":" + b + ":" + c));
    REQUIRE(merged);
    CHECK(merged->currentContext == "b");
    CHECK(merged->currentContextFile == b);
}

TEST_CASE("preferences come from the first file that has any") {
    TempDir dir;
    std::string a = dir.write("a.yaml", "preferences: {}\n");
    std::string b = dir.write("b.yaml", "preferences:\n  colors: true\n");
    std::string c = dir.write("c.yaml", "preferences:\n  colors: false\n");
    auto merged = loadKubeconfig(envList(a + ":" + b + ":" + c));
    REQUIRE(merged);
    CHECK(merged->preferences["colors"] == true);
}

// ---- resolving a context -----------------------------------------------------------------------------------

TEST_CASE("a kind kubeconfig resolves with base64 data decoded to PEM") {
    auto rest = loadRestConfig(explicitFile(fixture("kubeconfig/kind-lab2.yaml")));
    REQUIRE(rest);
    CHECK(rest->contextName == "kind-lab2");
    CHECK(rest->clusterName == "kind-lab2");
    CHECK(rest->userName == "kind-lab2");
    CHECK(rest->server == "https://127.0.0.1:6443");
    CHECK(rest->caPem == "-----BEGIN CERTIFICATE-----\nFIXTURE-CA\n-----END CERTIFICATE-----\n");
    CHECK(rest->clientCertPem == "-----BEGIN CERTIFICATE-----\nFIXTURE-CLIENT-CERT\n-----END CERTIFICATE-----\n");
    CHECK(rest->clientKeyPem == "-----BEGIN RSA PRIVATE KEY-----\nFIXTURE-CLIENT-KEY\n-----END RSA PRIVATE KEY-----\n");
    CHECK(rest->namespaceName == "default");
    CHECK(rest->sourceFile == fixture("kubeconfig/kind-lab2.yaml"));
}

TEST_CASE("describe names context cluster server user and the kind of credential only") {
    auto rest = loadRestConfig(explicitFile(fixture("kubeconfig/kind-lab2.yaml")));
    REQUIRE(rest);
    CHECK(rest->describe() ==
          "context kind-lab2 (cluster kind-lab2 at https://127.0.0.1:6443, user kind-lab2: client certificate)");
}

TEST_CASE("transportConfig carries server CA client pair insecure flag and server name") {
    auto rest = loadRestConfig(explicitFile(fixture("kubeconfig/kind-lab2.yaml")));
    REQUIRE(rest);
    kc::TransportConfig t = rest->transportConfig();
    CHECK(t.server == rest->server);
    CHECK(t.caPem == rest->caPem);
    CHECK(t.clientCertPem == rest->clientCertPem);
    CHECK(t.clientKeyPem == rest->clientKeyPem);
    CHECK_FALSE(t.insecureSkipTlsVerify);
    CHECK(t.tlsServerName.empty());
}

TEST_CASE("relative certificate and key paths resolve against the kubeconfig's directory") {
    auto rest = loadRestConfig(explicitFile(fixture("kubeconfig/relative/config")), "rel");
    REQUIRE(rest);
    CHECK(rest->caPem == "-----BEGIN CERTIFICATE-----\nRELATIVE-CA\n-----END CERTIFICATE-----\n");
    CHECK(rest->clientCertPem == "-----BEGIN CERTIFICATE-----\nRELATIVE-CLIENT\n-----END CERTIFICATE-----\n");
    CHECK(rest->clientKeyPem == "-----BEGIN PRIVATE KEY-----\nRELATIVE-KEY\n-----END PRIVATE KEY-----\n");
}

TEST_CASE("a relative tokenFile resolves against the kubeconfig's directory") {
    auto rest = loadRestConfig(explicitFile(fixture("kubeconfig/relative/config")), "rel-token");
    REQUIRE(rest);
    CHECK(rest->tokenFile == std::filesystem::absolute(fixture("kubeconfig/relative/certs/token")).lexically_normal().string());
    CHECK(rest->token.empty());
}

TEST_CASE("an exec command with a slash resolves against the kubeconfig and a bare name stays for PATH") {
    auto withPath = loadRestConfig(explicitFile(fixture("kubeconfig/relative/config")), "rel-exec");
    REQUIRE(withPath);
    REQUIRE(withPath->exec);
    CHECK(withPath->exec->command ==
          std::filesystem::absolute(fixture("kubeconfig/relative/plugins/get-token")).lexically_normal().string());
    auto bare = loadRestConfig(explicitFile(fixture("kubeconfig/relative/config")), "path-exec");
    REQUIRE(bare);
    REQUIRE(bare->exec);
    CHECK(bare->exec->command == "kubelogin");
}

TEST_CASE("merged files in different directories each resolve paths against their own directory") {
    TempDir dir;
    dir.write("a/ca.pem", "CA-FROM-A");
    dir.write("b/certs/ca.pem", "CA-FROM-B");
    std::string a = dir.write("a/config",
                              "clusters:\n- name: ca\n  cluster:\n    server: https://a:6443\n    certificate-authority: ca.pem\n"
                              "users:\n- name: u\n  user: {}\n"
                              "contexts:\n- name: ca\n  context: {cluster: ca, user: u}\n");
    std::string b = dir.write("b/config",
                              "clusters:\n- name: cb\n  cluster:\n    server: https://b:6443\n"
                              "    certificate-authority: certs/ca.pem\n"
                              "contexts:\n- name: cb\n  context: {cluster: cb, user: u}\n");
    auto merged = loadKubeconfig(envList(a + ":" + b));
    REQUIRE(merged);
    auto fromA = kc::resolveRestConfig(*merged, "ca");
    auto fromB = kc::resolveRestConfig(*merged, "cb");
    REQUIRE(fromA);
    REQUIRE(fromB);
    CHECK(fromA->caPem == "CA-FROM-A");
    CHECK(fromB->caPem == "CA-FROM-B");
}

TEST_CASE("parent-relative and absolute paths are handled like client-go joins them") {
    TempDir dir;
    std::string shared = dir.write("shared/ca.pem", "SHARED-CA");
    std::string cfg = dir.write("configs/one/config",
                                "clusters:\n- name: up\n  cluster:\n    server: https://x\n    certificate-authority: ../../shared/ca.pem\n"
                                "- name: abs\n  cluster:\n    server: https://x\n    certificate-authority: " + shared + "\n");
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE(merged);
    CHECK(merged->clusters.at("up").certificateAuthority == shared);
    CHECK(merged->clusters.at("abs").certificateAuthority == shared);
}

TEST_CASE("a missing certificate-authority file is an error naming the file and the cluster") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority: nope.pem\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("certificate-authority") && Contains(dir.path() + "/nope.pem") &&
                                         Contains("cluster \"c\""));
}

TEST_CASE("certificate-authority and its -data form together are an error") {
    TempDir dir;
    dir.write("ca.pem", "CA");
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority: ca.pem\n"
                                "    certificate-authority-data: " + kc::base64Encode("CA") + "\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message,
               Contains("certificate-authority-data and certificate-authority are both specified") && Contains("\"c\""));
}

TEST_CASE("client-certificate and client-key with their -data forms together are errors") {
    TempDir dir;
    dir.write("c.crt", "C");
    dir.write("c.key", "K");
    std::string head = "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                       "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n";
    std::string bothCerts = dir.write("certs.yaml", head +
                                                        "users:\n- name: u\n  user:\n    client-certificate: c.crt\n"
                                                        "    client-certificate-data: " + kc::base64Encode("C") + "\n"
                                                        "    client-key: c.key\n");
    std::string bothKeys = dir.write("keys.yaml", head +
                                                      "users:\n- name: u\n  user:\n    client-certificate: c.crt\n"
                                                      "    client-key: c.key\n    client-key-data: " + kc::base64Encode("K") + "\n");
    auto certs = loadRestConfig(explicitFile(bothCerts), "ctx");
    auto keys = loadRestConfig(explicitFile(bothKeys), "ctx");
    REQUIRE_FALSE(certs);
    REQUIRE_FALSE(keys);
    CHECK_THAT(certs.error().message, Contains("client-certificate-data and client-certificate are both specified"));
    CHECK_THAT(keys.error().message, Contains("client-key-data and client-key are both specified"));
}

TEST_CASE("a client certificate without a key is an error") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    client-certificate-data: " + kc::base64Encode("C") + "\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("client-key-data or client-key must be specified") && Contains("\"u\""));
}

TEST_CASE("token beats tokenFile") {
    TempDir dir;
    dir.write("token", "from-file");
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    token: inline-token\n    tokenFile: token\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    CHECK(rest->token == "inline-token");
    CHECK(rest->tokenFile.empty());
    CHECK(rest->describe() == "context ctx (cluster c at https://x, user u: token)");
}

TEST_CASE("a token with basic auth is more than one authentication method") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    token: t0k3n-abc\n    username: admin\n    password: hunter2-pw\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("more than one authentication method"));
    CHECK_THAT(rest.error().message, !Contains("t0k3n-abc") && !Contains("hunter2-pw"));
}

TEST_CASE("insecure-skip-tls-verify with a CA is refused as client-go refuses it") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: true\n"
                                "    certificate-authority-data: " + kc::base64Encode("CA") + "\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("specifying a root certificates file with the insecure flag"));
}

TEST_CASE("insecure-skip-tls-verify without a CA is honoured") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: true\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    CHECK(rest->insecureSkipTlsVerify);
    CHECK(rest->transportConfig().insecureSkipTlsVerify);
    CHECK(rest->caPem.empty());
    CHECK(rest->describe() == "context ctx (cluster c at https://x, user u: no credentials)");
}

TEST_CASE("tls-server-name reaches RestConfig and TransportConfig") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n"
                                "    tls-server-name: kubernetes.default\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    CHECK(rest->tlsServerName == "kubernetes.default");
    CHECK(rest->transportConfig().tlsServerName == "kubernetes.default");
}

TEST_CASE("the context namespace is used and defaults to default") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: with\n  context: {cluster: c, user: u, namespace: lab3}\n"
                                "- name: without\n  context: {cluster: c, user: u}\n");
    auto with = loadRestConfig(explicitFile(cfg), "with");
    auto without = loadRestConfig(explicitFile(cfg), "without");
    REQUIRE(with);
    REQUIRE(without);
    CHECK(with->namespaceName == "lab3");
    CHECK(without->namespaceName == "default");
}

TEST_CASE("a context naming a missing cluster or user names both") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: lost-cluster\n  context: {cluster: gone, user: u}\n"
                                "- name: lost-user\n  context: {cluster: c, user: nobody}\n");
    auto cluster = loadRestConfig(explicitFile(cfg), "lost-cluster");
    auto user = loadRestConfig(explicitFile(cfg), "lost-user");
    REQUIRE_FALSE(cluster);
    REQUIRE_FALSE(user);
    CHECK(cluster.error().kind == ErrorKind::NotFound);
    CHECK_THAT(cluster.error().message, Contains("\"lost-cluster\"") && Contains("cluster \"gone\""));
    CHECK_THAT(user.error().message, Contains("\"lost-user\"") && Contains("user \"nobody\""));
}

TEST_CASE("a context without a cluster or user is rejected") {
    TempDir dir;
    std::string cfg = dir.write("config", "contexts:\n- name: bare\n  context: {cluster: c}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "bare");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("user was not specified") && Contains("\"bare\""));
}

TEST_CASE("the context override picks a context other than the current one") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    std::string b = dir.write("b.yaml", simpleConfig("b"));
    auto rest = loadRestConfig(envList(a + ":" + b), "b");
    REQUIRE(rest);
    CHECK(rest->contextName == "b");
    auto current = loadRestConfig(envList(a + ":" + b));
    REQUIRE(current);
    CHECK(current->contextName == "a");
}

TEST_CASE("an unknown context is NotFound and lists the known ones") {
    TempDir dir;
    std::string a = dir.write("a.yaml", simpleConfig("a"));
    auto rest = loadRestConfig(explicitFile(a), "zzz");
    REQUIRE_FALSE(rest);
    CHECK(rest.error().kind == ErrorKind::NotFound);
    CHECK_THAT(rest.error().message, Contains("\"zzz\"") && Contains("known contexts: a"));
}

TEST_CASE("no current-context and no override asks for a context") {
    TempDir dir;
    std::string cfg = dir.write("config", "contexts:\n- name: one\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg));
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("current-context is not set") && Contains("one"));
}

TEST_CASE("a current-context that names no context says it was the current-context") {
    TempDir dir;
    std::string cfg = dir.write("config", "current-context: ghost\n");
    auto rest = loadRestConfig(explicitFile(cfg));
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("\"ghost\"") && Contains("current-context of " + cfg));
}

TEST_CASE("a cluster without a server is an error") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster: {}\nusers:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("no server found for cluster \"c\""));
}

TEST_CASE("a server without a scheme gets https when TLS is configured and http otherwise") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: tls\n  cluster:\n    server: 10.0.0.1:6443\n"
                                "    certificate-authority-data: " + kc::base64Encode("CA") + "\n"
                                "- name: plain\n  cluster:\n    server: localhost:8080\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: tls\n  context: {cluster: tls, user: u}\n"
                                "- name: plain\n  context: {cluster: plain, user: u}\n");
    auto tls = loadRestConfig(explicitFile(cfg), "tls");
    auto plain = loadRestConfig(explicitFile(cfg), "plain");
    REQUIRE(tls);
    REQUIRE(plain);
    CHECK(tls->server == "https://10.0.0.1:6443");
    CHECK(plain->server == "http://localhost:8080");
}

TEST_CASE("a server that is not an http URL is an error") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: ftp://x\nusers:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("ftp://x") && Contains("not an http or https URL"));
}

TEST_CASE("proxy-url is kept and a proxy that is not a URL is an error") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: good\n  cluster:\n    server: https://x\n    proxy-url: socks5://127.0.0.1:1080\n"
                                "- name: bad\n  cluster:\n    server: https://x\n    proxy-url: not a url\n"
                                "users:\n- name: u\n  user: {}\n"
                                "contexts:\n- name: good\n  context: {cluster: good, user: u}\n"
                                "- name: bad\n  context: {cluster: bad, user: u}\n");
    auto good = loadRestConfig(explicitFile(cfg), "good");
    REQUIRE(good);
    CHECK(good->proxyUrl == "socks5://127.0.0.1:1080");
    auto bad = loadRestConfig(explicitFile(cfg), "bad");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Contains("invalid proxy-url"));
}

TEST_CASE("exec settings are read with args env and cluster info") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "    extensions:\n    - name: client.authentication.k8s.io/exec\n"
                                "      extension:\n        audience: lab\n"
                                "users:\n- name: u\n  user:\n    exec:\n"
                                "      apiVersion: client.authentication.k8s.io/v1\n"
                                "      command: kubelogin\n      args: [get-token, --verbose]\n"
                                "      env:\n      - name: LAB\n        value: \"2\"\n"
                                "      provideClusterInfo: true\n      interactiveMode: Never\n"
                                "      installHint: install kubelogin\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    REQUIRE(rest->exec);
    CHECK(rest->exec->command == "kubelogin");
    CHECK(rest->exec->args == std::vector<std::string>{"get-token", "--verbose"});
    CHECK(rest->exec->env == std::vector<std::pair<std::string, std::string>>{{"LAB", "2"}});
    CHECK(rest->exec->provideClusterInfo);
    CHECK(rest->exec->interactiveMode == "Never");
    CHECK(rest->exec->installHint == "install kubelogin");
    kc::ExecClusterInfo info = rest->execClusterInfo();
    CHECK(info.server == "https://x");
    REQUIRE(info.config);
    CHECK((*info.config)["audience"] == "lab");
    CHECK(rest->describe() == "context ctx (cluster c at https://x, user u: exec plugin kubelogin)");
}

TEST_CASE("exec v1 must name an interactiveMode while v1beta1 defaults to IfAvailable") {
    TempDir dir;
    std::string head = "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                       "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n";
    std::string v1 = dir.write("v1.yaml", head + "users:\n- name: u\n  user:\n    exec:\n"
                                                 "      apiVersion: client.authentication.k8s.io/v1\n      command: p\n");
    std::string beta = dir.write("beta.yaml", head + "users:\n- name: u\n  user:\n    exec:\n"
                                                     "      apiVersion: client.authentication.k8s.io/v1beta1\n      command: p\n");
    auto strict = loadRestConfig(explicitFile(v1), "ctx");
    REQUIRE_FALSE(strict);
    CHECK_THAT(strict.error().message, Contains("interactiveMode must be specified") && Contains("\"u\""));
    auto defaulted = loadRestConfig(explicitFile(beta), "ctx");
    REQUIRE(defaulted);
    CHECK(defaulted->exec->interactiveMode == "IfAvailable");
}

TEST_CASE("exec with an unsupported apiVersion is an error") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    exec:\n"
                                "      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: p\n"
                                "      interactiveMode: Never\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("v1alpha1") && Contains("not supported"));
}

TEST_CASE("an auth-provider user is refused with a clear message") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    auth-provider:\n      name: oidc\n"
                                "      config:\n        id-token: OidcSecretIdToken-9911\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("auth-provider \"oidc\"") && Contains("exec plugin"));
    CHECK_THAT(rest.error().message, !Contains("OidcSecretIdToken-9911"));
}

// ---- malformed files ---------------------------------------------------------------------------------------

TEST_CASE("malformed YAML names the file and line and column") {
    std::string path = fixture("kubeconfig/malformed.yaml");
    auto merged = loadKubeconfig(explicitFile(path));
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::Invalid);
    // The unclosed flow sequence opens on line 7 (after the comment); the parser notices at or after it.
    CHECK_THAT(merged.error().message, StartsWith(path + ":"));
    std::string rest = merged.error().message.substr(path.size() + 1);
    int line = std::atoi(rest.c_str());
    CHECK(line >= 7);
}

TEST_CASE("a wrong field type names file line column and field path") {
    TempDir dir;
    // line 1 "clusters:", 2 "- name: c", 3 "  cluster:", 4 "    server: 6443" → the value starts at column 13.
    std::string cfg = dir.write("config", "clusters:\n- name: c\n  cluster:\n    server: 6443\n");
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::Invalid);
    CHECK(merged.error().message == cfg + ":4:13: clusters[0].cluster.server must be a string, not a number");
}

TEST_CASE("a wrong type for a list or a map or a boolean is an error with its field") {
    TempDir dir;
    std::string notList = dir.write("a", "users:\n  alice: {}\n");
    std::string notMap = dir.write("b", "contexts:\n- name: x\n  context: [1]\n");
    std::string notBool = dir.write("c", "clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: \"true\"\n");
    std::string badArg = dir.write("d", "users:\n- name: u\n  user:\n    exec:\n      args: [ok, {no: 1}]\n");
    auto a = loadKubeconfig(explicitFile(notList));
    auto b = loadKubeconfig(explicitFile(notMap));
    auto c = loadKubeconfig(explicitFile(notBool));
    auto d = loadKubeconfig(explicitFile(badArg));
    REQUIRE_FALSE(a);
    REQUIRE_FALSE(b);
    REQUIRE_FALSE(c);
    REQUIRE_FALSE(d);
    CHECK(a.error().message == notList + ":2:3: users must be a list, not a map");
    CHECK(b.error().message == notMap + ":3:12: contexts[0].context must be a map, not a list");
    CHECK(c.error().message == notBool + ":4:31: clusters[0].cluster.insecure-skip-tls-verify must be true or false, not a string");
    CHECK_THAT(d.error().message, StartsWith(badArg + ":5:") && Contains("users[0].user.exec.args[1] must be a string"));
}

TEST_CASE("invalid base64 in a -data field names the place and field but not the content") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "users:\n- name: u\n  user:\n    client-key-data: NotBase64!!SecretKeyMaterial-42\n");
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE_FALSE(merged);
    CHECK_THAT(merged.error().message,
               StartsWith(cfg + ":4:22: users[0].user.client-key-data is not valid base64"));
    CHECK_THAT(merged.error().message, !Contains("SecretKeyMaterial") && !Contains("NotBase64"));
}

TEST_CASE("unknown fields are tolerated as client-go ignores them") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "apiVersion: v1\nkind: Config\nfuture-field: {a: 1}\n"
                                "clusters:\n- name: c\n  extra: 1\n  cluster:\n    server: https://x\n    shiny-new-option: true\n"
                                "users:\n- name: u\n  user:\n    future-auth: {x: 1}\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u, extensions: []}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    CHECK(rest->server == "https://x");
}

TEST_CASE("a name defined twice in one file is an error at the second one") {
    TempDir dir;
    std::string cfg = dir.write("config", "users:\n- name: u\n  user: {}\n- name: u\n  user: {}\n");
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE_FALSE(merged);
    CHECK_THAT(merged.error().message, StartsWith(cfg + ":4:9: users[1].name") && Contains("\"u\" is defined twice"));
}

TEST_CASE("a file of another kind or apiVersion is refused") {
    TempDir dir;
    std::string pod = dir.write("pod.yaml", "apiVersion: v1\nkind: Pod\n");
    std::string v2 = dir.write("v2.yaml", "apiVersion: v2\nkind: Config\n");
    std::string list = dir.write("list.yaml", "- a\n- b\n");
    auto a = loadKubeconfig(explicitFile(pod));
    auto b = loadKubeconfig(explicitFile(v2));
    auto c = loadKubeconfig(explicitFile(list));
    REQUIRE_FALSE(a);
    REQUIRE_FALSE(b);
    REQUIRE_FALSE(c);
    CHECK_THAT(a.error().message, StartsWith(pod + ":2:7: kind is \"Pod\""));
    CHECK_THAT(b.error().message, StartsWith(v2 + ":1:13: apiVersion is \"v2\""));
    CHECK_THAT(c.error().message, Contains("a kubeconfig must be a map, not a list"));
}

TEST_CASE("a kubeconfig over the size limit is refused before parsing") {
    TempDir dir;
    std::string big = "# padding\n" + std::string(kc::kMaxKubeconfigBytes, '#') + "\n";
    std::string cfg = dir.write("big", big);
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE_FALSE(merged);
    CHECK(merged.error().kind == ErrorKind::Invalid);
    CHECK_THAT(merged.error().message, Contains(cfg) && Contains("limit"));
}

// ---- secrets stay out of messages --------------------------------------------------------------------------

TEST_CASE("no token or password or key appears in any error or in describe") {
    const std::string token = "DistinctiveToken-QX7-never-print";
    const std::string password = "DistinctivePassword-77";
    const std::string keyPem = "-----BEGIN PRIVATE KEY-----\nDistinctiveKeyBody\n-----END PRIVATE KEY-----\n";
    const std::string keyData = kc::base64Encode(keyPem);
    TempDir dir;
    auto forbidden = [&](const std::string& text) {
        CHECK_THAT(text, !Contains(token) && !Contains(password) && !Contains("DistinctiveKeyBody") &&
                             !Contains(keyData) && !Contains("hunter"));
    };

    SECTION("describe of a user with every kind of secret") {
        std::string cfg = dir.write("config",
                                    "clusters:\n- name: c\n  cluster:\n    server: https://admin:hunter2@10.0.0.1:6443\n"
                                    "users:\n- name: u\n  user:\n    token: " + token + "\n"
                                    "    client-certificate-data: " + kc::base64Encode("CERT") + "\n"
                                    "    client-key-data: " + keyData + "\n"
                                    "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
        auto rest = loadRestConfig(explicitFile(cfg), "ctx");
        REQUIRE(rest);
        CHECK(rest->token == token);
        CHECK(rest->describe() ==
              "context ctx (cluster c at https://10.0.0.1:6443, user u: client certificate and token)");
        forbidden(rest->describe());
    }
    SECTION("a wrong type next to the secrets") {
        std::string cfg = dir.write("config", "users:\n- name: u\n  user:\n    token: " + token + "\n    password: " +
                                                  password + "\n    username: 12\n");
        auto merged = loadKubeconfig(explicitFile(cfg));
        REQUIRE_FALSE(merged);
        forbidden(merged.error().message);
    }
    SECTION("a secret of the wrong type") {
        std::string cfg = dir.write("config", "users:\n- name: u\n  user:\n    token: [" + token + "]\n");
        auto merged = loadKubeconfig(explicitFile(cfg));
        REQUIRE_FALSE(merged);
        CHECK_THAT(merged.error().message, Contains("users[0].user.token must be a string"));
        forbidden(merged.error().message);
    }
    SECTION("a YAML syntax error right after a token") {
        std::string cfg = dir.write("config", "users:\n- name: u\n  user:\n    token: " + token + "\n    password: [\n");
        auto merged = loadKubeconfig(explicitFile(cfg));
        REQUIRE_FALSE(merged);
        forbidden(merged.error().message);
    }
    SECTION("a validation error on a user with secrets") {
        std::string cfg = dir.write("config",
                                    "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                    "users:\n- name: u\n  user:\n    token: " + token + "\n    password: " + password + "\n"
                                    "    client-key-data: " + keyData + "\n"
                                    "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
        auto rest = loadRestConfig(explicitFile(cfg), "ctx");
        REQUIRE_FALSE(rest);
        forbidden(rest.error().message);
    }
    SECTION("a duplicate key in a user holding secrets") {
        std::string cfg = dir.write("config", "users:\n- name: u\n  user:\n    token: " + token + "\n    token: " +
                                                  password + "\n");
        auto merged = loadKubeconfig(explicitFile(cfg));
        REQUIRE_FALSE(merged);
        forbidden(merged.error().message);
    }
}

// ---- base64 for *-data fields ------------------------------------------------------------------------------

TEST_CASE("base64 round trips and follows the standard padded alphabet") {
    CHECK(kc::base64Encode("") == "");
    CHECK(kc::base64Encode("f") == "Zg==");
    CHECK(kc::base64Encode("fo") == "Zm8=");
    CHECK(kc::base64Encode("foo") == "Zm9v");
    CHECK(kc::base64Encode("foobar") == "Zm9vYmFy");
    CHECK(kc::base64Decode("Zm9vYmE=").value() == "fooba");
    CHECK(kc::base64Decode("Zm9v\nYmFy\r\n").value() == "foobar");
    CHECK(kc::base64Decode(kc::base64Encode(std::string("\0\xff\x10", 3))).value() == std::string("\0\xff\x10", 3));
}

TEST_CASE("base64 rejects bad characters and bad padding") {
    CHECK_FALSE(kc::base64Decode("Zm9v!"));
    CHECK_FALSE(kc::base64Decode("Zm9"));       // truncated group
    CHECK_FALSE(kc::base64Decode("Zg"));        // missing padding, as Go's StdEncoding requires it
    CHECK_FALSE(kc::base64Decode("Zg===="));    // too much padding
    CHECK_FALSE(kc::base64Decode("Zg==Zm9v"));  // data after padding
    CHECK_FALSE(kc::base64Decode("Zm9v-_"));    // URL alphabet is not the standard one
}

// ---- what kubeclass refuses rather than half-does ----------------------------------------------------------

TEST_CASE("a user that impersonates someone else is refused rather than silently ignored") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    token: t0ken-123\n    as: system:admin\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("impersonates") && Contains("\"u\""));
}

TEST_CASE("an impersonation field of the wrong type is a positioned error") {
    TempDir dir;
    std::string cfg = dir.write("config", "users:\n- name: u\n  user:\n    as-groups: admins\n");
    auto merged = loadKubeconfig(explicitFile(cfg));
    REQUIRE_FALSE(merged);
    CHECK(merged.error().message == cfg + ":4:16: users[0].user.as-groups must be a list, not a string");
}

TEST_CASE("an unreadable tokenFile fails when the context is resolved as in client-go") {
    TempDir dir;
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                "users:\n- name: u\n  user:\n    tokenFile: missing-token\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE_FALSE(rest);
    CHECK_THAT(rest.error().message, Contains("tokenFile") && Contains(dir.path() + "/missing-token"));
}

TEST_CASE("an exec plugin's cluster info carries the CA read from a certificate-authority file") {
    TempDir dir;
    dir.write("ca.pem", "CA-FROM-FILE");
    std::string cfg = dir.write("config",
                                "clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority: ca.pem\n"
                                "    tls-server-name: api.lab\n"
                                "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                "      command: p\n      interactiveMode: Never\n      provideClusterInfo: true\n"
                                "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n");
    auto rest = loadRestConfig(explicitFile(cfg), "ctx");
    REQUIRE(rest);
    kc::ExecClusterInfo info = rest->execClusterInfo();
    CHECK(info.caPem == "CA-FROM-FILE");
    CHECK(info.tlsServerName == "api.lab");
    CHECK_FALSE(info.config);
}
