// Connecting to a cluster: kubeconfig (client-go rules) → credentials → transport → KubeClient.
// The one place that wires the real seams together; tests can swap any of them through ConnectOptions.
#pragma once

#include <memory>
#include <string>

#include "clusters/clock.h"
#include "clusters/kube_client.h"
#include "clusters/kubeconfig.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"
#include "clusters/transport.h"

namespace kc {

struct ConnectOptions {
    std::string kubeconfigPath;  // --kubeconfig; empty: $KUBECONFIG, then ~/.kube/config
    std::string context;         // --context; empty: current-context
    KubeClientOptions client;
    std::shared_ptr<ProcessRunner> runner;  // for exec plugins; default: posix_spawn
    TransportFactory transportFactory;      // default: cpprestsdk
};

struct ClusterConnection {
    RestConfig config;  // what was connected to (describe() is safe to print)
    std::unique_ptr<KubeClient> client;
};

// Reads the kubeconfig and builds a client; nothing is sent to the server yet.
Result<ClusterConnection> connectToCluster(const ConnectOptions& options);
Result<ClusterConnection> connectWithRestConfig(RestConfig config, const ConnectOptions& options);

}  // namespace kc
