// The labs and exercises the Labs page lists, found under the course data folder: labs/lab-*/ and
// labs/exercises/*/, each with rubric.yaml and README.md. Qt-free.
#pragma once

#include <string>
#include <vector>

#include "app/lab_walkthrough.h"
#include "grader/rubric.h"

namespace kc::app {

struct LabEntry {
    std::string id;     // the rubric's lab id ("lab-02", "ex-networkpolicies"); the folder name if it fails to load
    std::string title;  // the rubric's title
    std::string dir;
    bool exercise = false;
    grader::Rubric rubric;
    Walkthrough walkthrough;
    std::string loadError;  // the rubric or README could not be read: the page says so instead of steps

    // The visible checks, in rubric order.
    std::vector<std::string> visibleCheckIds() const;
};

// Labs first (by folder name), then exercises. Folders without rubric.yaml are not labs.
std::vector<LabEntry> loadLabCatalog(const std::string& dataRoot);

}  // namespace kc::app
