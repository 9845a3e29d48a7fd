// The Quiz page's Qt-free texts and decisions: the countdown, what counts as answered, the summary's numbers, the
// lecture item a bank reference leads to and the topic titles read from the lecture files.
#include <catch2/catch.hpp>

#include "app/quiz_format.h"
#include "tests/support/temp_dir.h"

using namespace std::chrono_literals;
using namespace kc::app;

TEST_CASE("the countdown shows hours only from an hour up and rounds seconds up", "[app][quiz]") {
    CHECK(formatCountdown(90min) == "1:30:00");
    CHECK(formatCountdown(60min) == "1:00:00");
    CHECK(formatCountdown(59min + 59s) == "59:59");
    CHECK(formatCountdown(4min + 59s + 1ms) == "5:00");  // 4:59.001 still shows 5:00
    CHECK(formatCountdown(999ms) == "0:01");
    CHECK(formatCountdown(0ms) == "0:00");
    CHECK(formatCountdown(-5s) == "0:00");
}

TEST_CASE("an emptied response is not an answer", "[app][quiz]") {
    CHECK_FALSE(hasAnswer(std::nullopt));
    CHECK_FALSE(hasAnswer(kc::quiz::Response{}));
    CHECK_FALSE(hasAnswer(kc::quiz::Response{{}, "  \t"}));
    CHECK(hasAnswer(kc::quiz::Response{{"b"}, ""}));
    CHECK(hasAnswer(kc::quiz::Response{{}, "0"}));
}

TEST_CASE("the progress before submitting lists unanswered and flagged questions by number", "[app][quiz]") {
    std::vector<std::optional<kc::quiz::Response>> responses(5);
    responses[0] = kc::quiz::Response{{"a"}, ""};
    responses[2] = kc::quiz::Response{{}, ""};  // cleared
    responses[3] = kc::quiz::Response{{}, "8"};
    const auto p = attemptProgress(responses, {false, true, false, false, true});
    CHECK(p.questions == 5);
    CHECK(p.answered() == 2);
    CHECK(p.unanswered == std::vector<std::size_t>{2, 3, 5});
    CHECK(p.flagged == std::vector<std::size_t>{2, 5});
    CHECK(joinNumbers(p.unanswered) == "2, 3 and 5");
    CHECK(joinNumbers({7}) == "7");
    CHECK(joinNumbers({}) == "");
}

TEST_CASE("a bank reference becomes the Lectures page item", "[app][quiz]") {
    CHECK(lectureItemForReference("lecture-notes/02-advanced-scheduling.md#time-slicing") ==
          "02-advanced-scheduling#time-slicing");
    CHECK(lectureItemForReference("lecture-notes/00-kubernetes-architecture.md") == "00-kubernetes-architecture");
    CHECK(lectureItemForReference("https://example.com/x.md#a").empty());
    CHECK(lectureItemForReference("lecture-notes/../secrets.md#a").empty());
    CHECK(lectureItemForReference("").empty());
}

TEST_CASE("topic titles come from the lecture files without their numbering prefix", "[app][quiz]") {
    CHECK(topicTitleFromHeading("# Lecture 5: Security for ML platforms") == "Security for ML platforms");
    CHECK(topicTitleFromHeading("# Topic 3: StatefulSets and Storage") == "StatefulSets and Storage");
    CHECK(topicTitleFromHeading("# Operators and Custom Resources  ") == "Operators and Custom Resources");
    kc::testing::TempDir dir;
    dir.write("lecture-notes/01-ops.md", "# Topic 1: Operators\nbody\n");
    dir.write("lecture-notes/00-arch.md", "# Lecture 00: Architecture refresher\n");
    dir.write("lecture-notes/README.md", "# Index\n");
    dir.write("lecture-notes/09-extra.md", "# Not a course topic\n");
    const auto lectures = topicLectures(dir.path());
    REQUIRE(lectures.size() == 2);
    CHECK(lectures[0].topic == 0);
    CHECK(lectures[0].lectureId == "00-arch");
    CHECK(lectures[0].title == "Architecture refresher");
    CHECK(lectures[1].topic == 1);
    CHECK(lectures[1].lectureId == "01-ops");
    CHECK(lectures[1].title == "Operators");
    CHECK(topicLectures(dir.path() + "/missing").empty());
}
