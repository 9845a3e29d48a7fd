// Records a submission plan as a commit on the lab's branch of the local submissions repository: the folder's
// files as they are now, authored by the student, with the lab and time in the message. Qt-free.
#pragma once

#include <chrono>
#include <string>

#include "app/submit_plan.h"
#include "clusters/result.h"

namespace kc::app {

struct SubmitAuthor {
    std::string name;
    std::string studentId;
};

struct SubmitCommit {
    std::string sha;
    std::string branch;
    std::size_t files = 0;
    std::uint64_t bytes = 0;
    // The folder had the same files as the branch's last commit: no new commit was made, the last one is pushed.
    bool unchanged = false;
};

// The branch a lab is submitted on: the lab id itself ("lab-02"), so an instructor's roster names it per lab.
std::string submissionBranch(const std::string& labId);

// The author's email: the student id when it is an address, else <id>@students.kubeclass.invalid (a name that
// can never receive mail, so nobody is spammed by a made-up address).
std::string authorEmail(const SubmitAuthor& author);

// The commit message: "Submit lab-02 (2026-11-23 04:40 UTC)" with the student and file count as trailers.
std::string submissionMessage(const std::string& labId, const SubmitAuthor& author, std::size_t files,
                              std::chrono::system_clock::time_point at);

// Commits `plan` (which must be submittable) on submissionBranch(labId) in the bare repository at repoDir. Each file
// is read again, bounded by `limits`, so a file that grew since the plan is refused rather than sent.
Result<SubmitCommit> commitSubmission(const std::string& repoDir, const std::string& labId, const SubmitPlan& plan,
                                      const SubmitAuthor& author, std::chrono::system_clock::time_point at,
                                      const SubmitLimits& limits = {});

}  // namespace kc::app
