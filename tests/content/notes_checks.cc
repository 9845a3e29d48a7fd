// The lecture-notes checks. Files are read through the bounded reader and YAML through the project's bounded
// YAML→JSON conversion, so a runaway file fails one check with a message instead of hanging the suite.
#include "tests/content/notes_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "quiz/bank_validator.h"
#include "tests/content/markdown_scan.h"
#include "tests/content/served_api_versions.h"

namespace fs = std::filesystem;

namespace kc::content {
namespace {

constexpr size_t kMaxMarkdownBytes = 2 * 1024 * 1024;  // a lecture is ~50 KB; anything near this is a mistake

struct MarkdownFile {
    std::string relative;  // to the repository root
    fs::path path;
    std::string text;
};

std::string relativeName(const fs::path& repoRoot, const fs::path& path) {
    return path.lexically_relative(repoRoot).generic_string();
}

// Every *.md under lecture-notes/, sorted so findings come out in a stable order. Unreadable files are findings.
std::vector<MarkdownFile> lectureMarkdown(const fs::path& repoRoot, std::vector<Finding>& findings) {
    std::vector<fs::path> paths;
    std::error_code ec;
    fs::path notes = repoRoot / "lecture-notes";
    if (!fs::is_directory(notes, ec)) {
        findings.push_back({"lecture-notes", 0, "the lecture-notes directory does not exist"});
        return {};
    }
    for (fs::recursive_directory_iterator it(notes, ec), end; it != end && !ec; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".md") paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<MarkdownFile> files;
    for (const auto& p : paths) {
        auto text = readFileBounded(p.string(), kMaxMarkdownBytes);
        if (!text) {
            findings.push_back({relativeName(repoRoot, p), 0, "cannot read: " + text.error().message});
            continue;
        }
        files.push_back({relativeName(repoRoot, p), p, std::move(*text)});
    }
    return files;
}

bool isYamlFence(const FencedBlock& block) { return block.info == "yaml" || block.info == "yml"; }

// The block's text preceded by blank lines so that line numbers in the YAML parser are the file's own.
std::string alignedYaml(const FencedBlock& block) {
    return std::string(static_cast<size_t>(block.firstLine - 1), '\n') + block.text;
}

// A parser error reads "FILE:LINE:COL: what"; split it back into a Finding.
Finding findingFromError(const std::string& file, int fallbackLine, const std::string& message) {
    std::string prefix = file + ":";
    if (message.rfind(prefix, 0) == 0) {
        std::size_t pos = prefix.size();
        std::size_t end = pos;
        while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
        if (end > pos) {
            int line = std::stoi(message.substr(pos, end - pos));
            std::size_t rest = message.find(": ", end);
            return {file, line, rest == std::string::npos ? message : message.substr(rest + 2)};
        }
    }
    return {file, fallbackLine, message};
}

struct YamlDocumentAt {
    const MarkdownFile* file;
    const YamlDocument* document;
};

// Visits every document of every yaml block that parses; blocks that do not parse are check (a)'s business.
template <typename Visit>
void forEachYamlDocument(const std::vector<MarkdownFile>& files, Visit visit) {
    for (const auto& file : files) {
        for (const auto& block : fencedBlocks(file.text)) {
            if (!isYamlFence(block)) continue;
            auto docs = parseYamlDocuments(alignedYaml(block), file.relative);
            if (!docs) continue;
            for (const auto& doc : *docs) visit(file, doc);
        }
    }
}

// Placeholders parse fine but make an example that cannot be applied: flag unquoted "<image>" and "..." values.
void findPlaceholders(const YAML::Node& node, const std::string& file, int depth, std::vector<Finding>& findings) {
    if (depth > 100) return;  // the bounded parse has already rejected deeper documents
    static const std::regex angle("<[A-Za-z][^<>]*>");
    if (node.IsScalar()) {
        // yaml-cpp tags plain (unquoted) scalars "?" and quoted ones "!"; only plain ones can be placeholders.
        if (node.Tag() != "?") return;
        const std::string& value = node.Scalar();
        int line = node.Mark().line + 1;
        if (value == "..." || value == "…")
            findings.push_back({file, line, "'...' placeholder: write a real value"});
        else if (std::regex_search(value, angle))
            findings.push_back({file, line, "placeholder '" + value + "' in an unquoted value: write a real value"});
        return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (node.IsMap()) {
            findPlaceholders(it->first, file, depth + 1, findings);
            findPlaceholders(it->second, file, depth + 1, findings);
        } else {
            findPlaceholders(*it, file, depth + 1, findings);
        }
    }
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// Configuration files that carry a kind but are not API objects, so have no metadata.name.
bool isConfigFileKind(const std::string& apiVersion, const std::string& kind) {
    static const std::set<std::string> kinds = {
        "KubeletConfiguration", "KubeSchedulerConfiguration", "KubeProxyConfiguration", "EncryptionConfiguration",
        "AdmissionConfiguration", "JoinConfiguration", "ClusterConfiguration", "InitConfiguration",
        // Not in LECTURES.md's list but of the same nature: a kubeconfig and an admission webhook's payload.
        "Config", "AdmissionReview"};
    if (kinds.count(kind)) return true;
    if (kind == "Cluster" && startsWith(apiVersion, "kind.x-k8s.io/")) return true;
    if (kind == "Policy" && startsWith(apiVersion, "audit.k8s.io/")) return true;
    return false;
}

std::string scalarText(const Json& value) {
    if (value.is_string()) return value.get<std::string>();
    return {};
}

bool hasUrlScheme(const std::string& target) {
    static const std::regex scheme("^[A-Za-z][A-Za-z0-9+.-]*:");
    return std::regex_search(target, scheme);
}

std::string percentDecode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Resolves links against the repository and caches each Markdown file's anchors.
class LinkResolver {
public:
    explicit LinkResolver(fs::path repoRoot) : root_(std::move(repoRoot)) {}

    // Nullopt when the link resolves; otherwise why not. `from` is the file holding the link.
    std::optional<std::string> problem(const fs::path& from, const std::string& target, bool requireAnchor) {
        if (target.empty()) return "empty link target";
        if (hasUrlScheme(target)) return std::nullopt;  // external: checked by people, not by this test
        if (target[0] == '/') return "'" + target + "' is site-absolute; use a path relative to this file";
        std::size_t hash = target.find('#');
        std::string path = percentDecode(target.substr(0, hash));
        std::string anchor = hash == std::string::npos ? std::string() : target.substr(hash + 1);
        if (requireAnchor && anchor.empty()) return "'" + target + "' has no #anchor naming a heading";

        fs::path resolved = path.empty() ? from : (from.parent_path() / path).lexically_normal();
        fs::path inside = resolved.lexically_relative(root_);
        if (inside.empty() || *inside.begin() == "..")
            return "'" + target + "' points outside the repository";
        std::error_code ec;
        if (!fs::exists(resolved, ec)) return "'" + target + "' names a file that does not exist (" +
                                              inside.generic_string() + ")";
        if (anchor.empty() || resolved.extension() != ".md") return std::nullopt;
        const auto* anchors = anchorsOf(resolved);
        if (!anchors) return "'" + target + "': cannot read " + inside.generic_string();
        if (!anchors->count(anchor))
            return "'" + target + "': " + inside.generic_string() + " has no heading with anchor #" + anchor;
        return std::nullopt;
    }

private:
    const std::set<std::string>* anchorsOf(const fs::path& file) {
        auto key = file.generic_string();
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            std::optional<std::set<std::string>> anchors;
            if (auto text = readFileBounded(file.string(), kMaxMarkdownBytes)) {
                auto list = quiz::markdownAnchors(*text);
                anchors.emplace(list.begin(), list.end());
            }
            it = cache_.emplace(key, std::move(anchors)).first;
        }
        return it->second ? &*it->second : nullptr;
    }

    fs::path root_;
    std::map<std::string, std::optional<std::set<std::string>>> cache_;
};

std::string trim(std::string_view s) {
    std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    std::size_t e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Cells of a Markdown table row "| a | b | c |", trimmed; empty when the line is not a row.
std::vector<std::string> tableCells(std::string_view line) {
    std::string row = trim(line);
    if (row.size() < 2 || row.front() != '|') return {};
    if (row.back() == '|') row.pop_back();
    std::vector<std::string> cells;
    std::size_t pos = 1;
    while (pos <= row.size()) {
        std::size_t bar = row.find('|', pos);
        cells.push_back(trim(std::string_view(row).substr(pos, bar == std::string::npos ? std::string::npos : bar - pos)));
        if (bar == std::string::npos) break;
        pos = bar + 1;
    }
    return cells;
}

bool isSeparatorRow(const std::vector<std::string>& cells) {
    return std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
        return !c.empty() && c.find_first_not_of("-: ") == std::string::npos;
    });
}

// "0", "00" and "000" are the same topic; anything that is not a number stays as written.
std::string normalTopic(const std::string& topic) {
    if (topic.empty() || topic.find_first_not_of("0123456789") != std::string::npos || topic.size() > 3) return topic;
    int n = std::stoi(topic);
    return n < 10 ? "0" + std::to_string(n) : std::to_string(n);
}

}  // namespace

