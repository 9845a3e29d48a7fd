// The Lectures page's Qt-free parts: headings and anchors, fenced code as written, word counts, the catalog of the
// real notes, where links lead and how code lines are coloured.
#include <catch2/catch.hpp>

#include <string>

#include "app/lecture_catalog.h"
#include "app/lecture_code_tokens.h"
#include "app/lecture_links.h"
#include "app/lecture_markdown.h"
#include "clusters/bounded_file.h"
#include "tests/app/lecture_fixture.h"

using namespace kc::app;

namespace {

bool hasSpan(const std::vector<CodeSpan>& spans, int start, int length, CodeToken kind) {
    for (const auto& s : spans)
        if (s.start == start && s.length == length && s.kind == kind) return true;
    return false;
}

}  // namespace

TEST_CASE("outline lists headings with GitHub anchors and fenced code as written", "[app][lectures]") {
    MarkdownOutline outline = outlineMarkdown(kc::testing::kBasicsLecture);
    REQUIRE(outline.headings.size() == 3);
    CHECK(outline.headings[0].level == 1);
    CHECK(outline.headings[0].text == "Lecture 0: Basics of pods");
    CHECK(outline.headings[0].slug == "lecture-0-basics-of-pods");
    CHECK(outline.headings[1].slug == "first-steps");
    CHECK(outline.headings[2].text == "Second section");
    CHECK(outline.headings[2].line == 31);
    REQUIRE(outline.codeBlocks.size() == 2);
    CHECK(outline.codeBlocks[0].language == "yaml");
    CHECK(outline.codeBlocks[0].text ==
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo   # a comment\nspec:\n  containers:\n    - name: main\n"
          "      image: busybox:1.36");
    CHECK(outline.codeBlocks[1].language == "console");
    CHECK(outline.codeBlocks[1].text == "$ kubectl get events \\\n    --watch");
}

TEST_CASE("a heading inside a fence is code and fences inside list items lose the item's indentation", "[app][lectures]") {
    MarkdownOutline outline = outlineMarkdown("1. Step one:\n\n   ```bash\n   # not a heading\n   echo hi\n     indented\n   ```\n\n## Setup\n\n## Setup\n");
    REQUIRE(outline.codeBlocks.size() == 1);
    CHECK(outline.codeBlocks[0].language == "bash");
    CHECK(outline.codeBlocks[0].text == "# not a heading\necho hi\n  indented");
    REQUIRE(outline.headings.size() == 2);
    CHECK(outline.headings[0].slug == "setup");
    CHECK(outline.headings[1].slug == "setup-1");
}

TEST_CASE("heading slugs drop punctuation like GitHub", "[app][lectures]") {
    CHECK(headingSlug("CSI drivers") == "csi-drivers");
    CHECK(headingSlug("Kubernetes 1.33: what's new?") == "kubernetes-133-whats-new");
    CHECK(headingSlug("KubeFed's retirement") == "kubefeds-retirement");
    CHECK(headingSlug("Cross-cluster service discovery (MCS API and mesh)") ==
          "cross-cluster-service-discovery-mcs-api-and-mesh");
    CHECK(plainInlineText("The `kubectl` tool, **bold** and [docs](x.md#y)") == "The kubectl tool, bold and docs");
}

TEST_CASE("prose words exclude code and link targets and give the reading time", "[app][lectures]") {
    // "# Title" 1, "Two words here." 3, "[link text](a/very/long/url.md)" 2; the fence's 3 words are not counted.
    MarkdownOutline outline = outlineMarkdown("# Title\n\nTwo words here.\n\n```text\nnot counted here\n```\n[link text](a/very/long/url.md)\n");
    CHECK(outline.proseWords == 6);
    CHECK(readingMinutes(0) == 0);
    CHECK(readingMinutes(1) == 1);
    CHECK(readingMinutes(200) == 1);
    CHECK(readingMinutes(201) == 2);
}

TEST_CASE("the catalog lists the nine lectures of the course in order with their first headings", "[app][lectures]") {
    auto catalog = loadLectureCatalog(std::string(KUBECLASS_SOURCE_DIR) + "/lecture-notes");
    REQUIRE(catalog);
    REQUIRE(catalog->size() == 9);  // 00..08; README.md is not a lecture
    for (int i = 0; i < 9; ++i) CHECK((*catalog)[static_cast<size_t>(i)].number == i);
    CHECK((*catalog)[0].id == "00-kubernetes-architecture");
    CHECK((*catalog)[0].title == "Lecture 00: Kubernetes architecture refresher");
    CHECK((*catalog)[0].shortTitle == "Kubernetes architecture refresher");
    CHECK((*catalog)[3].shortTitle == "StatefulSets and Storage for ML Platforms");
    CHECK((*catalog)[1].shortTitle == "Operators and Custom Resources");
    // Each lecture is several thousand words (wc -w counts ~6,300-7,000 with code); reading time follows.
    for (const auto& lecture : *catalog) {
        CHECK(lecture.words > 3000);
        CHECK(lecture.readingMinutes == (lecture.words + 199) / 200);
    }
}

TEST_CASE("a missing lecture folder is an error naming it", "[app][lectures]") {
    auto catalog = loadLectureCatalog("/nonexistent/lecture-notes");
    REQUIRE_FALSE(catalog);
    CHECK(catalog.error().message.find("/nonexistent/lecture-notes") != std::string::npos);
}

