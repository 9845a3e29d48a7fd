// Each step kind once: read-only steps judge what the source returns; apply, delete and probe act on the live
// cluster through KubeClient. Candidates are sorted by namespace/name so the same state gives the same report.
#include "grader/step_runner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <filesystem>
#include <sstream>

#include "clusters/bounded_file.h"
#include "grader/regex_cache.h"

namespace kc::grader {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxEvidence = 20;
constexpr size_t kMaxRegexSubject = 16 * 1024;  // as in the matcher's $regex: longer lines are data, not text

Duration remaining(const StepContext& ctx) {
    return std::max(Duration(0), std::chrono::duration_cast<Duration>(ctx.deadline - Clock::now()));
}

StepResult started(const Step& step) {
    StepResult r;
    r.kind = step.kind;
    r.source = step.source;
    r.message = step.message;
    return r;
}

StepResult errored(StepResult r, const Error& error) {
    // Every error reading or changing the cluster is `error`: the grader could not tell, so it never fails.
    r.outcome = Outcome::Error;
    r.summary = error.message;
    return r;
}

std::string plural(size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

struct Candidates {
    std::shared_ptr<const std::vector<Json>> list;  // keeps the pointers below alive
    std::vector<const Json*> items;
};

Result<Candidates> candidates(const Target& target, StepContext& ctx) {
    SourceQuery query{target.apiVersion, target.kind, effectiveNamespace(ctx.rubric, target.namespace_)};
    auto listed = ctx.source.list(query);
    if (!listed) return fail(listed.error());
    Candidates out;
    out.list = *listed;
    for (const auto& item : *out.list) {
        if (!item.is_object()) continue;
        if (!target.name.empty() && objectName(item) != target.name) continue;
        if (target.selector) {
            const Json& meta = item.contains("metadata") ? item["metadata"] : Json();
            Json labels = meta.is_object() && meta.contains("labels") ? meta["labels"] : Json();
            if (!target.selector->matches(labels)) continue;
        }
        out.items.push_back(&item);
    }
    std::stable_sort(out.items.begin(), out.items.end(), [](const Json* a, const Json* b) {
        return std::make_pair(objectNamespace(*a), objectName(*a)) < std::make_pair(objectNamespace(*b), objectName(*b));
    });
    return out;
}

std::string qualifiedName(const Json& object) {
    std::string ns = objectNamespace(object);
    return ns.empty() ? objectName(object) : ns + "/" + objectName(object);
}

CountConstraint effectiveCount(const CountConstraint& count) {
    if (!count.empty()) return count;
    CountConstraint atLeastOne;
    atLeastOne.min = 1;
    return atLeastOne;
}

StepResult runAssert(const Step& step, const AssertStep& a, StepContext& ctx) {
    StepResult r = started(step);
    auto c = candidates(a.target, ctx);
    if (!c) return errored(r, c.error());
    std::vector<const Json*> matching, others;
    for (const Json* item : c->items) (matches(a.match, *item) ? matching : others).push_back(item);
    const CountConstraint count = effectiveCount(a.count);
    const int n = static_cast<int>(matching.size());
    for (const Json* item : matching)
        if (r.evidence.size() < kMaxEvidence) r.evidence.push_back(objectSummary(*item));
    if (count.satisfied(n)) {
        r.outcome = Outcome::Pass;
        r.summary = std::to_string(n) + " of " + a.target.describe(c->items.size()) + " matched (" +
                    count.describe() + ")";
        return r;
    }
    r.outcome = Outcome::Fail;
    if (c->items.empty()) {
        r.summary = "no " + a.target.describe() + " found (wanted " + count.describe() + ")";
        return r;
    }
    r.summary = std::to_string(n) + " of " + a.target.describe(c->items.size()) + " matched, wanted " +
                count.describe();
    if (count.max && n > *count.max) return r;
    if (count.exactly && n > *count.exactly) return r;
    // Too few: explain the candidate that came closest, the one a student most likely meant.
    std::optional<MatchResult> best;
    const Json* bestItem = nullptr;
    for (const Json* item : others) {
        MatchResult m = match(a.match, *item);
        if (!m.error.empty()) {
            r.outcome = Outcome::Error;
            r.summary = "the rubric's pattern cannot be used: " + m.error;
            return r;
        }
        size_t score = m.mismatches.size() + (m.truncated ? 1000 : 0);
        if (!best || score < best->mismatches.size() + (best->truncated ? 1000 : 0)) {
            best = std::move(m);
            bestItem = item;
        }
    }
    if (best && bestItem) {
        r.mismatches = best->mismatches;
        r.summary += "; closest: " + qualifiedName(*bestItem);
        r.evidence.push_back(objectSummary(*bestItem));
    }
    return r;
}

StepResult runAbsent(const Step& step, const AbsentStep& a, StepContext& ctx) {
    StepResult r = started(step);
    auto c = candidates(a.target, ctx);
    if (!c) return errored(r, c.error());
    std::vector<std::string> found;
    for (const Json* item : c->items) {
        if (!matches(a.match, *item)) continue;
        found.push_back(qualifiedName(*item));
        if (r.evidence.size() < kMaxEvidence) r.evidence.push_back(objectSummary(*item));
    }
    if (found.empty()) {
        r.outcome = Outcome::Pass;
        r.summary = c->items.empty() ? "no " + a.target.describe() + " exists"
                                     : "none of " + a.target.describe(c->items.size()) + " matches";
        return r;
    }
    r.outcome = Outcome::Fail;
    std::string names;
    for (size_t i = 0; i < found.size() && i < 5; ++i) names += (i ? ", " : "") + found[i];
    if (found.size() > 5) names += ", …";
    r.summary = "found " + a.target.describe(found.size()) + " that should not be there: " + names;
    return r;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

// The patterns that no single line matches. Lines are searched one by one (a whole body could be long enough to
// exhaust the regex engine's stack) and lines longer than kMaxRegexSubject are data, not text.
Result<std::vector<std::string>> patternsNoLineMatches(const std::vector<std::string>& lines,
                                                       const std::vector<std::string>& patterns) {
    std::vector<std::string> unmatched;
    for (const auto& pattern : patterns) {
        auto re = compiledRegex(pattern);
        if (!re) return tl::unexpected(re.error());
        bool found = std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.size() <= kMaxRegexSubject && std::regex_search(l, **re);
        });
        if (!found) unmatched.push_back(pattern);
    }
    return unmatched;
}

StepResult runLogs(const Step& step, const LogsStep& s, StepContext& ctx) {
    StepResult r = started(step);
    const std::string ns = effectiveNamespace(ctx.rubric, s.namespace_);
    Target pods{"v1", "Pod", ns, s.pod, s.selector};
    auto c = candidates(pods, ctx);
    if (!c) return errored(r, c.error());
    if (c->items.empty()) {
        r.outcome = Outcome::Fail;
        r.summary = "no " + pods.describe() + " found to read logs from";
        return r;
    }
    std::vector<std::string> lines;
    for (const Json* pod : c->items) {
        std::string container = logContainerFor(*pod, s.container);
        auto text = ctx.source.podLogs(objectNamespace(*pod), objectName(*pod), container, s.previous);
        if (!text) {
            if (text.error().kind == ErrorKind::NotFound && !ctx.source.isLive()) {
                r.outcome = Outcome::Skipped;
                r.summary = text.error().message;
                return r;
            }
            return errored(r, text.error());
        }
        for (auto& line : splitLines(*text)) lines.push_back(std::move(line));
    }
    r.outcome = Outcome::Pass;
    const std::string where = "logs of " + plural(c->items.size(), "pod") + " (" + plural(lines.size(), "line") + ")";
    for (const auto& needle : s.contains) {
        auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const std::string& l) { return l.find(needle) != std::string::npos; });
        if (it == lines.end()) {
            r.outcome = Outcome::Fail;
            r.mismatches.push_back({"logs", "a line containing \"" + needle + "\"", "none in the " + where});
        } else if (r.evidence.size() < kMaxEvidence) {
            r.evidence.push_back(*it);
        }
    }
    for (const auto& pattern : s.regex) {
        auto re = compiledRegex(pattern);
        if (!re) return errored(r, re.error());
        auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const std::string& l) { return std::regex_search(l, **re); });
        if (it == lines.end()) {
            r.outcome = Outcome::Fail;
            r.mismatches.push_back({"logs", "a line matching /" + pattern + "/", "none in the " + where});
        } else if (r.evidence.size() < kMaxEvidence) {
            r.evidence.push_back(*it);
        }
    }
    for (const auto& needle : s.absent) {
        auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const std::string& l) { return l.find(needle) != std::string::npos; });
        if (it != lines.end()) {
            r.outcome = Outcome::Fail;
            r.mismatches.push_back({"logs", "no line containing \"" + needle + "\"", renderValue(Json(*it))});
            if (r.evidence.size() < kMaxEvidence) r.evidence.push_back(*it);
        }
    }
    r.summary = r.outcome == Outcome::Pass ? "the " + where + " hold what was expected"
                                           : plural(r.mismatches.size(), "expectation") + " not met in the " + where;
    return r;
}