std::string describe(const Finding& finding) {
    // Line 0 means the problem is the file as a whole (missing, unreadable).
    if (finding.line <= 0) return finding.file + ": " + finding.message;
    return finding.file + ":" + std::to_string(finding.line) + ": " + finding.message;
}

std::vector<Finding> checkYamlBlocksParse(const fs::path& repoRoot) {
    std::vector<Finding> findings;
    for (const auto& file : lectureMarkdown(repoRoot, findings)) {
        for (const auto& block : fencedBlocks(file.text)) {
            if (!isYamlFence(block)) continue;
            if (!block.closed) {
                findings.push_back({file.relative, block.firstLine - 1, "yaml block is never closed"});
                continue;
            }
            // Tabs are invalid YAML indentation and render unevenly; report them before the parser does.
            int lineNo = block.firstLine;
            bool sawTab = false;
            for (std::size_t pos = 0; pos < block.text.size();) {
                std::size_t nl = block.text.find('\n', pos);
                std::string line = block.text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
                if (line.find('\t') != std::string::npos) {
                    findings.push_back({file.relative, lineNo, "tab character in a yaml block: indent with spaces"});
                    sawTab = true;
                }
                if (trim(line) == "...")
                    findings.push_back({file.relative, lineNo, "'...' line in a yaml block: write the real content "
                                                               "or use a text fence"});
                pos = nl == std::string::npos ? block.text.size() : nl + 1;
                ++lineNo;
            }
            if (sawTab) continue;
            auto docs = parseYamlDocuments(alignedYaml(block), file.relative);
            if (!docs) {
                Finding f = findingFromError(file.relative, block.firstLine, docs.error().message);
                f.message = "yaml block does not parse: " + f.message;
                findings.push_back(std::move(f));
                continue;
            }
            try {
                for (const auto& node : YAML::LoadAll(alignedYaml(block))) findPlaceholders(node, file.relative, 0, findings);
            } catch (const YAML::Exception& e) {
                findings.push_back({file.relative, e.mark.line + 1, std::string("yaml block does not parse: ") + e.msg});
            }
        }
    }
    return findings;
}

