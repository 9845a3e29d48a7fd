// The rubric loader: a complete lab rubric into the model, every kind of error with its file:line:col, all errors
// reported together, the YAML bounds, and instructor overlays.
#include "grader/rubric_loader.h"
#include "tests/grader/one_step_rubric.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/temp_dir.h"

using kc::Json;
using namespace kc::grader;
using namespace kc::grader::testing;
using namespace std::chrono_literals;

namespace {

const std::string kRubrics = std::string(KUBECLASS_TEST_FIXTURES) + "/rubrics/";

// The error's lines with the fixture directory cut off, so expectations read "errors/x.yaml:3:5: ...".
std::vector<std::string> errorLines(const kc::Result<Rubric>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == kc::ErrorKind::Invalid);
    std::vector<std::string> lines;
    std::string message = r.error().message;
    size_t start = 0;
    while (start <= message.size()) {
        size_t end = message.find('\n', start);
        std::string line = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
        for (size_t p; (p = line.find(kRubrics)) != std::string::npos;) line.erase(p, kRubrics.size());
        lines.push_back(line);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

Rubric loadLab02() {
    auto r = loadRubric(kRubrics + "lab-02/rubric.yaml");
    if (!r) FAIL(r.error().message);
    return *r;
}

kc::Result<Rubric> parse(const std::string& text) { return parseRubric(text, "r.yaml", "."); }

// A minimal valid rubric with `extra` appended to its one check's step body.
std::string oneStep(const std::string& step) { return oneStepRubric(step, "lab-01", 1); }

}  // namespace

TEST_CASE("a complete rubric loads into the model") {
    Rubric r = loadLab02();
    CHECK(r.lab == "lab-02");
    CHECK(r.title == "Advanced GPU scheduling");
    CHECK(r.version == 3);
    CHECK(r.defaults.timeout == 45s);
    CHECK(r.defaults.namespace_ == "ml");
    CHECK(r.clusters == std::vector<std::string>{"east", "west"});
    CHECK(r.sourceFile == kRubrics + "lab-02/rubric.yaml");
    REQUIRE(r.checks.size() == 6);
    CHECK(r.totalPoints() == 45);
    CHECK(r.totalPoints(false) == 33);  // hidden (4) and after_due_date (8) left out
}

TEST_CASE("check fields are read") {
    Rubric r = loadLab02();
    const Check* c = r.find("priority-classes");
    REQUIRE(c != nullptr);
    CHECK(c->title == "PriorityClasses for training, inference and batch");
    CHECK(c->objective == "Schedule with priority and preemption");
    CHECK(c->points == 10);
    CHECK(c->visibility == Visibility::Visible);
    CHECK(c->needs == std::vector<std::string>{"crd-installed"});
    REQUIRE(c->needsSources.size() == 1);
    CHECK(c->needsSources[0].str() == kRubrics + "lab-02/rubric.yaml:23:13");
    CHECK(c->cluster == "east");
    CHECK(c->timeout == std::optional<Duration>(2min));
    CHECK(c->hints.nudge == "Look at how the scheduler orders pending pods.");
    CHECK(c->hints.command == "kubectl get priorityclass");
    CHECK_THAT(c->hints.solution, Catch::StartsWith("Create training-high"));
    CHECK(c->feedbackPass == "Priorities are in place.");
    CHECK(c->feedbackFail == "The scheduler cannot tell your workloads apart yet.");
    CHECK(c->source.str() == kRubrics + "lab-02/rubric.yaml:18:5");
    CHECK(r.find("preemption-works")->visibility == Visibility::AfterDueDate);
    CHECK(r.find("rbac-review")->visibility == Visibility::Hidden);
    CHECK(r.find("nope") == nullptr);
}

TEST_CASE("assert and absent steps carry target count match message and timeout") {
    Rubric r = loadLab02();
    const Check* c = r.find("priority-classes");
    REQUIRE(c->steps.size() == 2);
    const Step& a = c->steps[0];
    CHECK(a.kind == StepKind::Assert);
    CHECK(a.source.str() == kRubrics + "lab-02/rubric.yaml:32:9");
    CHECK(a.message == "training-high must outrank inference");
    CHECK(a.timeout == 20s);
    CHECK(a.timeoutWritten);
    const auto& as = std::get<AssertStep>(a.spec);
    CHECK(as.target.apiVersion == "scheduling.k8s.io/v1");
    CHECK(as.target.kind == "PriorityClass");
    CHECK(as.target.name == "training-high");
    CHECK(as.count.min == std::optional<int>(1));
    CHECK(as.match == Json::parse(R"({"value":{"$gt":1000},"preemptionPolicy":"PreemptLowerPriority"})"));

    const Step& b = c->steps[1];
    CHECK(b.kind == StepKind::Absent);
    CHECK(b.timeout == 45s);  // the rubric default
    CHECK_FALSE(b.timeoutWritten);
    const auto& ab = std::get<AbsentStep>(b.spec);
    CHECK(ab.target.namespace_ == "ml");
    REQUIRE(ab.target.selector.has_value());
    CHECK(ab.target.selector->toString() == "tier=cpu");
}

TEST_CASE("assert without count needs at least one match") {
    Rubric r = loadLab02();
    const auto& s = std::get<AssertStep>(r.find("crd-installed")->steps[0].spec);
    CHECK(s.count.describe() == "at least 1");
}

TEST_CASE("apply from a file reads its objects at load time") {
    Rubric r = loadLab02();
    const Check* c = r.find("preemption-works");
    REQUIRE(c->steps.size() == 3);
    const auto& apply = std::get<ApplyStep>(c->steps[0].spec);
    CHECK(apply.file == "fixtures/preemptor.yaml");
    CHECK(apply.resolvedFile ==
          std::filesystem::weakly_canonical(kRubrics + "lab-02/fixtures/preemptor.yaml").string());
    REQUIRE(apply.objects.size() == 1);
    CHECK(apply.objects[0]["metadata"]["name"] == "preemptor");
    CHECK(apply.cleanup);
    CHECK(apply.expect.is_null());

    const auto& events = std::get<EventsStep>(c->steps[1].spec);
    CHECK(events.involvedKind == "Pod");
    CHECK(events.reason == "Preempted");
    CHECK(events.type == "Warning");
    CHECK(events.message == Json::parse(R"({"$regex":"preempted by"})"));
    CHECK(events.count.describe() == "at least 1");

    const auto& del = std::get<DeleteStep>(c->steps[2].spec);
    CHECK(del.target.name == "preemptor");
    CHECK(del.wait);
}

TEST_CASE("apply with an inline object keeps its expect pattern") {
    Rubric r = loadLab02();
    const auto& apply = std::get<ApplyStep>(r.find("rbac-review")->steps[0].spec);
    CHECK(apply.file.empty());
    REQUIRE(apply.objects.size() == 1);
    CHECK(apply.objects[0]["kind"] == "SubjectAccessReview");
    CHECK(apply.expect == Json::parse(R"({"status":{"allowed":true}})"));
}

TEST_CASE("logs provenance and probe steps are read") {
    Rubric r = loadLab02();
    const Check* c = r.find("operator-reconciles");
    const auto& logs = std::get<LogsStep>(c->steps[0].spec);
    CHECK(logs.selector->toString() == "app=trainingjob-operator");
    CHECK(logs.container == "manager");
    CHECK(logs.contains == std::vector<std::string>{"reconciled"});
    CHECK(logs.regex == std::vector<std::string>{"created pod [a-z0-9-]+"});
    CHECK(logs.absent == std::vector<std::string>{"panic"});
    const auto& prov = std::get<ProvenanceStep>(c->steps[1].spec);
    CHECK(prov.controllerKind == "TrainingJob");
    CHECK(prov.target.selector->toString() == "job-name");
    CHECK(prov.managerNot == std::vector<std::string>{"kubectl", "kubectl-client-side-apply"});

    const auto& probe = std::get<ProbeStep>(r.find("canary-split")->steps[0].spec);
    CHECK(probe.image == "curlimages/curl");
    CHECK(probe.requests == 200);
    CHECK(probe.command.size() == 3);
    CHECK(probe.extract == "version: (v[0-9]+)");
    REQUIRE(probe.ratio.size() == 2);
    CHECK(probe.ratio[0] == std::pair<std::string, double>{"v1", 0.8});
    CHECK(probe.ratio[1] == std::pair<std::string, double>{"v2", 0.2});
    CHECK(probe.tolerance == Approx(0.05));
    REQUIRE(probe.counts.size() == 1);
    CHECK(probe.counts[0].first == "error");
    CHECK(probe.counts[0].second.describe() == "at most 0");
}

TEST_CASE("unknown keys are errors at the key with a suggestion") {
    auto lines = errorLines(loadRubric(kRubrics + "errors/unknown-key.yaml"));
    REQUIRE(lines.size() == 2);
    CHECK_THAT(lines[0], Catch::StartsWith("errors/unknown-key.yaml:8:5: unknown key `visiblity` (did you mean "
                                           "\"visibility\"?)"));
    CHECK_THAT(lines[1],
               Catch::StartsWith("errors/unknown-key.yaml:10:45: unknown key `nmae` (did you mean \"name\"?)"));
}

TEST_CASE("every error in a rubric is reported together in file order") {
    auto lines = errorLines(loadRubric(kRubrics + "errors/many.yaml"));
    const std::string f = "errors/many.yaml:";
    std::vector<std::string> expected = {
        f + "2:6: `lab` \"Lab_02\" must be lower-case letters, digits and '-' (at most 63)",
        f + "7:13: `points` must be 0 or more, got -1",
        f + "8:17: `visibility` must be visible, hidden or after_due_date, got \"secret\"",
        f + "9:14: `timeout` must be a duration such as 500ms, 30s, 2m or 1m30s, got 30",
        f + "10:13: check \"a\" needs unknown check \"ghost\"",
        f + "12:71: unknown operator $gtt (did you mean \"$gt\"?)",
        "REGEX",
        f + "14:47: a step has exactly one kind; this one has assert, absent",
        f + "15:23: `file` \"../../secrets.yaml\" leaves the lab directory",
        f + "16:23: `file` must be relative to the rubric's directory, not an absolute path",
        f + "17:5: duplicate check id \"a\" (also at errors/many.yaml:5:5)",
        f + "19:13: `points` must be a number, got a string",
        f + "20:12: a check needs at least one step",
    };
    REQUIRE(lines.size() == expected.size());
    for (size_t i = 0; i < lines.size(); ++i) {
        if (expected[i] == "REGEX") {
            CHECK_THAT(lines[i], Catch::StartsWith(f + "13:79: invalid regular expression /(unclosed/"));
            continue;
        }
        CHECK(lines[i] == expected[i]);
    }
}

TEST_CASE("a cycle in needs is an error at the needs entry that closes it") {
    auto lines = errorLines(loadRubric(kRubrics + "errors/needs-cycle.yaml"));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "errors/needs-cycle.yaml:7:42: needs form a cycle: a → b → c → a");
    CHECK(lines[1] == "errors/needs-cycle.yaml:8:42: needs form a cycle: d → d");
}