std::string describeEvent(const ClusterEvent& e) {
    std::string involved = e.involvedNamespace.empty() ? e.involvedName : e.involvedNamespace + "/" + e.involvedName;
    return e.type + " " + e.reason + " " + e.involvedKind + " " + involved + ": " + e.message;
}

StepResult runEvents(const Step& step, const EventsStep& s, StepContext& ctx) {
    StepResult r = started(step);
    const std::string ns = effectiveNamespace(ctx.rubric, s.namespace_);
    auto events = ctx.source.events(ns);
    if (!events) {
        if (events.error().kind == ErrorKind::NotFound && !ctx.source.isLive()) {
            r.outcome = Outcome::Skipped;
            r.summary = events.error().message;
            return r;
        }
        return errored(r, events.error());
    }
    int n = 0;
    for (const auto& e : *events) {
        if (!s.involvedKind.empty() && e.involvedKind != s.involvedKind) continue;
        if (!s.involvedName.empty() && e.involvedName != s.involvedName) continue;
        if (!s.reason.empty() && e.reason != s.reason) continue;
        if (!s.type.empty() && e.type != s.type) continue;
        if (!s.message.is_null() && !matches(s.message, Json(e.message))) continue;
        ++n;
        if (r.evidence.size() < kMaxEvidence) r.evidence.push_back(describeEvent(e));
    }
    const CountConstraint count = effectiveCount(s.count);
    std::string what = "event";
    if (!s.reason.empty()) what = s.reason + " event";
    if (!s.involvedKind.empty() || !s.involvedName.empty())
        what += " about " + (s.involvedKind.empty() ? std::string("object") : s.involvedKind) +
                (s.involvedName.empty() ? "" : " " + s.involvedName);
    r.summary = plural(static_cast<size_t>(n), what) + " of " + plural(events->size(), "event") +
                (ns.empty() ? "" : " in namespace \"" + ns + "\"") + " (wanted " + count.describe() + ")";
    r.outcome = count.satisfied(n) ? Outcome::Pass : Outcome::Fail;
    return r;
}

