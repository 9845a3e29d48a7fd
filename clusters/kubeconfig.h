// Kubeconfig loading as client-go does it: which files (--kubeconfig, $KUBECONFIG, ~/.kube/config), how they
// merge (first definition of a name wins, whole entry), and how one context becomes a RestConfig.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clusters/exec_credential.h"
#include "clusters/json.h"
#include "clusters/result.h"
#include "clusters/transport.h"
#include "clusters/yaml_json.h"

namespace kc {

// Kubeconfigs are untrusted input: larger files are refused, and so are referenced CA/cert/key files over this.
inline constexpr size_t kMaxKubeconfigBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxReferencedFileBytes = 1024 * 1024;

// Where an entry was defined, for messages.
struct KubeconfigOrigin {
    std::string file;          // as named by the caller or $KUBECONFIG
    SourceLocation location;   // of the list item
    std::string fieldPath;     // "clusters[2]"
};

struct KubeconfigCluster {
    std::string name;
    KubeconfigOrigin origin;
    std::string server;
    std::string certificateAuthority;      // path, already absolute (resolved against the defining file)
    std::string certificateAuthorityData;  // decoded PEM
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName, proxyUrl;
    bool disableCompression = false;
    std::map<std::string, Json> extensions;  // name → extension value
};

struct KubeconfigUser {
    std::string name;
    KubeconfigOrigin origin;
    std::string clientCertificate, clientCertificateData;  // path (absolute) / decoded PEM
    std::string clientKey, clientKeyData;
    std::string token, tokenFile;
    std::string username, password;
    std::optional<ExecConfig> exec;  // command resolved when it names a path; v1beta1 interactiveMode defaulted
    std::string authProvider;        // name of a legacy auth-provider, which kubeclass does not run
    bool impersonates = false;       // as / as-uid / as-groups / as-user-extra set, which kubeclass does not do
};

struct KubeconfigContext {
    std::string name;
    KubeconfigOrigin origin;
    std::string cluster, user, namespaceName;
};

struct MergedKubeconfig {
    std::vector<std::string> files;  // files that were read, in precedence order
    std::map<std::string, KubeconfigCluster> clusters;
    std::map<std::string, KubeconfigUser> users;
    std::map<std::string, KubeconfigContext> contexts;
    std::string currentContext;      // from the first file that sets one
    std::string currentContextFile;  // that file
    Json preferences = Json::object();  // from the first file with non-empty preferences

    std::vector<std::string> contextNames() const;  // sorted
    std::vector<std::string> clusterNames() const;
    std::vector<std::string> userNames() const;
};

// Everything needed to reach one cluster as one user. Secrets are held in memory only; describe() and every
// error message leave them out.
struct RestConfig {
    std::string contextName, clusterName, userName, namespaceName = "default";
    std::string server, caPem, tlsServerName, proxyUrl;
    bool insecureSkipTlsVerify = false;
    bool disableCompression = false;
    std::string clientCertPem, clientKeyPem, token, tokenFile, username, password;
    std::optional<ExecConfig> exec;
    std::optional<Json> execExtension;  // the cluster's client.authentication.k8s.io/exec extension
    std::string sourceFile;             // where the context was defined

    // proxyUrl has no place in TransportConfig yet: callers that need a proxy read it from here.
    TransportConfig transportConfig() const;
    // What an exec plugin with provideClusterInfo is told about the cluster.
    ExecClusterInfo execClusterInfo() const;
    // "context kind-lab2 (cluster kind-lab2 at https://127.0.0.1:6443, user kind-lab2: client certificate)"
    std::string describe() const;
};

struct KubeconfigSources {
    std::string explicitPath;                  // --kubeconfig
    std::optional<std::string> kubeconfigEnv;  // $KUBECONFIG, passed in for testability
    std::string homeDir;                       // for ~/.kube/config
};

// Reads one kubeconfig's text (no merging); sourceName is used in messages and its directory resolves relative
// paths. Exposed for tests and for tools that inspect a single file.
Result<MergedKubeconfig> parseKubeconfig(std::string_view text, const std::string& sourceName);

Result<MergedKubeconfig> loadKubeconfig(const KubeconfigSources& sources);
// contextOverride empty: the current-context.
Result<RestConfig> resolveRestConfig(const MergedKubeconfig& config, const std::string& contextOverride);
Result<RestConfig> loadRestConfig(const KubeconfigSources& sources, const std::string& context = "");
// Reads $KUBECONFIG and $HOME.
KubeconfigSources kubeconfigSourcesFromEnvironment(const std::string& explicitPath);

}  // namespace kc
