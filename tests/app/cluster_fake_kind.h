// A fake kind for the Cluster page's tests and the app benchmark: `kind create cluster` prints its stderr one
// line at a time with pauses (as kind does while it works), can fail or hang until stopped, and remembers the
// clusters it made, so `get clusters` lists them and `delete cluster` forgets them. Every call is also handed
// to a FakeTool ("kind-rules") that logs argv and answers anything else (`version`, `get kubeconfig`).
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

namespace kc::testing {

struct PacedCreate {
    std::string stderrText;     // what create prints, line by line
    double pauseSeconds = 0.03;  // after every `linesPerPause` lines
    int linesPerPause = 1;
    int exitCode = 0;
    bool hang = false;  // after printing, wait until stopped (SIGTERM), like a kind stuck in a stage
};

class PacedFakeKind {
public:
    explicit PacedFakeKind(const TempDir& dir) : dir_(dir), rules_(dir, "kind-rules") {
        state_ = dir.path() + "/kind-clusters";
        create_ = dir.path() + "/kind-create";
        dir.write("kind-clusters", "");
        const std::string rules = rules_.path();
        std::string script =
            "#!/bin/sh\n"
            "# Fake kind for kubeclass app tests.\n"
            "STATE='" + state_ + "'\nCREATE='" + create_ + "'\nRULES='" + rules + "'\n"
            "name=''; prev=''\n"
            "for a in \"$@\"; do [ \"$prev\" = --name ] && name=\"$a\"; prev=\"$a\"; done\n"
            "case \"$1 $2\" in\n"
            "'get clusters')\n"
            "  \"$RULES\" \"$@\" >/dev/null 2>&1\n"
            "  if [ -s \"$STATE\" ]; then cat \"$STATE\"; else echo 'No kind clusters found.' >&2; fi\n"
            "  exit 0;;\n"
            "'create cluster')\n"
            "  \"$RULES\" \"$@\" >/dev/null 2>&1\n"
            "  pause=$(cat \"$CREATE.pause\"); every=$(cat \"$CREATE.every\"); n=0\n"
            "  while IFS= read -r line; do\n"
            "    printf '%s\\n' \"$line\" >&2\n"
            "    n=$((n+1)); if [ \"$n\" -ge \"$every\" ]; then n=0; sleep \"$pause\"; fi\n"
            "  done < \"$CREATE.lines\"\n"
            "  if [ -f \"$CREATE.hang\" ]; then\n"
            "    sleep 60 & child=$!\n"
            "    trap 'kill $child 2>/dev/null; exit 143' TERM INT\n"
            "    wait $child\n"
            "  fi\n"
            "  code=$(cat \"$CREATE.exit\")\n"
            "  [ \"$code\" = 0 ] && printf '%s\\n' \"$name\" >> \"$STATE\"\n"
            "  exit \"$code\";;\n"
            "'delete cluster')\n"
            "  \"$RULES\" \"$@\" >/dev/null 2>&1\n"
            "  grep -vx \"$name\" \"$STATE\" > \"$STATE.tmp\"; mv \"$STATE.tmp\" \"$STATE\"\n"
            "  exit 0;;\n"
            "esac\n"
            "exec \"$RULES\" \"$@\"\n";
        path_ = dir.write("bin/kind", script, 0755);
        rules_.on({"version"}, {.stdoutText = "kind v0.25.0 go1.22.9 linux/amd64\n"});
        createPrints({});
    }

    void createPrints(const PacedCreate& create) {
        dir_.write("kind-create.lines", create.stderrText);
        dir_.write("kind-create.pause", std::to_string(create.pauseSeconds) + "\n");
        dir_.write("kind-create.every", std::to_string(create.linesPerPause) + "\n");
        dir_.write("kind-create.exit", std::to_string(create.exitCode) + "\n");
        std::remove((create_ + ".hang").c_str());
        if (create.hang) dir_.write("kind-create.hang", "");
    }

    std::vector<std::string> clusters() const {
        std::vector<std::string> names;
        std::ifstream in(state_);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) names.push_back(line);
        return names;
    }

    FakeTool& rules() { return rules_; }
    const std::string& path() const { return path_; }

private:
    const TempDir& dir_;
    FakeTool rules_;
    std::string state_, create_, path_;
};

}  // namespace kc::testing
