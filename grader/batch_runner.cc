// The batch loop; see batch_runner.h. Workers take roster rows from a shared counter; the gradebook serialises
// the writes, and each submission is saved (one transaction) before the next is taken.
#include "grader/batch_runner.h"

#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <thread>

#include "grader/check_runner.h"
#include "grader/late_policy.h"
#include "grader/object_source.h"
#include "grader/report.h"

namespace kc::grader {

namespace fs = std::filesystem;

Result<BatchShard> parseShard(const std::string& text) {
    auto slash = text.find('/');
    auto number = [](std::string_view s, int& out) {
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && end == s.data() + s.size() && !s.empty();
    };
    BatchShard shard;
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), shard.index) ||
        !number(std::string_view(text).substr(slash + 1), shard.count))
        return fail(ErrorKind::Invalid, "--shard needs I/N (for example 2/4), not \"" + text + "\"");
    if (shard.count < 1 || shard.count > 10000 || shard.index < 1 || shard.index > shard.count)
        return fail(ErrorKind::Invalid, "--shard " + text + ": I must be from 1 to N, and N from 1 to 10000");
    return shard;
}

bool inShard(size_t rowIndex, const BatchShard& shard) {
    return rowIndex % static_cast<size_t>(shard.count) == static_cast<size_t>(shard.index - 1);
}

namespace {

class SnapshotGrader final : public SubmissionGrader {
public:
    explicit SnapshotGrader(std::shared_ptr<const Rubric> rubric) : rubric_(std::move(rubric)) {}

    Result<GradeRun> grade(const RosterEntry&, const FetchedSubmission& submission) override {
        std::vector<std::string> clusters = rubric_->clusters.empty() ? std::vector<std::string>{""} : rubric_->clusters;
        std::vector<std::unique_ptr<ObjectSource>> owned;
        std::map<std::string, ObjectSource*> sources;
        for (const auto& cluster : clusters) {
            auto path = capturePath(submission.treeDir, cluster);
            if (!path) return fail(path.error());
            auto source = openSnapshot(*path);
            if (!source) return fail(Error(source.error()).context("reading the capture"));
            sources[cluster] = source->get();
            owned.push_back(std::move(*source));
        }
        RunOptions options;
        options.now = std::chrono::system_clock::now();
        options.submissionRoot = submission.treeDir;  // file steps read the student's files from the fetched tree
        GradeRun run = runChecks(*rubric_, sources, options);
        return run;
    }

private:
    // capture/ (a capture directory) or capture.yaml (a kubectl dump); capture/<cluster>/ or capture-<cluster>.yaml.
    static Result<std::string> capturePath(const std::string& root, const std::string& cluster) {
        std::string base = std::string(kSubmissionCaptureDir) + (cluster.empty() ? "" : "/" + cluster);
        std::string dump = std::string(kSubmissionCaptureDir) + (cluster.empty() ? "" : "-" + cluster) + ".yaml";
        for (const auto& relative : {base, dump}) {
            std::string full = root + "/" + relative;
            struct stat st {};
            if (::lstat(full.c_str(), &st) != 0) continue;
            // The fetcher refuses links that leave the repository; a capture must not be a link at all.
            if (S_ISLNK(st.st_mode)) return fail(ErrorKind::Invalid, relative + " is a symbolic link; commit the files");
            if (relative == base && !S_ISDIR(st.st_mode)) continue;
            return full;
        }
        return fail(ErrorKind::NotFound, "the submission has no capture: expected " + base + "/ (kubeclass-grade capture) or " +
                                             dump + " (kubectl get -o yaml)");
    }

    std::shared_ptr<const Rubric> rubric_;
};

std::string scoreText(double earned, double points) { return formatPoints(earned) + "/" + formatPoints(points); }

}  // namespace

std::unique_ptr<SubmissionGrader> makeSnapshotGrader(std::shared_ptr<const Rubric> rubric) {
    return std::make_unique<SnapshotGrader>(std::move(rubric));
}