StepResult runProvenance(const Step& step, const ProvenanceStep& s, StepContext& ctx) {
    StepResult r = started(step);
    auto c = candidates(s.target, ctx);
    if (!c) return errored(r, c.error());
    if (c->items.empty()) {
        r.outcome = Outcome::Fail;
        r.summary = "no " + s.target.describe() + " found";
        return r;
    }
    size_t bad = 0;
    for (const Json* item : c->items) {
        const std::string who = qualifiedName(*item);
        const Json& meta = item->contains("metadata") ? (*item)["metadata"] : Json();
        bool ok = true;
        if (!s.controllerKind.empty()) {
            std::string found = "<none>";
            bool has = false;
            if (meta.is_object() && meta.contains("ownerReferences") && meta["ownerReferences"].is_array()) {
                for (const auto& o : meta["ownerReferences"]) {
                    if (!o.is_object() || !o.value("controller", false)) continue;
                    found = o.value("kind", "") + " " + o.value("name", "");
                    has = o.value("kind", "") == s.controllerKind &&
                          (s.controllerName.empty() || o.value("name", "") == s.controllerName);
                }
            }
            if (!has) {
                ok = false;
                r.mismatches.push_back({who + ".metadata.ownerReferences",
                                        "a controller " + s.controllerKind +
                                            (s.controllerName.empty() ? "" : " " + s.controllerName),
                                        found});
            }
        }
        std::vector<std::string> managers;
        if (meta.is_object() && meta.contains("managedFields") && meta["managedFields"].is_array())
            for (const auto& f : meta["managedFields"])
                if (f.is_object()) managers.push_back(f.value("manager", ""));
        std::string managerList;
        for (const auto& m : managers) managerList += (managerList.empty() ? "" : ", ") + m;
        if (managerList.empty()) managerList = "<none>";
        for (const auto& m : s.managerNot) {
            if (std::find(managers.begin(), managers.end(), m) != managers.end()) {
                ok = false;
                r.mismatches.push_back({who + ".metadata.managedFields", "no manager " + m, managerList});
            }
        }
        if (!s.managerAny.empty() && std::none_of(s.managerAny.begin(), s.managerAny.end(), [&](const std::string& m) {
                return std::find(managers.begin(), managers.end(), m) != managers.end();
            })) {
            ok = false;
            std::string any;
            for (const auto& m : s.managerAny) any += (any.empty() ? "" : " or ") + m;
            r.mismatches.push_back({who + ".metadata.managedFields", "a manager " + any, managerList});
        }
        if (!ok) ++bad;
        if (r.evidence.size() < kMaxEvidence) r.evidence.push_back(objectSummary(*item));
    }
    r.outcome = bad == 0 ? Outcome::Pass : Outcome::Fail;
    r.summary = bad == 0 ? "all " + s.target.describe(c->items.size()) + " were made by a controller"
                         : std::to_string(bad) + " of " + s.target.describe(c->items.size()) +
                               " were not made as required";
    return r;
}

bool hasVerb(const ResourceInfo& info, const std::string& verb) {
    return std::find(info.verbs.begin(), info.verbs.end(), verb) != info.verbs.end();
}

