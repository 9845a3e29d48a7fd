// Wiring kubeconfig, credentials and transport into a KubeClient.
#include "clusters/cluster_connection.h"

#include "clusters/cpprest_transport.h"

namespace kc {

Result<ClusterConnection> connectWithRestConfig(RestConfig config, const ConnectOptions& options) {
    auto runner = options.runner ? options.runner : posixProcessRunner();
    auto clock = options.client.clock ? options.client.clock : systemClock();
    auto credentials = makeCredentialSource(config, runner, clock);
    if (!credentials) return fail(Error(credentials.error()).context("connecting with " + config.describe()));
    TransportFactory factory = options.transportFactory ? options.transportFactory : cpprestTransportFactory();
    ClusterConnection connection;
    connection.client = std::make_unique<KubeClient>(config.transportConfig(), std::move(factory),
                                                     std::move(*credentials), options.client);
    connection.config = std::move(config);
    return connection;
}

Result<ClusterConnection> connectToCluster(const ConnectOptions& options) {
    auto config = loadRestConfig(kubeconfigSourcesFromEnvironment(options.kubeconfigPath), options.context);
    if (!config) return fail(config.error());
    return connectWithRestConfig(std::move(*config), options);
}

}  // namespace kc
