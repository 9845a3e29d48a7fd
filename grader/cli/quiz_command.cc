// `kubeclass-grade quiz validate|grade|export`: check the question bank, grade students' answers files against
// it, or write it for Moodle. Parses flags, calls quiz/ and the grader's reports, prints; exit codes per the CLI
// contract (a bad answers file is reported and the rest still graded, then exit 2).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"
#include "grader/lab_locator.h"
#include "grader/quiz_answers.h"
#include "grader/quiz_report.h"
#include "grader/report.h"
#include "quiz/bank_loader.h"
#include "quiz/bank_validator.h"
#include "quiz/gift_export.h"

namespace kc::grader {

namespace {

namespace fs = std::filesystem;

// A class is hundreds of files; more than this in one directory is a wrong path, not a class.
constexpr std::size_t kMaxAnswersFiles = 10000;

struct LoadedBank {
    std::string dir;
    std::string lectureNotes;  // the data root's lecture-notes/ when the bank was found there
    std::vector<quiz::Question> questions;
};

// Loads the bank named by --bank or found under the data root; prints every problem and returns nullopt.
std::optional<LoadedBank> loadQuizBank(const ParsedArgs& args, CliIo io) {
    LoadedBank bank;
    if (auto dir = args.value("bank")) {
        bank.dir = *dir;
    } else {
        auto found = locateQuizBank();
        if (!found) {
            io.err << "kubeclass-grade quiz: " << found.error().message << "\n";
            return std::nullopt;
        }
        bank.dir = found->bank;
        bank.lectureNotes = found->lectureNotes;
    }
    auto loaded = quiz::loadBank(bank.dir);
    if (!loaded) {
        for (const auto& e : loaded.error()) io.err << e.toString() << "\n";
        return std::nullopt;
    }
    bank.questions = std::move(*loaded);
    return bank;
}

// Grading and export need a bank whose answers agree with its options and whose ids are unique; coverage and
// references are `quiz validate`'s business.
bool bankIsConsistent(const LoadedBank& bank, CliIo io) {
    auto errors = quiz::validateBank(bank.questions, quiz::ValidationOptions{0, std::nullopt});
    for (const auto& e : errors) io.err << e.toString() << "\n";
    if (!errors.empty()) io.err << "kubeclass-grade quiz: the bank " << bank.dir << " has errors (see above)\n";
    return errors.empty();
}

bool isAnswersFile(const fs::path& p) {
    auto ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// A student id as a file name: letters, digits, '.', '_' and '-' kept, anything else '_'.
std::string safeFileName(const std::string& id) {
    std::string out;
    for (char c : id)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
    if (out.empty() || out[0] == '.') out = "_" + out;
    return out;
}

class QuizCommand : public CliCommand {
public:
    std::string name() const override { return "quiz"; }
    std::string summary() const override { return "validate the quiz bank, grade answers files, export for Moodle"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade quiz validate [--bank DIR] [--lecture-notes DIR] [--min-per-topic N]\n"
               "       kubeclass-grade quiz grade --answers PATH [--bank DIR]\n"
               "                                  [--format text|json|csv|junit|gradescope|markdown] [--out PATH]\n"
               "       kubeclass-grade quiz export --format gift [--bank DIR] [--out FILE]\n\n"
               "--bank defaults to the course bank (quiz/bank under the data root, as for labs; KUBECLASS_DATA_DIR\n"
               "overrides). validate checks ids, topic coverage (--min-per-topic, default 8, for topics 1-8),\n"
               "answers against options, duplicate stems and lecture references; the references must resolve in\n"
               "--lecture-notes, or in the data root's lecture-notes/ when --bank is not given.\n\n"
               "grade reads one answers file or every *.yaml, *.yml and *.json file in a directory (format in\n"
               "quiz/README.md). A file that cannot be read is reported as FILE:LINE:COL: message and the others\n"
               "are still graded. text and markdown print one report per student; json and csv one document for\n"
               "all; junit and gradescope one file per student, so a directory needs --out DIR.\n\n"
               "export --format gift writes the bank in Moodle's GIFT format.\n\n"
               "Exit codes: 0 done, 2 bad input (a bad flag or bank, or any answers file that could not be graded).\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        auto parsed = parseArgs(args, {{"bank"},
                                       {"lecture-notes"},
                                       {"min-per-topic"},
                                       {"answers"},
                                       {"format"},
                                       {"out"}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (parsed->positional.size() != 1)
            return badUsage(io, parsed->positional.empty() ? "missing action: validate, grade or export"
                                                           : "expected one action, not \"" + parsed->positional[1] + "\"");
        const std::string action = parsed->positional[0];
        auto only = [&](std::set<std::string> allowed) -> std::optional<std::string> {
            for (const auto& [flag, values] : parsed->values)
                if (!allowed.count(flag)) return "--" + flag + " does not apply to quiz " + action;
            return std::nullopt;
        };
        if (action == "validate") {
            if (auto bad = only({"bank", "lecture-notes", "min-per-topic"})) return badUsage(io, *bad);
            return validate(*parsed, io);
        }
        if (action == "grade") {
            if (auto bad = only({"bank", "answers", "format", "out"})) return badUsage(io, *bad);
            return grade(*parsed, io);
        }
        if (action == "export") {
            if (auto bad = only({"bank", "format", "out"})) return badUsage(io, *bad);
            return exportBank(*parsed, io);
        }
        return badUsage(io, "unknown action \"" + action + "\"");
    }

private:
    int validate(const ParsedArgs& args, CliIo io) const {
        int minPerTopic = 8;
        if (auto v = args.value("min-per-topic")) {
            std::size_t used = 0;
            try {
                minPerTopic = std::stoi(*v, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != v->size() || minPerTopic < 0 || minPerTopic > 1000)
                return badUsage(io, "--min-per-topic needs a whole number from 0 to 1000, not \"" + *v + "\"");
        }
        auto bank = loadQuizBank(args, io);
        if (!bank) return kExitBadInput;
        std::string notes = args.valueOr("lecture-notes", bank->lectureNotes);
        if (!notes.empty() && !fs::is_directory(notes)) {
            io.err << "kubeclass-grade quiz: no lecture-notes directory " << notes << "\n";
            return kExitBadInput;
        }
        quiz::ValidationOptions options{minPerTopic, notes.empty() ? std::nullopt
                                                                   : std::optional<fs::path>(fs::path(notes))};
        auto errors = quiz::validateBank(bank->questions, options);
        if (!errors.empty()) {
            for (const auto& e : errors) io.err << e.toString() << "\n";
            io.err << "kubeclass-grade quiz: " << errors.size() << " problem" << (errors.size() == 1 ? "" : "s")
                   << " in " << bank->dir << "\n";
            return kExitBadInput;
        }
        std::map<int, int> perTopic;
        for (const auto& q : bank->questions) perTopic[q.topic]++;
        io.out << "ok: " << bank->questions.size() << " questions (" << perTopic[quiz::kPrerequisitesTopic]
               << " prerequisites; per topic";
        for (int t = quiz::kFirstCourseTopic; t <= quiz::kLastCourseTopic; ++t) io.out << " " << t << ":" << perTopic[t];
        io.out << ")" << (notes.empty() ? "; lecture references checked for form only" : "") << "\n";
        return kExitGraded;
    }

    int grade(const ParsedArgs& args, CliIo io) const {
        if (!args.has("answers")) return badUsage(io, "--answers is required");
        const std::string format = args.valueOr("format", "text");
        std::optional<ReportFormat> reportFormat;
        if (format != "csv") {
            auto f = parseReportFormat(format);
            if (!f) return badUsage(io, "unknown format \"" + format + "\"; expected text, json, csv, junit, "
                                        "gradescope or markdown");
            reportFormat = *f;
        }
        const std::string answersPath = *args.value("answers");
        std::error_code ec;
        const bool directory = fs::is_directory(answersPath, ec);
        const bool perStudentFiles = reportFormat == ReportFormat::Junit || reportFormat == ReportFormat::Gradescope;
        if (directory && perStudentFiles && !args.has("out"))
            return badUsage(io, format + " writes one report per student: give --out DIR for a directory of answers");

        std::vector<std::string> files;
        if (directory) {
            for (fs::directory_iterator it(answersPath, ec), end; !ec && it != end; it.increment(ec)) {
                if (isAnswersFile(it->path()) && it->is_regular_file(ec)) files.push_back(it->path().string());
                if (files.size() > kMaxAnswersFiles) {
                    io.err << "kubeclass-grade quiz: more than " << kMaxAnswersFiles << " answers files in "
                           << answersPath << "\n";
                    return kExitBadInput;
                }
            }
            if (ec) {
                io.err << "kubeclass-grade quiz: cannot read " << answersPath << ": " << ec.message() << "\n";
                return kExitBadInput;
            }
            std::sort(files.begin(), files.end());
            if (files.empty()) {
                io.err << "kubeclass-grade quiz: no *.yaml, *.yml or *.json answers files in " << answersPath << "\n";
                return kExitBadInput;
            }
        } else {
            files.push_back(answersPath);
        }

        auto bank = loadQuizBank(args, io);
        if (!bank || !bankIsConsistent(*bank, io)) return kExitBadInput;

        std::vector<GradedQuiz> graded;
        std::vector<QuizFileError> errors;
        std::map<std::string, std::string> seenStudents;  // student → first file
        for (const auto& file : files) {
            auto answers = readQuizAnswers(file, bank->questions);
            if (!answers) {
                errors.push_back({file, answers.error().message});
                continue;
            }
            if (auto [it, inserted] = seenStudents.emplace(answers->student, file); !inserted) {
                errors.push_back({file, file + ": student '" + answers->student + "' was already graded from " +
                                            it->second});
                continue;
            }
            auto result = gradeQuizAnswers(*answers, bank->questions);
            if (!result) {
                errors.push_back({file, result.error().message});
                continue;
            }
            io.err << "graded " << file << ": " << answers->student << " " << formatPercent(result->percent)
                   << (result->passed ? " (pass)" : " (fail)") << "\n";
            graded.push_back({std::move(*answers), std::move(*result)});
        }
        for (const auto& e : errors) io.err << e.message << "\n";

        const auto now = std::chrono::system_clock::now();
        std::string output;
        if (format == "csv") {
            output = renderQuizCsv(graded);
        } else if (reportFormat == ReportFormat::Json) {
            output = renderQuizJson(graded, errors, bank->dir, now);
        } else if (perStudentFiles && directory) {
            if (int rc = writePerStudent(graded, *reportFormat, bank->dir, now, *args.value("out"), io); rc != 0)
                return rc;
            return errors.empty() ? kExitGraded : kExitBadInput;
        } else {
            for (std::size_t i = 0; i < graded.size(); ++i) {
                auto report = renderReport(quizGradeRun(graded[i], bank->dir, now), *reportFormat, ReportOptions{});
                if (!report) {
                    io.err << "kubeclass-grade quiz: " << report.error().message << "\n";
                    return kExitBadInput;
                }
                if (i > 0) output += reportFormat == ReportFormat::Markdown ? "\n---\n\n" : "\n";
                output += *report;
            }
        }
        if (auto out = args.value("out")) {
            if (auto written = writeFileAtomically(*out, output); !written) {
                io.err << "kubeclass-grade quiz: " << written.error().message << "\n";
                return kExitBadInput;
            }
            io.err << "wrote " << format << " for " << graded.size() << " student" << (graded.size() == 1 ? "" : "s")
                   << " to " << *out << "\n";
        } else {
            io.out << output << std::flush;
        }
        if (!errors.empty()) {
            io.err << "kubeclass-grade quiz: " << errors.size() << " of " << files.size()
                   << " answers files could not be graded\n";
            return kExitBadInput;
        }
        return kExitGraded;
    }

    int writePerStudent(const std::vector<GradedQuiz>& graded, ReportFormat format, const std::string& bankDir,
                        std::chrono::system_clock::time_point now, const std::string& outDir, CliIo io) const {
        std::error_code ec;
        fs::create_directories(outDir, ec);
        if (ec || !fs::is_directory(outDir, ec)) {
            io.err << "kubeclass-grade quiz: cannot create directory " << outDir << "\n";
            return kExitBadInput;
        }
        std::set<std::string> used;
        for (const auto& g : graded) {
            auto report = renderReport(quizGradeRun(g, bankDir, now), format, ReportOptions{});
            if (!report) {
                io.err << "kubeclass-grade quiz: " << report.error().message << "\n";
                return kExitBadInput;
            }
            // Two ids can map to one file name ("a/b" and "a_b"); number the later ones.
            std::string base = safeFileName(g.answers.student);
            std::string name = base;
            for (int n = 2; !used.insert(name).second; ++n) name = base + "-" + std::to_string(n);
            const std::string path =
                (fs::path(outDir) / (name + (format == ReportFormat::Junit ? ".xml" : ".json"))).string();
            if (auto written = writeFileAtomically(path, *report); !written) {
                io.err << "kubeclass-grade quiz: " << written.error().message << "\n";
                return kExitBadInput;
            }
        }
        io.err << "wrote " << graded.size() << " " << reportFormatName(format) << " reports to " << outDir << "\n";
        return kExitGraded;
    }

    int exportBank(const ParsedArgs& args, CliIo io) const {
        if (!args.has("format")) return badUsage(io, "--format is required (gift)");
        if (args.valueOr("format", "") != "gift")
            return badUsage(io, "unknown export format \"" + args.valueOr("format", "") + "\"; expected gift");
        auto bank = loadQuizBank(args, io);
        if (!bank || !bankIsConsistent(*bank, io)) return kExitBadInput;
        const std::string gift = quiz::exportGift(bank->questions);
        if (auto out = args.value("out")) {
            if (auto written = writeFileAtomically(*out, gift); !written) {
                io.err << "kubeclass-grade quiz: " << written.error().message << "\n";
                return kExitBadInput;
            }
            io.err << "wrote " << bank->questions.size() << " questions to " << *out << "\n";
        } else {
            io.out << gift << std::flush;
        }
        return kExitGraded;
    }
};

}  // namespace

std::unique_ptr<CliCommand> makeQuizCommand() { return std::make_unique<QuizCommand>(); }

}  // namespace kc::grader
