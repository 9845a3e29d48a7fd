// Tests for `kubeclass-grade quiz`: validate, grade (one file, a directory with a bad file in the middle, every
// output format, hostile files) and export. Scores are worked out by hand from the sample bank
// (tests/fixtures/quiz/bank) and the rules in quiz/README.md before running anything:
//   a-alice.yaml: all 16 course questions right (pc = PriorityClass, mutual-tls by regex, --namespace=ml,
//     4.505 within 0.01 of 4.5, 1024Mi = 1Gi, velero any case) → 16/16 = 100%, pass.
//   b-bob.json: 7 questions: reconcile a (0), finalizers [a] of [a, b] in 4 → (3 - 1) / 4 = 0.5, headless
//     "none" when case matters (0), first-steps all four of [a, b, d] → (3 - 1) / 4 = 0.5, MIG 7 (1), 1Gi (1),
//     rpo null (asked, blank: 0) → 3/7 = 42.9%, fail; topics 1 (25%), 3 (0%), 6 (0%), 8 (50%) to revisit.
//   c-broken.yaml: an unknown question on line 4 and an unknown option on line 5 → not graded.
//   d-dave.yaml: prerequisites: etcd b (1), "the kubelet" (1), [a, b] of [a, b, c] in 4 → (3 - 1) / 4 = 0.5
//     → 2.5/3 = 83.3%, pass.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "clusters/json.h"
#include "cli_test_support.h"
#include "quiz/bank_loader.h"
#include "quiz/draw.h"
#include "tests/support/temp_dir.h"

using namespace kc::grader::testing;
using kc::Json;
using kc::testing::TempDir;

namespace {

const std::string kQuizFixtures = std::string(KUBECLASS_TEST_FIXTURES) + "/quiz";
const std::string kBank = kQuizFixtures + "/bank";
const std::string kAnswers = kQuizFixtures + "/answers";

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// kubeclass-grade with the data root at tests/fixtures (grade() always points it at the CLI fixtures).
kc::ProcessResult gradeWithFixturesRoot(std::vector<std::string> args) {
    auto result = kc::posixProcessRunner()->run(
        {.program = KUBECLASS_GRADE_EXE, .args = std::move(args),
         .extraEnv = {{"KUBECLASS_DATA_DIR", std::string(KUBECLASS_TEST_FIXTURES)}, {"NO_COLOR", "1"}},
         .timeout = std::chrono::milliseconds(120000)});
    if (!result) return kc::ProcessResult{-2, "", "could not run kubeclass-grade: " + result.error().message};
    return *result;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("quiz validate passes the sample bank and lists every problem of a bad one") {
    auto ok = grade({"quiz", "validate", "--bank", kBank, "--lecture-notes", kQuizFixtures + "/lecture-notes",
                     "--min-per-topic", "2"});
    INFO(ok.stderrText);
    CHECK(ok.exitCode == 0);
    CHECK(ok.stdoutText == "ok: 19 questions (3 prerequisites; per topic 1:2 2:2 3:2 4:2 5:2 6:2 7:2 8:2)\n");

    // The course default asks for 8 per topic: the sample bank's 2 fail for each of the 8 topics.
    auto thin = grade({"quiz", "validate", "--bank", kBank});
    CHECK(thin.exitCode == 2);
    CHECK_THAT(thin.stderrText, Catch::Contains("topic 1 has 2 questions; at least 8 are needed") &&
                                    Catch::Contains("topic 8 has 2 questions") && Catch::Contains("8 problems"));

    TempDir dir;
    std::string text = readFile(kBank + "/topics-1-4.yaml");
    text.replace(text.find("answer: b\n"), 10, "answer: z\n");  // the first question's answer
    dir.write("bank/topics-1-4.yaml", text);
    dir.write("bank/topics-5-8.yaml", readFile(kBank + "/topics-5-8.yaml"));
    auto bad = grade({"quiz", "validate", "--bank", dir.path() + "/bank", "--lecture-notes",
                      kQuizFixtures + "/lecture-notes", "--min-per-topic", "2"});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.stderrText, Catch::Contains("topics-1-4.yaml:2:3: question 't1-reconcile-trigger': answer 'z' is "
                                               "not one of the option ids"));
    auto broken = grade({"quiz", "validate", "--bank", dir.path() + "/nowhere"});
    CHECK(broken.exitCode == 2);
}

TEST_CASE("quiz validate finds the course bank under the data root by default") {
    // KUBECLASS_DATA_DIR=tests/fixtures: the bank is tests/fixtures/quiz/bank; that root has no lecture-notes/.
    auto found = gradeWithFixturesRoot({"quiz", "validate", "--min-per-topic", "2"});
    INFO(found.stderrText);
    CHECK(found.exitCode == 0);
    CHECK_THAT(found.stdoutText, Catch::Contains("19 questions") &&
                                     Catch::Contains("lecture references checked for form only"));
    // The CLI fixtures' data root has no quiz bank at all.
    auto missing = grade({"quiz", "validate"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.stderrText, Catch::Contains("no quiz bank found"));
}

TEST_CASE("quiz grade of a directory grades every good file and reports the bad one in the middle") {
    auto r = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers, "--format", "csv"});
    CHECK(r.exitCode == 2);  // c-broken.yaml could not be graded
    auto rows = lines(r.stdoutText);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0] == "student,file,earned,questions,percent,passed,revisit,prerequisites,topic_1,topic_2,topic_3,"
                     "topic_4,topic_5,topic_6,topic_7,topic_8");
    CHECK(rows[1] == "s1001-alice," + kAnswers + "/a-alice.yaml,16,16,100,yes,,,100,100,100,100,100,100,100,100");
    CHECK(rows[2] == "s1002-bob," + kAnswers +
                         "/b-bob.json,3,7,42.8571,no,topic 1; topic 3; topic 6; topic 8,,25,100,0,,,0,100,50");
    CHECK(rows[3] == "s1004-dave," + kAnswers + "/d-dave.yaml,2.5,3,83.3333,yes,,83.3333,,,,,,,,");
    CHECK_THAT(r.stderrText, Catch::Contains("c-broken.yaml:4:") && Catch::Contains("no question 't9-nonexistent'"));
    CHECK_THAT(r.stderrText, Catch::Contains("c-broken.yaml:5:") &&
                                 Catch::Contains("'z' is not an option of 't3-binding-mode' (options: a, b, c)"));
    CHECK_THAT(r.stderrText, Catch::Contains("1 of 4 answers files could not be graded"));
}

