// Kubeconfig files → MergedKubeconfig → RestConfig, following client-go's loading rules and validation.
// Every error names the file, line:column and field; no secret value is ever part of a message.
#include "clusters/kubeconfig.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "clusters/base64.h"
#include "clusters/bounded_file.h"
#include "clusters/redact.h"

namespace kc {
namespace {

namespace fs = std::filesystem;

// "/users/0/user/token" → "users[0].user.token", the way people talk about kubeconfig fields.
std::string fieldPath(const std::string& pointer) {
    std::string out;
    size_t pos = 1;
    while (pos <= pointer.size() && !pointer.empty()) {
        size_t next = pointer.find('/', pos);
        if (next == std::string::npos) next = pointer.size();
        std::string token = pointer.substr(pos, next - pos);
        for (size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
        for (size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
        bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (index) out += "[" + token + "]";
        else out += (out.empty() ? "" : ".") + token;
        pos = next + 1;
    }
    return out;
}

const char* typeName(const Json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "a list";
    return "a map";
}

// Values of these keys anywhere in a kubeconfig are secrets (auth-provider configs included).
bool secretKey(const std::string& key) {
    static const std::set<std::string> keys{"token",         "password",     "client-key-data", "client-certificate-data",
                                            "id-token",      "refresh-token", "access-token",   "client-secret"};
    return keys.count(key) > 0;
}

void collectSecrets(const Json& value, std::vector<std::string>& out) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            if (secretKey(key) && child.is_string()) out.push_back(child.get<std::string>());
            collectSecrets(child, out);
        }
    } else if (value.is_array()) {
        for (const auto& child : value) collectSecrets(child, out);
    }
}

// Reads typed fields out of one parsed file, turning every type mismatch into "file:line:col: field ...".
class FileDecoder {
public:
    FileDecoder(const YamlDocument& doc, std::string file, fs::path baseDir)
        : doc_(doc), file_(std::move(file)), baseDir_(std::move(baseDir)) {}

    const std::string& file() const { return file_; }

    Error errorAt(const std::string& pointer, const std::string& what) const {
        std::string field = fieldPath(pointer);
        return Error{ErrorKind::Invalid,
                     formatLocation(file_, doc_.locate(pointer)) + ": " + (field.empty() ? "" : field + " ") + what};
    }

    KubeconfigOrigin origin(const std::string& pointer) const {
        return KubeconfigOrigin{file_, doc_.locate(pointer), fieldPath(pointer)};
    }

    // Missing or null → empty. Values are never quoted in errors: they may be tokens.
    Result<std::string> str(const Json& obj, const std::string& at, const std::string& key) const {
        if (!obj.contains(key) || obj[key].is_null()) return std::string();
        const Json& v = obj[key];
        if (!v.is_string()) return fail(errorAt(at + "/" + jsonPointerToken(key), std::string("must be a string, not ") + typeName(v)));
        return v.get<std::string>();
    }

    Result<bool> boolean(const Json& obj, const std::string& at, const std::string& key) const {
        if (!obj.contains(key) || obj[key].is_null()) return false;
        const Json& v = obj[key];
        if (!v.is_boolean()) return fail(errorAt(at + "/" + jsonPointerToken(key), std::string("must be true or false, not ") + typeName(v)));
        return v.get<bool>();
    }

    // Missing or null → nullptr.
    Result<const Json*> child(const Json& obj, const std::string& at, const std::string& key, bool wantList) const {
        if (!obj.contains(key) || obj[key].is_null()) return static_cast<const Json*>(nullptr);
        const Json& v = obj[key];
        if (wantList ? !v.is_array() : !v.is_object())
            return fail(errorAt(at + "/" + jsonPointerToken(key),
                                std::string("must be ") + (wantList ? "a list" : "a map") + ", not " + typeName(v)));
        return &v;
    }

    Result<std::vector<std::string>> stringList(const Json& obj, const std::string& at, const std::string& key) const {
        auto list = child(obj, at, key, true);
        if (!list) return fail(list.error());
        std::vector<std::string> out;
        if (!*list) return out;
        for (size_t i = 0; i < (*list)->size(); ++i) {
            const Json& v = (**list)[i];
            if (!v.is_string())
                return fail(errorAt(at + "/" + jsonPointerToken(key) + "/" + std::to_string(i),
                                    std::string("must be a string, not ") + typeName(v)));
            out.push_back(v.get<std::string>());
        }
        return out;
    }

