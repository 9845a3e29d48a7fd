// Forwarding runner with listening hooks.
#include "app/cluster_observed_runner.h"

#include <utility>

namespace kc::app {

ObservedProcessRunner::ObservedProcessRunner(std::shared_ptr<ProcessRunner> inner, ProcessObserver observer)
    : inner_(inner ? std::move(inner) : posixProcessRunner()), observer_(std::move(observer)) {}

Result<ProcessResult> ObservedProcessRunner::run(const ProcessSpec& spec) {
    if (observer_.onStart) observer_.onStart(spec);
    ProcessSpec observed = spec;
    if (observer_.onLine) {
        auto original = spec.onStderrLine;
        // The observer sees the spec as the caller made it (program, args), not this copy.
        observed.onStderrLine = [this, &spec, original](std::string_view line) {
            observer_.onLine(spec, line);
            if (original) original(line);
        };
    }
    auto result = inner_->run(observed);
    if (observer_.onEnd) observer_.onEnd(spec, result);
    return result;
}

}  // namespace kc::app
