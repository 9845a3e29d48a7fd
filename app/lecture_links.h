// Where a link in a lecture leads. The notes link to other lectures ("02-advanced-scheduling.md#x"), to anchors in
// the same lecture, to labs through labs/README.md's sections ("../labs/README.md#lab-1-operator-for-ml-training-jobs"),
// to the quiz bank ("../quiz/bank/03-statefulsets-and-storage.yaml") and to the web. Qt-free.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace kc::app {

struct LectureLink {
    enum class Kind {
        Anchor,    // "#x": scroll within the lecture shown
        Lecture,   // lectureId (+ anchor)
        Lab,       // labId: "lab-01", or an exercise's "exercises/networkpolicies"
        Quiz,      // quizItem: "topic-3" (a bank file), or a question id ("stor-parallel-quorum")
        External,  // url: http(s) or mailto
        Unknown,   // anything else (a folder or file in the repository the app has no page for)
    };
    Kind kind = Kind::Unknown;
    std::string lectureId;
    std::string anchor;
    std::string labId;
    std::string quizItem;
    std::string url;
};

// labs/README.md section anchors -> lab ids, read from each section's first link to a lab or exercise folder:
// "## Lab 1: ..." containing "[`lab-01-operator/`](lab-01-operator/README.md)" gives
// "lab-1-operator-for-ml-training-jobs" -> "lab-01".
std::map<std::string, std::string> labAnchorsFromReadme(std::string_view readme);

// "lab-01-operator" -> "lab-01", "exercises/networkpolicies/" -> "exercises/networkpolicies"; empty when `path` names
// no lab or exercise folder.
std::string labIdFromPath(std::string_view path);

// The question ids of one quiz bank file: its "- id: x" lines (enough to recognise ids the notes mention).
std::set<std::string> quizQuestionIds(std::string_view bankYaml);

// Turns every code span that is exactly a known question id ("`stor-parallel-quorum`") into a link
// "[`stor-parallel-quorum`](quiz:stor-parallel-quorum)", outside fenced code; the rest is left as written.
std::string linkQuestionIds(std::string_view markdown, const std::set<std::string>& questionIds);

// Classifies `href` as written in a lecture under lecture-notes/ ("quiz:ID" is what linkQuestionIds writes).
LectureLink classifyLectureLink(std::string_view href, const std::map<std::string, std::string>& labAnchors);

}  // namespace kc::app
