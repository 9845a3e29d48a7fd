// Capture: plan what the rubric reads (the same namespaces the runner would read), then LIST each (kind,
// namespace) once, read events per namespace and logs of the pods logs steps select, and write the manifest last,
// so a directory without capture.json is visibly an unfinished capture.
#include "grader/capture.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "grader/object_source.h"
#include "grader/step_runner.h"

namespace kc::grader {

namespace {

namespace fs = std::filesystem;

Status writeFile(const fs::path& path, const std::string& content) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(ErrorKind::Other, "creating " + path.parent_path().string() + ": " + ec.message());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return fail(ErrorKind::Other, "writing " + path.string());
    return {};
}

std::string fileSafe(std::string s) {
    for (char& c : s)
        if (c == '/') c = '_';
    return s;
}

struct Plan {
    std::set<std::tuple<std::string, std::string, std::string>> objects;  // apiVersion, kind, namespace ("" = all)
    std::set<std::string> eventNamespaces;
    std::vector<const LogsStep*> logs;
};

}  // namespace

Status captureForRubric(const Rubric& rubric, KubeClient& client, const std::string& outDir, std::string capturedAt) {
    Plan plan;
    auto addTarget = [&](const Target& t) {
        plan.objects.insert({t.apiVersion, t.kind, effectiveNamespace(rubric, t.namespace_)});
    };
    for (const auto& check : rubric.checks) {
        for (const auto& step : check.steps) {
            if (auto* a = std::get_if<AssertStep>(&step.spec)) addTarget(a->target);
            if (auto* a = std::get_if<AbsentStep>(&step.spec)) addTarget(a->target);
            if (auto* d = std::get_if<DeleteStep>(&step.spec)) addTarget(d->target);
            if (auto* p = std::get_if<ProvenanceStep>(&step.spec)) addTarget(p->target);
            if (auto* l = std::get_if<LogsStep>(&step.spec)) {
                plan.objects.insert({"v1", "Pod", effectiveNamespace(rubric, l->namespace_)});
                plan.logs.push_back(l);
            }
            if (auto* e = std::get_if<EventsStep>(&step.spec))
                plan.eventNamespaces.insert(effectiveNamespace(rubric, e->namespace_));
        }
    }
    // Cluster-scoped kinds ignore namespaces, and an all-namespaces list covers every single namespace.
    std::set<std::tuple<std::string, std::string, std::string>> lists;
    std::map<std::tuple<std::string, std::string, std::string>, bool> served;
    for (auto [apiVersion, kind, ns] : plan.objects) {
        auto info = client.resolve(apiVersion, kind);
        if (!info && info.error().kind != ErrorKind::NotFound) return fail(info.error());
        if (info && !info->namespaced) ns.clear();
        lists.insert({apiVersion, kind, ns});
        served[{apiVersion, kind, ns}] = static_cast<bool>(info);
    }
    for (auto it = lists.begin(); it != lists.end();) {
        const auto& [apiVersion, kind, ns] = *it;
        if (!ns.empty() && lists.count({apiVersion, kind, ""})) it = lists.erase(it);
        else ++it;
    }

    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) return fail(ErrorKind::Other, "creating " + outDir + ": " + ec.message());
    const fs::path root(outDir);
    auto source = liveSource(client, "capture");

    Json manifest{{"format", kCaptureFormat},
                  {"version", kCaptureVersion},
                  {"lab", rubric.lab},
                  {"capturedAt", capturedAt},
                  {"clusterVersion", source->clusterVersion()},
                  {"objects", Json::array()},
                  {"events", Json::array()},
                  {"logs", Json::array()}};

    for (const auto& [apiVersion, kind, ns] : lists) {
        auto items = source->list({apiVersion, kind, ns});
        if (!items) return fail(Error(items.error()).context("capturing " + apiVersion + " " + kind));
        Json list{{"apiVersion", "v1"}, {"kind", "List"}, {"metadata", Json::object()}, {"items", Json::array()}};
        for (const auto& item : **items) list["items"].push_back(item);
        const std::string file = "objects/" + fileSafe(apiVersion) + "." + kind + "." + (ns.empty() ? "_all" : ns) +
                                 ".json";
        if (auto w = writeFile(root / file, list.dump(1) + "\n"); !w) return w;
        manifest["objects"].push_back(Json{{"apiVersion", apiVersion},
                                           {"kind", kind},
                                           {"namespace", ns},
                                           {"served", served[{apiVersion, kind, ns}] || !(*items)->empty()},
                                           {"count", (*items)->size()},
                                           {"file", file}});
    }
    for (const auto& ns : plan.eventNamespaces) {
        auto events = source->events(ns);
        if (!events) return fail(Error(events.error()).context("capturing events"));
        Json array = Json::array();
        for (const auto& e : *events) array.push_back(eventToJson(e));
        const std::string file = "events/" + (ns.empty() ? std::string("_all") : ns) + ".json";
        if (auto w = writeFile(root / file, array.dump(1) + "\n"); !w) return w;
        manifest["events"].push_back(Json{{"namespace", ns}, {"count", events->size()}, {"file", file}});
    }
    std::set<std::string> logsWritten;
    for (const LogsStep* step : plan.logs) {
        const std::string ns = effectiveNamespace(rubric, step->namespace_);
        auto pods = source->list({"v1", "Pod", ns});
        if (!pods) return fail(Error(pods.error()).context("capturing pods"));
        for (const auto& pod : **pods) {
            if (!ns.empty() && objectNamespace(pod) != ns) continue;
            if (!step->pod.empty() && objectName(pod) != step->pod) continue;
            if (step->selector) {
                Json labels = pod.contains("metadata") && pod["metadata"].contains("labels") ? pod["metadata"]["labels"]
                                                                                            : Json();
                if (!step->selector->matches(labels)) continue;
            }
            const std::string podNs = objectNamespace(pod), name = objectName(pod);
            const std::string container = logContainerFor(pod, step->container);
            const std::string file = "logs/" + podNs + "/" + name + "/" + container +
                                     (step->previous ? ".previous" : "") + ".log";
            if (!logsWritten.insert(file).second) continue;
            auto text = source->podLogs(podNs, name, container, step->previous);
            if (!text) return fail(Error(text.error()).context("capturing logs"));
            if (auto w = writeFile(root / file, *text); !w) return w;
            manifest["logs"].push_back(Json{{"namespace", podNs},
                                            {"pod", name},
                                            {"container", container},
                                            {"previous", step->previous},
                                            {"file", file}});
        }
    }
    return writeFile(root / kCaptureManifest, manifest.dump(2) + "\n");
}

Rubric rubricForCluster(const Rubric& rubric, const std::string& cluster) {
    if (cluster.empty() || rubric.clusters.empty()) return rubric;
    Rubric out = rubric;
    out.checks.clear();
    for (const auto& check : rubric.checks)
        if (check.cluster == cluster) out.checks.push_back(check);
    return out;
}

}  // namespace kc::grader