StepResult runApply(const Step& step, const ApplyStep& s, StepContext& ctx) {
    StepResult r = started(step);
    KubeClient* client = ctx.source.client();
    if (!client) {
        r.outcome = Outcome::Skipped;
        r.summary = "apply needs a live cluster";
        return r;
    }
    std::string ns = !s.namespace_.empty() ? s.namespace_
                     : !ctx.applyNamespace.empty() ? ctx.applyNamespace
                     : !ctx.rubric.defaults.namespace_.empty() ? ctx.rubric.defaults.namespace_
                     : "default";
    std::vector<std::string> crdsApplied;  // names of CRDs from this step, for custom resources that follow
    r.outcome = Outcome::Pass;
    for (const auto& object : s.objects) {
        const std::string apiVersion = object.value("apiVersion", "");
        const std::string kind = object.value("kind", "");
        auto info = client->resolve(apiVersion, kind);
        if (!info && info.error().kind == ErrorKind::NotFound && !crdsApplied.empty()) {
            // A custom resource whose CRD this step just applied: wait until it is Established, then map again.
            for (const auto& crd : crdsApplied) {
                auto ready = client->waitFor(
                    {"apiextensions.k8s.io/v1", "CustomResourceDefinition", "", crd},
                    [](const Json& o) {
                        if (!o.contains("status") || !o["status"].contains("conditions")) return false;
                        for (const auto& c : o["status"]["conditions"])
                            if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
                        return false;
                    },
                    remaining(ctx));
                if (!ready) return errored(r, ready.error());
            }
            client->discovery().reset();
            info = client->resolve(apiVersion, kind);
        }
        if (!info) return errored(r, Error(info.error()).context("apply " + apiVersion + " " + kind));
        const std::string objNs = info->namespaced ? (objectNamespace(object).empty() ? ns : objectNamespace(object)) : "";
        ObjectRef ref{apiVersion, kind, objNs, objectName(object)};
        Result<Json> returned;
        bool createdNew = false;
        if (hasVerb(*info, "patch") && !ref.name.empty()) {
            auto before = client->get(ref);
            if (!before) return errored(r, before.error());
            ApplyOptions options;
            options.defaultNamespace = ns;
            options.force = true;  // the grader's fixture wins over a student's field manager
            returned = client->apply(object, options);
            createdNew = !before->has_value();
        } else {
            // Create-only kinds (SubjectAccessReview, TokenReview) answer in the created object and keep nothing.
            returned = client->create(object, ns);
            createdNew = hasVerb(*info, "delete");
        }
        if (s.reject) {
            if (!returned) {
                const Error& e = returned.error();
                const bool invalid = e.httpStatus == 400 || e.httpStatus == 422;
                // 401/403/404/5xx and transport failures say nothing about the object: the grader cannot tell.
                if (!(s.reject->status != 0 ? e.httpStatus == s.reject->status : invalid)) {
                    if (!invalid) return errored(r, e);
                    r.outcome = Outcome::Fail;
                    r.mismatches.push_back({"(HTTP status)", std::to_string(s.reject->status), std::to_string(e.httpStatus)});
                    continue;
                }
                r.evidence.push_back("refused " + kind + " " + ref.name + ": " + e.message);
                if (!s.reject->message.is_null()) {
                    MatchResult m = match(s.reject->message, Json(e.message));
                    if (!m.error.empty()) {
                        r.outcome = Outcome::Error;
                        r.summary = "the rubric's reject pattern cannot be used: " + m.error;
                        return r;
                    }
                    if (!m.ok) {
                        r.outcome = Outcome::Fail;
                        for (auto mm : m.mismatches) {
                            mm.path = "(refusal message)";
                            r.mismatches.push_back(std::move(mm));
                        }
                    }
                }
                continue;
            }
            // Accepted although it should not have been: a fail, and the object is the grader's to clean up.
            r.outcome = Outcome::Fail;
            r.mismatches.push_back({"(server answer)", "a refusal (HTTP 400 or 422)", "accepted " + objectSummary(*returned)});
        } else if (!returned) {
            return errored(r, returned.error());
        }
        r.evidence.push_back(objectSummary(*returned));
        if (createdNew && s.cleanup && ctx.created) {
            ObjectRef made{apiVersion, kind, objectNamespace(*returned), objectName(*returned)};
            std::string uid = returned->contains("metadata") ? (*returned)["metadata"].value("uid", "") : "";
            ctx.created->push_back({made, uid});
        }
        if (kind == "CustomResourceDefinition") crdsApplied.push_back(objectName(object));
        if (!s.expect.is_null()) {
            MatchResult m = match(s.expect, *returned);
            if (!m.error.empty()) {
                r.outcome = Outcome::Error;
                r.summary = "the rubric's expect pattern cannot be used: " + m.error;
                return r;
            }
            if (!m.ok) {
                r.outcome = Outcome::Fail;
                r.mismatches.insert(r.mismatches.end(), m.mismatches.begin(), m.mismatches.end());
            }
        }
    }
    ctx.source.newPass();  // the cluster changed under the cached lists
    if (s.reject) {
        r.summary = r.outcome == Outcome::Pass
                        ? "the server refused " + plural(s.objects.size(), "object") + ", as it should"
                        : "the server did not refuse " + plural(s.objects.size(), "object") + " as required";
        return r;
    }
    r.summary = r.outcome == Outcome::Pass
                    ? "applied " + plural(s.objects.size(), "object")
                    : "applied " + plural(s.objects.size(), "object") + ", but the server's answer did not match";
    return r;
}

StepResult runDelete(const Step& step, const DeleteStep& s, StepContext& ctx) {
    StepResult r = started(step);
    KubeClient* client = ctx.source.client();
    if (!client) {
        r.outcome = Outcome::Skipped;
        r.summary = "delete needs a live cluster";
        return r;
    }
    const std::string ns = effectiveNamespace(ctx.rubric, s.target.namespace_);
    std::vector<std::pair<ObjectRef, std::string>> victims;  // ref, uid
    if (!s.target.name.empty()) {
        ObjectRef ref{s.target.apiVersion, s.target.kind, ns, s.target.name};
        auto got = client->get(ref);
        if (!got && got.error().kind != ErrorKind::NotFound) return errored(r, got.error());
        if (got && got->has_value()) victims.push_back({ref, (**got)["metadata"].value("uid", "")});
    } else {
        ListOptions options;
        options.labelSelector = s.target.selector ? s.target.selector->toString() : "";
        auto listed = client->list({s.target.apiVersion, s.target.kind, ns, ""}, options);
        if (!listed && listed.error().kind != ErrorKind::NotFound) return errored(r, listed.error());
        if (listed)
            for (const auto& item : listed->items)
                victims.push_back({{s.target.apiVersion, s.target.kind, objectNamespace(item), objectName(item)},
                                   item["metadata"].value("uid", "")});
    }
    for (const auto& [ref, uid] : victims) {
        DeleteOptions options;
        options.waitUntilGone = false;
        auto removed = client->remove(ref, options);
        if (!removed) return errored(r, removed.error());
        r.evidence.push_back(ref.apiVersion + " " + ref.kind + " " + (ref.ns.empty() ? "" : ref.ns + "/") + ref.name);
    }
    r.outcome = Outcome::Pass;
    if (s.wait) {
        for (const auto& [ref, uid] : victims) {
            auto gone = client->waitUntilGone(ref, uid, std::max(remaining(ctx), Duration(1)));
            if (!gone) {
                if (gone.error().kind != ErrorKind::Timeout) return errored(r, gone.error());
                r.outcome = Outcome::Fail;
                r.summary = ref.kind + " " + ref.name + " was still there after " + formatDuration(step.timeout) +
                            " (a finalizer?)";
                ctx.source.newPass();
                return r;
            }
        }
    }
    ctx.source.newPass();
    r.summary = "deleted " + s.target.describe(victims.size());
    return r;
}

std::string randomToken() {
    static const char* digits = "0123456789abcdef";
    std::random_device rd;
    std::string out;
    for (int i = 0; i < 10; ++i) out += digits[rd() % 16];
    return out;
}

