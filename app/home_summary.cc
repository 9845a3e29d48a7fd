// Home's progress summary.
#include "app/home_summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "app/lecture_markdown.h"
#include "clusters/bounded_file.h"
#include "clusters/clock.h"
#include "clusters/kind_driver.h"
#include "quiz/attempt.h"
#include "quiz/bank_loader.h"
#include "quiz/sqlite_attempt_store.h"
#include "quiz/sqlite_db.h"

namespace kc::app {

namespace fs = std::filesystem;

std::vector<HomeLab> listLabs(const std::string& labsDir) {
    std::vector<HomeLab> labs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(labsDir, ec)) {
        if (!entry.is_directory(ec)) continue;
        std::string name = entry.path().filename().string();
        // "lab-01-operator": "lab-", two digits, '-'.
        if (name.size() < 7 || name.rfind("lab-", 0) != 0 || !std::isdigit(static_cast<unsigned char>(name[4])) ||
            !std::isdigit(static_cast<unsigned char>(name[5])) || name[6] != '-')
            continue;
        HomeLab lab;
        lab.id = name.substr(0, 6);
        lab.number = (name[4] - '0') * 10 + (name[5] - '0');
        lab.title = "Lab " + std::to_string(lab.number);
        if (auto readme = readFileBounded((entry.path() / "README.md").string(), 1024 * 1024)) {
            auto outline = outlineMarkdown(*readme);
            if (!outline.headings.empty()) lab.title = outline.headings.front().text;
        }
        labs.push_back(std::move(lab));
    }
    std::sort(labs.begin(), labs.end(), [](const HomeLab& a, const HomeLab& b) { return a.number < b.number; });
    return labs;
}

std::string formatPoints(double points) {
    double rounded = std::round(points * 10) / 10;
    std::ostringstream out;
    if (rounded == std::floor(rounded)) out << static_cast<long long>(rounded);
    else out << rounded;
    return out.str();
}

LabStatus labStatus(const HomeLab& lab, const std::optional<LabCheckRun>& latest) {
    LabStatus status;
    std::string name = "Lab " + std::to_string(lab.number);
    if (!latest) {
        status.scoreText = "—";
        status.nextStep = "Not started — open " + name;
        return status;
    }
    status.started = true;
    status.earned = latest->earned;
    status.points = latest->points;
    status.scoreText = formatPoints(latest->earned) + " / " + formatPoints(latest->points) + " points";
    if (latest->outcome.rfind("error", 0) == 0) {
        status.nextStep = "The last check could not reach the cluster — see the Cluster page, then check again";
        return status;
    }
    bool allChecks = latest->scope == "all";
    status.complete = allChecks && latest->points > 0 && latest->earned >= latest->points;
    if (status.complete) status.nextStep = "All visible checks pass — submit your work";
    else if (!allChecks) status.nextStep = "Run \"Check all\" in " + name + " to see the whole score";
    else status.nextStep = "Continue " + name + ": " + formatPoints(latest->points - latest->earned) + " points to go";
    return status;
}

ClusterSummary summarizeKindClusters(const Result<std::vector<std::string>>& clusters) {
    ClusterSummary summary;
    if (!clusters) {
        if (clusters.error().kind == ErrorKind::NotFound) {
            summary.state = ClusterSummary::State::KindMissing;
            summary.headline = "kind is not installed";
            summary.detail = "kind (and Docker) run the labs' local clusters, and kind was not found on PATH. "
                             "Lectures, the quiz and snapshot grading work without them. The Cluster page checks "
                             "what is missing and shows how to install it.";
        } else {
            summary.state = ClusterSummary::State::Failed;
            summary.headline = "Clusters could not be listed";
            // kind's own words (its last lines) say which: usually Docker is not running or not reachable.
            summary.detail = clusters.error().message + " — is Docker running? The Cluster page runs the full check.";
        }
        return summary;
    }
    if (clusters->empty()) {
        summary.state = ClusterSummary::State::None;
        summary.headline = "No cluster yet";
        summary.detail = "Create one on the Cluster page when you start a lab.";
        return summary;
    }
    summary.state = ClusterSummary::State::Some;
    summary.headline = std::to_string(clusters->size()) + (clusters->size() == 1 ? " kind cluster" : " kind clusters");
    for (size_t i = 0; i < clusters->size(); ++i) summary.detail += (i ? ", " : "") + (*clusters)[i];
    return summary;
}

ClusterSummary probeKindClusters(std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                                 const std::string& kind, const std::string& docker) {
    KindTools tools;
    if (!kind.empty()) tools.kind = kind;
    if (!docker.empty()) tools.docker = docker;
    KindDriver driver(std::move(runner), tools, std::move(clock));
    return summarizeKindClusters(driver.listClusters());
}

Result<std::optional<QuizBest>> bestModuleQuiz(const std::string& progressDbPath, const std::string& bankDir) {
    std::vector<std::int64_t> finished;
    {
        auto db = sqlite::Database::open(progressDbPath);
        if (!db) return fail(db.error().context("opening " + progressDbPath));
        auto stmt = db->prepare(
            "SELECT id FROM quiz_attempts WHERE kind = 'module' AND state IN ('submitted', 'expired') ORDER BY id");
        if (!stmt) return fail(stmt.error().context("reading quiz attempts from " + progressDbPath));
        while (true) {
            auto row = stmt->step();
            if (!row) return fail(row.error().context("reading quiz attempts from " + progressDbPath));
            if (!*row) break;
            finished.push_back(stmt->integer(0));
        }
    }
    if (finished.empty()) return std::optional<QuizBest>();
    auto bank = quiz::loadBank(bankDir);
    if (!bank) {
        std::string what = bank.error().empty() ? std::string("no questions") : bank.error().front().toString();
        return fail(ErrorKind::Invalid, "reading the quiz bank: " + what);
    }
    auto store = quiz::SqliteAttemptStore::open(progressDbPath);
    if (!store) return fail(store.error().context("opening " + progressDbPath));
    std::shared_ptr<const Clock> clock = systemClock();
    QuizBest best;
    best.percent = -1;
    for (std::int64_t id : finished) {
        // A finished attempt opens read-only (quiz/attempt.h): resume never writes to it.
        auto attempt = quiz::Attempt::resume(*bank, id, **store, clock);
        if (!attempt) continue;  // a question since removed from the bank: that attempt cannot be regraded here
        ++best.finishedAttempts;
        double percent = attempt->result().percent;
        if (percent > best.percent) {
            best.percent = percent;
            best.attemptId = id;
        }
    }
    if (best.finishedAttempts == 0) return std::optional<QuizBest>();
    best.passed = best.percent >= quiz::kPassPercent;
    return std::optional<QuizBest>(best);
}

}  // namespace kc::app