Result<BatchSummary> runBatch(const Roster& roster, SubmissionSource& source, SubmissionGrader& grader,
                              Gradebook& gradebook, const BatchOptions& options) {
    auto clock = options.clock ? options.clock : systemClock();
    const auto started = clock->monotonicNow();
    BatchSummary summary;

    auto finished = gradebook.finishedStudents(options.batchId);
    if (!finished) return fail(finished.error());
    std::vector<const RosterEntry*> todo;
    for (size_t i = 0; i < roster.entries.size(); ++i) {
        if (!inShard(i, options.shard)) continue;
        ++summary.inShard;
        const auto& entry = roster.entries[i];
        if (finished->count(entry.studentId) && !options.regradeBy) {
            ++summary.resumed;
            continue;
        }
        todo.push_back(&entry);
    }

    std::mutex mutex;  // guards summary, progress and firstError
    std::optional<Error> firstError;
    std::atomic<size_t> next{0};
    size_t done = 0;

    auto handle = [&](const RosterEntry& student) -> Result<std::string> {
        SubmissionRecord record;
        record.student = student.studentId;
        record.name = student.name;
        record.email = student.email;
        record.repoUrl = student.repoUrl;
        record.points = options.pointsAvailable;
        auto fetched = source.fetch(student, options.window);
        if (fetched && fetched->graded) {
            record.commit = fetched->graded->sha;
            record.commitTime = formatIso8601(fetched->graded->committedAt);
            record.late = fetched->lateness.late;
            record.lateSeconds = fetched->lateness.lateBy.count();
            record.penaltyFraction = fetched->lateness.penaltyFraction;
        }
        if (fetched) record.lateCommits = static_cast<std::int64_t>(fetched->late.count);
        std::string outcome;
        if (!fetched) {
            record.status = SubmissionStatus::Error;
            record.error = "fetch: " + fetched.error().message;
        } else if (!fetched->graded) {
            record.status = SubmissionStatus::Missing;
            record.error = fetched->late.count ? "no commit at or before the deadline (" +
                                                     std::to_string(fetched->late.count) + " after it)"
                                               : "no commit at or before the deadline";
        } else {
            // A throw from deep inside grading must not end the worker thread (and the process): it is this
            // student's error.
            Result<GradeRun> run = fail(ErrorKind::Other, "no result");
            try {
                run = grader.grade(student, *fetched);
            } catch (const std::exception& e) {
                run = fail(ErrorKind::Other, std::string("internal error: ") + e.what());
            }
            if (!run) {
                record.status = SubmissionStatus::Error;
                record.error = "grade: " + run.error().message;
            } else {
                record.status = SubmissionStatus::Graded;
                record.run = std::move(*run);
            }
        }
        record.gradedAt = formatIso8601(clock->now());
        auto saved = gradebook.record(options.batchId, record, options.regradeBy);
        if (!saved) return fail(saved.error());
        switch (record.status) {
            case SubmissionStatus::Graded:
                outcome = "graded " + scoreText(record.run.earned() * (1 - record.penaltyFraction), record.run.points()) +
                          (record.late ? " (late)" : "");
                break;
            case SubmissionStatus::Missing: outcome = "missing: " + record.error; break;
            case SubmissionStatus::Error: outcome = "error: " + record.error; break;
        }
        return outcome;
    };

    auto worker = [&]() {
        for (;;) {
            if (options.cancel && options.cancel->cancelled()) return;
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (firstError) return;
            }
            size_t index = next.fetch_add(1);
            if (index >= todo.size()) return;
            const RosterEntry& student = *todo[index];
            auto outcome = handle(student);
            std::lock_guard<std::mutex> lock(mutex);
            if (!outcome) {
                if (!firstError) firstError = Error(outcome.error()).context("gradebook, saving " + student.studentId);
                return;
            }
            ++done;
            if (outcome->rfind("graded", 0) == 0) ++summary.graded;
            else if (outcome->rfind("missing", 0) == 0) ++summary.missing;
            else ++summary.errors;
            if (options.progress) {
                BatchProgress p;
                p.done = done;
                p.total = todo.size();
                p.resumed = summary.resumed;
                p.errors = summary.errors;
                double seconds = std::chrono::duration<double>(clock->monotonicNow() - started).count();
                p.perSecond = seconds > 0 ? done / seconds : 0;
                p.etaSeconds = p.perSecond > 0 ? (todo.size() - done) / p.perSecond : 0;
                p.student = student.studentId;
                p.outcome = *outcome;
                options.progress(p);
            }
        }
    };

    int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(std::max<size_t>(todo.size(), 1))));
    std::vector<std::thread> threads;
    for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();

    if (firstError) return fail(*firstError);
    summary.cancelled = options.cancel && options.cancel->cancelled() && done < todo.size();
    summary.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock->monotonicNow() - started);
    return summary;
}

}  // namespace kc::grader