StepResult runProbe(const Step& step, const ProbeStep& s, StepContext& ctx) {
    StepResult r = started(step);
    KubeClient* client = ctx.source.client();
    if (!client) {
        r.outcome = Outcome::Skipped;
        r.summary = "probe needs a live cluster";
        return r;
    }
    const std::string ns = effectiveNamespace(ctx.rubric, s.namespace_).empty()
                               ? "default"
                               : effectiveNamespace(ctx.rubric, s.namespace_);
    const std::string token = randomToken();
    Json command = Json::array();
    for (std::string arg : s.command) {
        for (size_t at; (at = arg.find("{{requests}}")) != std::string::npos;)
            arg.replace(at, 12, std::to_string(s.requests));
        command.push_back(arg);
    }
    Json podLabels = Json::object();
    for (const auto& [k, v] : s.labels) podLabels[k] = v;
    podLabels["kubeclass.dev/probe-run"] = token;
    Json podSpec{{"restartPolicy", "Never"},
                 {"containers", Json::array({Json{{"name", "probe"}, {"image", s.image}, {"command", command}}})}};
    if (!s.serviceAccount.empty()) podSpec["serviceAccountName"] = s.serviceAccount;
    long long deadlineSeconds = std::max<long long>(1, (remaining(ctx).count() + 999) / 1000);
    Json job{{"apiVersion", "batch/v1"},
             {"kind", "Job"},
             {"metadata",
              {{"generateName", "kubeclass-probe-"},
               {"namespace", ns},
               {"labels", {{"app.kubernetes.io/managed-by", "kubeclass"}, {"kubeclass.dev/probe-run", token}}}}},
             {"spec",
              {{"backoffLimit", 0},
               {"activeDeadlineSeconds", deadlineSeconds},
               {"template", {{"metadata", {{"labels", podLabels}}}, {"spec", podSpec}}}}}};
    auto created = client->create(job, ns);
    if (!created) return errored(r, created.error());
    ObjectRef jobRef{"batch/v1", "Job", ns, objectName(*created)};

    auto finished = [](const Json& o) {
        if (!o.contains("status") || !o["status"].contains("conditions")) return false;
        for (const auto& c : o["status"]["conditions"]) {
            std::string type = c.value("type", "");
            if ((type == "Complete" || type == "Failed") && c.value("status", "") == "True") return true;
        }
        return false;
    };
    auto done = client->waitFor(jobRef, finished, std::max(remaining(ctx), Duration(1)));
    std::vector<std::string> lines;
    std::string podProblem;
    bool jobFailed = false;
    std::vector<ObjectRef> pods;
    if (done) {
        for (const auto& c : (*done)["status"]["conditions"])
            if (c.value("type", "") == "Failed" && c.value("status", "") == "True") jobFailed = true;
        ListOptions options;
        options.labelSelector = "kubeclass.dev/probe-run=" + token;
        auto listed = client->list({"v1", "Pod", ns, ""}, options);
        if (!listed) {
            podProblem = listed.error().message;
        } else {
            for (const auto& p : listed->items) pods.push_back({"v1", "Pod", ns, objectName(p)});
            std::sort(pods.begin(), pods.end(), [](const ObjectRef& a, const ObjectRef& b) { return a.name < b.name; });
            for (const auto& p : pods) {
                LogOptions logOptions;
                logOptions.container = "probe";
                auto text = client->podLogs(ns, p.name, logOptions);
                if (!text) {
                    podProblem = text.error().message;
                    break;
                }
                for (auto& line : splitLines(*text)) lines.push_back(std::move(line));
            }
        }
    }
    // The probe's Job and pods go whatever happened; what stays is reported.
    DeleteOptions del;
    del.propagation = Propagation::Background;
    del.timeout = ctx.cleanupTimeout;
    if (auto removed = client->remove(jobRef, del); !removed && ctx.leftovers)
        ctx.leftovers->push_back("batch/v1 Job " + ns + "/" + jobRef.name + ": " + removed.error().message);
    for (const auto& p : pods) {
        DeleteOptions podDel;
        podDel.waitUntilGone = false;
        if (auto removed = client->remove(p, podDel); !removed && ctx.leftovers)
            ctx.leftovers->push_back("v1 Pod " + ns + "/" + p.name + ": " + removed.error().message);
    }
    ctx.source.newPass();

    if (!done) {
        if (done.error().kind == ErrorKind::Timeout) {
            r.outcome = Outcome::Fail;
            r.summary = "the probe Job did not finish within " + formatDuration(step.timeout);
            return r;
        }
        return errored(r, done.error());
    }
    if (!podProblem.empty()) return errored(r, Error{ErrorKind::Server, "reading the probe's output: " + podProblem});

    // Tally: one result per non-empty line.
    std::map<std::string, int> tally;
    int total = 0;
    std::shared_ptr<const std::regex> extract;
    if (!s.extract.empty()) {
        auto re = compiledRegex(s.extract);
        if (!re) return errored(r, re.error());
        extract = *re;
    }
    for (const auto& raw : lines) {
        std::string line = raw;
        line.erase(0, line.find_first_not_of(" \t"));
        line.erase(line.find_last_not_of(" \t") + 1);
        if (line.empty()) continue;
        ++total;
        std::string label = line;
        if (extract) {
            std::smatch m;
            label = std::regex_search(line, m, *extract) && m.size() > 1 ? m[1].str() : std::string();
        }
        if (!label.empty()) ++tally[label];
    }
    std::string seen;
    for (const auto& [label, n] : tally) seen += (seen.empty() ? "" : ", ") + label + ": " + std::to_string(n);
    r.evidence.push_back(plural(static_cast<size_t>(total), "result") + (seen.empty() ? "" : " (" + seen + ")"));
    if (jobFailed) {
        r.outcome = Outcome::Fail;
        r.summary = "the probe Job failed";
        for (size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i) r.evidence.push_back(lines[i]);
        return r;
    }
    if (total == 0) {
        r.outcome = Outcome::Fail;
        r.summary = "the probe printed no results";
        return r;
    }
    r.outcome = Outcome::Pass;
    char buf[64];
    for (const auto& [label, want] : s.ratio) {
        double got = static_cast<double>(tally[label]) / total;
        if (std::fabs(got - want) > s.tolerance + 1e-9) {
            r.outcome = Outcome::Fail;
            std::snprintf(buf, sizeof buf, "%.3f ± %.3f", want, s.tolerance);
            std::string expected = buf;
            std::snprintf(buf, sizeof buf, "%.3f (%d of %d)", got, tally[label], total);
            r.mismatches.push_back({"ratio[" + label + "]", expected, buf});
        }
    }
    for (const auto& [label, constraint] : s.counts) {
        int n = tally.count(label) ? tally[label] : 0;
        if (!constraint.satisfied(n))
            r.mismatches.push_back({"counts[" + label + "]", constraint.describe(), std::to_string(n)}),
                r.outcome = Outcome::Fail;
    }
    r.summary = r.outcome == Outcome::Pass ? "the probe's " + plural(static_cast<size_t>(total), "result") +
                                                 " are within the expected split"
                                           : "the probe's " + plural(static_cast<size_t>(total), "result") +
                                                 " are off the expected split";
    return r;
}

