// The rubric model: a lab's checks, their points, visibility, dependencies, hints and steps, as loaded from
// rubric.yaml (grader/rubric_loader.h). Plain data: the runner, sources and reports read it, nothing mutates it.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "clusters/json.h"
#include "clusters/yaml_json.h"
#include "grader/matcher.h"

namespace kc::grader {

using Duration = std::chrono::milliseconds;

// "500ms", "30s", "2m", "1h", or a sequence such as "1m30s"; whole numbers only. Nullopt for anything else,
// including zero and anything over 24h.
std::optional<Duration> parseDuration(const std::string& text);
// The shortest spelling parseDuration reads back: 90000ms → "1m30s".
std::string formatDuration(Duration d);

// Where something was written: "labs/lab-02/rubric.yaml:14:9" via str().
struct SourceRef {
    std::string file;
    SourceLocation location;
    std::string str() const { return formatLocation(file, location); }
};

enum class Visibility { Visible, Hidden, AfterDueDate };
const char* visibilityName(Visibility v);  // "visible", "hidden", "after_due_date"

// A Kubernetes label selector, written either as {matchLabels, matchExpressions} or as the string form
// "app=web,tier in (a,b),!legacy". Both are kept as requirements; toString() gives the string form for LIST.
struct LabelRequirement {
    std::string key;
    enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist } op = Op::Equals;
    std::vector<std::string> values;
};

struct LabelSelector {
    std::vector<LabelRequirement> requirements;
    bool empty() const { return requirements.empty(); }
    std::string toString() const;
    // Whether an object's metadata.labels (a map, or null for none) satisfy every requirement.
    bool matches(const Json& labels) const;
};

// Which objects a step looks at. With neither name nor selector every object of the kind is a candidate.
struct Target {
    std::string apiVersion;
    std::string kind;
    std::string namespace_;  // empty: cluster-scoped kinds, or every namespace for namespaced kinds
    std::string name;
    std::optional<LabelSelector> selector;
    std::string describe() const;  // `apps/v1 Deployment "web" in namespace "shop"`
    // With a count, the kind agrees with it: `3 apps/v1 Deployments in namespace "shop"`.
    std::string describe(size_t count) const;
};

enum class StepKind { Assert, Absent, Apply, Delete, Logs, Events, Probe, Provenance, Http, File };
const char* stepKindName(StepKind kind);  // the YAML key: "assert", "absent", ...

// assert: count of candidates matching `match` satisfies count (default: at least 1).
struct AssertStep {
    Target target;
    CountConstraint count;
    Json match = Json::object();
};

// absent: no candidate matches `match` (an empty match means no candidate exists at all).
struct AbsentStep {
    Target target;
    Json match = Json::object();
};

// What an apply step with `reject` demands of the server's refusal: an HTTP status (0: 400 or 422, the answers for
// a request the server judged invalid) and a pattern for the Status message (null: any message).
struct ApplyRejection {
    int status = 0;
    Json message;
};

// apply: server-side apply of the objects from `file` (read and checked at load) or `object`; `expect` is matched
// against each object the server returns. Created objects are deleted after the check unless cleanup is false.
// With `reject`, the server must refuse every object instead (schema validation, admission); one it accepts is a
// fail and is cleaned up like any other object the grader created.
struct ApplyStep {
    std::string file;          // as written, relative to the rubric; empty for an inline object
    std::string resolvedFile;  // absolute path, inside the rubric's directory
    std::vector<Json> objects;
    std::string namespace_;  // for objects that name none
    Json expect;             // null when nothing is checked
    bool cleanup = true;
    std::optional<ApplyRejection> reject;
};

// delete: removes the target objects; with wait, until they are gone. NotFound counts as deleted.
struct DeleteStep {
    Target target;
    bool wait = true;
};

// logs: the chosen pods' logs contain every `contains` substring, match every `regex`, and contain none of `absent`.
struct LogsStep {
    std::string namespace_;
    std::string pod;                        // a pod name, or
    std::optional<LabelSelector> selector;  // pods by label; the lines of all of them are searched
    std::string container;                  // empty: the pod's only or default container
    std::vector<std::string> contains;
    std::vector<std::string> regex;
    std::vector<std::string> absent;
    bool previous = false;  // the previous (crashed) container's logs
};

// events: events about `involved` with this reason/type whose message matches; how many per count.
struct EventsStep {
    std::string namespace_;
    std::string involvedKind;
    std::string involvedName;
    std::string reason;
    std::string type;  // "", "Normal" or "Warning"
    Json message;      // a pattern for the message (string or operator map); null: any
    CountConstraint count;
};

