// Git credentials: the token from the environment, the credential helper's answer, and the token reaching the
// server yet never any error text (an http server on 127.0.0.1 that refuses every login).
#include "grader/git_credentials.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "clusters/base64.h"
#include "grader/submission_fetcher.h"
#include "tests/support/temp_dir.h"

using namespace std::chrono;

namespace {

// Answers every request with 401 and a Basic challenge, remembering the Authorization headers it saw.
class RefusingHttpServer {
public:
    RefusingHttpServer() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 8) == 0);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~RefusingHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }

    int port() const { return port_; }
    std::vector<std::string> authorizations() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return authorizations_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 50) <= 0) continue;
            int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
                pollfd readable{client, POLLIN, 0};
                if (::poll(&readable, 1, 2000) <= 0) break;
                ssize_t got = ::read(client, buffer, sizeof buffer);
                if (got <= 0) break;
                request.append(buffer, static_cast<size_t>(got));
            }
            for (size_t start = 0; start < request.size();) {
                size_t end = request.find("\r\n", start);
                if (end == std::string::npos) break;
                std::string line = request.substr(start, end - start);
                if (line.size() > 14 && strncasecmp(line.c_str(), "Authorization:", 14) == 0) {
                    std::lock_guard<std::mutex> lock(mutex_);
                    authorizations_.push_back(line.substr(line.find(' ') + 1));
                }
                start = end + 2;
            }
            static const std::string answer =
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n";
            [[maybe_unused]] ssize_t sent = ::write(client, answer.data(), answer.size());
            ::close(client);
        }
    }

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> authorizations_;
};

class ScriptedRunner final : public kc::ProcessRunner {
public:
    std::vector<kc::ProcessSpec> specs;
    kc::ProcessResult answer;
    kc::Result<kc::ProcessResult> run(const kc::ProcessSpec& spec) override {
        specs.push_back(spec);
        return answer;
    }
};

}  // namespace

TEST_CASE("the token comes from KUBECLASS_GIT_TOKEN when it is set") {
    ::setenv("KUBECLASS_GIT_TOKEN", "tok-from-env-1234", 1);
    auto config = kc::grader::gitCredentialConfigFromEnvironment();
    ::unsetenv("KUBECLASS_GIT_TOKEN");
    REQUIRE(config.token.has_value());
    CHECK(*config.token == "tok-from-env-1234");
    CHECK_FALSE(kc::grader::gitCredentialConfigFromEnvironment().token.has_value());

    auto provider = kc::grader::makeGitCredentialProvider(config);
    auto found = provider->forUrl("https://git.example.edu/a/lab.git");
    REQUIRE(found.has_value());
    CHECK(found->username == "x-access-token");
    CHECK(found->password == "tok-from-env-1234");
}

TEST_CASE("without a token the git credential helper is asked once per host and never prompts") {
    auto runner = std::make_shared<ScriptedRunner>();
    runner->answer.exitCode = 0;
    runner->answer.stdoutText = "protocol=https\nhost=git.example.edu\nusername=ada\npassword=helper-secret-99\n";
    kc::grader::GitCredentialConfig config;
    config.runner = runner;
    auto provider = kc::grader::makeGitCredentialProvider(config);

    auto found = provider->forUrl("https://git.example.edu/ada/lab.git");
    REQUIRE(found.has_value());
    CHECK(found->username == "ada");
    CHECK(found->password == "helper-secret-99");
    REQUIRE(runner->specs.size() == 1);
    const kc::ProcessSpec& spec = runner->specs[0];
    CHECK(spec.program == "git");
    CHECK(spec.args == std::vector<std::string>{"credential", "fill"});
    REQUIRE(spec.stdinData.has_value());
    CHECK(*spec.stdinData == "protocol=https\nhost=git.example.edu\npath=ada/lab.git\n\n");
    bool noPrompt = false;
    for (const auto& [name, value] : spec.extraEnv)
        if (name == "GIT_TERMINAL_PROMPT" && value == "0") noPrompt = true;
    CHECK(noPrompt);

    provider->forUrl("https://git.example.edu/other/lab.git");
    CHECK(runner->specs.size() == 1);  // same host: cached
    CHECK(provider->knownSecrets() == std::vector<std::string>{"helper-secret-99"});

    runner->answer.exitCode = 1;
    CHECK_FALSE(provider->forUrl("https://elsewhere.example.edu/x.git").has_value());
}

TEST_CASE("a rejected token reaches the server but never the error text") {
    RefusingHttpServer server;
    kc::testing::TempDir dir;
    const std::string token = "ghp_NeverShowThis0123456789";
    kc::grader::GitCredentialConfig credentialConfig;
    credentialConfig.token = token;
    credentialConfig.useCredentialHelper = false;
    kc::grader::GitSubmissionFetcher fetcher(
        kc::grader::GitFetcherConfig{dir.path(), {}, kc::grader::makeGitCredentialProvider(credentialConfig)});

    kc::grader::RosterEntry entry;
    entry.studentId = "s1";
    entry.repoUrl = "http://127.0.0.1:" + std::to_string(server.port()) + "/class/s1.git";
    kc::grader::SubmissionWindow window{{system_clock::now(), std::nullopt}, kc::grader::CommitChoice::LastOnTime};
    auto fetched = fetcher.fetch(entry, window);
    REQUIRE_FALSE(fetched.has_value());
    INFO(fetched.error().message);
    CHECK(fetched.error().kind == kc::ErrorKind::Unauthorized);
    CHECK_THAT(fetched.error().message, Catch::Contains("student s1"));

    // The server saw Basic auth carrying the token: the credential path really ran.
    std::string basic = "Basic " + kc::base64Encode("x-access-token:" + token);
    auto seen = server.authorizations();
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.front() == basic);
    CHECK_THAT(fetched.error().message, !Catch::Contains(token));
    CHECK_THAT(fetched.error().message, !Catch::Contains(kc::base64Encode("x-access-token:" + token)));
}
