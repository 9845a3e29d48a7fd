// Checks a loaded quiz bank as a whole: ids, topic coverage, answers against options, references, duplicate stems.
// The loader checks each question's shape; this checks what only makes sense across questions and files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quiz/question.h"
#include "quiz/quiz_error.h"

namespace kc::quiz {

struct ValidationOptions {
    // Every topic 1..8 needs at least this many questions. The course bank uses 8 so attempts differ.
    int minQuestionsPerTopic = 8;
    // The lecture-notes directory. When set, each reference's file must exist there and contain a heading whose
    // anchor matches; when unset only the reference's form is checked.
    std::optional<std::filesystem::path> lectureNotesRoot;
};

// Every problem found, each at the offending question's file:line:col; empty when the bank is valid.
QuizErrors validateBank(const std::vector<Question>& bank, const ValidationOptions& options);

// The anchor GitHub generates for a Markdown heading: lower-cased, punctuation dropped, spaces as hyphens.
// "Finalizers & owner references" → "finalizers--owner-references".
std::string githubAnchor(std::string_view heading);

// The anchors of every ATX heading in a Markdown text, outside fenced code blocks, with GitHub's "-1", "-2"
// suffixes for repeated headings.
std::vector<std::string> markdownAnchors(std::string_view markdown);

}  // namespace kc::quiz