// probe: the grader runs a short-lived Job with `image` and `command`, and tallies its log lines. Each line is
// one result; `extract` (a regex with one capture group) picks the label from a line, else the trimmed line is
// the label. `ratio` fractions must hold within ±tolerance; `counts` bound how often a label occurs.
struct ProbeStep {
    std::string image;
    std::string namespace_;
    std::vector<std::string> command;  // "{{requests}}" in an argument is replaced by `requests`
    int requests = 100;
    std::string serviceAccount;
    std::map<std::string, std::string> labels;  // pod labels, e.g. to join a mesh
    std::string extract;
    std::vector<std::pair<std::string, double>> ratio;  // in the order written
    double tolerance = 0.05;
    std::vector<std::pair<std::string, CountConstraint>> counts;
};

// provenance: every candidate (at least one) was made by a controller of controllerKind (an ownerReference with
// controller: true) and its managedFields managers include one of managerAny and none of managerNot.
struct ProvenanceStep {
    Target target;
    std::string controllerKind;
    std::string controllerName;
    std::vector<std::string> managerNot;
    std::vector<std::string> managerAny;
};

// http: GET `path` on a Service through the API server's service proxy
// (/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/PATH) and judge the answer: its status (0: any 2xx) and
// its body, either parsed as JSON and matched against `json` (a pattern), or as text: every `contains` substring in
// the body and every `regex` found in some line. At most `maxBytes` of body are accepted.
struct HttpStep {
    std::string namespace_;  // empty: defaults.namespace, else "default"
    std::string service;
    std::string port;    // a number or a port name; empty: the Service's only port
    std::string scheme;  // "", "http" or "https"
    std::string path = "/";  // starts with '/', may carry a query; written percent-encoded
    int status = 0;
    Json json;  // null: the body is not read as JSON
    std::vector<std::string> contains;
    std::vector<std::string> regex;
    long long maxBytes = 1 << 20;
    // The request path through the API server for a namespace (the step's own, or the one the runner resolved).
    std::string proxyTarget(const std::string& ns) const;
};

// file: a file of the student's submission folder (a deliverable such as a runbook), read at most maxBytes. It must
// be at least minBytes, contain every `contains` substring, have a line matching every `regex`, and hold the
// Markdown headings in `sections` in that order. `path` is relative to the submission root and may not leave it.
struct FileStep {
    std::string path;
    std::vector<std::string> contains;
    std::vector<std::string> regex;
    std::vector<std::string> sections;
    long long minBytes = 0;
    long long maxBytes = 1 << 20;
};

struct Step {
    StepKind kind = StepKind::Assert;
    std::variant<AssertStep, AbsentStep, ApplyStep, DeleteStep, LogsStep, EventsStep, ProbeStep, ProvenanceStep, HttpStep,
                 FileStep>
        spec;
    std::string message;  // student-facing, shown when the step fails
    Duration timeout{};   // effective retry window: the step's own, else the rubric default
    bool timeoutWritten = false;
    SourceRef source;  // the step's `- kind:` line
};

// Steps that change or probe a cluster and so cannot be graded from a snapshot (they are skipped there).
bool isLiveOnly(const Step& step);

struct Hints {
    std::string nudge;    // a direction to look in
    std::string command;  // a command that shows the problem
    std::string solution;
    bool empty() const { return nudge.empty() && command.empty() && solution.empty(); }
};

struct Check {
    std::string id;
    std::string title;
    std::string objective;
    double points = 0;
    Visibility visibility = Visibility::Visible;
    std::vector<std::string> needs;
    std::vector<SourceRef> needsSources;  // where each needs entry was written, for later errors
    std::string cluster;
    std::optional<Duration> timeout;  // budget for the whole check
    Hints hints;
    std::string feedbackPass;
    std::string feedbackFail;
    std::vector<Step> steps;
    SourceRef source;
};

struct RubricDefaults {
    Duration timeout = std::chrono::seconds(30);
    std::string namespace_;
};

// How live batch modes (kubeclass-grade batch --mode fresh|reuse, --context) set up a submission: which of its
// files are applied, which cluster profile is created for it, and which cluster-scoped kinds a submission may create
// when it shares a cluster with others (--context, a namespace per submission). Written as the rubric's
// `submission:` block; every field has a default, so labs graded only from snapshots need none.
struct SubmissionSettings {
    // Folders or files, relative to the submission root, whose *.yaml/*.yml/*.json documents are applied in order.
    std::vector<std::string> manifests{"deploy"};
    std::string profile;  // cluster profile id or path; empty: `--profile`, else the lab id
    std::vector<std::string> clusterScoped;  // kinds ("CustomResourceDefinition", "ClusterRole") allowed under --context
};

struct Rubric {
    std::string lab;
    std::string title;
    int version = 1;
    std::string sourceFile;
    std::string baseDir;                // the rubric's directory: apply files live under it
    std::vector<std::string> clusters;  // declared cluster names; empty when the lab uses one cluster
    RubricDefaults defaults;
    SubmissionSettings submission;
    std::vector<Check> checks;
    std::vector<std::string> overlays;  // overlay files applied, in order

    const Check* find(const std::string& id) const;
    double totalPoints(bool includeHidden = true) const;
};

}  // namespace kc::grader