TEST_CASE("quiz grade json holds every student and every error") {
    auto r = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers, "--format", "json"});
    CHECK(r.exitCode == 2);
    Json doc = Json::parse(r.stdoutText);
    CHECK(doc["schema"] == "kubeclass.quiz-grades/v1");
    REQUIRE(doc["students"].size() == 3);
    const Json& bob = doc["students"][1];
    CHECK(bob["student"] == "s1002-bob");
    CHECK(bob["questions"] == 7);
    CHECK(bob["answered"] == 6);
    CHECK(bob["earned"].get<double>() == Approx(3.0));
    CHECK(bob["passed"] == false);
    CHECK(bob["revisit"] == Json::array({"topic 1", "topic 3", "topic 6", "topic 8"}));
    // The embedded run is the lab report's schema: one check per question.
    CHECK(bob["run"]["schema"] == "kubeclass.grade/v1");
    REQUIRE(bob["run"]["checks"].size() == 7);
    CHECK(bob["run"]["checks"][1]["id"] == "t1-finalizer-purpose");
    CHECK(bob["run"]["checks"][1]["earned"].get<double>() == Approx(0.5));
    CHECK(bob["run"]["checks"][1]["outcome"] == "fail");
    CHECK(doc["students"][2]["kind"] == "prerequisites");
    REQUIRE(doc["errors"].size() == 1);
    CHECK(doc["errors"][0]["file"] == kAnswers + "/c-broken.yaml");
}

TEST_CASE("quiz grade of one file writes the lab reports") {
    auto text = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers + "/b-bob.json"});
    INFO(text.stderrText);
    CHECK(text.exitCode == 0);
    CHECK_THAT(text.stdoutText, Catch::Contains("Module quiz: student s1002-bob") &&
                                    Catch::Contains("Total: 3/7 points (42.9%)") &&
                                    Catch::Contains("answered a; expected a, b (partial credit 0.5)") &&
                                    Catch::Contains("read lecture-notes/01-operators.md#reconciliation-loops"));

    auto junit = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers + "/b-bob.json", "--format", "junit"});
    CHECK(junit.exitCode == 0);
    CHECK_THAT(junit.stdoutText, Catch::Contains("tests=\"7\" failures=\"5\""));

    TempDir dir;
    auto gs = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers + "/a-alice.yaml", "--format",
                     "gradescope", "--out", dir.path() + "/results.json"});
    CHECK(gs.exitCode == 0);
    Json results = Json::parse(readFile(dir.path() + "/results.json"));
    CHECK(results["score"].get<double>() == Approx(16.0));
    CHECK(results["tests"].size() == 16);

    auto md = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers + "/d-dave.yaml", "--format", "markdown"});
    CHECK(md.exitCode == 0);
    CHECK_THAT(md.stdoutText, Catch::Contains("Prerequisites self-check: student s1004-dave"));
}

