// The batch's HTML summary; see batch_export.h. One file that opens anywhere offline: inline CSS and SVG, no
// scripts, no external URLs; every string from a roster, a repository or a rubric goes through xmlEscape.
#include <algorithm>
#include <cstdio>
#include <map>

#include "grader/batch_export.h"
#include "grader/report.h"
#include "grader/report_junit.h"

namespace kc::grader {

namespace {

std::string esc(const std::string& text) { return xmlEscape(text); }

std::string fixed(double v, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

struct CheckStats {
    std::string title;
    size_t position = 0;
    size_t runs = 0, passed = 0;
    double totalMs = 0, maxMs = 0;
};

// Ten bins of percent (the last one holds 100%), drawn as bars with their counts.
std::string histogramSvg(const std::vector<double>& percents) {
    int bins[10] = {};
    for (double p : percents) bins[std::clamp(static_cast<int>(p / 10), 0, 9)]++;
    int highest = 1;
    for (int b : bins) highest = std::max(highest, b);
    const int width = 520, height = 200, bar = 44, gap = 8, base = 170;
    std::string svg = "<svg width=\"" + std::to_string(width) + "\" height=\"" +
                      std::to_string(height) + "\" role=\"img\" aria-label=\"Score histogram\">";
    for (int i = 0; i < 10; ++i) {
        int h = bins[i] * 140 / highest;
        int x = 10 + i * (bar + gap);
        svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(base - h) + "\" width=\"" +
               std::to_string(bar) + "\" height=\"" + std::to_string(h) + "\" fill=\"#3b6ea8\"/>";
        svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" + std::to_string(base - h - 4) +
               "\" text-anchor=\"middle\" font-size=\"11\">" + std::to_string(bins[i]) + "</text>";
        svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" + std::to_string(base + 14) +
               "\" text-anchor=\"middle\" font-size=\"10\">" + std::to_string(i * 10) + (i == 9 ? "-100" : "-" + std::to_string(i * 10 + 9)) +
               "</text>";
    }
    return svg + "</svg>";
}

std::string duration(std::int64_t seconds) {
    std::int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;
    if (d) return std::to_string(d) + "d " + std::to_string(h) + "h";
    if (h) return std::to_string(h) + "h " + std::to_string(m) + "m";
    return std::to_string(m) + "m " + std::to_string(seconds % 60) + "s";
}

}  // namespace

std::string exportHtmlSummary(const std::vector<SubmissionRecord>& rows, const ExportContext& context) {
    size_t graded = 0, missing = 0, errors = 0, late = 0;
    std::vector<double> percents;
    std::map<std::string, CheckStats> checks;
    for (const auto& s : rows) {
        if (s.late) ++late;
        if (s.status == SubmissionStatus::Missing) ++missing;
        if (s.status == SubmissionStatus::Error) ++errors;
        if (s.status != SubmissionStatus::Graded) continue;
        ++graded;
        percents.push_back(s.points > 0 ? 100.0 * s.score / s.points : 0);
        size_t position = 0;
        for (const auto& c : s.run.checks) {
            auto& st = checks[c.id];
            if (st.runs == 0) {
                st.title = c.title;
                st.position = position;
            }
            ++position;
            ++st.runs;
            if (c.outcome == Outcome::Pass) ++st.passed;
            double ms = static_cast<double>(c.duration.count());
            st.totalMs += ms;
            st.maxMs = std::max(st.maxMs, ms);
        }
    }
    double mean = 0;
    for (double p : percents) mean += p;
    if (!percents.empty()) mean /= percents.size();
    std::vector<double> sorted = percents;
    std::sort(sorted.begin(), sorted.end());
    double median = sorted.empty() ? 0
                    : sorted.size() % 2 ? sorted[sorted.size() / 2]
                                        : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;

    std::string title = "Batch summary: " + context.assignmentName;
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) +
                    "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                    "margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eef}"
                    ".num{text-align:right}.bar{background:#3b6ea8;height:10px;display:inline-block}</style></head>\n<body>\n";
    h += "<h1>" + esc(title) + "</h1>\n<p>Lab " + esc(context.lab) +
         (context.deadline.empty() ? "" : ", deadline " + esc(context.deadline)) + ", " +
         formatPoints(context.pointsAvailable) + " points.</p>\n";
    h += "<table><tr><th>students</th><th>graded</th><th>missing</th><th>errors</th><th>late</th><th>mean</th>"
         "<th>median</th></tr><tr><td class=\"num\">" + std::to_string(rows.size()) + "</td><td class=\"num\">" +
         std::to_string(graded) + "</td><td class=\"num\">" + std::to_string(missing) + "</td><td class=\"num\">" +
         std::to_string(errors) + "</td><td class=\"num\">" + std::to_string(late) + "</td><td class=\"num\">" +
         formatPercent(mean) + "</td><td class=\"num\">" + formatPercent(median) + "</td></tr></table>\n";

