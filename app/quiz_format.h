// Qt-free decisions and texts of the Quiz page: the countdown, which questions count as answered, the summary
// before submitting, and where a question's lecture reference leads. Kept apart from the widgets so they are
// unit-tested without a display.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "quiz/scoring.h"

namespace kc::app {

// Under this much time left the countdown turns to the warning colour.
inline constexpr std::chrono::minutes kQuizLowTime{5};

// "1:29:59" from an hour up, "4:05" below; seconds round up, so "0:00" shows only when the time is gone.
std::string formatCountdown(std::chrono::milliseconds left);

// A saved response with nothing in it (every option unticked, the text cleared) is not an answer to the student:
// the navigator and the summary show that question as not yet answered.
bool hasAnswer(const std::optional<quiz::Response>& response);

// Which questions are left open before submitting, as 1-based question numbers.
struct AttemptProgress {
    std::size_t questions = 0;
    std::vector<std::size_t> unanswered;
    std::vector<std::size_t> flagged;
    std::size_t answered() const { return questions - unanswered.size(); }
};
AttemptProgress attemptProgress(const std::vector<std::optional<quiz::Response>>& responses,
                                const std::vector<bool>& flags);

// "3, 7 and 12" (numbers as shown to the student).
std::string joinNumbers(const std::vector<std::size_t>& numbers);

// The Lectures page's item for a bank reference: "lecture-notes/02-advanced-scheduling.md#time-slicing" →
// "02-advanced-scheduling#time-slicing". Empty when the reference is not a lecture-notes/*.md link.
std::string lectureItemForReference(const std::string& reference);

// The lecture behind a topic, read from lecture-notes/NN-*.md: its id (the file name without .md) and its title
// (the first heading, without a "Lecture 5:" or "Topic 3:" prefix).
struct TopicLecture {
    int topic = 0;
    std::string lectureId;
    std::string title;
};
// Topics 0..8 found in dataRoot/lecture-notes; a topic whose file is missing or unreadable is left out.
std::vector<TopicLecture> topicLectures(const std::string& dataRoot);
std::string topicTitleFromHeading(const std::string& heading);

}  // namespace kc::app
