// Quiz results mapped onto the grader's report model, and the class-wide CSV and JSON; see quiz_report.h.
#include "grader/quiz_report.h"

#include <ctime>
#include <sstream>

#include "grader/csv_field.h"
#include "grader/report.h"
#include "grader/report_json.h"
#include "grader/report_text.h"

namespace kc::grader {

namespace {

std::string utcTimestamp(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string quizTitle(const GradedQuiz& g) {
    return std::string(g.answers.kind == quiz::AttemptKind::Module ? "Module quiz" : "Prerequisites self-check") +
           ": student " + g.answers.student;
}

std::string revisitList(const quiz::QuizResult& r) {
    std::string out;
    for (int t : r.topicsToRevisit) out += (out.empty() ? "" : "; ") + quiz::topicLabel(t);
    return out;
}

}  // namespace

GradeRun quizGradeRun(const GradedQuiz& g, const std::string& bankDir, std::chrono::system_clock::time_point at) {
    GradeRun run;
    run.lab = g.answers.kind == quiz::AttemptKind::Module ? "quiz" : "quiz-prerequisites";
    run.title = quizTitle(g);
    run.rubricFile = bankDir;
    run.mode = "answers";
    run.source = "answers " + g.answers.path;
    run.startedAt = utcTimestamp(at);
    for (const auto& r : g.result.review) {
        CheckResult c;
        c.id = r.question.id;
        c.title = oneLine(r.question.stem, 120);
        c.objective = quiz::topicLabel(r.question.topic);
        c.points = 1;
        c.earned = r.score;
        c.outcome = r.score >= 1.0 ? Outcome::Pass : Outcome::Fail;
        if (c.outcome != Outcome::Pass) {
            c.messages.push_back("answered " + quiz::describeResponse(r.question, r.response) + "; expected " +
                                 quiz::describeExpected(r.question) +
                                 (r.score > 0 ? " (partial credit " + formatPoints(r.score) + ")" : ""));
        }
        c.messages.push_back(r.question.explanation);
        c.messages.push_back("read " + r.question.reference);
        c.hints.nudge = "Read " + r.question.reference;
        run.checks.push_back(std::move(c));
    }
    return run;
}

std::string renderQuizCsv(const std::vector<GradedQuiz>& graded) {
    std::string out = "student,file,earned,questions,percent,passed,revisit,prerequisites";
    for (int t = quiz::kFirstCourseTopic; t <= quiz::kLastCourseTopic; ++t) out += ",topic_" + std::to_string(t);
    out += "\n";
    for (const auto& g : graded) {
        const auto& r = g.result;
        out += csvField(g.answers.student) + "," + csvField(g.answers.path) + "," + csvNumber(r.earned) + "," +
               std::to_string(r.questions) + "," + csvNumber(r.percent) + "," + (r.passed ? "yes" : "no") + "," +
               csvField(revisitList(r));
        for (int t = quiz::kPrerequisitesTopic; t <= quiz::kLastCourseTopic; ++t) {
            out += ",";
            for (const auto& ts : r.topics)
                if (ts.topic == t) out += csvNumber(ts.percent());
        }
        out += "\n";
    }
    return out;
}

std::string renderQuizJson(const std::vector<GradedQuiz>& graded, const std::vector<QuizFileError>& errors,
                           const std::string& bankDir, std::chrono::system_clock::time_point at) {
    Json doc = {{"schema", kQuizGradesJsonSchema}, {"passPercent", quiz::kPassPercent}};
    Json students = Json::array();
    for (const auto& g : graded) {
        const auto& r = g.result;
        Json topics = Json::array();
        for (const auto& t : r.topics)
            topics.push_back({{"topic", quiz::topicLabel(t.topic)}, {"questions", t.questions}, {"earned", t.earned},
                              {"percent", t.percent()}});
        Json revisit = Json::array();
        for (int t : r.topicsToRevisit) revisit.push_back(quiz::topicLabel(t));
        Json entry = {{"student", g.answers.student},
                      {"file", g.answers.path},
                      {"kind", quiz::attemptKindName(g.answers.kind)},
                      {"seed", g.answers.seed ? Json(std::to_string(*g.answers.seed)) : Json(nullptr)},
                      {"earned", r.earned},
                      {"questions", r.questions},
                      {"answered", r.answered()},
                      {"percent", r.percent},
                      {"passed", r.passed},
                      {"topics", topics},
                      {"revisit", revisit},
                      {"run", gradeRunToJson(quizGradeRun(g, bankDir, at), ReportOptions{})}};
        students.push_back(std::move(entry));
    }
    doc["students"] = std::move(students);
    Json errs = Json::array();
    for (const auto& e : errors) errs.push_back({{"file", e.path}, {"message", e.message}});
    doc["errors"] = std::move(errs);
    // Replace, not throw, on bad UTF-8: an answers file is student text.
    return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kc::grader
