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

}  // namespace kc::grader