TEST_CASE("quiz grade junit for a directory writes one file per student") {
    auto noOut = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers, "--format", "junit"});
    CHECK(noOut.exitCode == 2);
    CHECK_THAT(noOut.stderrText, Catch::Contains("give --out DIR"));
    TempDir dir;
    auto r = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers, "--format", "junit", "--out",
                    dir.path() + "/reports"});
    CHECK(r.exitCode == 2);  // the bad file still makes the run exit 2, after the others are written
    CHECK(std::filesystem::exists(dir.path() + "/reports/s1001-alice.xml"));
    CHECK(std::filesystem::exists(dir.path() + "/reports/s1002-bob.xml"));
    CHECK(std::filesystem::exists(dir.path() + "/reports/s1004-dave.xml"));
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/reports/s1003-carol.xml"));
}

TEST_CASE("quiz grade with a seed grades the whole draw and refuses answers it did not ask") {
    // A bank big enough for a 25-question draw: 4 numeric questions per topic, each answered by its number.
    TempDir dir;
    std::string yaml;
    for (int t = 1; t <= 8; ++t)
        for (int i = 0; i < 4; ++i)
            yaml += "- {id: q" + std::to_string(t) + std::to_string(i) + ", topic: " + std::to_string(t) +
                    ", difficulty: easy, type: numeric, stem: 'Number " + std::to_string(t * 10 + i) +
                    "?', answer: " + std::to_string(t * 10 + i) + ", explanation: x, reference: 'lecture-notes/0" +
                    std::to_string(t) + "-x.md#a'}\n";
    dir.write("bank/bank.yaml", yaml);
    auto bank = kc::quiz::loadBank(dir.path() + "/bank");
    REQUIRE(bank);
    auto draw = kc::quiz::drawQuiz(*bank, 4242);
    REQUIRE(draw);
    // Answer the first five drawn questions right: 5 of 25 = 20%.
    std::string answers = "student: s9\nseed: 4242\nanswers:\n";
    for (int i = 0; i < 5; ++i) {
        const std::string& id = draw->questions[static_cast<std::size_t>(i)].questionId;
        answers += "  " + id + ": " + id.substr(1, 2) + "\n";
    }
    dir.write("answers/good.yaml", answers);
    auto r = grade({"quiz", "grade", "--bank", dir.path() + "/bank", "--answers", dir.path() + "/answers/good.yaml",
                    "--format", "json"});
    INFO(r.stderrText);
    REQUIRE(r.exitCode == 0);
    Json doc = Json::parse(r.stdoutText);
    CHECK(doc["students"][0]["questions"] == 25);
    CHECK(doc["students"][0]["answered"] == 5);
    CHECK(doc["students"][0]["percent"].get<double>() == Approx(20.0));
    CHECK(doc["students"][0]["seed"] == "4242");

    // A question outside the draw is an error at its line (line 4: the first answer).
    std::string notAsked;
    for (const auto& q : *bank) {
        bool drawn = false;
        for (const auto& d : draw->questions) drawn = drawn || d.questionId == q.id;
        if (!drawn) {
            notAsked = q.id;
            break;
        }
    }
    dir.write("answers/stray.yaml", "student: s10\nseed: 4242\nanswers:\n  " + notAsked + ": 1\n");
    auto stray = grade({"quiz", "grade", "--bank", dir.path() + "/bank", "--answers",
                        dir.path() + "/answers/stray.yaml"});
    CHECK(stray.exitCode == 2);
    CHECK_THAT(stray.stderrText, Catch::Contains("stray.yaml:4:") &&
                                     Catch::Contains("question '" + notAsked + "' was not asked in the attempt with "
                                                                               "seed 4242"));
}

