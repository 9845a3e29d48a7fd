// A lab's walkthrough (README.md) cut into the steps the Labs page lists, each with the rubric checks that grade
// it. Qt-free so the mapping is unit-tested without a display.
//
// The mapping, in order of precedence (labs/README.md: "every checkpoint in the walkthrough matches a visible check"):
//  1. A step is a level-2 section ("## ...") of the README; text before the first one is the "Overview". A section
//     whose top-level numbered list has two or more items that name a checkpoint (the exercises' "## Steps") is cut
//     into one step per item.
//  2. A step claims the visible checks it names in backticks after the word "Checkpoint"/"Checkpoints", up to the
//     end of that paragraph. The first claim wins.
//  3. A visible check no checkpoint claims goes to the first "Step ..." section that names it in backticks, else
//     the first section that does (both outside code blocks).
//  4. What is still unclaimed goes to a last step, "Other checks", so every visible check can be checked.
// Hidden and after-due-date checks are never mapped: the app neither shows nor runs them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grader/rubric.h"

namespace kc::app {

struct WalkthroughStep {
    std::string id;                     // unique in the lab: "step-2" for "## Step 2: ...", else a slug of the title
    std::string title;                  // the heading (or the item's bold lead) without markdown
    std::string markdown;               // the section as written, heading included
    std::vector<std::string> checkIds;  // visible checks graded at this step, in rubric order
};

struct Walkthrough {
    std::string title;  // the README's "# " heading, without markdown
    std::vector<WalkthroughStep> steps;

    const WalkthroughStep* find(const std::string& stepId) const;
    // The step a check is graded at, or nullptr (hidden checks, unknown ids).
    const WalkthroughStep* stepOf(const std::string& checkId) const;
};

// Visible checks only: hidden and after_due_date checks are left out of every step.
bool checkShownInApp(const grader::Check& check);

Walkthrough splitWalkthrough(std::string_view readme, const grader::Rubric& rubric);

// "Step 2: the API" → "step-2"; "How to check" → "how-to-check".
std::string stepIdForTitle(const std::string& title);

}  // namespace kc::app