// How deeply a JSON text nests, counted outside strings, so an answer nested past the bound is never parsed.
size_t jsonNesting(const std::string& text) {
    size_t depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
        else if ((c == '}' || c == ']') && depth > 0) --depth;
    }
    return deepest;
}

// A Kubernetes Status: the API server answered for itself rather than passing on the service's answer.
bool isApiStatus(const Json& body) {
    return body.is_object() && body.value("kind", "") == "Status" && body.value("apiVersion", "") == "v1";
}

std::string cut(const std::string& text, size_t limit = 200) {
    return text.size() <= limit ? text : text.substr(0, limit) + "…";
}

constexpr size_t kMaxJsonNesting = 64;
constexpr Duration kMaxHttpRequest = std::chrono::seconds(30);

StepResult runHttp(const Step& step, const HttpStep& s, StepContext& ctx) {
    StepResult r = started(step);
    KubeClient* client = ctx.source.client();
    if (!client) {
        r.outcome = Outcome::Skipped;
        r.summary = "http needs a live cluster (it asks the service through the API server)";
        return r;
    }
    std::string ns = effectiveNamespace(ctx.rubric, s.namespace_);
    if (ns.empty()) ns = "default";
    const std::string where = "service \"" + s.service + "\"" + (s.port.empty() ? "" : " port " + s.port) +
                              " in namespace \"" + ns + "\"";
    HttpRequest request;
    request.method = "GET";
    request.target = s.proxyTarget(ns);
    request.headers.emplace_back("Accept", "application/json, text/plain;q=0.9, */*;q=0.8");
    // One request may use what is left of the step, within a fixed ceiling; a hung service cannot hold the grader.
    request.timeout = std::clamp(remaining(ctx), Duration(1000), kMaxHttpRequest);
    request.cancel = ctx.cancel;
    auto answer = client->send(request);
    if (!answer) return errored(r, Error(answer.error()).context("GET " + s.path + " on " + where));
    const HttpResponse& response = *answer;
    r.evidence.push_back("GET " + request.target + " → HTTP " + std::to_string(response.status) + ", " +
                         plural(response.body.size(), "byte"));
    if (response.body.size() > static_cast<size_t>(s.maxBytes)) {
        // Judging a cut body could pass or fail wrongly; the grader cannot tell, so this is not the student's fail.
        r.outcome = Outcome::Error;
        r.summary = "the answer of " + where + " is " + plural(response.body.size(), "byte") + ", over the step's " +
                    "bound of " + std::to_string(s.maxBytes) + " (maxBytes)";
        return r;
    }
    Json status = Json::parse(response.body, nullptr, false);
    const bool fromApiServer = !status.is_discarded() && isApiStatus(status);
    const std::string apiMessage = fromApiServer ? status.value("message", "") : "";
    const int code = response.status;
    if (fromApiServer && (code == 401 || code == 403 || code == 429)) {
        // The API server refused or throttled the grader itself: nothing was learnt about the student's service.
        r.outcome = Outcome::Error;
        r.summary = (code == 429 ? "the API server throttled the request to " : "the API server refused the grader's "
                                                                                 "request to ") +
                    where + " (HTTP " + std::to_string(code) + "): " + cut(apiMessage);
        return r;
    }
    const bool statusOk = s.status ? code == s.status : code / 100 == 2;
    if (!statusOk) {
        r.outcome = Outcome::Fail;
        std::string wanted = s.status ? "HTTP " + std::to_string(s.status) : "HTTP 2xx";
        std::string got = "HTTP " + std::to_string(code) + (fromApiServer ? " from the API server: " + cut(apiMessage)
                                                                         : (response.body.empty() ? "" : ": " + cut(response.body)));
        r.mismatches.push_back({"status", wanted, got});
        if (fromApiServer && code == 503)
            r.summary = where + " has no ready endpoint to answer (no Ready pod serves it, or none accepts the "
                                "connection): " + cut(apiMessage);
        else if (fromApiServer && code == 404 && status.contains("details") &&
                 status["details"].value("kind", "") == "services")
            r.summary = where + " does not exist";
        else
            r.summary = "GET " + s.path + " on " + where + " answered HTTP " + std::to_string(code) + ", wanted " +
                        (s.status ? std::to_string(s.status) : std::string("2xx"));
        return r;
    }
    r.outcome = Outcome::Pass;
    if (!s.json.is_null()) {
        if (jsonNesting(response.body) > kMaxJsonNesting) {
            r.outcome = Outcome::Fail;
            r.summary = "the answer of " + where + " nests deeper than " + std::to_string(kMaxJsonNesting) + " levels";
            return r;
        }
        Json body = Json::parse(response.body, nullptr, false);
        if (body.is_discarded()) {
            r.outcome = Outcome::Fail;
            r.summary = "GET " + s.path + " on " + where + " did not answer JSON";
            r.mismatches.push_back({"body", "JSON", renderValue(Json(cut(response.body, 120)))});
            return r;
        }
        MatchResult m = match(s.json, body);
        if (!m.error.empty()) {
            r.outcome = Outcome::Error;
            r.summary = "the rubric's json pattern cannot be used: " + m.error;
            return r;
        }
        if (!m.ok) {
            r.outcome = Outcome::Fail;
            r.mismatches = m.mismatches;
        }
    }
    for (const auto& needle : s.contains) {
        if (response.body.find(needle) != std::string::npos) continue;
        r.outcome = Outcome::Fail;
        r.mismatches.push_back({"body", "text containing \"" + needle + "\"", renderValue(Json(cut(response.body, 120)))});
    }
    if (!s.regex.empty()) {
        auto unmatched = patternsNoLineMatches(splitLines(response.body), s.regex);
        if (!unmatched) return errored(r, unmatched.error());
        for (const auto& pattern : *unmatched) {
            r.outcome = Outcome::Fail;
            r.mismatches.push_back({"body", "a line matching /" + pattern + "/", renderValue(Json(cut(response.body, 120)))});
        }
    }
    r.summary = r.outcome == Outcome::Pass
                    ? "GET " + s.path + " on " + where + " answered HTTP " + std::to_string(code) + " as expected"
                    : "GET " + s.path + " on " + where + " answered HTTP " + std::to_string(code) +
                          ", but the body is not what was expected";
    return r;
}

