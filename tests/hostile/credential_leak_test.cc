// Credentials never leave kubeclass-grade: every CLI path that touches one (bearer tokens inline, token files,
// exec-plugin tokens, client keys, the git token of batch fetching) is run with distinctive test secrets, through
// success and failure (401, refused connection, bad TLS, unreachable git host), and everything it wrote (stdout,
// stderr, reports, captures, gradebook, exports) is searched for them. Also: TLS is verified unless the kubeconfig
// says insecure-skip-tls-verify.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/grader/cli_test_support.h"
#include "tests/grader/double_fixture.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace fs = std::filesystem;
using namespace kc::grader::testing;
using kc::testing::ApiDouble;
using kc::testing::TempDir;
using kc::testing::TestPki;
using kc::testing::base64Encode;

namespace {

const std::string kBearer = "kcleak-bearer-5e1f0c2a9d7b4e33";
const std::string kWrongBearer = "kcleak-wrong-bearer-8a6d2f1c0b9e";
const std::string kFileToken = "kcleak-tokenfile-3c9e7a1d5f2b";
const std::string kExecToken = "kcleak-exec-token-6b2d8f0a4c1e";
const std::string kGitToken = "kcleak-git-token-9f4a2c7e1d3b";
const std::string kUrlToken = "kcleak-url-token-2d7f1a9c3e5b";

// Pieces of the client key as they could leak: a line of the PEM body and a stretch of its base64 in the
// kubeconfig (client-key-data).
std::vector<std::string> keyPieces() {
    const std::string& pem = TestPki::shared().clientKeyPem;
    std::istringstream lines(pem);
    std::string line, body;
    while (std::getline(lines, line))
        if (line.rfind("-----", 0) != 0 && line.size() >= 32) {
            body = line.substr(0, 32);
            break;
        }
    std::string data = base64Encode(pem);
    return {body, data.substr(data.size() / 2, 32)};
}

std::vector<std::string> allSecrets() {
    std::vector<std::string> s = {kBearer, kWrongBearer, kFileToken, kExecToken, kGitToken, kUrlToken};
    for (auto& p : keyPieces()) s.push_back(p);
    return s;
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Everything a run left: its output and every file under the folders it wrote to (binary files included:
// the gradebook is SQLite, and a token in it would be a leak too).
void requireNoSecret(const kc::ProcessResult& r, const std::vector<std::string>& writtenDirs, const std::string& what) {
    std::vector<std::pair<std::string, std::string>> outputs = {{"stdout", r.stdoutText}, {"stderr", r.stderrText}};
    for (const auto& dir : writtenDirs) {
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(dir, ec))
            if (e.is_regular_file() && e.path().filename() != "kubeconfig" && e.path().filename() != "token" &&
                e.path().filename() != "roster.csv")
                outputs.emplace_back(e.path().string(), readAll(e.path()));
    }
    for (const auto& [name, text] : outputs)
        for (const auto& secret : allSecrets()) {
            INFO(what << ": " << name << " holds a secret");
            CHECK(text.find(secret) == std::string::npos);
        }
}

// A kubeconfig for the double with the given user block (YAML flow map) and cluster TLS fields.
std::string kubeconfigFor(const std::string& server, const std::string& clusterTls, const std::string& user) {
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: leak-cluster\n  cluster: {server: \"" + server + "\", " +
           clusterTls + "}\nusers:\n- name: leak-user\n  user: " + user +
           "\ncontexts:\n- name: leak\n  context: {cluster: leak-cluster, user: leak-user, namespace: shop}\n"
           "current-context: leak\n";
}

std::string trustedCa() { return "certificate-authority-data: " + base64Encode(TestPki::shared().caPem); }

}  // namespace

TEST_CASE("no CLI output or written file holds a kubeconfig credential") {
    auto server = ApiDouble::start({.tokens = {kBearer, kFileToken, kExecToken}});
    createNamespace(*server, "shop");
    TempDir dir;
    const std::string out = dir.path() + "/out";
    fs::create_directories(out);
    const auto& pki = TestPki::shared();
    const std::string keyUser = "{client-certificate-data: " + base64Encode(pki.clientCertPem) +
                                ", client-key-data: " + base64Encode(pki.clientKeyPem) + "}";

    SECTION("a bearer token that works: text and json reports, and a capture") {
        auto kc = dir.write("kubeconfig", kubeconfigFor(server->url(), trustedCa(), "{token: " + kBearer + "}"));
        auto text = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc, "--include-hidden"});
        CHECK(text.exitCode == 0);
        requireNoSecret(text, {}, "check text");
        auto json = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc, "--format", "json", "--out",
                           out + "/report.json"});
        CHECK(json.exitCode == 0);
        CHECK(fs::exists(out + "/report.json"));
        auto capture = grade({"capture", "--lab", "lab-90-cli", "--kubeconfig", kc, "--out", out + "/capture"});
        CHECK(capture.exitCode == 0);
        requireNoSecret(capture, {out}, "json report and capture");
    }
    SECTION("a bearer token the server refuses (401)") {
        auto kc = dir.write("kubeconfig", kubeconfigFor(server->url(), trustedCa(), "{token: " + kWrongBearer + "}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc, "--format", "json", "--out",
                        out + "/report.json"});
        INFO(r.stderrText);
        // The refusal is reported and nothing is graded (exit 3, no report); the token is not in the message.
        CHECK(r.exitCode == 3);
        CHECK(r.stderrText.find("Unauthorized") != std::string::npos);
        CHECK_FALSE(fs::exists(out + "/report.json"));
        requireNoSecret(r, {out}, "401");
    }
    SECTION("a token file, and a client key, against a closed port") {
        dir.write("token", kFileToken + "\n");
        std::string closed = "https://127.0.0.1:" + std::to_string(closedPort());
        auto kc = dir.write("kubeconfig", kubeconfigFor(closed, trustedCa(), "{tokenFile: " + dir.path() + "/token}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        CHECK(r.exitCode == 3);
        requireNoSecret(r, {}, "token file, unreachable");
        kc = dir.write("kubeconfig", kubeconfigFor(closed, trustedCa(), keyUser));
        r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        CHECK(r.exitCode == 3);
        requireNoSecret(r, {}, "client key, unreachable");
    }
    SECTION("a client key and a bearer token against a server whose certificate is not trusted") {
        auto kc = dir.write("kubeconfig",
                            kubeconfigFor(server->url(), "certificate-authority-data: " + base64Encode(pki.otherCaPem),
                                          "{token: " + kBearer + ", client-key-data: " +
                                              base64Encode(pki.clientKeyPem) + ", client-certificate-data: " +
                                              base64Encode(pki.clientCertPem) + "}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        CHECK(r.exitCode != 0);
        requireNoSecret(r, {}, "bad TLS");
    }
    SECTION("an exec plugin's token, accepted and then refused") {
        const std::string plugin = std::string(KUBECLASS_TEST_FIXTURES) + "/exec-plugins/token-plugin.sh";
        fs::create_directories(dir.path() + "/record");
        const std::string exec = "{exec: {apiVersion: client.authentication.k8s.io/v1, command: " + plugin +
                                 ", interactiveMode: Never, env: [{name: RECORD_DIR, value: " + dir.path() +
                                 "/record}, {name: PLUGIN_TOKEN, value: " + kExecToken + "}]}}";
        auto kc = dir.write("kubeconfig", kubeconfigFor(server->url(), trustedCa(), exec));
        auto ok = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc, "--format", "json"});
        INFO(ok.stderrText);
        CHECK(ok.exitCode == 0);
        requireNoSecret(ok, {}, "exec accepted");
        server->setTokens({"some-other-token"});
        auto refused = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        requireNoSecret(refused, {}, "exec refused");
    }
}

TEST_CASE("batch grading keeps the git token out of its output, gradebook and exports") {
    TempDir dir;
    const std::string out = dir.path() + "/out";
    // An https host where nothing listens: the fetch fails after the token was handed to libgit2.
    const std::string repo = "https://127.0.0.1:" + std::to_string(closedPort()) + "/ann/lab.git";
    auto roster = dir.write("roster.csv", "student_id,name,email,repo_url\ns1,Ann,ann@example.edu," + repo + "\n");
    auto r = grade({"batch", "--roster", roster, "--lab", "lab-90-cli", "--db", dir.path() + "/state/gradebook.db",
                    "--work-dir", dir.path() + "/state/work", "--export", "canvas,moodle,html", "--out", out},
                   {{"KUBECLASS_GIT_TOKEN", kGitToken}, {"HOME", dir.path()}, {"GIT_TERMINAL_PROMPT", "0"}});
    INFO(r.stderrText);
    CHECK(r.stderrText.find("s1") != std::string::npos);  // the student was attempted
    requireNoSecret(r, {dir.path() + "/state", out}, "batch with a git token");

    // A token written into a roster URL is refused without being repeated.
    auto withToken = dir.write("roster.csv", "student_id,name,email,repo_url\ns1,Ann,ann@example.edu,https://ann:" +
                                                 kUrlToken + "@git.example.edu/ann/lab.git\n");
    auto refused = grade({"batch", "--roster", withToken, "--lab", "lab-90-cli", "--db",
                          dir.path() + "/state2/gradebook.db", "--work-dir", dir.path() + "/state2/work"},
                         {{"HOME", dir.path()}});
    CHECK(refused.exitCode == 2);
    requireNoSecret(refused, {dir.path() + "/state2"}, "token in a roster URL");
}

TEST_CASE("TLS is verified unless the kubeconfig says insecure-skip-tls-verify") {
    auto server = ApiDouble::start({.tokens = {kBearer}});
    createNamespace(*server, "shop");
    TempDir dir;
    const auto& pki = TestPki::shared();
    SECTION("a CA that did not sign the server's certificate is a TLS error naming the cluster") {
        auto kc = dir.write("kubeconfig",
                            kubeconfigFor(server->url(), "certificate-authority-data: " + base64Encode(pki.otherCaPem),
                                          "{token: " + kBearer + "}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        INFO(r.stderrText);
        CHECK(r.exitCode == 3);
        CHECK(r.stdoutText.empty());
        CHECK((r.stderrText.find("certificate") != std::string::npos ||
               r.stderrText.find("TLS") != std::string::npos));
        CHECK(r.stderrText.find("leak-cluster") != std::string::npos);
    }
    SECTION("no CA at all: the system trust store does not know the test CA either") {
        auto kc = dir.write("kubeconfig", kubeconfigFor(server->url(), "tls-server-name: localhost",
                                                         "{token: " + kBearer + "}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        INFO(r.stderrText);
        CHECK(r.exitCode == 3);
    }
    SECTION("insecure-skip-tls-verify: true connects despite the unknown CA") {
        auto kc = dir.write("kubeconfig", kubeconfigFor(server->url(), "insecure-skip-tls-verify: true",
                                                         "{token: " + kBearer + "}"));
        auto r = grade({"check", "--lab", "lab-90-cli", "--kubeconfig", kc});
        INFO(r.stderrText);
        CHECK(r.exitCode == 0);
    }
}