TEST_CASE("a YAML syntax error is reported with its position") {
    auto lines = errorLines(parse("lab: lab-01\nchecks: [\n"));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::StartsWith("r.yaml:"));
}

TEST_CASE("a rubric that is not a map is refused") {
    auto lines = errorLines(parse("- a\n- b\n"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:1:1: a rubric file must be a map with lab, title and checks, got a list");
}

TEST_CASE("missing required keys are named") {
    auto lines = errorLines(parse("lab: lab-01\n"));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "r.yaml:1:1: missing required key `title`");
    CHECK(lines[1] == "r.yaml:1:1: missing required key `checks`");
}

TEST_CASE("an unknown key with a block value or no value still points at the key") {
    std::string text =
        "lab: lab-01\ntitle: T\nchecks:\n  - id: c\n    title: C\n    points: 1\n"
        "    hintz:\n      nudge: n\n    feedbak:\n    steps: [{assert: {apiVersion: v1, kind: Pod}}]\n";
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 2);
    CHECK_THAT(lines[0], Catch::StartsWith("r.yaml:7:5: unknown key `hintz` (did you mean \"hints\"?)"));
    CHECK_THAT(lines[1], Catch::StartsWith("r.yaml:9:5: unknown key `feedbak` (did you mean \"feedback\"?)"));
}

