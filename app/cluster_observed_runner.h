// A ProcessRunner that lets the Cluster page watch what runs: it tells an observer when each program starts,
// every stderr line as it arrives (kind's output for the live log) and how it ended, then hands the call to the
// real runner unchanged. The lifecycle keeps its own line handling; this only listens alongside it.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "clusters/process_runner.h"

namespace kc::app {

struct ProcessObserver {
    std::function<void(const ProcessSpec&)> onStart;
    std::function<void(const ProcessSpec&, std::string_view line)> onLine;
    std::function<void(const ProcessSpec&, const Result<ProcessResult>&)> onEnd;
};

class ObservedProcessRunner final : public ProcessRunner {
public:
    ObservedProcessRunner(std::shared_ptr<ProcessRunner> inner, ProcessObserver observer);
    Result<ProcessResult> run(const ProcessSpec& spec) override;

private:
    std::shared_ptr<ProcessRunner> inner_;
    ProcessObserver observer_;
};

}  // namespace kc::app
