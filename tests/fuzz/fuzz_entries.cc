// The fuzz entries: real kubeclass entry points fed arbitrary bytes. Nothing here checks what a loader decides
// about an input; the fuzzers and the regression test only require that every input ends in a value or a clean
// error, with no crash, sanitizer report, hang or runaway memory.
#include "tests/fuzz/fuzz_entries.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "clusters/cancellation.h"
#include "clusters/clock.h"
#include "clusters/credentials.h"
#include "clusters/kube_client.h"
#include "clusters/kubeconfig.h"
#include "clusters/yaml_json.h"
#include "grader/matcher.h"
#include "grader/quiz_answers.h"
#include "grader/rubric_loader.h"
#include "grader/snapshot_source.h"
#include "quiz/bank_loader.h"

#ifndef KUBECLASS_SOURCE_DIR
#error "KUBECLASS_SOURCE_DIR must name the repository root (the fixture quiz bank lives there)"
#endif

namespace kc::fuzz {
namespace {

std::string asText(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// A setup failure (not a finding): stop loudly rather than fuzz against nothing.
[[noreturn]] void setupFailed(const std::string& what) {
    throw std::runtime_error("fuzz setup: " + what);
}

// Referenced files are read with bounds, but the fuzzer could still name a FIFO or /dev/stdin; only
// self-contained kubeconfigs are resolved.
bool referencesFiles(const MergedKubeconfig& config) {
    for (const auto& [name, cluster] : config.clusters)
        if (!cluster.certificateAuthority.empty()) return true;
    for (const auto& [name, user] : config.users)
        if (!user.clientCertificate.empty() || !user.clientKey.empty() || !user.tokenFile.empty()) return true;
    return false;
}

// What callers do with each document once it loads: ask where its fields were written, for their messages.
void locateDocumentFields(const std::vector<YamlDocument>& documents, const std::string& sourceName) {
    for (const auto& doc : documents) {
        (void)formatLocation(sourceName, doc.locate(""));
        (void)formatLocation(sourceName, doc.locate("/metadata/name"));
        (void)formatLocation(sourceName, doc.locate("/spec/template/spec/containers/0/image"));
    }
}

// The lab directory rubric `file:` entries resolve against: empty, so reads fail cleanly.
const std::string& emptyLabDir() {
    static const std::string dir = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "kubeclass-fuzz-lab-XXXXXX").string();
        if (!mkdtemp(pattern.data())) setupFailed("cannot create a temporary lab directory");
        return pattern;
    }();
    return dir;
}

const std::vector<quiz::Question>& fixtureBank() {
    static const std::vector<quiz::Question> bank = [] {
        auto loaded = quiz::loadBank(std::filesystem::path(KUBECLASS_SOURCE_DIR) / "tests/fixtures/quiz/bank");
        if (!loaded) setupFailed("the fixture quiz bank does not load");
        return std::move(*loaded);
    }();
    return bank;
}

// A clock that never sleeps, so reconnect pauses cost nothing; time does not advance either, which the
// watch below never needs because its second stream ends the watch.
class InstantClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::time_point{}; }
    std::chrono::steady_clock::time_point monotonicNow() const override {
        return std::chrono::steady_clock::time_point{};
    }
    void sleepFor(std::chrono::milliseconds) override {}
};

// Answers discovery and the relist for core/v1 Pods; the first watch stream delivers the fuzz bytes split into
// lines the way CpprestTransport does ('\n' ends a line, a trailing '\r' is dropped, empty lines are skipped).
// A later stream cancels the watch (as a user would), so the watch always ends: "watching v1 Pod ...: cancelled".
class WatchBodyTransport final : public Transport {
public:
    WatchBodyTransport(std::string_view body, std::shared_ptr<Cancellation> cancel)
        : body_(body), cancel_(std::move(cancel)) {}

    Result<HttpResponse> send(const HttpRequest& request) override {
        const std::string& t = request.target;
        if (t == "/api") return json(R"({"kind":"APIVersions","versions":["v1"]})");
        if (t == "/apis") return json(R"({"kind":"APIGroupList","groups":[]})");
        if (t == "/api/v1")
            return json(R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
                {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]}]})");
        if (t.rfind("/api/v1/namespaces/default/pods", 0) == 0)
            return json(R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]})");
        return json(R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":404,"reason":"NotFound"})", 404);
    }

    Result<HttpResponse> stream(const HttpRequest&, const std::function<bool(std::string_view)>& onLine) override {
        if (streamed_) {
            cancel_->cancel();
            return fail(ErrorKind::Cancelled, "the fuzz watch body was already delivered");
        }
        streamed_ = true;
        std::size_t from = 0;
        while (from <= body_.size()) {
            std::size_t end = body_.find('\n', from);
            if (end == std::string_view::npos) end = body_.size();
            std::string_view line = body_.substr(from, end - from);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!line.empty() && !onLine(line)) break;
            from = end + 1;
        }
        HttpResponse head;
        head.status = 200;
        return head;
    }

private:
    static Result<HttpResponse> json(std::string body, int status = 200) {
        HttpResponse response;
        response.status = status;
        response.headers["content-type"] = "application/json";
        response.body = std::move(body);
        return response;
    }

    std::string_view body_;
    std::shared_ptr<Cancellation> cancel_;
    bool streamed_ = false;
};

}  // namespace