TEST_CASE("an unknown needs id gets a suggestion") {
    std::string text =
        "lab: lab-01\ntitle: T\nchecks:\n"
        "  - {id: setup, title: S, points: 1, steps: [{assert: {apiVersion: v1, kind: Pod}}]}\n"
        "  - {id: c, title: C, points: 1, needs: [setpu], steps: [{assert: {apiVersion: v1, kind: Pod}}]}\n";
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:5:42: check \"c\" needs unknown check \"setpu\" (did you mean \"setup\"?)");
}

TEST_CASE("an empty selector is refused") {
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, selector: {}}")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:8:55: an empty selector selects everything; give matchLabels or matchExpressions");
}

TEST_CASE("a step needs exactly one kind") {
    auto lines = errorLines(parse(oneStep("{message: hi}")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "r.yaml:8:10: unknown key `message` (`message` and `timeout` go inside the step, e.g. assert: {message: "
          "...}); expected one of assert, absent, apply, delete, logs, events, probe, provenance, http, file");
}

TEST_CASE("wrong value types are errors") {
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, count: {min: many}, match: [1]}")));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "r.yaml:8:58: `min` must be a whole number, got a string");
    CHECK(lines[1] == "r.yaml:8:72: `match` must be a map (a partial object), got a list");
}

TEST_CASE("count exactly cannot combine with min") {
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, count: {exactly: 1, min: 1}}")));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::EndsWith("`exactly` cannot be combined with `min` or `max`"));
}