std::vector<Finding> checkObjectsIdentified(const fs::path& repoRoot) {
    std::vector<Finding> findings;
    auto files = lectureMarkdown(repoRoot, findings);
    forEachYamlDocument(files, [&](const MarkdownFile& file, const YamlDocument& doc) {
        if (!doc.value.is_object() || !doc.value.contains("kind")) return;
        int line = doc.locate("/kind").line;
        std::string kind = scalarText(doc.value["kind"]);
        if (kind.empty()) {
            findings.push_back({file.relative, line, "'kind' must be a non-empty string"});
            return;
        }
        std::string apiVersion = doc.value.contains("apiVersion") ? scalarText(doc.value["apiVersion"]) : "";
        if (apiVersion.empty())
            findings.push_back({file.relative, line, kind + " has no apiVersion"});
        if (isConfigFileKind(apiVersion, kind)) return;
        const Json* name = nullptr;
        if (doc.value.contains("metadata") && doc.value["metadata"].is_object() &&
            doc.value["metadata"].contains("name"))
            name = &doc.value["metadata"]["name"];
        if (!name || scalarText(*name).empty())
            findings.push_back({file.relative, line, kind + " has no metadata.name"});
    });
    return findings;
}

std::vector<Finding> checkServedApiVersions(const fs::path& repoRoot) {
    std::vector<Finding> findings;
    auto files = lectureMarkdown(repoRoot, findings);
    forEachYamlDocument(files, [&](const MarkdownFile& file, const YamlDocument& doc) {
        if (!doc.value.is_object() || !doc.value.contains("kind") || !doc.value.contains("apiVersion")) return;
        std::string kind = scalarText(doc.value["kind"]);
        std::string apiVersion = scalarText(doc.value["apiVersion"]);
        if (kind.empty() || apiVersion.empty() || isConfigFileKind(apiVersion, kind)) return;
        if (auto problem = apiVersionProblem(apiVersion, kind))
            findings.push_back({file.relative, doc.locate("/apiVersion").line, *problem});
    });
    return findings;
}

