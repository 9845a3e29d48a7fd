// Kubernetes-aware answer equivalence: a small kubectl command-line model plus resource and quantity tables.
#include "quiz/kubectl_equivalence.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "quiz/answer_text.h"

namespace kc::quiz {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const std::map<std::string, std::string, std::less<>>& resourceAliases() {
    // canonical kind → its short names and plural; the canonical name and its simple plural are added below.
    static const std::map<std::string, std::string, std::less<>> table = [] {
        const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
            {"pod", {"po"}},
            {"deployment", {"deploy"}},
            {"service", {"svc"}},
            {"namespace", {"ns"}},
            {"configmap", {"cm"}},
            {"secret", {}},
            {"persistentvolumeclaim", {"pvc"}},
            {"persistentvolume", {"pv"}},
            {"statefulset", {"sts"}},
            {"daemonset", {"ds"}},
            {"replicaset", {"rs"}},
            {"replicationcontroller", {"rc"}},
            {"horizontalpodautoscaler", {"hpa"}},
            {"verticalpodautoscaler", {"vpa"}},
            {"priorityclass", {"pc", "priorityclasses"}},
            {"customresourcedefinition", {"crd", "crds"}},
            {"networkpolicy", {"netpol", "networkpolicies"}},
            {"serviceaccount", {"sa"}},
            {"node", {"no"}},
            {"storageclass", {"sc", "storageclasses"}},
            {"ingress", {"ing", "ingresses"}},
            {"job", {}},
            {"cronjob", {"cj"}},
            {"event", {"ev"}},
            {"endpoints", {"ep"}},
            {"role", {}},
            {"rolebinding", {}},
            {"clusterrole", {}},
            {"clusterrolebinding", {}},
            {"resourcequota", {"quota"}},
            {"limitrange", {"limits"}},
            {"poddisruptionbudget", {"pdb"}},
        };
        std::map<std::string, std::string, std::less<>> t;
        for (const auto& [kind, aliases] : kinds) {
            t[kind] = kind;
            if (kind.back() != 's' && kind.back() != 'y') t[kind + "s"] = kind;
            for (const auto& a : aliases) t[a] = kind;
        }
        return t;
    }();
    return table;
}

// Flags whose value may follow as the next word; every other long flag is a boolean, so "--watch pods"
// does not swallow "pods". Flags with an optional value (--cascade, --dry-run) are left out on purpose:
// kubectl reads "--cascade orphan" as --cascade=background plus an argument "orphan".
const std::set<std::string, std::less<>>& valueFlags() {
    static const std::set<std::string, std::less<>> flags = {
        "namespace", "output",    "selector",  "filename",   "container",   "image",     "replicas",
        "type",      "port",      "target-port", "kustomize", "patch",      "field-selector", "sort-by",
        "context",   "cluster",   "user",      "kubeconfig", "cpu-percent", "min",       "max",
        "from-literal", "from-file", "for",    "timeout",    "revision",    "to-revision", "role",
        "clusterrole", "serviceaccount", "verb", "resource", "as",          "as-group",  "limits",
        "requests",  "schedule",  "current-replicas", "name", "env",  "profile",   "target",    "copy-to",
        "grace-period", "label-columns", "field-manager"};
    return flags;
}

std::string shortFlagName(char c) {
    switch (c) {
        case 'n': return "namespace";
        case 'o': return "output";
        case 'l': return "selector";
        case 'f': return "filename";
        case 'c': return "container";
        case 'k': return "kustomize";
        case 'p': return "patch";
        case 'A': return "all-namespaces";
        case 'w': return "watch";
        case 'i': return "stdin";
        case 't': return "tty";
        case 'R': return "recursive";
        default: return std::string(1, c);
    }
}

// Splits on whitespace; single or double quotes group words and are dropped, as a shell would.
std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    bool inWord = false;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote) quote = 0;
            else cur += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            inWord = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (inWord) out.push_back(std::move(cur));
            cur.clear();
            inWord = false;
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (inWord) out.push_back(std::move(cur));
    return out;
}

std::string formatNumber(long double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15Lg", v);
    return buf;
}