TEST_CASE("hostile and malformed answers files get clear per-file errors") {
    TempDir dir;
    dir.write("a.yaml", std::string(300 * 1024, 'x'));
    std::string deep = "student: s\nanswers:\n  t1-reconcile-trigger: ";
    deep += std::string(50, '[') + std::string(50, ']');
    dir.write("b.yaml", deep);
    dir.write("c.yaml", "- just\n- a list\n");
    dir.write("d.yaml", "student: ''\nanswers: {t2-mig-slices: [7]}\nextra: 1\n");
    dir.write("e.json", "{\"student\": \"ok-student\", \"answers\": {\"t2-mig-slices\": \"7\"}}");
    dir.write("f.yaml", "student: s1\nanswers:\n  t8-velero: Velero\n");
    dir.write("g.yaml", "student: s1\nanswers:\n  t8-velero: velero\n");  // the same student twice
    dir.write("ignored.txt", "not an answers file");
    auto r = grade({"quiz", "grade", "--bank", kBank, "--answers", dir.path(), "--format", "csv"});
    CHECK(r.exitCode == 2);
    auto rows = lines(r.stdoutText);
    REQUIRE(rows.size() == 3);  // header, e.json, f.yaml
    CHECK(rows[1].rfind("ok-student,", 0) == 0);
    CHECK(rows[2].rfind("s1,", 0) == 0);
    const std::string& err = r.stderrText;
    CHECK_THAT(err, Catch::Contains("a.yaml: ") && Catch::Contains("307200 bytes is more than the limit of 262144"));
    CHECK_THAT(err, Catch::Contains("b.yaml") && Catch::Contains("nesting deeper than"));
    CHECK_THAT(err, Catch::Contains("c.yaml:1:1: an answers file must be a mapping"));
    CHECK_THAT(err, Catch::Contains("d.yaml:1:10: 'student' must be a non-empty id"));
    CHECK_THAT(err, Catch::Contains("d.yaml:2:") &&
                        Catch::Contains("answer to 't2-mig-slices' must be a single value"));
    CHECK_THAT(err, Catch::Contains("d.yaml:3:") && Catch::Contains("unknown key 'extra'"));
    CHECK_THAT(err, Catch::Contains("g.yaml: student 's1' was already graded from"));
    CHECK_THAT(err, Catch::Contains("5 of 7 answers files could not be graded"));
}

TEST_CASE("quiz grade and export reject bad flags") {
    CHECK(grade({"quiz"}).exitCode == 2);
    CHECK(grade({"quiz", "lint"}).exitCode == 2);
    CHECK(grade({"quiz", "grade", "--bank", kBank}).exitCode == 2);  // no --answers
    auto fmt = grade({"quiz", "grade", "--bank", kBank, "--answers", kAnswers, "--format", "pdf"});
    CHECK(fmt.exitCode == 2);
    CHECK_THAT(fmt.stderrText, Catch::Contains("unknown format \"pdf\""));
    CHECK(grade({"quiz", "validate", "--bank", kBank, "--answers", kAnswers}).exitCode == 2);
    CHECK(grade({"quiz", "export", "--bank", kBank}).exitCode == 2);
    CHECK(grade({"quiz", "export", "--bank", kBank, "--format", "qti"}).exitCode == 2);
    CHECK(grade({"quiz", "grade", "--bank", kBank, "--answers", "/no/such/file.yaml"}).exitCode == 2);
}

TEST_CASE("quiz export writes gift for the whole bank") {
    TempDir dir;
    auto r = grade({"quiz", "export", "--format", "gift", "--bank", kBank, "--out", dir.path() + "/bank.gift"});
    INFO(r.stderrText);
    CHECK(r.exitCode == 0);
    const std::string gift = readFile(dir.path() + "/bank.gift");
    // One ::id:: title per question and one category per topic, prerequisites included.
    std::size_t titles = 0;
    for (const auto& line : lines(gift)) titles += line.rfind("::", 0) == 0;
    CHECK(titles == 19);
    CHECK_THAT(gift, Catch::Contains("$CATEGORY: $course$/kubeclass/prerequisites") &&
                         Catch::Contains("$CATEGORY: $course$/kubeclass/topic-08"));
    auto stdoutCopy = grade({"quiz", "export", "--format", "gift", "--bank", kBank});
    CHECK(stdoutCopy.stdoutText == gift);
}
