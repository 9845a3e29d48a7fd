// `kubeclass-grade rubric validate|explain LAB_OR_FILE`: load a rubric (and overlays) and report every problem,
// or print how the lab is graded.
#include <ostream>

#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"
#include "grader/lab_locator.h"
#include "grader/report.h"
#include "grader/rubric_explain.h"
#include "grader/rubric_loader.h"

namespace kc::grader {

namespace {

class RubricCommand : public CliCommand {
public:
    std::string name() const override { return "rubric"; }
    std::string summary() const override { return "validate or explain a lab's rubric"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade rubric validate LAB_OR_FILE [--overlay FILE]...\n"
               "       kubeclass-grade rubric explain LAB_OR_FILE [--overlay FILE]... [--include-hidden]\n\n"
               "LAB_OR_FILE is a lab id (lab-02), a lab directory or a rubric file.\n"
               "validate prints \"ok: N checks, P points\", or every error as FILE:LINE:COL: message (exit 2).\n"
               "explain prints each check and what its steps look for; hidden and after_due_date checks only\n"
               "with --include-hidden.\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        auto parsed = parseArgs(args, {{"overlay", true, true}, {"include-hidden", false}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (parsed->positional.size() != 2)
            return badUsage(io, parsed->positional.empty() ? "missing action: validate or explain"
                                                           : "expected an action and one LAB_OR_FILE");
        const std::string& action = parsed->positional[0];
        if (action != "validate" && action != "explain") return badUsage(io, "unknown action \"" + action + "\"");
        if (action == "validate" && parsed->has("include-hidden"))
            return badUsage(io, "--include-hidden applies to explain only");

        auto path = locateRubric(parsed->positional[1]);
        if (!path) {
            io.err << "kubeclass-grade rubric: " << path.error().message << "\n";
            return kExitBadInput;
        }
        auto rubric = loadRubricWithOverlays(*path, parsed->values.count("overlay") ? parsed->values.at("overlay") : std::vector<std::string>{});
        if (!rubric) {
            // The loader's message is every error, one FILE:LINE:COL line each.
            io.err << rubric.error().message << "\n";
            return kExitBadInput;
        }
        if (action == "validate") {
            io.out << "ok: " << rubric->checks.size() << " checks, " << formatPoints(rubric->totalPoints(true))
                   << " points\n";
            return kExitGraded;
        }
        io.out << explainRubric(*rubric, parsed->has("include-hidden"));
        return kExitGraded;
    }

};

}  // namespace

std::unique_ptr<CliCommand> makeRubricCommand() { return std::make_unique<RubricCommand>(); }

}  // namespace kc::grader
