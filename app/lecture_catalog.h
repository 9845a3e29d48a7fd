// The course's lectures as the Lectures and Home pages list them: lecture-notes/NN-*.md in number order, each with
// its title (the first heading), its size in words and its reading time. Qt-free.
#pragma once

#include <string>
#include <vector>

#include "clusters/result.h"

namespace kc::app {

// A lecture file larger than this is refused: the notes are hand-written text of ~50 KB each.
inline constexpr size_t kMaxLectureBytes = 2 * 1024 * 1024;

struct LectureInfo {
    std::string id;           // the file name without ".md": "03-statefulsets-and-storage"
    int number = 0;           // the NN prefix: 3
    std::string title;        // the first heading as written: "Topic 3: StatefulSets and Storage for ML Platforms"
    std::string shortTitle;   // without a "Lecture 5:" / "Topic 3:" prefix, for lists
    std::string path;         // full path of the .md file
    int words = 0;            // prose words (code blocks not counted)
    int readingMinutes = 0;
};

// Every "NN-*.md" directly in `lectureNotesDir`, by number. NotFound when the folder is missing; a file that
// cannot be read is an error naming it.
Result<std::vector<LectureInfo>> loadLectureCatalog(const std::string& lectureNotesDir);

// The whole text of a lecture file, bounded by kMaxLectureBytes.
Result<std::string> readLectureText(const std::string& path);

// "Lecture 00: Kubernetes architecture refresher" -> "Kubernetes architecture refresher".
std::string shortLectureTitle(const std::string& title);

}  // namespace kc::app
