// What the Home page says about the student's progress, decided without Qt: the labs found under labs/, each lab's
// score and next step from its newest check run, and the best finished module quiz in progress.db.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/progress_store.h"
#include "clusters/clock.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc::app {

struct HomeLab {
    std::string id;      // "lab-01"
    int number = 0;      // 1
    std::string title;   // README's first heading: "Lab 1: Operator for ML training jobs"
};

// labs/lab-NN-*/ folders in number order, titled by their README.md's first heading (else "Lab N").
std::vector<HomeLab> listLabs(const std::string& labsDir);

// A lab's line on Home: its score and what to do next.
struct LabStatus {
    bool started = false;
    double earned = 0;
    double points = 0;
    bool complete = false;    // every visible point earned in a run of all checks
    std::string scoreText;    // "6 / 10 points" or "—"
    std::string nextStep;     // "Not started — open Lab 1", ...
};

LabStatus labStatus(const HomeLab& lab, const std::optional<LabCheckRun>& latest);

struct QuizBest {
    double percent = 0;        // the best finished module attempt's score
    bool passed = false;       // percent >= 80 (quiz::kPassPercent)
    int finishedAttempts = 0;  // module attempts submitted or expired
    std::int64_t attemptId = 0;
};

// Reads the finished module attempts from progress.db (read-only: it never changes an attempt) and grades each
// against the bank in `bankDir`; nullopt when there is none. Errors name the file that could not be read.
Result<std::optional<QuizBest>> bestModuleQuiz(const std::string& progressDbPath, const std::string& bankDir);

// What Home says about the kind clusters on this machine, from `kind get clusters` (KindDriver::listClusters).
struct ClusterSummary {
    enum class State { Some, None, KindMissing, Failed };
    State state = State::None;
    std::string headline;  // "2 kind clusters", "No cluster yet", "kind is not installed", ...
    std::string detail;    // the names, or what to do next
};
ClusterSummary summarizeKindClusters(const Result<std::vector<std::string>>& clusters);
// Runs `kind get clusters` through KindDriver (blocking: call it off the UI thread) and summarizes the answer.
// `kind`/`docker`: paths from Settings, or empty for the names on PATH. (Here rather than in the page because
// clusters/kind_progress.h has a member named emit, which Qt's headers define as a macro.)
ClusterSummary probeKindClusters(std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                                 const std::string& kind, const std::string& docker);

// "6.5" or "6" (points are multiples of 0.5 in the rubrics).
std::string formatPoints(double points);

}  // namespace kc::app
