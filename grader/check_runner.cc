// The check loop: rubric order, needs → blocked, snapshot → skipped for live-only checks, live retries of read
// steps until their timeout (each retry waits for a watch event, then reads a fresh pass), cleanup, cancellation.
#include "grader/check_runner.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "grader/step_runner.h"

namespace kc::grader {

namespace {

using Clock = std::chrono::steady_clock;

Duration since(Clock::time_point start) { return std::chrono::duration_cast<Duration>(Clock::now() - start); }

std::string rfc3339(std::chrono::system_clock::time_point t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool cancelled(const RunOptions& options) { return options.cancel && options.cancel->cancelled(); }

ObjectSource* sourceFor(const Check& check, const std::map<std::string, ObjectSource*>& sources) {
    if (auto it = sources.find(check.cluster); it != sources.end()) return it->second;
    if (sources.size() == 1) return sources.begin()->second;  // one cluster given: every check reads it
    return nullptr;
}

// One step, retried in live mode while it fails and time is left.
StepResult runStep(const Step& step, StepContext& ctx, Clock::time_point checkDeadline, const RunOptions& options) {
    const auto started = Clock::now();
    ctx.deadline = std::min(started + step.timeout, checkDeadline);
    StepResult result;
    while (true) {
        result = evaluateStep(step, ctx);
        if (result.outcome == Outcome::Error && !result.summary.empty() && cancelled(options))
            result.summary = "cancelled";
        if (result.outcome != Outcome::Fail || !ctx.source.isLive()) break;
        auto query = retryQuery(step, ctx.rubric);
        auto poll = query ? std::nullopt : retryPollInterval(step);
        if (!query && !poll) break;
        if (cancelled(options)) {
            result.outcome = Outcome::Error;
            result.summary = "cancelled";
            break;
        }
        auto left = std::chrono::duration_cast<Duration>(ctx.deadline - Clock::now());
        if (left.count() <= 0) {
            result.summary += ctx.deadline == checkDeadline && checkDeadline < started + step.timeout
                                  ? " (the check's time budget ran out)"
                                  : " (still so after " + formatDuration(step.timeout) + ")";
            break;
        }
        if (poll) {
            // Polled: pause (in slices, so a cancel is noticed), then ask again; the deadline ends it above.
            const auto wake = Clock::now() + std::min(left, *poll);
            while (Clock::now() < wake && !cancelled(options))
                std::this_thread::sleep_for(std::min(Duration(50), std::chrono::duration_cast<Duration>(wake - Clock::now())));
            continue;
        }
        // Logs change without any object changing: re-read them at least once a second.
        if (step.kind == StepKind::Logs) left = std::min(left, Duration(1000));
        auto waited = ctx.source.waitForChange(*query, left, options.cancel);
        if (!waited) {
            const ErrorKind kind = waited.error().kind;
            if (kind == ErrorKind::Cancelled || cancelled(options)) {
                result.outcome = Outcome::Error;
                result.summary = "cancelled";
                break;
            }
            if (kind != ErrorKind::Timeout) {
                result.outcome = Outcome::Error;
                result.summary = waited.error().message;
                break;
            }
            if (step.kind != StepKind::Logs) {
                // Nothing changed until the deadline: the last reading stands.
                result.summary += ctx.deadline == checkDeadline && checkDeadline < started + step.timeout
                                      ? " (the check's time budget ran out)"
                                      : " (still so after " + formatDuration(step.timeout) + ")";
                break;
            }
        }
        ctx.source.newPass();
    }
    result.duration = since(started);
    return result;
}

void addMessage(std::vector<std::string>& messages, const std::string& text) {
    if (!text.empty() && std::find(messages.begin(), messages.end(), text) == messages.end()) messages.push_back(text);
}

}  // namespace

namespace {

// Rubric order, except that a check is graded after the checks it needs: an overlay appends its checks at the
// end, and an existing check may need one of them. Cycles are refused when the rubric loads; should one get
// here anyway, the rest is graded in rubric order (an unmet need is then blocked).
std::vector<const Check*> gradingOrder(const Rubric& rubric) {
    std::set<std::string> known, placed;
    for (const auto& c : rubric.checks) known.insert(c.id);
    std::vector<const Check*> order;
    std::vector<bool> done(rubric.checks.size(), false);
    while (order.size() < rubric.checks.size()) {
        bool progressed = false;
        for (size_t i = 0; i < rubric.checks.size() && !progressed; ++i) {
            if (done[i]) continue;
            bool ready = true;
            for (const auto& need : rubric.checks[i].needs)
                if (known.count(need) && !placed.count(need)) ready = false;
            if (!ready) continue;
            done[i] = true;  // the first ready check in rubric order; then start again from the top
            order.push_back(&rubric.checks[i]);
            placed.insert(rubric.checks[i].id);
            progressed = true;
        }
        if (!progressed) {
            for (size_t i = 0; i < rubric.checks.size(); ++i)
                if (!done[i]) {
                    done[i] = true;
                    order.push_back(&rubric.checks[i]);
                }
        }
    }
    return order;
}

}  // namespace

GradeRun runChecks(const Rubric& rubric, const std::map<std::string, ObjectSource*>& sources,
                   const RunOptions& options) {
    const auto runStart = Clock::now();
    GradeRun run;
    run.lab = rubric.lab;
    run.title = rubric.title;
    run.rubricFile = rubric.sourceFile;
    auto wallNow = options.now == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : options.now;
    run.startedAt = rfc3339(wallNow);
    ObjectSource* primary = nullptr;
    if (auto it = sources.find(""); it != sources.end()) primary = it->second;
    else if (!sources.empty()) primary = sources.begin()->second;
    if (primary) {
        run.mode = primary->isLive() ? "live" : "snapshot";
        run.source = primary->describe();
        run.clusterVersion = primary->clusterVersion();
    }

    std::map<std::string, Outcome> outcomes;
    size_t index = 0;
    for (const Check* next : gradingOrder(rubric)) {
        const Check& check = *next;
        ++index;
        CheckResult cr;
        cr.id = check.id;
        cr.title = check.title;
        cr.objective = check.objective;
        cr.cluster = check.cluster;
        cr.visibility = check.visibility;
        cr.points = check.points;
        cr.hints = check.hints;
        const auto checkStart = Clock::now();

        auto finish = [&](Outcome outcome) {
            cr.outcome = outcome;
            cr.earned = outcome == Outcome::Pass ? check.points : 0;
            if (outcome == Outcome::Pass) addMessage(cr.messages, check.feedbackPass);
            if (outcome == Outcome::Fail) addMessage(cr.messages, check.feedbackFail);
            cr.duration = since(checkStart);
            outcomes[check.id] = outcome;
            if (options.progress)
                options.progress("[" + std::to_string(index) + "/" + std::to_string(rubric.checks.size()) + "] " +
                                 check.id + ": " + outcomeName(outcome));
            run.checks.push_back(std::move(cr));
        };

        if (cancelled(options)) {
            addMessage(cr.messages, "cancelled");
            finish(Outcome::Error);
            continue;
        }
        // needs: a needed check that was skipped makes this one skipped too (a snapshot cannot tell); any other
        // outcome but pass blocks it.
        std::string blocker;
        Outcome blockerOutcome = Outcome::Pass;
        for (const auto& need : check.needs) {
            auto it = outcomes.find(need);
            Outcome o = it == outcomes.end() ? Outcome::Blocked : it->second;
            if (o != Outcome::Pass) {
                blocker = need;
                blockerOutcome = o;
                break;
            }
        }
        if (!blocker.empty()) {
            cr.blockedBy = blocker;
            if (blockerOutcome == Outcome::Skipped) {
                addMessage(cr.messages, "needs " + blocker + ", which was skipped: it needs a live cluster");
                finish(Outcome::Skipped);
            } else {
                addMessage(cr.messages,
                           "needs " + blocker + ", which did not pass (" + outcomeName(blockerOutcome) + ")");
                finish(Outcome::Blocked);
            }
            continue;
        }
        ObjectSource* source = sourceFor(check, sources);
        if (!source) {
            addMessage(cr.messages, "no cluster named \"" + check.cluster + "\" was given to grade against");
            finish(Outcome::Error);
            continue;
        }
        if (!source->isLive()) {
            const Step* liveOnly = nullptr;
            for (const auto& step : check.steps)
                if (isLiveOnly(step) && !liveOnly) liveOnly = &step;
            if (liveOnly) {
                StepResult sr;
                sr.kind = liveOnly->kind;
                sr.source = liveOnly->source;
                sr.outcome = Outcome::Skipped;
                sr.summary = std::string(stepKindName(liveOnly->kind)) + " needs a live cluster";
                cr.steps.push_back(sr);
                addMessage(cr.messages, "skipped: the " + std::string(stepKindName(liveOnly->kind)) +
                                            " step at " + liveOnly->source.str() + " needs a live cluster");
                finish(Outcome::Skipped);
                continue;
            }
        }

        const auto checkDeadline = check.timeout ? checkStart + *check.timeout : Clock::time_point::max();
        std::vector<CreatedObject> created;
        StepContext ctx{*source, rubric, options.applyNamespace, options.cancel, {}, &created, &run.leftovers,
                        options.cleanupTimeout, options.submissionRoot};
        Outcome outcome = Outcome::Pass;
        for (const Step& step : check.steps) {
            if (cancelled(options)) {
                outcome = Outcome::Error;
                addMessage(cr.messages, "cancelled");
                break;
            }
            if (Clock::now() >= checkDeadline) {
                outcome = Outcome::Fail;
                addMessage(cr.messages, "the check's time budget (" + formatDuration(*check.timeout) + ") ran out");
                break;
            }
            StepResult sr = runStep(step, ctx, checkDeadline, options);
            const Outcome so = sr.outcome;
            if (so == Outcome::Fail) addMessage(cr.messages, step.message);
            if (so == Outcome::Error) addMessage(cr.messages, sr.summary);
            if (so == Outcome::Skipped) addMessage(cr.messages, "skipped: " + sr.summary);
            cr.steps.push_back(std::move(sr));
            if (so != Outcome::Pass) {
                outcome = so;
                break;
            }
        }
        if (!created.empty() && source->client()) {
            auto left = cleanUp(*source->client(), std::move(created), options.cleanupTimeout);
            run.leftovers.insert(run.leftovers.end(), left.begin(), left.end());
            source->newPass();
        }
        finish(outcome);
    }
    // Reported in rubric order, whatever order they were graded in.
    std::map<std::string, size_t> position;
    for (size_t i = 0; i < rubric.checks.size(); ++i) position[rubric.checks[i].id] = i;
    std::stable_sort(run.checks.begin(), run.checks.end(), [&](const CheckResult& a, const CheckResult& b) {
        return position[a.id] < position[b.id];
    });
    run.duration = since(runStart);
    return run;
}

}  // namespace kc::grader