std::vector<Finding> checkRelativeLinks(const fs::path& repoRoot) {
    std::vector<Finding> findings;
    auto files = lectureMarkdown(repoRoot, findings);
    fs::path labsIndex = repoRoot / "labs" / "README.md";
    std::error_code ec;
    if (fs::is_regular_file(labsIndex, ec)) {
        if (auto text = readFileBounded(labsIndex.string(), kMaxMarkdownBytes))
            files.push_back({"labs/README.md", labsIndex, std::move(*text)});
        else
            findings.push_back({"labs/README.md", 0, "cannot read: " + text.error().message});
    }
    LinkResolver resolver(repoRoot);
    for (const auto& file : files) {
        for (const auto& link : markdownLinks(file.text)) {
            if (auto problem = resolver.problem(file.path, link.target, false))
                findings.push_back({file.relative, link.line, "broken link: " + *problem});
        }
    }
    return findings;
}

const std::vector<OutlineBullet>& canonicalOutline() {
    // From /work/shared/course-outline.md as LECTURES.md splits it into one heading per bullet.
    static const std::vector<OutlineBullet> bullets = {
        {"00", "Control plane components"}, {"00", "etcd and Raft quorum"}, {"00", "Scheduler: filter, score, bind"},
        {"00", "Controllers and level-triggered reconciliation"}, {"00", "kubelet, CRI and probes"},
        {"00", "kube-proxy modes"}, {"00", "Device plugins"}, {"00", "Object model"},
        {"00", "Labels, namespaces and quotas"}, {"00", "Networking model"}, {"00", "HA and failure handling"},

        {"01", "Operator pattern and controller runtime"},
        {"01", "CRDs: schema, versions, status subresource, printer columns"},
        {"01", "Building with operator-sdk and kubebuilder"},
        {"01", "Reconciliation loops: level- vs edge-triggered"}, {"01", "Events"}, {"01", "Finalizers"},
        {"01", "Owner references"}, {"01", "ML operators: Kubeflow Training Operator, KubeRay"},
        {"01", "Operator best practices"},

        {"02", "Scheduling framework: filter/score, plugins"}, {"02", "GPU scheduling with device plugins"},
        {"02", "GPU sharing: time-slicing, MIG, MPS"}, {"02", "Dynamic Resource Allocation"},
        {"02", "Node affinity and anti-affinity"}, {"02", "Pod topology spread"},
        {"02", "Taints, tolerations, nodeSelector"}, {"02", "PriorityClasses and preemption"},
        {"02", "ResourceQuota and LimitRange"}, {"02", "Gang scheduling: Kueue, Volcano, coscheduling"},

        {"03", "StatefulSets for distributed ML"}, {"03", "Persistent storage patterns"}, {"03", "CSI drivers"},
        {"03", "Volume snapshots and cloning"}, {"03", "StorageClasses and dynamic provisioning"},
        {"03", "Data locality and performance"}, {"03", "Backup and restore"},

        {"04", "Networking model"}, {"04", "CNI plugins"}, {"04", "Service mesh architecture: Istio, Linkerd"},
        {"04", "Ambient vs sidecar"}, {"04", "Traffic management: routing, splitting, mirroring"},
        {"04", "Observability: tracing, metrics"}, {"04", "Security: mTLS, authorization"},
        {"04", "Performance for inference"},

        {"05", "Advanced RBAC"}, {"05", "Pod Security Standards and admission"}, {"05", "ValidatingAdmissionPolicy"},
        {"05", "Admission webhooks"}, {"05", "NetworkPolicies for ML"}, {"05", "Secrets and external secret stores"},
        {"05", "Image security and scanning"}, {"05", "Runtime security"}, {"05", "Compliance and audit logging"},

        {"06", "Multi-cluster design patterns"}, {"06", "KubeFed's retirement"}, {"06", "Karmada"},
        {"06", "Cluster API"}, {"06", "Cross-cluster service discovery: MCS API, mesh"}, {"06", "Data replication"},
        {"06", "Multi-cloud and hybrid"}, {"06", "Disaster recovery and failover"}, {"06", "Cost"},

        {"07", "HPA in depth"}, {"07", "VPA"}, {"07", "Cluster Autoscaler"}, {"07", "Karpenter"},
        {"07", "Custom metrics with Prometheus Adapter"}, {"07", "Event-driven autoscaling: KEDA"},
        {"07", "Autoscaling training"}, {"07", "Autoscaling inference"}, {"07", "Cost-aware autoscaling"},

        {"08", "HA patterns"}, {"08", "DR planning and testing"}, {"08", "Backup and restore with Velero"},
        {"08", "Production-readiness checklist"}, {"08", "Monitoring stack"}, {"08", "Performance tuning"},
        {"08", "Incident response and troubleshooting"}, {"08", "Capacity planning"},
    };
    return bullets;
}