TEST_CASE("lecture links lead to lectures, labs, the quiz, anchors and the web", "[app][lectures]") {
    auto readme = kc::readFileBounded(std::string(KUBECLASS_SOURCE_DIR) + "/labs/README.md", 1 << 20);
    REQUIRE(readme);
    auto anchors = labAnchorsFromReadme(*readme);
    CHECK(anchors["lab-1-operator-for-ml-training-jobs"] == "lab-01");
    CHECK(anchors["lab-4-multi-cluster"] == "lab-04");
    CHECK(anchors["exercise-velero-backup-and-restore"] == "exercises/velero-backup-restore");

    auto lab = classifyLectureLink("../labs/README.md#lab-2-advanced-gpu-scheduling", anchors);
    CHECK(lab.kind == LectureLink::Kind::Lab);
    CHECK(lab.labId == "lab-02");
    auto direct = classifyLectureLink("../labs/lab-03-service-mesh/README.md", anchors);
    CHECK(direct.kind == LectureLink::Kind::Lab);
    CHECK(direct.labId == "lab-03");
    auto lecture = classifyLectureLink("08-production-ml.md#capacity-planning", anchors);
    CHECK(lecture.kind == LectureLink::Kind::Lecture);
    CHECK(lecture.lectureId == "08-production-ml");
    CHECK(lecture.anchor == "capacity-planning");
    auto quiz = classifyLectureLink("../quiz/bank/03-statefulsets-and-storage.yaml", anchors);
    CHECK(quiz.kind == LectureLink::Kind::Quiz);
    CHECK(quiz.quizItem == "topic-3");
    CHECK(classifyLectureLink("https://kind.sigs.k8s.io/", anchors).kind == LectureLink::Kind::External);
    auto anchor = classifyLectureLink("#learning-objectives", anchors);
    CHECK(anchor.kind == LectureLink::Kind::Anchor);
    CHECK(anchor.anchor == "learning-objectives");
    CHECK(classifyLectureLink("resources/tools-and-frameworks.md", anchors).kind == LectureLink::Kind::Unknown);
    CHECK(classifyLectureLink("../labs/README.md#no-such-section", anchors).kind == LectureLink::Kind::Unknown);
}

TEST_CASE("code lines are tokenized per language", "[app][lectures]") {
    auto yaml = tokenizeCodeLine(u"yaml", u"  name: demo   # a comment");
    CHECK(yaml.size() == 2);
    CHECK(hasSpan(yaml, 2, 4, CodeToken::Key));
    CHECK(hasSpan(yaml, 15, 11, CodeToken::Comment));
    auto yamlValues = tokenizeCodeLine(u"yaml", u"- replicas: 3");
    CHECK(hasSpan(yamlValues, 2, 8, CodeToken::Key));
    CHECK(hasSpan(yamlValues, 12, 1, CodeToken::Number));
    CHECK(hasSpan(tokenizeCodeLine(u"yaml", u"enabled: true"), 9, 4, CodeToken::Keyword));
    CHECK(hasSpan(tokenizeCodeLine(u"yaml", u"image: \"busybox:1.36\""), 7, 14, CodeToken::String));

    auto console = tokenizeCodeLine(u"console", u"$ kubectl get pods  # list");
    CHECK(hasSpan(console, 0, 1, CodeToken::Prompt));
    CHECK(hasSpan(console, 20, 6, CodeToken::Comment));
    CHECK(hasSpan(tokenizeCodeLine(u"console", u"NAME    READY"), 0, 13, CodeToken::Output));
    CHECK(tokenizeCodeLine(u"console", u"    --watch", true).empty());  // a continued command is not output
    CHECK(continuesOnNextLine(u"$ kubectl get events \\"));
    CHECK_FALSE(continuesOnNextLine(u"$ kubectl get events"));
    CHECK(hasSpan(tokenizeCodeLine(u"bash", u"echo \"$HOME\" ${X}"), 13, 4, CodeToken::Variable));

    auto go = tokenizeCodeLine(u"go", u"func main() { // start");
    CHECK(hasSpan(go, 0, 4, CodeToken::Keyword));
    CHECK(hasSpan(go, 14, 8, CodeToken::Comment));
    auto python = tokenizeCodeLine(u"python", u"def f(x): return 'a'  # c");
    CHECK(hasSpan(python, 0, 3, CodeToken::Keyword));
    CHECK(hasSpan(python, 10, 6, CodeToken::Keyword));
    CHECK(hasSpan(python, 17, 3, CodeToken::String));
    CHECK(hasSpan(python, 22, 3, CodeToken::Comment));
    auto json = tokenizeCodeLine(u"json", u"\"replicas\": 3,");
    CHECK(hasSpan(json, 0, 10, CodeToken::Key));
    CHECK(hasSpan(json, 12, 1, CodeToken::Number));
    CHECK(tokenizeCodeLine(u"text", u"anything: 1").empty());
}

TEST_CASE("question ids the notes mention become links to the quiz, outside code", "[app][lectures]") {
    auto ids = quizQuestionIds("- id: stor-parallel-quorum\n  type: single\n  options:\n    - {id: a, text: x}\n- id: \"stor-csi-sidecars\"\n");
    CHECK(ids == std::set<std::string>{"stor-parallel-quorum", "stor-csi-sidecars"});
    const std::string text = "Questions: `stor-parallel-quorum`, `kubectl`, [`stor-csi-sidecars`](x.md).\n```text\n`stor-parallel-quorum`\n```\n";
    CHECK(linkQuestionIds(text, ids) ==
          "Questions: [`stor-parallel-quorum`](quiz:stor-parallel-quorum), `kubectl`, [`stor-csi-sidecars`](x.md).\n"
          "```text\n`stor-parallel-quorum`\n```\n");
    auto link = classifyLectureLink("quiz:stor-parallel-quorum", {});
    CHECK(link.kind == LectureLink::Kind::Quiz);
    CHECK(link.quizItem == "stor-parallel-quorum");
}
