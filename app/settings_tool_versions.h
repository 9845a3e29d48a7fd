// Which command shows a tool's version and how to read the answer, for the Settings page's "detected" column.
// Qt-free; the page runs the command through the ProcessRunner seam on a worker thread.
#pragma once

#include <optional>
#include <string>

#include "clusters/process_runner.h"

namespace kc::app {

enum class Tool { Kind, Kubectl, Docker, Helm };

const char* toolName(Tool tool);  // "kind", "kubectl", "docker", "helm"
// Where to get it, for the "not found" message.
const char* toolInstallHint(Tool tool);

// `kind version`, `kubectl version --client`, `docker --version` (no daemon needed), `helm version --short`; run from
// configuredPath, or the tool's name on PATH when that is empty. Bounded: 10 s, 64 KB.
ProcessSpec toolVersionCommand(Tool tool, const std::string& configuredPath);

// The first version number in the output ("v0.20.0", "24.0.5", "v3.12.0+gc9f554d" → "v3.12.0"), or nullopt.
std::optional<std::string> parseToolVersion(const std::string& output);

struct ToolVersion {
    bool found = false;
    std::string text;  // the version, or why there is none
};

// Runs the command and describes the outcome for the page.
ToolVersion detectToolVersion(ProcessRunner& runner, Tool tool, const std::string& configuredPath);

}  // namespace kc::app