TEST_CASE("name and selector are exclusive") {
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, name: a, labelSelector: app=a}")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:8:45: use either `name` or a selector, not both");
}

TEST_CASE("an invalid label selector string is an error") {
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, labelSelector: \"tier in ()\"}")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:8:60: label selector \"tier in ()\": `in` needs at least one value");
}

TEST_CASE("delete needs a name or a selector") {
    auto lines = errorLines(parse(oneStep("delete: {apiVersion: v1, kind: Pod, namespace: ml}")));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::EndsWith("delete needs a `name` or a selector; it will not delete every Pod"));
}

TEST_CASE("hints must go from nudge to solution") {
    std::string text =
        "lab: lab-01\ntitle: T\nchecks:\n  - id: c\n    title: C\n    points: 1\n"
        "    hints: {solution: s, nudge: n}\n    steps: [{assert: {apiVersion: v1, kind: Pod}}]\n";
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:7:26: hints go from least to most revealing: nudge, command, solution");
}

TEST_CASE("a check on an undeclared cluster is an error") {
    std::string text =
        "lab: lab-01\ntitle: T\nclusters: [east]\nchecks:\n  - id: c\n    title: C\n    points: 1\n"
        "    cluster: wets\n    steps: [{assert: {apiVersion: v1, kind: Pod}}]\n";
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:8:14: cluster \"wets\" is not one of the rubric's clusters (east)");
}

TEST_CASE("logs need a namespace pods and something to look for") {
    auto lines = errorLines(parse(oneStep("logs: {container: x}")));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "r.yaml:8:15: logs needs a `namespace` (or defaults.namespace in the rubric)");
    CHECK(lines[1] == "r.yaml:8:15: logs needs a `pod` name or a `selector`");
    CHECK(lines[2] == "r.yaml:8:15: logs needs at least one of `contains`, `regex` or `absent`");
}