std::string fuzzKubeconfig(const std::uint8_t* data, std::size_t size) {
    auto config = parseKubeconfig(asText(data, size), "/nonexistent/kubeclass-fuzz/kubeconfig");
    if (!config) return config.error().message;
    if (referencesFiles(*config)) return {};
    for (const auto& name : config->contextNames()) {
        auto rest = resolveRestConfig(*config, name);
        if (rest) (void)rest->describe();
    }
    (void)resolveRestConfig(*config, "");
    return {};
}

std::string fuzzManifest(const std::uint8_t* data, std::size_t size) {
    const std::string text = asText(data, size);
    YamlLimits applyFileLimits;
    applyFileLimits.maxBytes = 1024 * 1024;
    applyFileLimits.maxDocuments = 100;
    std::string firstError;
    for (const YamlLimits& limits : {YamlLimits{}, applyFileLimits}) {
        auto documents = parseYamlDocuments(text, "manifest.yaml", limits);
        if (documents) locateDocumentFields(*documents, "manifest.yaml");
        else if (firstError.empty()) firstError = documents.error().message;
    }
    return firstError;
}

std::string fuzzRubric(const std::uint8_t* data, std::size_t size) {
    const std::string& dir = emptyLabDir();
    auto rubric = grader::parseRubric(asText(data, size), dir + "/rubric.yaml", dir);
    if (!rubric) return rubric.error().message;
    (void)rubric->totalPoints();
    return {};
}

std::string fuzzMatcher(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string_view separator = "\n====\n";
    std::size_t cut = input.find(separator);
    std::string_view expectedText = cut == std::string_view::npos ? input : input.substr(0, cut);
    std::string_view observedText = cut == std::string_view::npos ? input : input.substr(cut + separator.size());
    auto expected = parseYamlDocument(expectedText, "expected.yaml");
    auto observed = parseYamlDocument(observedText, "observed.yaml");
    if (!expected) return expected.error().message;
    if (!observed) return observed.error().message;
    (void)grader::validatePattern(expected->value);
    (void)grader::describePattern(expected->value);
    (void)grader::renderValue(observed->value);
    auto result = grader::match(expected->value, observed->value);
    // The fast path must agree with the explaining one whenever the pattern is usable.
    if (result.error.empty() && result.ok != grader::matches(expected->value, observed->value))
        std::abort();
    return {};
}

std::string fuzzQuizBank(const std::uint8_t* data, std::size_t size) {
    auto bank = quiz::parseBankYaml(asText(data, size), "bank.yaml");
    if (bank) return {};
    std::string messages;
    for (const auto& error : bank.error()) messages += error.toString() + "\n";
    return messages;
}

std::string fuzzQuizAnswers(const std::uint8_t* data, std::size_t size) {
    const auto& bank = fixtureBank();
    auto answers = grader::parseQuizAnswers(asText(data, size), "answers.yaml", bank);
    if (!answers) return answers.error().message;
    (void)grader::gradeQuizAnswers(*answers, bank);
    return {};
}

std::string fuzzSnapshot(const std::uint8_t* data, std::size_t size) {
    auto source = grader::snapshotFromText(asText(data, size), "snapshot.yaml");
    if (!source) return source.error().message;
    (void)(*source)->clusterVersion();
    for (const grader::SourceQuery& query : {grader::SourceQuery{"v1", "Pod", ""}, grader::SourceQuery{"v1", "Pod", "default"},
                                             grader::SourceQuery{"apps/v1", "Deployment", ""},
                                             grader::SourceQuery{"v1", "Namespace", ""}})
        (void)(*source)->list(query);
    (void)(*source)->events("default");
    return {};
}

std::string fuzzWatch(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto cancel = std::make_shared<Cancellation>();
    TransportFactory factory = [body, cancel](const TransportConfig&) -> Result<std::unique_ptr<Transport>> {
        return std::make_unique<WatchBodyTransport>(body, cancel);
    };
    KubeClientOptions options;
    options.clock = std::make_shared<InstantClock>();
    options.retrySeed = 1;
    TransportConfig config;
    config.server = "https://fuzz.invalid:6443";
    KubeClient client(config, factory, noCredentials(), options);
    int events = 0;
    auto status = client.watch({"v1", "Pod", "default", ""}, {.resourceVersion = "5", .cancel = cancel}, [&](const WatchEvent& event) {
        // Touch what a consumer reads; stop after a bounded number of events.
        (void)event.type.size();
        if (event.object.is_object()) (void)event.object.contains("metadata");
        return ++events < 100000;
    });
    // The watch ends in an error here (the server's, or cancelled at the second stream).
    return status ? std::string() : status.error().message;
}

const std::vector<FuzzTarget>& fuzzTargets() {
    static const std::vector<FuzzTarget> targets = {
        {"kubeconfig", fuzzKubeconfig, "kubeconfig"},
        {"manifest", fuzzManifest, "manifest.yaml"},
        {"rubric", fuzzRubric, "rubric.yaml"},
        {"matcher", fuzzMatcher, ".yaml"},  // expected.yaml or observed.yaml
        {"quiz_bank", fuzzQuizBank, "bank.yaml"},
        {"quiz_answers", fuzzQuizAnswers, "answers.yaml"},
        {"snapshot", fuzzSnapshot, "snapshot.yaml"},
        {"watch", fuzzWatch, "watching v1 Pod"},
    };
    return targets;
}

}  // namespace kc::fuzz
