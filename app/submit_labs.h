// The labs a student can submit, read from the course data's labs/ folder: each lab-* folder's rubric.yaml gives the
// id ("lab: lab-02") and title. Qt-free.
#pragma once

#include <string>
#include <vector>

namespace kc::app {

struct SubmittableLab {
    std::string id;     // "lab-02"
    std::string title;  // "GPU scheduling", or the folder name when the rubric has none
};

// Sorted by id; empty when labs/ is missing.
std::vector<SubmittableLab> submittableLabs(const std::string& dataRoot);

}  // namespace kc::app