// A Markdown ATX heading's text ("## Fail over ##" → "Fail over"); empty when the line is no heading.
std::string headingText(const std::string& line) {
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || indent > 3) return "";
    size_t hashes = line.find_first_not_of('#', indent);
    size_t level = (hashes == std::string::npos ? line.size() : hashes) - indent;
    if (level < 1 || level > 6) return "";
    if (hashes != std::string::npos && line[hashes] != ' ' && line[hashes] != '\t') return "";
    std::string text = hashes == std::string::npos ? "" : line.substr(hashes);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
    size_t closing = text.find_last_not_of('#');
    if (closing != std::string::npos && closing + 1 < text.size() && (text[closing] == ' ' || text[closing] == '\t'))
        text.erase(closing + 1);
    size_t first = text.find_first_not_of(" \t");
    size_t last = text.find_last_not_of(" \t");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::string lowered(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The headings of a Markdown text in order, outside fenced code blocks (a "# comment" in a shell block is no heading).
std::vector<std::string> markdownHeadings(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    bool fenced = false;
    for (const auto& line : lines) {
        size_t at = line.find_first_not_of(' ');
        if (at != std::string::npos && at <= 3 && (line.compare(at, 3, "```") == 0 || line.compare(at, 3, "~~~") == 0)) {
            fenced = !fenced;
            continue;
        }
        if (fenced) continue;
        if (auto text = headingText(line); !text.empty()) out.push_back(text);
    }
    return out;
}

StepResult runFile(const Step& step, const FileStep& s, StepContext& ctx) {
    namespace fs = std::filesystem;
    StepResult r = started(step);
    if (ctx.submissionRoot.empty()) {
        r.outcome = Outcome::Skipped;
        r.summary = "no submission folder given";
        return r;
    }
    std::error_code ec;
    const fs::path root = fs::canonical(ctx.submissionRoot, ec);
    if (ec) return errored(r, Error{ErrorKind::Invalid, "the submission folder " + ctx.submissionRoot + " cannot be read: " + ec.message(), 0});
    const fs::path written = root / s.path;
    if (!fs::exists(fs::symlink_status(written, ec)) && !fs::is_symlink(fs::symlink_status(written, ec))) {
        r.outcome = Outcome::Fail;
        r.summary = s.path + " is missing from the submission";
        r.mismatches.push_back({"file", s.path, "no such file"});
        return r;
    }
    // Symlinks are followed only while they stay inside the submission: a link to /etc/passwd is not a deliverable.
    const fs::path resolved = fs::weakly_canonical(written, ec);
    const fs::path inside = ec ? fs::path("..") : resolved.lexically_relative(root);
    if (inside.empty() || *inside.begin() == "..") {
        r.outcome = Outcome::Fail;
        r.summary = s.path + " leads outside the submission folder (a symlink); commit the file itself";
        r.mismatches.push_back({"file", "a file inside the submission", "a link leaving it"});
        return r;
    }
    if (!fs::exists(resolved, ec)) {
        r.outcome = Outcome::Fail;
        r.summary = s.path + " is missing from the submission (a symlink to nothing)";
        return r;
    }
    if (!fs::is_regular_file(resolved, ec)) {
        r.outcome = Outcome::Fail;
        r.summary = s.path + " is not a regular file";
        return r;
    }
    const auto size = fs::file_size(resolved, ec);
    if (!ec && size > static_cast<uintmax_t>(s.maxBytes)) {
        r.outcome = Outcome::Fail;
        r.summary = s.path + " is " + plural(size, "byte") + ", over the bound of " + std::to_string(s.maxBytes) +
                    " the rubric reads";
        return r;
    }
    auto text = readFileBounded(resolved.string(), static_cast<size_t>(s.maxBytes));
    if (!text) {
        // Grown past the bound or vanished since it was looked at: the grader cannot judge it.
        r.outcome = Outcome::Fail;
        r.summary = s.path + ": " + text.error().message;
        return r;
    }
    r.evidence.push_back(s.path + ": " + plural(text->size(), "byte"));
    r.outcome = Outcome::Pass;
    if (text->size() < static_cast<size_t>(s.minBytes)) {
        r.outcome = Outcome::Fail;
        r.mismatches.push_back({"size", "at least " + plural(static_cast<size_t>(s.minBytes), "byte"),
                                plural(text->size(), "byte")});
    }
    for (const auto& needle : s.contains) {
        if (text->find(needle) != std::string::npos) continue;
        r.outcome = Outcome::Fail;
        r.mismatches.push_back({"text", "text containing \"" + needle + "\"", "not found"});
    }
    const auto lines = splitLines(*text);
    auto unmatched = patternsNoLineMatches(lines, s.regex);
    if (!unmatched) return errored(r, unmatched.error());
    for (const auto& pattern : *unmatched) {
        r.outcome = Outcome::Fail;
        r.mismatches.push_back({"text", "a line matching /" + pattern + "/", "none"});
    }
    if (!s.sections.empty()) {
        const auto headings = markdownHeadings(lines);
        size_t next = 0;  // where the search for the next section starts: sections must come in order
        for (const auto& section : s.sections) {
            auto it = std::find_if(headings.begin() + static_cast<std::ptrdiff_t>(next), headings.end(),
                                   [&](const std::string& h) { return lowered(h) == lowered(section); });
            if (it != headings.end()) {
                next = static_cast<size_t>(it - headings.begin()) + 1;
                continue;
            }
            r.outcome = Outcome::Fail;
            bool earlier = std::any_of(headings.begin(), headings.end(),
                                       [&](const std::string& h) { return lowered(h) == lowered(section); });
            r.mismatches.push_back({"sections", "a heading \"" + section + "\"" + (next ? " after the previous section" : ""),
                                    earlier ? "present, but out of order" : "missing"});
        }
    }
    r.summary = r.outcome == Outcome::Pass ? s.path + " holds what the rubric asks for"
                                           : s.path + " does not hold what the rubric asks for";
    return r;
}

}  // namespace