// A flag value: quantities anywhere in "cpu=500m,memory=1Gi" become plain numbers so spellings compare equal.
std::string canonicalFlagValue(const std::string& flag, const std::string& value) {
    if (flag == "resource") {
        if (auto r = canonicalResource(value)) return *r;
    }
    std::string out;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t comma = value.find(',', start);
        std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        std::size_t eq = item.rfind('=');
        std::string head = eq == std::string::npos ? "" : item.substr(0, eq + 1);
        std::string tail = eq == std::string::npos ? item : item.substr(eq + 1);
        if (auto q = parseQuantity(tail)) tail = formatNumber(*q);
        if (!out.empty() || start > 0) out += ',';
        out += head + tail;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string canonicalPositional(const std::string& word) {
    if (auto slash = word.find('/'); slash != std::string::npos) {
        if (auto r = canonicalResource(word.substr(0, slash))) return *r + word.substr(slash);
        return word;
    }
    if (word.find(',') != std::string::npos) {
        // "pods,svc" lists kinds; their order only changes output order, so compare them as a set.
        std::vector<std::string> kinds;
        std::size_t start = 0;
        while (true) {
            std::size_t comma = word.find(',', start);
            auto r = canonicalResource(word.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (!r) return word;
            kinds.push_back(*r);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        std::sort(kinds.begin(), kinds.end());
        kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
        std::string out;
        for (const auto& k : kinds) out += (out.empty() ? "" : ",") + k;
        return out;
    }
    if (auto r = canonicalResource(word)) return *r;
    return word;
}

struct KubectlCommand {
    std::vector<std::string> positionals;                    // verb first, in order
    std::vector<std::pair<std::string, std::string>> flags;  // sorted: order on the command line is irrelevant
    std::vector<std::string> afterDashes;                    // the command after "--", verbatim and in order

    bool operator==(const KubectlCommand&) const = default;
};

std::optional<KubectlCommand> parseKubectl(const std::vector<std::string>& ws) {
    if (ws.empty() || lower(ws[0]) != "kubectl") return std::nullopt;
    KubectlCommand cmd;
    auto addFlag = [&](std::string name, std::optional<std::string> value) {
        std::string v = value.value_or("");
        if (!valueFlags().count(name) && lower(v) == "true") v.clear();  // --all-namespaces=true is --all-namespaces
        cmd.flags.emplace_back(name, canonicalFlagValue(name, v));
    };
    for (std::size_t i = 1; i < ws.size(); ++i) {
        const std::string& w = ws[i];
        if (w == "--") {
            cmd.afterDashes.assign(ws.begin() + static_cast<std::ptrdiff_t>(i) + 1, ws.end());
            break;
        }
        if (w.rfind("--", 0) == 0) {
            std::string body = w.substr(2);
            auto eq = body.find('=');
            if (eq != std::string::npos) {
                addFlag(body.substr(0, eq), body.substr(eq + 1));
            } else if (valueFlags().count(body) && i + 1 < ws.size()) {
                addFlag(body, ws[++i]);
            } else {
                addFlag(body, std::nullopt);
            }
        } else if (w.size() > 1 && w[0] == '-') {
            // Short flags as pflag reads them: -n ml, -n=ml, -nml, and grouped booleans like -it.
            for (std::size_t j = 1; j < w.size(); ++j) {
                std::string name = shortFlagName(w[j]);
                if (!valueFlags().count(name)) {
                    addFlag(name, std::nullopt);
                    continue;
                }
                std::string rest = w.substr(j + 1);
                if (!rest.empty() && rest[0] == '=') rest.erase(0, 1);
                if (!rest.empty()) addFlag(name, rest);
                else if (i + 1 < ws.size()) addFlag(name, ws[++i]);
                else addFlag(name, std::nullopt);
                break;
            }
        } else {
            cmd.positionals.push_back(cmd.positionals.empty() ? lower(w) : canonicalPositional(w));
        }
    }
    std::sort(cmd.flags.begin(), cmd.flags.end());
    return cmd;
}

bool sameQuantity(long double a, long double b) {
    return std::fabs(a - b) <= 1e-12L * std::max({std::fabs(a), std::fabs(b), 1e-300L});
}

bool wordEquivalent(const std::string& a, const std::string& b) {
    auto qa = parseQuantity(a);
    auto qb = parseQuantity(b);
    // Quantities first: "1m" and "1M" differ by a factor of a billion although they differ only in case.
    if (qa && qb) return sameQuantity(*qa, *qb);
    if (lower(a) == lower(b)) return true;
    auto ra = canonicalResource(a);
    return ra && ra == canonicalResource(b);
}

}  // namespace

std::optional<std::string> canonicalResource(std::string_view word) {
    std::string w = lower(word);
    const auto& t = resourceAliases();
    if (auto it = t.find(w); it != t.end()) return it->second;
    // Fully qualified "deployments.apps" names the same kind as "deployments".
    if (auto dot = w.find('.'); dot != std::string::npos) {
        if (auto it = t.find(std::string_view(w).substr(0, dot)); it != t.end()) return it->second;
    }
    return std::nullopt;
}

std::optional<long double> parseQuantity(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    long double value = 0;
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        value = value * 10 + (text[i++] - '0');
        digits = true;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        long double scale = 0.1L;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            value += (text[i++] - '0') * scale;
            scale /= 10;
            digits = true;
        }
    }
    if (!digits) return std::nullopt;
    static const std::map<std::string, long double, std::less<>> suffixes = {
        {"", 1.0L},        {"n", 1e-9L},      {"u", 1e-6L},      {"m", 1e-3L},      {"k", 1e3L},
        {"M", 1e6L},       {"G", 1e9L},       {"T", 1e12L},      {"P", 1e15L},      {"E", 1e18L},
        {"Ki", 1024.0L},   {"Mi", 1048576.0L}, {"Gi", 1073741824.0L}, {"Ti", 1099511627776.0L},
        {"Pi", 1125899906842624.0L}, {"Ei", 1152921504606846976.0L}};
    auto it = suffixes.find(text.substr(i));
    if (it == suffixes.end()) return std::nullopt;
    value *= it->second;
    return negative ? -value : value;
}

bool kubernetesEquivalent(std::string_view a, std::string_view b) {
    // Commands are compared unnormalised: a final "." in "kubectl apply -f ." is an argument, not punctuation.
    auto ca = parseKubectl(words(a));
    auto cb = parseKubectl(words(b));
    if (ca || cb) return ca && cb && *ca == *cb;
    auto wa = words(normalizeAnswerText(a, CaseRule::Keep));
    auto wb = words(normalizeAnswerText(b, CaseRule::Keep));
    if (wa.size() != wb.size()) return false;
    for (std::size_t i = 0; i < wa.size(); ++i)
        if (!wordEquivalent(wa[i], wb[i])) return false;
    return true;
}

}  // namespace kc::quiz