TEST_CASE("a probe extract regex needs a capture group and ratios at most 1") {
    auto lines = errorLines(parse(
        oneStep("probe: {image: curl, command: [curl], extract: \"v[0-9]\", expect: {ratio: {v1: 0.9, v2: 0.2}}}")));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "r.yaml:8:56: `extract` needs a capture group, e.g. \"version: (v[0-9]+)\"");
    CHECK(lines[1] == "r.yaml:8:82: the ratios add up to more than 1");
}

TEST_CASE("events type is Normal or Warning") {
    auto lines = errorLines(parse(oneStep("events: {reason: Killing, type: Error}")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "r.yaml:8:41: `type` must be Normal or Warning, got \"Error\"");
}

TEST_CASE("apply files must exist") {
    auto lines = errorLines(parseRubric(oneStep("apply: {file: missing.yaml}"), "r.yaml", kRubrics + "lab-02"));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::StartsWith("r.yaml:8:23: cannot read apply file \"missing.yaml\""));
}

TEST_CASE("apply files cannot escape the lab directory through a link") {
    kc::testing::TempDir dir;
    dir.write("outside/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
    dir.write("lab/rubric.yaml", oneStep("apply: {file: link/secret.yaml}"));
    std::filesystem::create_directory_symlink(dir.path() + "/outside", dir.path() + "/lab/link");
    auto lines = errorLines(loadRubric(dir.path() + "/lab/rubric.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == dir.path() +
                          "/lab/rubric.yaml:8:23: `file` \"link/secret.yaml\" resolves outside the lab "
                          "directory (through a link)");
}

TEST_CASE("an apply file path that dips into a subdirectory and back stays allowed") {
    kc::testing::TempDir dir;
    dir.write("lab/fixtures/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    dir.write("lab/rubric.yaml", oneStep("apply: {file: fixtures/../fixtures/pod.yaml}"));
    auto r = loadRubric(dir.path() + "/lab/rubric.yaml");
    REQUIRE(r.has_value());
    CHECK(std::get<ApplyStep>(r->checks[0].steps[0].spec).objects.size() == 1);
}

TEST_CASE("objects in an apply file need apiVersion and kind") {
    kc::testing::TempDir dir;
    dir.write("lab/bad.yaml", "metadata: {name: p}\n");
    dir.write("lab/rubric.yaml", oneStep("apply: {file: bad.yaml}"));
    auto lines = errorLines(loadRubric(dir.path() + "/lab/rubric.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0],
               Catch::EndsWith("8:23: bad.yaml:1:1: every object in an apply file needs apiVersion and kind"));
}

TEST_CASE("nesting deeper than the rubric limit is refused") {
    std::string deep = "{a: ";
    std::string close = "}";
    std::string match;
    for (int i = 0; i < 70; ++i) match += deep;
    match += "1";
    for (int i = 0; i < 70; ++i) match += close;
    auto lines = errorLines(parse(oneStep("assert: {apiVersion: v1, kind: Pod, match: " + match + "}")));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains("nesting deeper than 64 levels"));
}

TEST_CASE("a rubric over 2 MiB is refused") {
    std::string text = "lab: lab-01\n# " + std::string(kMaxRubricBytes, 'x') + "\n";
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains("is more than the limit of 2097152"));
}

TEST_CASE("alias expansion is bounded") {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'h'; ++c) {
        text += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
        text += "]\n";
        prev = c;
    }
    auto lines = errorLines(parse(text));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains("alias expansion is bounded"));
}

TEST_CASE("a missing rubric file is not found") {
    auto r = loadRubric(kRubrics + "does-not-exist.yaml");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == kc::ErrorKind::NotFound);
}