    // A *-data field: base64 of PEM. The error says where, never what.
    Result<std::string> base64Field(const Json& obj, const std::string& at, const std::string& key) const {
        auto text = str(obj, at, key);
        if (!text || text->empty()) return text;
        auto decoded = base64Decode(*text);
        if (!decoded)
            return fail(errorAt(at + "/" + jsonPointerToken(key), "is not valid base64 (" + decoded.error().message + ")"));
        return decoded;
    }

    // Relative paths in a kubeconfig are relative to the file that holds them, not to the working directory.
    std::string resolvePath(const std::string& path) const {
        if (path.empty() || fs::path(path).is_absolute()) return path;
        return (baseDir_ / path).lexically_normal().string();
    }

private:
    const YamlDocument& doc_;
    std::string file_;
    fs::path baseDir_;
};

#define KC_TRY(var, expr)                         \
    auto var##Result = (expr);                    \
    if (!var##Result) return fail(var##Result.error()); \
    auto var = std::move(*var##Result)

Result<std::map<std::string, Json>> decodeExtensions(const FileDecoder& d, const Json& obj, const std::string& at) {
    std::map<std::string, Json> out;
    KC_TRY(list, d.child(obj, at, "extensions", true));
    if (!list) return out;
    for (size_t i = 0; i < list->size(); ++i) {
        std::string itemAt = at + "/extensions/" + std::to_string(i);
        const Json& item = (*list)[i];
        if (!item.is_object()) return fail(d.errorAt(itemAt, std::string("must be a map, not ") + typeName(item)));
        KC_TRY(name, d.str(item, itemAt, "name"));
        out.emplace(name, item.contains("extension") ? item["extension"] : Json(nullptr));
    }
    return out;
}

Result<KubeconfigCluster> decodeCluster(const FileDecoder& d, const Json& body, const std::string& at) {
    KubeconfigCluster c;
    KC_TRY(server, d.str(body, at, "server"));
    KC_TRY(ca, d.str(body, at, "certificate-authority"));
    KC_TRY(caData, d.base64Field(body, at, "certificate-authority-data"));
    KC_TRY(insecure, d.boolean(body, at, "insecure-skip-tls-verify"));
    KC_TRY(serverName, d.str(body, at, "tls-server-name"));
    KC_TRY(proxy, d.str(body, at, "proxy-url"));
    KC_TRY(noCompression, d.boolean(body, at, "disable-compression"));
    KC_TRY(extensions, decodeExtensions(d, body, at));
    c.server = server;
    c.certificateAuthority = d.resolvePath(ca);
    c.certificateAuthorityData = caData;
    c.insecureSkipTlsVerify = insecure;
    c.tlsServerName = serverName;
    c.proxyUrl = proxy;
    c.disableCompression = noCompression;
    c.extensions = std::move(extensions);
    return c;
}

Result<ExecConfig> decodeExec(const FileDecoder& d, const Json& body, const std::string& at) {
    ExecConfig e;
    KC_TRY(command, d.str(body, at, "command"));
    KC_TRY(args, d.stringList(body, at, "args"));
    KC_TRY(apiVersion, d.str(body, at, "apiVersion"));
    KC_TRY(hint, d.str(body, at, "installHint"));
    KC_TRY(provide, d.boolean(body, at, "provideClusterInfo"));
    KC_TRY(mode, d.str(body, at, "interactiveMode"));
    KC_TRY(env, d.child(body, at, "env", true));
    if (env) {
        for (size_t i = 0; i < env->size(); ++i) {
            std::string itemAt = at + "/env/" + std::to_string(i);
            const Json& item = (*env)[i];
            if (!item.is_object()) return fail(d.errorAt(itemAt, std::string("must be a map, not ") + typeName(item)));
            KC_TRY(name, d.str(item, itemAt, "name"));
            KC_TRY(value, d.str(item, itemAt, "value"));
            e.env.emplace_back(name, value);
        }
    }
    // Only a command that names a path is relative to the kubeconfig; a bare name is looked up on PATH.
    e.command = command.find('/') != std::string::npos ? d.resolvePath(command) : command;
    e.args = std::move(args);
    e.apiVersion = apiVersion;
    e.installHint = hint;
    e.provideClusterInfo = provide;
    // client-go defaults interactiveMode for the beta API only; v1 must say it.
    e.interactiveMode = mode.empty() && apiVersion == kExecApiV1beta1 ? "IfAvailable" : mode;
    return e;
}

Result<KubeconfigUser> decodeUser(const FileDecoder& d, const Json& body, const std::string& at) {
    KubeconfigUser u;
    KC_TRY(cert, d.str(body, at, "client-certificate"));
    KC_TRY(certData, d.base64Field(body, at, "client-certificate-data"));
    KC_TRY(key, d.str(body, at, "client-key"));
    KC_TRY(keyData, d.base64Field(body, at, "client-key-data"));
    KC_TRY(token, d.str(body, at, "token"));
    KC_TRY(tokenFile, d.str(body, at, "tokenFile"));
    KC_TRY(username, d.str(body, at, "username"));
    KC_TRY(password, d.str(body, at, "password"));
    KC_TRY(exec, d.child(body, at, "exec", false));
    KC_TRY(authProvider, d.child(body, at, "auth-provider", false));
    KC_TRY(as, d.str(body, at, "as"));
    KC_TRY(asUid, d.str(body, at, "as-uid"));
    KC_TRY(asGroups, d.stringList(body, at, "as-groups"));
    KC_TRY(asExtra, d.child(body, at, "as-user-extra", false));
    u.impersonates = !as.empty() || !asUid.empty() || !asGroups.empty() || (asExtra && !asExtra->empty());
    u.clientCertificate = d.resolvePath(cert);
    u.clientCertificateData = certData;
    u.clientKey = d.resolvePath(key);
    u.clientKeyData = keyData;
    u.token = token;
    u.tokenFile = d.resolvePath(tokenFile);
    u.username = username;
    u.password = password;
    if (exec) {
        KC_TRY(decoded, decodeExec(d, *exec, at + "/exec"));
        u.exec = std::move(decoded);
    }
    if (authProvider) {
        KC_TRY(name, d.str(*authProvider, at + "/auth-provider", "name"));
        u.authProvider = name.empty() ? "(unnamed)" : name;
    }
    return u;
}

Result<KubeconfigContext> decodeContext(const FileDecoder& d, const Json& body, const std::string& at) {
    KubeconfigContext c;
    KC_TRY(cluster, d.str(body, at, "cluster"));
    KC_TRY(user, d.str(body, at, "user"));
    KC_TRY(ns, d.str(body, at, "namespace"));
    c.cluster = cluster;
    c.user = user;
    c.namespaceName = ns;
    return c;
}

// Walks one of the named lists (clusters, users, contexts): items are {name, <body>}; a name twice in one
// file is an error, as in client-go.
template <typename Entry, typename Decode>
Status decodeNamedList(const FileDecoder& d, const Json& root, const std::string& listKey, const std::string& bodyKey,
                       std::map<std::string, Entry>& into, Decode decode) {
    KC_TRY(list, d.child(root, "", listKey, true));
    if (!list) return {};
    for (size_t i = 0; i < list->size(); ++i) {
        std::string itemAt = "/" + listKey + "/" + std::to_string(i);
        const Json& item = (*list)[i];
        if (!item.is_object()) return fail(d.errorAt(itemAt, std::string("must be a map, not ") + typeName(item)));
        KC_TRY(name, d.str(item, itemAt, "name"));
        KC_TRY(body, d.child(item, itemAt, bodyKey, false));
        static const Json empty = Json::object();
        KC_TRY(entry, decode(d, body ? *body : empty, itemAt + "/" + bodyKey));
        entry.name = name;
        entry.origin = d.origin(itemAt);
        if (into.count(name))
            return fail(d.errorAt(itemAt + "/name", "\"" + name + "\" is defined twice in this file"));
        into.emplace(name, std::move(entry));
    }
    return {};
}

Result<MergedKubeconfig> decodeFile(const YamlDocument& doc, const std::string& sourceName) {
    fs::path base = fs::absolute(fs::path(sourceName)).parent_path();
    FileDecoder d(doc, sourceName, base);
    MergedKubeconfig out;
    out.files.push_back(sourceName);
    const Json& root = doc.value;
    if (root.is_null()) return out;  // an empty file is an empty config, as in client-go
    if (!root.is_object()) return fail(d.errorAt("", std::string("a kubeconfig must be a map, not ") + typeName(root)));
    KC_TRY(kind, d.str(root, "", "kind"));
    KC_TRY(apiVersion, d.str(root, "", "apiVersion"));
    if (!kind.empty() && kind != "Config")
        return fail(d.errorAt("/kind", "is \"" + kind + "\", but a kubeconfig has kind Config"));
    if (!apiVersion.empty() && apiVersion != "v1")
        return fail(d.errorAt("/apiVersion", "is \"" + apiVersion + "\", but kubeconfigs are apiVersion v1"));
    KC_TRY(current, d.str(root, "", "current-context"));
    out.currentContext = current;
    if (!current.empty()) out.currentContextFile = sourceName;
    KC_TRY(prefs, d.child(root, "", "preferences", false));
    if (prefs) out.preferences = *prefs;
    if (auto s = decodeNamedList(d, root, "clusters", "cluster", out.clusters, decodeCluster); !s) return fail(s.error());
    if (auto s = decodeNamedList(d, root, "users", "user", out.users, decodeUser); !s) return fail(s.error());
    if (auto s = decodeNamedList(d, root, "contexts", "context", out.contexts, decodeContext); !s) return fail(s.error());
    return out;
}

// client-go's merge: a name defined by an earlier file keeps that whole entry; later definitions are ignored.
void mergeInto(MergedKubeconfig& into, MergedKubeconfig&& from) {
    into.files.insert(into.files.end(), from.files.begin(), from.files.end());
    for (auto& [name, c] : from.clusters) into.clusters.emplace(name, std::move(c));
    for (auto& [name, u] : from.users) into.users.emplace(name, std::move(u));
    for (auto& [name, c] : from.contexts) into.contexts.emplace(name, std::move(c));
    if (into.currentContext.empty() && !from.currentContext.empty()) {
        into.currentContext = from.currentContext;
        into.currentContextFile = from.currentContextFile;
    }
    if (into.preferences.empty() && from.preferences.is_object() && !from.preferences.empty())
        into.preferences = std::move(from.preferences);
}

Result<MergedKubeconfig> loadFile(const std::string& path) {
    auto text = readFileBounded(path, kMaxKubeconfigBytes);
    if (!text) {
        Error error = text.error();
        if (error.kind != ErrorKind::NotFound) error.context("reading kubeconfig");
        return fail(error);
    }
    return parseKubeconfig(*text, path);
}

std::vector<std::string> splitList(const std::string& value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t end = value.find(':', start);
        if (end == std::string::npos) end = value.size();
        std::string item = value.substr(start, end - start);
        if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

std::string joined(const std::vector<std::string>& items, const std::string& sep = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
    return out;
}

// A server URL without its user:password@ part, for messages.
std::string serverForDisplay(const std::string& server) {
    size_t scheme = server.find("://");
    size_t hostStart = scheme == std::string::npos ? 0 : scheme + 3;
    size_t hostEnd = server.find_first_of("/?#", hostStart);
    size_t at = server.rfind('@', hostEnd == std::string::npos ? server.size() : hostEnd);
    if (at == std::string::npos || at < hostStart) return server;
    return server.substr(0, hostStart) + server.substr(at + 1);
}

Result<std::string> readReferenced(const std::string& path, const std::string& what, const std::string& owner) {
    auto data = readFileBounded(path, kMaxReferencedFileBytes);
    if (!data) {
        Error error = data.error();
        error.message = "unable to read " + what + " " + path + " for " + owner + ": " + error.message;
        return fail(error);
    }
    return data;
}

Status resolveCluster(const KubeconfigCluster& c, RestConfig& out) {
    const std::string who = "cluster \"" + c.name + "\" (" + formatLocation(c.origin.file, c.origin.location) + ")";
    if (c.server.empty()) return fail(ErrorKind::Invalid, "no server found for " + who);
    if (!c.certificateAuthority.empty() && !c.certificateAuthorityData.empty())
        return fail(ErrorKind::Invalid, "certificate-authority-data and certificate-authority are both specified for " + who);
    if (c.insecureSkipTlsVerify && (!c.certificateAuthority.empty() || !c.certificateAuthorityData.empty()))
        return fail(ErrorKind::Invalid, who + ": specifying a root certificates file with the insecure flag "
                                              "(insecure-skip-tls-verify) is not allowed");
    out.caPem = c.certificateAuthorityData;
    if (!c.certificateAuthority.empty()) {
        KC_TRY(ca, readReferenced(c.certificateAuthority, "certificate-authority", who));
        out.caPem = ca;
    }
    out.tlsServerName = c.tlsServerName;
    out.insecureSkipTlsVerify = c.insecureSkipTlsVerify;
    out.disableCompression = c.disableCompression;
    out.proxyUrl = c.proxyUrl;
    if (!c.proxyUrl.empty()) {
        std::string scheme = c.proxyUrl.substr(0, c.proxyUrl.find("://"));
        if (c.proxyUrl.find("://") == std::string::npos || (scheme != "http" && scheme != "https" && scheme != "socks5"))
            return fail(ErrorKind::Invalid, "invalid proxy-url \"" + serverForDisplay(c.proxyUrl) + "\" for " + who +
                                                " (use an http, https or socks5 URL)");
    }
    // Like client-go, a server without a scheme means https when any TLS setting is present, else http.
    std::string server = c.server;
    if (server.find("://") == std::string::npos) {
        bool tls = !out.caPem.empty() || c.insecureSkipTlsVerify || !c.tlsServerName.empty();
        server = (tls ? "https://" : "http://") + server;
    }
    std::string scheme = server.substr(0, server.find("://"));
    std::string rest = server.substr(server.find("://") + 3);
    if ((scheme != "https" && scheme != "http") || rest.empty() || rest[0] == '/')
        return fail(ErrorKind::Invalid, "server \"" + serverForDisplay(c.server) + "\" of " + who +
                                            " is not an http or https URL");
    out.server = server;
    auto ext = c.extensions.find(std::string(kExecClusterExtension));
    if (ext != c.extensions.end()) out.execExtension = ext->second;
    return {};
}

Status resolveUser(const KubeconfigUser& u, RestConfig& out) {
    const std::string who = "user \"" + u.name + "\" (" + formatLocation(u.origin.file, u.origin.location) + ")";
    if (!u.authProvider.empty()) {
        if (u.exec) return fail(ErrorKind::Invalid, "auth-provider cannot be combined with an exec plugin for " + who);
        return fail(ErrorKind::Invalid, who + " uses auth-provider \"" + u.authProvider +
                                            "\", which kubeclass does not support; use an exec plugin instead");
    }
    // client-go would send Impersonate-* headers; acting as someone else silently is worse than refusing.
    if (u.impersonates)
        return fail(ErrorKind::Invalid, who + " impersonates another identity (as/as-uid/as-groups/as-user-extra), "
                                            "which kubeclass does not support");
    bool hasCert = !u.clientCertificate.empty() || !u.clientCertificateData.empty();
    bool hasKey = !u.clientKey.empty() || !u.clientKeyData.empty();
    if (!u.clientCertificate.empty() && !u.clientCertificateData.empty())
        return fail(ErrorKind::Invalid, "client-certificate-data and client-certificate are both specified for " + who);
    if (!u.clientKey.empty() && !u.clientKeyData.empty())
        return fail(ErrorKind::Invalid, "client-key-data and client-key are both specified for " + who);
    if (hasCert && !hasKey)
        return fail(ErrorKind::Invalid, "client-key-data or client-key must be specified for " + who +
                                            " to use the client certificate authentication method");
    if (hasKey && !hasCert)
        return fail(ErrorKind::Invalid, "client-certificate-data or client-certificate must be specified for " + who +
                                            " along with its client key");
    std::vector<std::string> methods;
    if (!u.token.empty() || !u.tokenFile.empty()) methods.push_back("token");
    if (!u.username.empty() || !u.password.empty()) methods.push_back("basicAuth");
    if (methods.size() > 1)
        return fail(ErrorKind::Invalid, "more than one authentication method found for " + who + "; found " +
                                            joined(methods) + ", only one is allowed");
    if (u.exec)
        if (auto valid = validateExecConfig(*u.exec, "user \"" + u.name + "\""); !valid) {
            Error error = valid.error();
            error.context(formatLocation(u.origin.file, u.origin.location));
            return fail(error);
        }
    out.clientCertPem = u.clientCertificateData;
    if (!u.clientCertificate.empty()) {
        KC_TRY(cert, readReferenced(u.clientCertificate, "client-certificate", who));
        out.clientCertPem = cert;
    }
    out.clientKeyPem = u.clientKeyData;
    if (!u.clientKey.empty()) {
        KC_TRY(key, readReferenced(u.clientKey, "client-key", who));
        out.clientKeyPem = key;
    }
    // token beats tokenFile (the kubeconfig v1 rule). Like client-go, an unreadable tokenFile fails here; the
    // credential source reads it again when used, so a rotated token is picked up.
    if (u.token.empty() && !u.tokenFile.empty())
        if (auto readable = readReferenced(u.tokenFile, "tokenFile", who); !readable) return fail(readable.error());
    out.token = u.token;
    out.tokenFile = u.token.empty() ? u.tokenFile : std::string();
    out.username = u.username;
    out.password = u.password;
    out.exec = u.exec;
    return {};
}

}  // namespace

std::vector<std::string> MergedKubeconfig::contextNames() const {
    std::vector<std::string> out;
    for (const auto& [name, c] : contexts) out.push_back(name);
    return out;
}

std::vector<std::string> MergedKubeconfig::clusterNames() const {
    std::vector<std::string> out;
    for (const auto& [name, c] : clusters) out.push_back(name);
    return out;
}

std::vector<std::string> MergedKubeconfig::userNames() const {
    std::vector<std::string> out;
    for (const auto& [name, u] : users) out.push_back(name);
    return out;
}

TransportConfig RestConfig::transportConfig() const {
    TransportConfig t;
    t.server = server;
    t.caPem = caPem;
    t.clientCertPem = clientCertPem;
    t.clientKeyPem = clientKeyPem;
    t.insecureSkipTlsVerify = insecureSkipTlsVerify;
    t.tlsServerName = tlsServerName;
    return t;
}

ExecClusterInfo RestConfig::execClusterInfo() const {
    ExecClusterInfo info;
    info.server = server;
    info.caPem = caPem;
    info.tlsServerName = tlsServerName;
    info.proxyUrl = proxyUrl;
    info.insecureSkipTlsVerify = insecureSkipTlsVerify;
    info.disableCompression = disableCompression;
    info.config = execExtension;
    return info;
}

std::string RestConfig::describe() const {
    // Names the kind of credential only; the values stay out.
    std::vector<std::string> auth;
    if (!clientCertPem.empty()) auth.push_back("client certificate");
    if (!token.empty()) auth.push_back("token");
    else if (!tokenFile.empty()) auth.push_back("token file " + tokenFile);
    else if (exec) auth.push_back("exec plugin " + exec->command);
    else if (!username.empty() || !password.empty()) auth.push_back("basic auth");
    if (auth.empty()) auth.push_back("no credentials");
    return "context " + contextName + " (cluster " + clusterName + " at " + serverForDisplay(server) + ", user " +
           userName + ": " + joined(auth, " and ") + ")";
}

Result<MergedKubeconfig> parseKubeconfig(std::string_view text, const std::string& sourceName) {
    YamlLimits limits;
    limits.maxBytes = kMaxKubeconfigBytes;
    auto doc = parseYamlDocument(text, sourceName, limits);
    if (!doc) return fail(doc.error());
    auto decoded = decodeFile(*doc, sourceName);
    if (!decoded) {
        // Belt and braces: no message above quotes a value, but scrub every secret in the file regardless.
        std::vector<std::string> secrets;
        collectSecrets(doc->value, secrets);
        Error error = decoded.error();
        error.message = redactKnownSecrets(error.message, secrets);
        return fail(error);
    }
    return decoded;
}

Result<MergedKubeconfig> loadKubeconfig(const KubeconfigSources& sources) {
    if (!sources.explicitPath.empty()) {
        // --kubeconfig names exactly one file, which must exist.
        auto one = loadFile(sources.explicitPath);
        if (!one && one.error().kind == ErrorKind::NotFound)
            return fail(ErrorKind::NotFound, "kubeconfig " + sources.explicitPath + " (from --kubeconfig) does not exist");
        return one;
    }
    if (sources.kubeconfigEnv && !sources.kubeconfigEnv->empty()) {
        std::vector<std::string> files = splitList(*sources.kubeconfigEnv);
        MergedKubeconfig merged;
        bool any = false;
        for (const auto& file : files) {
            auto one = loadFile(file);
            if (!one && one.error().kind == ErrorKind::NotFound) continue;  // missing files in the list are skipped
            if (!one) return fail(one.error());
            mergeInto(merged, std::move(*one));
            any = true;
        }
        if (!any)
            return fail(ErrorKind::NotFound, "no kubeconfig found: none of the files in $KUBECONFIG exist (" +
                                                 (files.empty() ? std::string("it lists none") : joined(files)) + ")");
        return merged;
    }
    if (sources.homeDir.empty())
        return fail(ErrorKind::NotFound, "no kubeconfig found: $HOME is not set, and neither --kubeconfig nor "
                                         "$KUBECONFIG names a file");
    std::string home = (fs::path(sources.homeDir) / ".kube" / "config").string();
    auto one = loadFile(home);
    if (!one && one.error().kind == ErrorKind::NotFound)
        return fail(ErrorKind::NotFound, "no kubeconfig found: " + home +
                                             " does not exist, and neither --kubeconfig nor $KUBECONFIG is set");
    return one;
}

Result<RestConfig> resolveRestConfig(const MergedKubeconfig& config, const std::string& contextOverride) {
    const std::string name = contextOverride.empty() ? config.currentContext : contextOverride;
    const std::string files = joined(config.files);
    if (name.empty() && config.contexts.empty())
        return fail(ErrorKind::Invalid, "no context chosen: " + files +
                                            " defines no contexts (is it empty, or not a kubeconfig?)");
    if (name.empty())
        return fail(ErrorKind::Invalid, "no context chosen: current-context is not set in " + files +
                                            "; pick one of: " + joined(config.contextNames()));
    auto ctx = config.contexts.find(name);
    if (ctx == config.contexts.end()) {
        std::string from = contextOverride.empty() ? " (the current-context of " + config.currentContextFile + ")" : "";
        return fail(ErrorKind::NotFound, "context \"" + name + "\"" + from + " is not defined in " + files +
                                             "; known contexts: " + joined(config.contextNames()));
    }
    const KubeconfigContext& c = ctx->second;
    const std::string where = "context \"" + name + "\" (" + formatLocation(c.origin.file, c.origin.location) + ")";
    if (c.cluster.empty()) return fail(ErrorKind::Invalid, "cluster was not specified for " + where);
    if (c.user.empty()) return fail(ErrorKind::Invalid, "user was not specified for " + where);
    auto cluster = config.clusters.find(c.cluster);
    if (cluster == config.clusters.end())
        return fail(ErrorKind::NotFound, where + " refers to cluster \"" + c.cluster + "\", which is not defined in " + files);
    auto user = config.users.find(c.user);
    if (user == config.users.end())
        return fail(ErrorKind::NotFound, where + " refers to user \"" + c.user + "\", which is not defined in " + files);

    RestConfig out;
    out.contextName = name;
    out.clusterName = c.cluster;
    out.userName = c.user;
    out.namespaceName = c.namespaceName.empty() ? "default" : c.namespaceName;
    out.sourceFile = c.origin.file;
    if (auto s = resolveCluster(cluster->second, out); !s) return fail(s.error());
    if (auto s = resolveUser(user->second, out); !s) return fail(s.error());
    return out;
}

Result<RestConfig> loadRestConfig(const KubeconfigSources& sources, const std::string& context) {
    auto merged = loadKubeconfig(sources);
    if (!merged) return fail(merged.error());
    return resolveRestConfig(*merged, context);
}

KubeconfigSources kubeconfigSourcesFromEnvironment(const std::string& explicitPath) {
    KubeconfigSources sources;
    sources.explicitPath = explicitPath;
    if (const char* env = std::getenv("KUBECONFIG")) sources.kubeconfigEnv = std::string(env);
    if (const char* home = std::getenv("HOME")) sources.homeDir = home;
    return sources;
}

}  // namespace kc
