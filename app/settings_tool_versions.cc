// Tool version probes for the Settings page.
#include "app/settings_tool_versions.h"

#include <regex>

#include "clusters/redact.h"

namespace kc::app {

const char* toolName(Tool tool) {
    switch (tool) {
        case Tool::Kind: return "kind";
        case Tool::Kubectl: return "kubectl";
        case Tool::Docker: return "docker";
        case Tool::Helm: return "helm";
    }
    return "tool";
}

const char* toolInstallHint(Tool tool) {
    switch (tool) {
        case Tool::Kind: return "install kind from https://kind.sigs.k8s.io/docs/user/quick-start/#installation";
        case Tool::Kubectl: return "install kubectl from https://kubernetes.io/docs/tasks/tools/";
        case Tool::Docker: return "install Docker Engine from https://docs.docker.com/engine/install/";
        case Tool::Helm: return "install Helm from https://helm.sh/docs/intro/install/";
    }
    return "";
}

ProcessSpec toolVersionCommand(Tool tool, const std::string& configuredPath) {
    ProcessSpec spec;
    spec.program = configuredPath.empty() ? toolName(tool) : configuredPath;
    switch (tool) {
        case Tool::Kind: spec.args = {"version"}; break;
        case Tool::Kubectl: spec.args = {"version", "--client"}; break;
        case Tool::Docker: spec.args = {"--version"}; break;
        case Tool::Helm: spec.args = {"version", "--short"}; break;
    }
    spec.timeout = std::chrono::milliseconds(10000);
    spec.maxOutputBytes = 64 * 1024;
    return spec;
}

std::optional<std::string> parseToolVersion(const std::string& output) {
    // A version is v?N.N(.N) not glued to a word before it ("go1.20.4" in kind's answer is not kind's version).
    static const std::regex version(R"((?:^|[^0-9A-Za-z.])(v?[0-9]+\.[0-9]+(?:\.[0-9]+)?))");
    std::smatch match;
    if (!std::regex_search(output, match, version)) return std::nullopt;
    return match[1].str();
}

ToolVersion detectToolVersion(ProcessRunner& runner, Tool tool, const std::string& configuredPath) {
    auto result = runner.run(toolVersionCommand(tool, configuredPath));
    const std::string name = toolName(tool);
    if (!result) {
        if (result.error().kind == ErrorKind::NotFound)
            return {false, configuredPath.empty() ? "not found on PATH; " + std::string(toolInstallHint(tool))
                                                  : "cannot run " + configuredPath};
        return {false, "`" + name + "` did not answer: " + boundedForMessage(result.error().message, 200)};
    }
    auto version = parseToolVersion(result->stdoutText);
    if (result->exitCode != 0 || !version) {
        std::string said = redactTokenLike(result->stderrText.empty() ? result->stdoutText : result->stderrText);
        return {false, "`" + name + " " + toolVersionCommand(tool, {}).args.front() + "` failed (exit " +
                           std::to_string(result->exitCode) + "): " + boundedForMessage(said, 200)};
    }
    return {true, *version};
}

}  // namespace kc::app