std::vector<Finding> checkOutlineCoverage(const fs::path& repoRoot, const std::vector<OutlineBullet>& bullets) {
    std::vector<Finding> findings;
    const std::string readme = "lecture-notes/README.md";
    fs::path readmePath = repoRoot / "lecture-notes" / "README.md";
    auto text = readFileBounded(readmePath.string(), kMaxMarkdownBytes);
    if (!text) {
        findings.push_back({readme, 0, "cannot read the lecture-notes index: " + text.error().message});
        return findings;
    }
    int tableHeadingLine = 0;
    int endLine = 0;  // the next heading after it, or 0 for end of file
    for (const auto& h : markdownHeadings(*text)) {
        if (tableHeadingLine && !endLine) endLine = h.line;
        if (!tableHeadingLine && lower(h.text).find("outline coverage") != std::string::npos) tableHeadingLine = h.line;
    }
    if (!tableHeadingLine) {
        findings.push_back({readme, 1, "no 'Outline coverage' heading with a table of bullets to headings"});
        return findings;
    }

    std::set<std::pair<std::string, std::string>> wanted;
    for (const auto& b : bullets) wanted.insert({normalTopic(b.topic), b.text});
    std::set<std::pair<std::string, std::string>> covered;
    LinkResolver resolver(repoRoot);

    int lineNo = 0;
    bool headerSeen = false;
    for (std::size_t pos = 0; pos < text->size();) {
        std::size_t nl = text->find('\n', pos);
        std::string line = text->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text->size() : nl + 1;
        ++lineNo;
        if (lineNo <= tableHeadingLine || (endLine && lineNo >= endLine)) continue;
        auto cells = tableCells(line);
        if (cells.empty()) continue;
        if (!headerSeen) {  // the first row of the table names its columns
            headerSeen = true;
            continue;
        }
        if (isSeparatorRow(cells)) continue;
        if (cells.size() < 3) {
            findings.push_back({readme, lineNo, "coverage row needs three cells: topic | bullet | link"});
            continue;
        }
        std::pair<std::string, std::string> key{normalTopic(cells[0]), cells[1]};
        if (!wanted.count(key))
            findings.push_back({readme, lineNo, "'" + cells[1] + "' is not a bullet of topic " + cells[0] +
                                                    " in the course outline"});
        auto links = markdownLinks(cells[2]);
        if (links.empty()) {
            findings.push_back({readme, lineNo, "coverage row for '" + cells[1] + "' has no link to a heading"});
            continue;
        }
        if (auto problem = resolver.problem(readmePath, links.front().target, true)) {
            findings.push_back({readme, lineNo, "coverage row for '" + cells[1] + "': " + *problem});
            continue;
        }
        covered.insert(key);
    }
    for (const auto& b : bullets) {
        if (!covered.count({normalTopic(b.topic), b.text}))
            findings.push_back({readme, tableHeadingLine,
                                "no coverage row with a working link for topic " + b.topic + " bullet '" + b.text + "'"});
    }
    return findings;
}

