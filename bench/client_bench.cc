// Benchmark of the REST client against the API test double: GET requests per second (one thread and several),
// watch event latency, and kubectl's time for the same GETs measured in the same run, as a ratio.
// Run: cmake --build build --target run-client-bench   (or build/bench/client_bench [--gets N] [--kubectl-gets N])
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.h"
#include "clusters/cpprest_transport.h"
#include "clusters/kube_client.h"
#include "clusters/process_runner.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::testing;
using WallClock = std::chrono::steady_clock;

namespace {

double seconds(WallClock::duration d) { return std::chrono::duration<double>(d).count(); }

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

std::unique_ptr<KubeClient> makeClient(const ApiDouble& server) {
    TransportConfig config;
    config.server = server.url();
    config.caPem = server.pki().caPem;
    config.clientCertPem = server.pki().clientCertPem;
    config.clientKeyPem = server.pki().clientKeyPem;
    return std::make_unique<KubeClient>(config, cpprestTransportFactory(), noCredentials());
}

}  // namespace

int main(int argc, char** argv) {
    const int gets = kc::bench::intArgument(argc, argv, "--gets", 2000);
    const int kubectlGets = kc::bench::intArgument(argc, argv, "--kubectl-gets", 20);
    const int threads = kc::bench::intArgument(argc, argv, "--threads", 4);
    const int watchEvents = kc::bench::intArgument(argc, argv, "--watch-events", 200);

    auto server = ApiDouble::start();
    for (int i = 0; i < 20; ++i)
        server->create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                            {"metadata", {{"name", "cm-" + std::to_string(i)}, {"namespace", "default"}}},
                            {"data", {{"payload", std::string(512, 'x')}}}});
    auto client = makeClient(*server);
    if (!client->resolve("v1", "ConfigMap")) {
        std::fprintf(stderr, "client_bench: cannot reach the API double\n");
        return 1;
    }
    std::printf("kubeclass client benchmark against the API test double (%s)\n", server->url().c_str());

    // 1. Sequential GETs.
    auto started = WallClock::now();
    for (int i = 0; i < gets; ++i) {
        auto got = client->get({"v1", "ConfigMap", "default", "cm-" + std::to_string(i % 20)});
        if (!got || !got->has_value()) {
            std::fprintf(stderr, "client_bench: GET failed: %s\n", got ? "absent" : got.error().message.c_str());
            return 1;
        }
    }
    const double sequentialSeconds = seconds(WallClock::now() - started);
    const double perGetClient = sequentialSeconds / gets;
    std::printf("GET, 1 thread:   %d requests in %.3f s = %.0f requests/s (%.3f ms each)\n", gets,
                sequentialSeconds, gets / sequentialSeconds, perGetClient * 1000);

    // 2. Concurrent GETs over one client.
    std::atomic<int> failures{0};
    started = WallClock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = t; i < gets; i += threads)
                if (!client->get({"v1", "ConfigMap", "default", "cm-" + std::to_string(i % 20)})) ++failures;
        });
    for (auto& w : workers) w.join();
    const double concurrentSeconds = seconds(WallClock::now() - started);
    std::printf("GET, %d threads: %d requests in %.3f s = %.0f requests/s (%d failed)\n", threads, gets,
                concurrentSeconds, gets / concurrentSeconds, failures.load());

    // 3. Watch event latency: from the store change to the watcher's callback.
    std::vector<double> latencies;
    std::atomic<bool> ready{false};
    std::vector<WallClock::time_point> sentAt(static_cast<size_t>(watchEvents));
    std::thread watcher([&] {
        int seen = 0;
        (void)client->watch({"v1", "ConfigMap", "bench", ""}, {.timeout = std::chrono::seconds(60)},
                            [&](const WatchEvent& e) {
                                if (e.type == "RESYNC") {
                                    ready = true;
                                    return true;
                                }
                                if (e.type != "ADDED") return true;
                                int index = std::atoi(e.object["metadata"]["name"].get<std::string>().c_str() + 2);
                                latencies.push_back(seconds(WallClock::now() - sentAt[static_cast<size_t>(index)]) * 1000);
                                return ++seen < watchEvents;
                            });
    });
    server->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}});
    while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the watch request is open
    for (int i = 0; i < watchEvents; ++i) {
        sentAt[static_cast<size_t>(i)] = WallClock::now();
        server->create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                            {"metadata", {{"name", "w-" + std::to_string(i)}, {"namespace", "bench"}}}});
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    watcher.join();
    std::printf("watch latency:   %zu events, p50 %.3f ms, p95 %.3f ms, max %.3f ms\n", latencies.size(),
                percentile(latencies, 0.5), percentile(latencies, 0.95), percentile(latencies, 1.0));

    // 4. kubectl for the same GETs, side by side.
    TempDir home;
    std::string kubeconfig = server->writeKubeconfig(home.path() + "/kubeconfig");
    auto runner = posixProcessRunner();
    ProcessSpec probe{.program = "kubectl", .args = {"version", "--client", "-o", "json"}};
    if (!runner->run(probe)) {
        std::printf("kubectl:         not found on PATH; no comparison\n");
        return failures == 0 ? 0 : 1;
    }
    started = WallClock::now();
    for (int i = 0; i < kubectlGets; ++i) {
        auto result = runner->run({.program = "kubectl",
                                   .args = {"--kubeconfig", kubeconfig, "get", "configmap", "cm-" + std::to_string(i % 20),
                                            "-n", "default", "-o", "json"},
                                   .extraEnv = {{"HOME", home.path()}}});
        if (!result || result->exitCode != 0) {
            std::fprintf(stderr, "client_bench: kubectl get failed: %s\n",
                         result ? result->stderrText.c_str() : result.error().message.c_str());
            return 1;
        }
    }
    const double kubectlSeconds = seconds(WallClock::now() - started);
    const double perGetKubectl = kubectlSeconds / kubectlGets;
    std::printf("kubectl get:     %d invocations in %.3f s = %.1f ms each\n", kubectlGets, kubectlSeconds,
                perGetKubectl * 1000);
    std::printf("ratio:           one kubeclass GET is %.0fx faster than one kubectl get (%.3f ms vs %.1f ms)\n",
                perGetKubectl / perGetClient, perGetClient * 1000, perGetKubectl * 1000);
    return failures == 0 ? 0 : 1;
}
