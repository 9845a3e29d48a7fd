// `kubeclass-grade batch`: grade a roster of submissions into the gradebook and export the grades. Parses flags,
// wires git fetching, the snapshot grader and the gradebook into runBatch, prints progress and a final table.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>

#include "grader/batch_export.h"
#include "grader/batch_runner.h"
#include "grader/cli/cli_args.h"
#include "grader/cli/commands.h"
#include "grader/gradebook.h"
#include "grader/lab_locator.h"
#include "grader/late_policy.h"
#include "grader/live_batch.h"
#include "clusters/cluster_connection.h"
#include "clusters/profile_loader.h"
#include "clusters/profile_locator.h"
#include "grader/report.h"
#include "grader/roster.h"
#include "grader/rubric_loader.h"
#include "grader/submission_fetcher.h"

namespace kc::grader {

namespace {

namespace fs = std::filesystem;

// Ctrl-C or SIGTERM (a Job being stopped) stops handing out students; what was graded is already saved.
std::shared_ptr<Cancellation> gBatchCancel;
void onBatchSignal(int) {
    if (gBatchCancel) gBatchCancel->cancel();
}

std::string xdgDir(const char* variable, const char* fallbackUnderHome) {
    const char* set = std::getenv(variable);
    if (set && *set == '/') return std::string(set) + "/kubeclass";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/" + fallbackUnderHome + "/kubeclass";
}

std::string secondsText(double s) {
    char buffer[32];
    if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s) % 3600 / 60);
    else if (s >= 60) std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    else std::snprintf(buffer, sizeof buffer, "%.0fs", s);
    return buffer;
}