const std::vector<std::string>& canonicalLectureFiles() {
    static const std::vector<std::string> files = {
        "00-kubernetes-architecture.md",      "01-operators-and-custom-resources.md", "02-advanced-scheduling.md",
        "03-statefulsets-and-storage.md",     "04-networking-and-service-mesh.md",    "05-security.md",
        "06-multi-cluster.md",                "07-autoscaling.md",                    "08-production-ml.md"};
    return files;
}

std::vector<Finding> checkLectureStructure(const fs::path& repoRoot, const std::vector<std::string>& lectureFiles,
                                           WordRange words) {
    struct Section {
        const char* name;
        std::vector<std::string> accepted;  // lower-case phrases any of which in a heading counts
    };
    static const std::vector<Section> sections = {
        {"Learning objectives", {"learning objectives"}},
        {"Prerequisites", {"prerequisites"}},
        {"Summary / key takeaways", {"summary", "key takeaways"}},
        {"Further reading", {"further reading"}},
    };
    std::vector<Finding> findings;
    for (const auto& name : lectureFiles) {
        std::string relative = "lecture-notes/" + name;
        auto text = readFileBounded((repoRoot / "lecture-notes" / name).string(), kMaxMarkdownBytes);
        if (!text) {
            findings.push_back({relative, 0, "lecture missing or unreadable: " + text.error().message});
            continue;
        }
        auto headings = markdownHeadings(*text);
        for (const auto& section : sections) {
            bool found = std::any_of(headings.begin(), headings.end(), [&](const Heading& h) {
                std::string t = lower(h.text);
                return std::any_of(section.accepted.begin(), section.accepted.end(),
                                   [&](const std::string& phrase) { return t.find(phrase) != std::string::npos; });
            });
            if (!found) findings.push_back({relative, 1, std::string("no '") + section.name + "' section heading"});
        }
        int count = wordCount(*text);
        if (count < words.min || count > words.max)
            findings.push_back({relative, 1, std::to_string(count) + " words; a lecture needs " +
                                                 std::to_string(words.min) + " to " + std::to_string(words.max)});
    }
    return findings;
}

}  // namespace kc::content