std::string effectiveNamespace(const Rubric& rubric, const std::string& written) {
    return written.empty() ? rubric.defaults.namespace_ : written;
}

StepResult evaluateStep(const Step& step, StepContext& ctx) {
    return std::visit(
        [&](const auto& spec) -> StepResult {
            using T = std::decay_t<decltype(spec)>;
            if constexpr (std::is_same_v<T, AssertStep>) return runAssert(step, spec, ctx);
            else if constexpr (std::is_same_v<T, AbsentStep>) return runAbsent(step, spec, ctx);
            else if constexpr (std::is_same_v<T, ApplyStep>) return runApply(step, spec, ctx);
            else if constexpr (std::is_same_v<T, DeleteStep>) return runDelete(step, spec, ctx);
            else if constexpr (std::is_same_v<T, LogsStep>) return runLogs(step, spec, ctx);
            else if constexpr (std::is_same_v<T, EventsStep>) return runEvents(step, spec, ctx);
            else if constexpr (std::is_same_v<T, ProbeStep>) return runProbe(step, spec, ctx);
            else if constexpr (std::is_same_v<T, HttpStep>) return runHttp(step, spec, ctx);
            else if constexpr (std::is_same_v<T, FileStep>) return runFile(step, spec, ctx);
            else return runProvenance(step, spec, ctx);
        },
        step.spec);
}

std::optional<SourceQuery> retryQuery(const Step& step, const Rubric& rubric) {
    auto targetQuery = [&](const Target& t) {
        return SourceQuery{t.apiVersion, t.kind, effectiveNamespace(rubric, t.namespace_)};
    };
    switch (step.kind) {
        case StepKind::Assert: return targetQuery(std::get<AssertStep>(step.spec).target);
        case StepKind::Absent: return targetQuery(std::get<AbsentStep>(step.spec).target);
        case StepKind::Provenance: return targetQuery(std::get<ProvenanceStep>(step.spec).target);
        case StepKind::Logs:
            return SourceQuery{"v1", "Pod", effectiveNamespace(rubric, std::get<LogsStep>(step.spec).namespace_)};
        case StepKind::Events:
            return SourceQuery{"v1", "Event", effectiveNamespace(rubric, std::get<EventsStep>(step.spec).namespace_)};
        default: return std::nullopt;
    }
}

std::optional<Duration> retryPollInterval(const Step& step) {
    // Nothing to watch behind a service's answer: ask again after a pause.
    if (step.kind == StepKind::Http) return Duration(1000);
    return std::nullopt;
}

std::vector<std::string> cleanUp(KubeClient& client, std::vector<CreatedObject> created, Duration timeout) {
    std::vector<std::string> leftovers;
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        const ObjectRef& ref = it->ref;
        const std::string name = ref.apiVersion + " " + ref.kind + " " + (ref.ns.empty() ? "" : ref.ns + "/") + ref.name;
        DeleteOptions options;
        options.waitUntilGone = false;
        auto removed = client.remove(ref, options);
        if (!removed) {
            leftovers.push_back(name + ": " + removed.error().message);
            continue;
        }
        auto gone = client.waitUntilGone(ref, it->uid, timeout);
        if (!gone) leftovers.push_back(name + ": " + gone.error().message);
    }
    return leftovers;
}

}  // namespace kc::grader