    h += "<h2>Score histogram</h2>\n" + histogramSvg(percents) + "\n";

    std::vector<std::pair<std::string, CheckStats>> ordered(checks.begin(), checks.end());
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second.position < b.second.position; });
    h += "<h2>Pass rate per check</h2>\n<table><tr><th>check</th><th>title</th><th>passed</th><th>rate</th><th></th></tr>\n";
    for (const auto& [id, st] : ordered) {
        double rate = st.runs ? 100.0 * st.passed / st.runs : 0;
        h += "<tr><td>" + esc(id) + "</td><td>" + esc(st.title) + "</td><td class=\"num\">" + std::to_string(st.passed) +
             "/" + std::to_string(st.runs) + "</td><td class=\"num\">" + formatPercent(rate) +
             "</td><td><span class=\"bar\" style=\"width:" + std::to_string(static_cast<int>(rate)) + "px\"></span></td></tr>\n";
    }
    h += "</table>\n";

    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return a.second.totalMs / std::max<size_t>(a.second.runs, 1) > b.second.totalMs / std::max<size_t>(b.second.runs, 1);
    });
    h += "<h2>Slowest checks</h2>\n<table><tr><th>check</th><th>mean ms</th><th>max ms</th></tr>\n";
    for (size_t i = 0; i < ordered.size() && i < 10; ++i) {
        const auto& st = ordered[i].second;
        h += "<tr><td>" + esc(ordered[i].first) + "</td><td class=\"num\">" + fixed(st.totalMs / std::max<size_t>(st.runs, 1), 1) +
             "</td><td class=\"num\">" + fixed(st.maxMs, 0) + "</td></tr>\n";
    }
    h += "</table>\n";

    h += "<h2>Late submissions</h2>\n<table><tr><th>student</th><th>name</th><th>commit time</th><th>late by</th>"
         "<th>penalty</th><th>score</th></tr>\n";
    for (const auto& s : rows)
        if (s.late)
            h += "<tr><td>" + esc(s.student) + "</td><td>" + esc(s.name) + "</td><td>" + esc(s.commitTime) + "</td><td>" +
                 duration(s.lateSeconds) + "</td><td class=\"num\">" + formatPercent(s.penaltyFraction * 100) +
                 "</td><td class=\"num\">" + formatPoints(s.score) + "</td></tr>\n";
    h += "</table>\n";

    h += "<h2>Missing and failed submissions</h2>\n<table><tr><th>student</th><th>name</th><th>status</th><th>reason</th></tr>\n";
    for (const auto& s : rows)
        if (s.status != SubmissionStatus::Graded)
            h += "<tr><td>" + esc(s.student) + "</td><td>" + esc(s.name) + "</td><td>" + submissionStatusName(s.status) +
                 "</td><td>" + esc(s.error) + "</td></tr>\n";
    h += "</table>\n";

    h += "<h2>All students</h2>\n<table><tr><th>student</th><th>name</th><th>commit</th><th>score</th><th>status</th></tr>\n";
    for (const auto& s : rows)
        h += "<tr><td>" + esc(s.student) + "</td><td>" + esc(s.name) + "</td><td>" + esc(s.commit.substr(0, 12)) +
             "</td><td class=\"num\">" + (s.status == SubmissionStatus::Error ? std::string() : formatPoints(s.score)) +
             "</td><td>" + submissionStatusName(s.status) + (s.late ? " (late)" : "") + "</td></tr>\n";
    h += "</table>\n</body></html>\n";
    return h;
}

}  // namespace kc::grader
