// Finding a lab's rubric from what a user typed: an id ("lab-02") looked up under the data root's labs/, or a
// path to a lab directory or a rubric file. Shared by every kubeclass-grade command that takes LAB.
#pragma once

#include <string>
#include <vector>

#include "clusters/data_roots.h"
#include "clusters/result.h"

namespace kc::grader {

// Where labs/ is looked for (clusters/data_roots.h): the first candidate with a labs/ folder wins.
using kc::dataRootCandidates;

// The rubric file for LAB. A value naming an existing file is that file; an existing directory means its
// rubric.yaml; anything else must be an id, matched against <root>/labs/<id> or <root>/labs/<id>-* in each
// candidate root (one match, or an error listing them). Invalid or NotFound errors say what was tried.
Result<std::string> locateRubric(const std::string& lab, const std::vector<std::string>& dataRoots);
Result<std::string> locateRubric(const std::string& lab);

// The course's quiz bank and lecture notes, found like labs: <root>/quiz/bank in the first candidate root that has
// it, and that root's lecture-notes/ (empty when the root has none). NotFound lists the roots tried.
struct QuizDataDirs {
    std::string bank;
    std::string lectureNotes;
};
Result<QuizDataDirs> locateQuizBank(const std::vector<std::string>& dataRoots);
Result<QuizDataDirs> locateQuizBank();

}  // namespace kc::grader
