// Test doubles for batch grading: a SubmissionSource that hands out made-up commits and a grader that scores by
// a rule, both counting their calls per student so tests can prove what a resumed batch did not redo.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "grader/batch_runner.h"

namespace kc::grader::testing {

// A two-check run: "config" (6 points) passes when configOk, "hidden-probe" (4 points, hidden) always passes.
inline GradeRun twoCheckRun(bool configOk, const std::string& lab = "lab-02") {
    GradeRun run;
    run.lab = lab;
    run.title = "Advanced GPU scheduling";
    run.mode = "snapshot";
    CheckResult a;
    a.id = "config";
    a.title = "Config is right";
    a.points = 6;
    a.earned = configOk ? 6 : 0;
    a.outcome = configOk ? Outcome::Pass : Outcome::Fail;
    a.messages = {configOk ? "ok" : "the config is wrong"};
    a.duration = Duration(30);
    CheckResult b;
    b.id = "hidden-probe";
    b.title = "Hidden probe";
    b.visibility = Visibility::Hidden;
    b.points = 4;
    b.earned = 4;
    b.outcome = Outcome::Pass;
    b.duration = Duration(5);
    run.checks = {a, b};
    return run;
}

inline std::string shaFor(const std::string& student) {
    std::string sha(40, '0');
    for (size_t i = 0; i < student.size() && i < 40; ++i) sha[i] = "0123456789abcdef"[static_cast<unsigned char>(student[i]) % 16];
    return sha;
}

// Every student has one on-time commit, except ids starting "missing" (nothing by the deadline) and "broken"
// (the fetch fails).
class CountingSource final : public SubmissionSource {
public:
    Result<FetchedSubmission> fetch(const RosterEntry& student, const SubmissionWindow&) override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++fetches[student.studentId];
        }
        if (student.studentId.rfind("broken", 0) == 0)
            return fail(ErrorKind::Invalid, "symlink capture/x points outside the repository");
        FetchedSubmission f;
        f.studentId = student.studentId;
        f.treeDir = "/nonexistent/" + student.studentId;
        if (student.studentId.rfind("missing", 0) == 0) {
            f.late.count = 1;
            return f;
        }
        f.graded = SubmissionCommit{shaFor(student.studentId), std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)), "work"};
        return f;
    }
    std::map<std::string, int> fetches;

private:
    std::mutex mutex_;
};

class CountingGrader final : public SubmissionGrader {
public:
    // Called before grading each student (the SIGKILL test kills the process from it).
    std::function<void(const std::string& student)> beforeGrade;
    Result<GradeRun> grade(const RosterEntry& student, const FetchedSubmission&) override {
        if (beforeGrade) beforeGrade(student.studentId);
        std::lock_guard<std::mutex> lock(mutex_);
        ++grades[student.studentId];
        // Students whose id ends in an odd digit get the config wrong.
        char last = student.studentId.back();
        return twoCheckRun(!(last >= '0' && last <= '9' && (last - '0') % 2 == 1));
    }
    std::map<std::string, int> grades;

private:
    std::mutex mutex_;
};

inline Roster rosterOf(const std::vector<std::string>& ids) {
    Roster r;
    r.sourceName = "roster.csv";
    int line = 2;
    for (const auto& id : ids) r.entries.push_back({id, "Name " + id, id + "@uni.example", "file:///repos/" + id + ".git", "", "", line++});
    return r;
}

}  // namespace kc::grader::testing