std::string padded(const std::string& text, size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

class BatchCommand : public CliCommand {
public:
    std::string name() const override { return "batch"; }
    std::string summary() const override { return "grade a class roster into the gradebook and export the grades"; }
    std::string usage() const override {
        return "Usage: kubeclass-grade batch --roster CSV --lab LAB [--deadline ISO8601] [--late-penalty RULE]\n"
               "                             [--grade-late] [--jobs N] [--shard I/N] [--mode snapshot|fresh|reuse]\n"
               "                             [--context CTX] [--db FILE] [--work-dir DIR] [--export LIST]\n"
               "                             [--out DIR] [--regrade] [--grader NAME] [--profile P] [--kubeconfig F]\n\n"
               "Fetches each roster row's repository (libgit2), grades the last commit at or before the deadline\n"
               "and saves it in the gradebook, one transaction per submission. Running the same command again\n"
               "resumes: students already graded in this batch (same lab, deadline and mode) are skipped.\n\n"
               "  --roster CSV         student_id,name,email,repo_url[,branch,path] (see grader/README.md)\n"
               "  --deadline T         ISO 8601 with an offset (2026-03-01T23:59:00Z); none: the branch tip\n"
               "  --late-penalty RULE  \"10% per day, max 50%\"; with --grade-late the newest commit is graded\n"
               "                       and penalised, otherwise late commits are only recorded\n"
               "  --jobs N             parallel workers (default 1)\n"
               "  --shard I/N          grade the rows whose index % N == I-1 (for grader/deploy/ Indexed Jobs)\n"
               "  --mode M             snapshot (default): the submission holds capture/ or capture.yaml;\n"
               "                       fresh: a kind cluster per submission from the lab's profile, its manifests\n"
               "                       (rubric submission.manifests, default deploy/) applied and graded live;\n"
               "                       reuse: one cluster per worker, reset and verified between submissions\n"
               "  --profile P          cluster profile for fresh/reuse (default: rubric submission.profile, else\n"
               "                       the lab id)\n"
               "  --context CTX        grade on this existing cluster, each submission in namespace kc-<student>;\n"
               "                       cluster-scoped objects only of the kinds in rubric submission.cluster_scoped\n"
               "  --kubeconfig F       with --context: the kubeconfig file (default $KUBECONFIG, ~/.kube/config)\n"
               "  --db FILE            the gradebook (default: $XDG_DATA_HOME/kubeclass/gradebook.db)\n"
               "  --work-dir DIR       fetched repositories (default: $XDG_CACHE_HOME/kubeclass/batch)\n"
               "  --export LIST        canvas,moodle,classroom,gradescope,junit,markdown,html or all; needs --out\n"
               "  --regrade            grade students already graded again; changes go to the audit trail\n"
               "  --grader NAME        who regrades (default: $USER)\n\n"
               "  kubeclass-grade batch merge --db OUT SHARD.db...\n"
               "      copies every batch of the shard gradebooks into OUT (a batch is the same lab, deadline and mode;\n"
               "      a submission already there is kept, audit entries are not duplicated); merging again adds nothing\n"
               "  kubeclass-grade batch override --db FILE --batch ID --student S --check C --points P --reason TEXT\n"
               "                                [--grader NAME]\n"
               "      sets one check's earned points by hand, recorded in the regrade audit trail\n\n"
               "Progress on stderr, a table of results on stdout. Exit codes: 0 the batch ran (whatever the\n"
               "scores and per-student errors), 2 bad input or the gradebook could not be written, 3 the --context\n"
               "cluster is unreachable, 130 interrupted.\n";
    }

    int run(const std::vector<std::string>& args, CliIo io) override {
        if (!args.empty() && args[0] == "merge") return runMerge({args.begin() + 1, args.end()}, io);
        if (!args.empty() && args[0] == "override") return runOverride({args.begin() + 1, args.end()}, io);
        auto parsed = parseArgs(args, {{"roster"}, {"lab"}, {"deadline"}, {"late-penalty"}, {"grade-late", false},
                                       {"jobs"}, {"shard"}, {"mode"}, {"context"}, {"db"}, {"work-dir"},
                                       {"export"}, {"out"}, {"regrade", false}, {"grader"},
                                       {"profile"}, {"kubeconfig"}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (!parsed->positional.empty()) return badUsage(io, "unexpected argument \"" + parsed->positional[0] + "\"");
        if (!parsed->has("roster")) return badUsage(io, "--roster is required");
        if (!parsed->has("lab")) return badUsage(io, "--lab is required");

        std::string mode = parsed->valueOr("mode", "snapshot");
        if (mode != "snapshot" && mode != "fresh" && mode != "reuse")
            return badUsage(io, "--mode must be snapshot, fresh or reuse, not \"" + mode + "\"");
        if (parsed->has("context")) {
            if (parsed->has("mode"))
                return badUsage(io, "--context grades on an existing cluster; it does not take --mode " + mode);
            mode = "context";
        }
        if (parsed->has("kubeconfig") && mode != "context") return badUsage(io, "--kubeconfig goes with --context");
        if (parsed->has("profile") && mode != "fresh" && mode != "reuse")
            return badUsage(io, "--profile goes with --mode fresh or reuse");

        int jobs = 1;
        if (auto v = parsed->value("jobs")) {
            char* end = nullptr;
            long n = std::strtol(v->c_str(), &end, 10);
            if (end == v->c_str() || *end != '\0' || n < 1 || n > 256)
                return badUsage(io, "--jobs needs a whole number from 1 to 256, not \"" + *v + "\"");
            jobs = static_cast<int>(n);
        }
        BatchShard shard;
        if (auto v = parsed->value("shard")) {
            auto s = parseShard(*v);
            if (!s) return badUsage(io, s.error().message);
            shard = *s;
        }
        std::vector<ExportKind> exports;
        if (auto v = parsed->value("export")) {
            auto list = parseExportList(*v);
            if (!list) return badUsage(io, list.error().message);
            exports = *list;
            if (!parsed->has("out")) return badUsage(io, "--export needs --out DIR");
        }

        SubmissionWindow window;
        std::string deadlineText;
        if (auto v = parsed->value("deadline")) {
            auto t = parseIso8601(*v);
            if (!t) return badUsage(io, "--deadline: " + t.error().message);
            window.policy.deadline = *t;
            deadlineText = formatIso8601(*t);
            window.choice = parsed->has("grade-late") ? CommitChoice::BranchTip : CommitChoice::LastOnTime;
        } else {
            if (parsed->has("late-penalty") || parsed->has("grade-late"))
                return badUsage(io, "--late-penalty and --grade-late need --deadline");
            // No deadline: the newest commit, never late.
            window.policy.deadline = std::chrono::system_clock::time_point::max();
            window.choice = CommitChoice::BranchTip;
        }
        std::string lateRule = parsed->valueOr("late-penalty", "");
        if (!lateRule.empty()) {
            auto rule = parseLatePenaltyRule(lateRule);
            if (!rule) return badUsage(io, "--late-penalty: " + rule.error().message);
            window.policy.penalty = *rule;
        }

        auto roster = loadRoster(*parsed->value("roster"));
        if (!roster) {
            io.err << roster.error().message << "\n";
            return kExitBadInput;
        }
        auto rubricPath = locateRubric(*parsed->value("lab"));
        if (!rubricPath) {
            io.err << "kubeclass-grade batch: " << rubricPath.error().message << "\n";
            return kExitBadInput;
        }
        auto rubric = loadRubricWithOverlays(*rubricPath, {});
        if (!rubric) {
            io.err << rubric.error().message << "\n";
            return kExitBadInput;
        }
        auto sharedRubric = std::make_shared<const Rubric>(std::move(*rubric));
        if (mode != "snapshot" && !sharedRubric->clusters.empty()) {
            io.err << "kubeclass-grade batch: lab " << sharedRubric->lab
                   << " uses several clusters; live batch grading takes single-cluster labs, use --mode snapshot\n";
            return kExitBadInput;
        }
        double pointsAvailable = 0;
        for (const auto& c : sharedRubric->checks) pointsAvailable += c.points;

        std::string dbPath = parsed->valueOr("db", xdgDir("XDG_DATA_HOME", ".local/share") + "/gradebook.db");
        std::string workDir = parsed->valueOr("work-dir", xdgDir("XDG_CACHE_HOME", ".cache") + "/batch");
        std::error_code ec;
        fs::create_directories(fs::path(dbPath).parent_path().empty() ? fs::path(".") : fs::path(dbPath).parent_path(), ec);
        fs::create_directories(workDir, ec);
        if (ec) {
            io.err << "kubeclass-grade batch: cannot create the work directory " << workDir << ": " << ec.message() << "\n";
            return kExitBadInput;
        }
        auto gradebook = Gradebook::open(dbPath);
        if (!gradebook) {
            io.err << "kubeclass-grade batch: gradebook " << dbPath << ": " << gradebook.error().message << "\n";
            return kExitBadInput;
        }
        std::string now = formatIso8601(std::chrono::system_clock::now());
        std::string lateHandling = lateRule + (parsed->has("grade-late") ? " (grade-late)" : "");
        auto batch = (*gradebook)->openBatch({sharedRubric->lab, deadlineText, mode, lateHandling}, now);
        if (!batch) {
            io.err << "kubeclass-grade batch: gradebook " << dbPath << ": " << batch.error().message << "\n";
            return kExitBadInput;
        }
        // Resuming with other late handling would mix two rules in one batch.
        if (batch->resumed && batch->spec.lateRule != lateHandling) {
            if (!parsed->has("regrade")) {
                io.err << "kubeclass-grade batch: batch " << batch->id << " was graded with late handling \""
                       << batch->spec.lateRule << "\", not \"" << lateHandling
                       << "\"; add --regrade to grade it again under the new rule\n";
                return kExitBadInput;
            }
            if (auto set = (*gradebook)->setLateRule(batch->id, lateHandling); !set) {
                io.err << "kubeclass-grade batch: gradebook " << dbPath << ": " << set.error().message << "\n";
                return kExitBadInput;
            }
        }
        io.err << (batch->resumed ? "resuming" : "starting") << " batch " << batch->id << " (" << sharedRubric->lab
               << ", " << (deadlineText.empty() ? "no deadline" : "deadline " + deadlineText) << ", " << mode
               << ") in " << dbPath << "\n";

        GitSubmissionFetcher fetcher({.workDir = workDir,
                                      .limits = {},
                                      .credentials = makeGitCredentialProvider(gitCredentialConfigFromEnvironment())});
        std::mutex logMutex;
        std::unique_ptr<SubmissionGrader> grader;
        if (mode == "snapshot") {
            grader = makeSnapshotGrader(sharedRubric);
        } else {
            LiveGraderOptions live;
            live.rubric = sharedRubric;
            live.slots = jobs;
            live.batchTag = std::to_string(batch->id);
            live.log = [&io, &logMutex](const std::string& line) {
                std::lock_guard<std::mutex> lock(logMutex);
                io.err << line << "\n";
            };
            if (mode == "context") {
                live.mode = LiveMode::Context;
                live.context = {*parsed->value("context"), parsed->valueOr("kubeconfig", ""), *parsed->value("context")};
                // Fail now, once, rather than as every student's error.
                auto connection = connectToCluster({.kubeconfigPath = live.context.kubeconfigFile, .context = live.context.context});
                Status reached;
                if (!connection) reached = fail(connection.error());
                if (connection)
                    if (auto version = connection->client->serverVersion(); !version) reached = fail(version.error());
                if (!reached) {
                    io.err << "kubeclass-grade batch: cannot reach the cluster (context " << live.context.name
                           << "): " << reached.error().message << "\n";
                    bool unreachable = reached.error().kind == ErrorKind::Unreachable ||
                                       reached.error().kind == ErrorKind::Timeout ||
                                       reached.error().kind == ErrorKind::Unauthorized;
                    return unreachable ? kExitClusterUnreachable : kExitBadInput;
                }
            } else {
                live.mode = mode == "fresh" ? LiveMode::Fresh : LiveMode::Reuse;
                std::string profileName = parsed->valueOr(
                    "profile", sharedRubric->submission.profile.empty() ? sharedRubric->lab : sharedRubric->submission.profile);
                auto profilePath = locateProfile(profileName);
                if (!profilePath) {
                    io.err << "kubeclass-grade batch: " << profilePath.error().message
                           << " (name the lab's cluster profile with --profile)\n";
                    return kExitBadInput;
                }
                auto profile = loadProfileFile(*profilePath);
                if (!profile) {
                    io.err << profile.error().message << "\n";
                    return kExitBadInput;
                }
                if (profile->clusters.size() != 1) {
                    io.err << "kubeclass-grade batch: profile " << profile->id
                           << " has several clusters; live batch grading creates single-cluster profiles\n";
                    return kExitBadInput;
                }
                LifecycleOptions lifecycle;
                lifecycle.kubeconfigPath = workDir + "/clusters/kubeconfig";
                lifecycle.cancel = nullptr;  // a cluster being created is finished, graded and deleted
                live.factory = makeKindClusterFactory(std::move(*profile), posixProcessRunner(), lifecycle);
            }
            grader = makeLiveGrader(std::move(live));
        }

        BatchOptions options;
        options.batchId = batch->id;
        options.window = window;
        options.jobs = jobs;
        options.shard = shard;
        options.pointsAvailable = pointsAvailable;
        if (parsed->has("regrade")) {
            const char* user = std::getenv("USER");
            options.regradeBy = RegradeBy{parsed->valueOr("grader", user && *user ? user : "unknown"), now,
                                          "kubeclass-grade batch --regrade"};
        }
        gBatchCancel = std::make_shared<Cancellation>();
        options.cancel = gBatchCancel;
        std::signal(SIGINT, onBatchSignal);
        std::signal(SIGTERM, onBatchSignal);
        options.progress = [&io](const BatchProgress& p) {
            io.err << "[" << p.done << "/" << p.total << "] " << p.student << ": " << p.outcome;
            if (p.perSecond > 0) {
                char rate[32];
                std::snprintf(rate, sizeof rate, "%.2f/s", p.perSecond);
                io.err << "  (" << rate << ", ETA " << secondsText(p.etaSeconds) << ")";
            }
            io.err << "\n";
        };

        auto summary = runBatch(*roster, fetcher, *grader, **gradebook, options);
        if (!summary) {
            io.err << "kubeclass-grade batch: " << summary.error().message << "\n";
            return kExitBadInput;
        }
        io.err << "batch " << batch->id << ": " << summary->inShard << " in shard " << shard.index << "/" << shard.count
               << ", " << summary->resumed << " already graded, " << summary->graded << " graded, " << summary->missing
               << " missing, " << summary->errors << " errors in " << secondsText(summary->wall.count() / 1000.0) << "\n";
        if (summary->cancelled) {
            io.err << "kubeclass-grade batch: interrupted; what was graded is saved. Run the same command to resume.\n";
            return 130;
        }
        if (!summary->errors) (*gradebook)->finishBatch(batch->id, formatIso8601(std::chrono::system_clock::now()));

        auto rows = (*gradebook)->latest(batch->id);
        if (!rows) {
            io.err << "kubeclass-grade batch: gradebook " << dbPath << ": " << rows.error().message << "\n";
            return kExitBadInput;
        }
        // Only this shard's students: other shards write their own gradebooks.
        std::set<std::string> mine;
        for (size_t i = 0; i < roster->entries.size(); ++i)
            if (inShard(i, shard)) mine.insert(roster->entries[i].studentId);
        std::vector<SubmissionRecord> shardRows;
        for (auto& r : *rows)
            if (mine.count(r.student)) shardRows.push_back(std::move(r));

        io.out << padded("student", 24) << padded("status", 9) << padded("commit", 14) << padded("score", 12) << "late\n";
        for (const auto& r : shardRows)
            io.out << padded(r.student, 24) << padded(submissionStatusName(r.status), 9)
                   << padded(r.commit.substr(0, 12), 14)
                   << padded(r.status == SubmissionStatus::Error ? "-" : formatPoints(r.score) + "/" + formatPoints(pointsAvailable), 12)
                   << (r.late ? "yes" : "") << "\n";

        if (!exports.empty()) {
            ExportContext context;
            context.lab = sharedRubric->lab;
            context.assignmentName = sharedRubric->title.empty() ? sharedRubric->lab : sharedRubric->title;
            context.pointsAvailable = pointsAvailable;
            context.deadline = deadlineText;
            std::string out = *parsed->value("out");
            for (const auto& file : renderExports(exports, shardRows, context)) {
                fs::path target = fs::path(out) / file.path;
                fs::create_directories(target.parent_path(), ec);
                if (auto written = writeFileAtomically(target.string(), file.content); !written) {
                    io.err << "kubeclass-grade batch: " << written.error().message << "\n";
                    return kExitBadInput;
                }
            }
            io.err << "wrote";
            for (auto k : exports) io.err << " " << exportKindName(k);
            io.err << " to " << out << "\n";
        }
        return kExitGraded;
    }

private:
    int runMerge(const std::vector<std::string>& args, CliIo io) {
        auto parsed = parseArgs(args, {{"db"}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (!parsed->has("db")) return badUsage(io, "batch merge needs --db OUT");
        if (parsed->positional.empty()) return badUsage(io, "batch merge needs one or more shard gradebooks");
        std::string outPath = *parsed->value("db");
        std::error_code ec;
        for (const auto& shard : parsed->positional) {
            if (!fs::is_regular_file(shard, ec)) {
                io.err << "kubeclass-grade batch merge: " << shard << " is not a gradebook file\n";
                return kExitBadInput;
            }
            if (fs::exists(outPath, ec) && fs::equivalent(shard, outPath, ec)) {
                io.err << "kubeclass-grade batch merge: " << shard << " is the output gradebook itself\n";
                return kExitBadInput;
            }
        }
        auto out = Gradebook::open(outPath);
        if (!out) {
            io.err << "kubeclass-grade batch merge: " << outPath << ": " << out.error().message << "\n";
            return kExitBadInput;
        }
        size_t added = 0, kept = 0, audits = 0;
        for (const auto& shardPath : parsed->positional) {
            auto shard = Gradebook::open(shardPath);
            if (!shard) {
                io.err << "kubeclass-grade batch merge: " << shardPath << ": " << shard.error().message << "\n";
                return kExitBadInput;
            }
            auto batches = (*shard)->batches();
            if (!batches) {
                io.err << "kubeclass-grade batch merge: " << shardPath << ": " << batches.error().message << "\n";
                return kExitBadInput;
            }
            for (const auto& batch : *batches) {
                auto target = (*out)->openBatch(batch.spec, batch.startedAt);
                auto rows = (*shard)->latest(batch.id);
                auto entries = (*shard)->regrades(batch.id);
                if (!target || !rows || !entries) {
                    io.err << "kubeclass-grade batch merge: " << shardPath << ": batch " << batch.id << ": "
                           << (!target ? target.error().message : !rows ? rows.error().message : entries.error().message)
                           << "\n";
                    return kExitBadInput;
                }
                for (const auto& row : *rows) {
                    auto outcome = (*out)->record(target->id, row);
                    if (!outcome) {
                        io.err << "kubeclass-grade batch merge: " << outPath << ": " << outcome.error().message << "\n";
                        return kExitBadInput;
                    }
                    (*outcome == RecordOutcome::KeptExisting ? kept : added) += 1;
                }
                for (const auto& entry : *entries) {
                    auto imported = (*out)->importRegrade(target->id, entry);
                    if (imported && *imported) ++audits;
                    // An audit of a commit the shard no longer holds as its latest row is history of a row not
                    // merged; it stays in the shard.
                    if (!imported && imported.error().kind != ErrorKind::NotFound) {
                        io.err << "kubeclass-grade batch merge: " << outPath << ": " << imported.error().message << "\n";
                        return kExitBadInput;
                    }
                }
                if (!batch.finishedAt.empty()) (*out)->finishBatch(target->id, batch.finishedAt);
            }
        }
        io.out << "merged " << parsed->positional.size() << " gradebook(s) into " << outPath << ": " << added
               << " submission(s) added, " << kept << " already there, " << audits << " audit entr"
               << (audits == 1 ? "y" : "ies") << " added\n";
        return kExitGraded;
    }

    int runOverride(const std::vector<std::string>& args, CliIo io) {
        auto parsed = parseArgs(args, {{"db"}, {"batch"}, {"student"}, {"check"}, {"points"}, {"reason"}, {"grader"}});
        if (!parsed) return badUsage(io, parsed.error().message);
        if (!parsed->positional.empty()) return badUsage(io, "unexpected argument \"" + parsed->positional[0] + "\"");
        for (const char* required : {"db", "batch", "student", "check", "points", "reason"})
            if (!parsed->has(required)) return badUsage(io, std::string("batch override needs --") + required);
        char* end = nullptr;
        std::string batchText = *parsed->value("batch");
        long long batchId = std::strtoll(batchText.c_str(), &end, 10);
        if (end == batchText.c_str() || *end != '\0' || batchId < 1)
            return badUsage(io, "--batch needs a batch id (a whole number from 1), not \"" + batchText + "\"");
        std::string pointsText = *parsed->value("points");
        double points = std::strtod(pointsText.c_str(), &end);
        if (end == pointsText.c_str() || *end != '\0' || !(points >= 0 && points <= 1e6))
            return badUsage(io, "--points needs a number from 0, not \"" + pointsText + "\"");
        if (parsed->value("reason")->empty()) return badUsage(io, "--reason must say why");
        std::string dbPath = *parsed->value("db");
        std::error_code ec;
        if (!fs::is_regular_file(dbPath, ec)) {
            io.err << "kubeclass-grade batch override: " << dbPath << " is not a gradebook file\n";
            return kExitBadInput;
        }
        auto book = Gradebook::open(dbPath);
        if (!book) {
            io.err << "kubeclass-grade batch override: " << dbPath << ": " << book.error().message << "\n";
            return kExitBadInput;
        }
        const char* user = std::getenv("USER");
        RegradeBy by{parsed->valueOr("grader", user && *user ? user : "unknown"),
                     formatIso8601(std::chrono::system_clock::now()), *parsed->value("reason")};
        auto done = (*book)->overrideCheck(batchId, *parsed->value("student"), *parsed->value("check"), points, by);
        if (!done) {
            io.err << "kubeclass-grade batch override: " << done.error().message << "\n";
            return kExitBadInput;
        }
        io.out << "batch " << batchId << ", " << *parsed->value("student") << ", check " << *parsed->value("check")
               << ": " << formatPoints(points) << " point(s), by " << by.grader << " (" << by.reason << ")\n";
        return kExitGraded;
    }

};

}  // namespace

std::unique_ptr<CliCommand> makeBatchCommand() { return std::make_unique<BatchCommand>(); }

}  // namespace kc::grader