TEST_CASE("an overlay adds a hidden check changes points and removes a check") {
    auto r = applyOverlayFile(loadLab02(), kRubrics + "overlays/instructor.yaml");
    if (!r) FAIL(r.error().message);
    CHECK(r->find("priority-classes")->points == 15);
    CHECK(r->find("priority-classes")->hints.nudge == "Read the PriorityClass docs again.");
    CHECK(r->find("priority-classes")->hints.command.empty());  // hints are replaced as a whole
    CHECK(r->find("canary-split") == nullptr);
    const Check* added = r->find("no-cpu-on-gpu-nodes");
    REQUIRE(added != nullptr);
    CHECK(added->visibility == Visibility::Hidden);
    CHECK(added->needs == std::vector<std::string>{"priority-classes"});
    CHECK(added->source.file == kRubrics + "overlays/instructor.yaml");
    CHECK(added->steps[0].timeout == 45s);  // the lab's default still applies
    CHECK(r->checks.back().id == "no-cpu-on-gpu-nodes");
    CHECK(r->overlays == std::vector<std::string>{kRubrics + "overlays/instructor.yaml"});
    CHECK(r->totalPoints() == 45 + 5 - 12 + 3);
}

TEST_CASE("an overlay overriding an unknown check id is an error") {
    auto lines = errorLines(applyOverlayFile(loadLab02(), kRubrics + "overlays/unknown-id.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "overlays/unknown-id.yaml:4:9: no check \"priority-clases\" in lab lab-02 to override (did you mean "
          "\"priority-classes\"?)");
}

TEST_CASE("an overlay for another lab is refused") {
    auto lines = errorLines(applyOverlayFile(loadLab02(), kRubrics + "overlays/wrong-lab.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "overlays/wrong-lab.yaml:2:10: this overlay is for lab \"lab-03\" but the rubric is lab \"lab-02\"");
}

TEST_CASE("an overlay cannot remove a check that others need") {
    auto lines = errorLines(applyOverlayFile(loadLab02(), kRubrics + "overlays/removes-needed.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "lab-02/rubric.yaml:23:13: check \"priority-classes\" needs \"crd-installed\", which the overlay "
          "removes at overlays/removes-needed.yaml:4:5");
}

TEST_CASE("an overlay cannot add a check id the lab already has") {
    auto lines = errorLines(applyOverlayFile(loadLab02(), kRubrics + "overlays/duplicate-id.yaml"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "overlays/duplicate-id.yaml:4:5: duplicate check id \"crd-installed\" (also at "
          "lab-02/rubric.yaml:8:5)");
}

TEST_CASE("an overlay override that removes may change nothing else") {
    std::string text = "overlay: lab-02\noverride:\n  - {id: canary-split, remove: true, points: 3}\n";
    auto lines = errorLines(applyOverlay(loadLab02(), text, "o.yaml", "."));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "o.yaml:3:5: an override that removes a check changes nothing else");
}

TEST_CASE("random edits of a valid rubric give a rubric or positioned errors and never crash") {
    std::ifstream in(kRubrics + "lab-02/rubric.yaml");
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string original = buffer.str();
    const std::string alphabet = "{}[]:,-# \n\"'$&*!|>abz019.";
    std::mt19937 rng(20261122);  // fixed seed: the same edits every run
    int failures = 0;
    for (int round = 0; round < 300; ++round) {
        std::string text = original;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            size_t at = rng() % text.size();
            switch (rng() % 3) {
                case 0: text.erase(at, 1 + rng() % 8); break;
                case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                default: text[at] = alphabet[rng() % alphabet.size()]; break;
            }
        }
        auto r = parseRubric(text, "fuzz.yaml", kRubrics + "lab-02");
        if (r) continue;
        ++failures;
        INFO(text);
        CHECK(r.error().kind == kc::ErrorKind::Invalid);
        CHECK_THAT(r.error().message, Catch::StartsWith("fuzz.yaml"));
    }
    CHECK(failures > 0);
}

TEST_CASE("an overlay that closes a needs cycle is reported at its own needs entry") {
    std::string text = "overlay: lab-02\noverride:\n  - id: crd-installed\n    needs: [preemption-works]\n";
    auto lines = errorLines(applyOverlay(loadLab02(), text, "o.yaml", "."));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "o.yaml:4:13: needs form a cycle: crd-installed → preemption-works → priority-classes → "
                      "crd-installed");
}
