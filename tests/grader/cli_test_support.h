// Running the real kubeclass-grade binary in CLI tests, with the fixtures under tests/fixtures/cli/.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "clusters/process_runner.h"

namespace kc::grader::testing {

inline const std::string kCliFixtures = std::string(KUBECLASS_TEST_FIXTURES) + "/cli";
inline const std::string kCliLab = kCliFixtures + "/labs/lab-90-cli";
inline const std::string kPartialSnapshot = kCliFixtures + "/snapshots/partial.yaml";
inline const std::string kReferenceSnapshot = kCliFixtures + "/snapshots/reference.yaml";

// Runs kubeclass-grade; the data root points at the CLI fixtures so lab ids resolve there, and NO_COLOR keeps
// output plain whatever the terminal.
inline ProcessResult grade(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env = {}) {
    env.emplace_back("KUBECLASS_DATA_DIR", kCliFixtures);
    env.emplace_back("NO_COLOR", "1");
    auto result = posixProcessRunner()->run(
        {.program = KUBECLASS_GRADE_EXE, .args = std::move(args), .extraEnv = std::move(env),
         .timeout = std::chrono::milliseconds(120000)});
    if (!result) return ProcessResult{-2, "", "could not run kubeclass-grade: " + result.error().message};
    return *result;
}

// A 127.0.0.1 port that nothing listens on: bound, read, then closed again.
inline int closedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

inline std::string unreachableKubeconfig(int port) {
    return "apiVersion: v1\nkind: Config\n"
           "clusters:\n- name: gone\n  cluster: {server: \"https://127.0.0.1:" +
           std::to_string(port) +
           "\", insecure-skip-tls-verify: true}\n"
           "users:\n- name: u\n  user: {token: t}\n"
           "contexts:\n- name: gone\n  context: {cluster: gone, user: u}\n"
           "current-context: gone\n";
}

}  // namespace kc::grader::testing
