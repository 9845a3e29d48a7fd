// The lecture-notes checks of issue 11: first proved on deliberately broken fixtures (each defect sits at a known
// file:line in tests/fixtures/content/broken, and a clean tree must give nothing), then run on the real
// lecture-notes/. The real-tree cases fail, listing file:line for each problem, until every lecture is in.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kubeclass_version.h"
#include "quiz/bank_validator.h"
#include "tests/content/markdown_scan.h"
#include "tests/content/notes_checks.h"
#include "tests/content/served_api_versions.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using kc::content::Finding;

namespace {

const fs::path kBroken = fs::path(KUBECLASS_TEST_FIXTURES) / "content" / "broken";
const fs::path kClean = fs::path(KUBECLASS_TEST_FIXTURES) / "content" / "clean";
const fs::path kSource = fs::path(KUBECLASS_SOURCE_DIR);

// One finding the fixture was built to produce: its file, the line range it may sit on (a parser may place an
// error anywhere inside the broken block, so those get a range) and words its message must contain.
struct Expected {
    std::string file;
    int firstLine;
    int lastLine;
    std::string words;
};

std::string listed(const std::vector<Finding>& findings) {
    std::ostringstream out;
    for (const auto& f : findings) out << "  " << kc::content::describe(f) << "\n";
    return out.str();
}

// Every expected finding matches a distinct actual one and nothing else was reported.
void requireExactly(const std::vector<Finding>& actual, const std::vector<Expected>& expected) {
    INFO("reported:\n" << listed(actual));
    std::vector<bool> used(actual.size(), false);
    for (const auto& e : expected) {
        bool matched = false;
        for (std::size_t i = 0; i < actual.size() && !matched; ++i) {
            const auto& a = actual[i];
            if (used[i] || a.file != e.file || a.line < e.firstLine || a.line > e.lastLine) continue;
            if (a.message.find(e.words) == std::string::npos) continue;
            used[i] = matched = true;
        }
        INFO("expected " << e.file << ":" << e.firstLine << "-" << e.lastLine << " containing '" << e.words << "'");
        CHECK(matched);
    }
    CHECK(actual.size() == expected.size());
}

// On the real tree: pass, or fail with every finding listed as file:line: message.
void requireNone(const std::vector<Finding>& findings) {
    INFO(findings.size() << " problem(s):\n" << listed(findings));
    CHECK(findings.empty());
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

// ---- the scanner the checks stand on ----

TEST_CASE("markdown scan finds yaml blocks with their first content line", "[content]") {
    std::string md = "# T\n\n```yaml\na: 1\n```\n\n~~~ console\n$ ls\n~~~\n```YAML title=x\nb: 2\n";
    auto blocks = kc::content::fencedBlocks(md);
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].info == "yaml");
    CHECK(blocks[0].firstLine == 4);
    CHECK(blocks[0].text == "a: 1\n");
    CHECK(blocks[0].closed);
    CHECK(blocks[1].info == "console");
    CHECK(blocks[2].info == "yaml");
    CHECK_FALSE(blocks[2].closed);
}

TEST_CASE("markdown scan finds links outside code and keeps parentheses in targets", "[content]") {
    std::string md = "[a](x.md#h) `[b](y.md)` [c](<z w.md>) ![img](p_(1).png \"title\")\n```\n[d](q.md)\n```\n";
    auto links = kc::content::markdownLinks(md);
    REQUIRE(links.size() == 3);
    CHECK(links[0].target == "x.md#h");
    CHECK(links[1].target == "z w.md");
    CHECK(links[2].target == "p_(1).png");
    CHECK(links[2].line == 1);
}

TEST_CASE("word count splits on any whitespace like wc -w", "[content]") {
    CHECK(kc::content::wordCount("") == 0);
    CHECK(kc::content::wordCount("  one two\n\tthree  ") == 3);
    CHECK(kc::content::wordCount("| a | b |") == 5);
}

TEST_CASE("served api versions accept what 1.33 serves and explain removals", "[content]") {
    using kc::content::apiVersionProblem;
    CHECK_FALSE(apiVersionProblem("apps/v1", "Deployment"));
    CHECK_FALSE(apiVersionProblem("v1", "Pod"));
    CHECK_FALSE(apiVersionProblem("autoscaling/v2", "HorizontalPodAutoscaler"));
    CHECK_FALSE(apiVersionProblem("policy/v1", "PodDisruptionBudget"));
    CHECK_FALSE(apiVersionProblem("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"));
    CHECK_FALSE(apiVersionProblem("resource.k8s.io/v1beta1", "ResourceClaim"));
    CHECK_FALSE(apiVersionProblem("resource.k8s.io/v1beta2", "DeviceClass"));
    CHECK_FALSE(apiVersionProblem("node.k8s.io/v1", "RuntimeClass"));
    // Custom resources are their CRD's business, even when the kind name is also a built-in one.
    CHECK_FALSE(apiVersionProblem("batch.volcano.sh/v1alpha1", "Job"));
    CHECK_FALSE(apiVersionProblem("serving.knative.dev/v1", "Service"));
    CHECK_FALSE(apiVersionProblem("gateway.networking.k8s.io/v1", "HTTPRoute"));

    auto ingress = apiVersionProblem("extensions/v1beta1", "Ingress");
    REQUIRE(ingress);
    CHECK_THAT(*ingress, Catch::Contains("networking.k8s.io/v1"));
    auto psp = apiVersionProblem("policy/v1beta1", "PodSecurityPolicy");
    REQUIRE(psp);
    CHECK_THAT(*psp, Catch::Contains("removed in Kubernetes 1.25"));
    auto hpa = apiVersionProblem("autoscaling/v2beta1", "HorizontalPodAutoscaler");
    REQUIRE(hpa);
    CHECK_THAT(*hpa, Catch::Contains("autoscaling/v2"));
    auto dra = apiVersionProblem("resource.k8s.io/v1", "ResourceClaim");
    REQUIRE(dra);
    CHECK_THAT(*dra, Catch::Contains("v1beta1"));
    CHECK(apiVersionProblem("v1", "Deployment"));  // the core group has no Deployment
}

TEST_CASE("the canonical outline has every bullet of topics 00 to 08", "[content]") {
    // Bullet counts per topic as LECTURES.md lists them: 11, 9, 10, 7, 8, 9, 9, 9, 8.
    std::map<std::string, int> perTopic;
    for (const auto& b : kc::content::canonicalOutline()) ++perTopic[b.topic];
    CHECK(perTopic == std::map<std::string, int>{{"00", 11}, {"01", 9}, {"02", 10}, {"03", 7}, {"04", 8},
                                                 {"05", 9}, {"06", 9}, {"07", 9}, {"08", 8}});
    CHECK(kc::content::canonicalLectureFiles().size() == 9);
}

// ---- each check fails on the broken fixture and passes on the clean one ----

TEST_CASE("check a reports yaml blocks that do not parse or hold placeholders", "[content][fixtures]") {
    const std::string f = "lecture-notes/yaml-blocks.md";
    requireExactly(kc::content::checkYamlBlocksParse(kBroken),
                   {
                       {f, 26, 28, "does not parse"},    // unclosed flow sequence
                       {f, 38, 40, "does not parse"},    // second document: unclosed flow mapping
                       {f, 43, 43, "<your-image>"},      // unquoted angle placeholder (44 is quoted: fine)
                       {f, 45, 45, "'...' placeholder"},
                       {f, 50, 50, "tab character"},
                       {f, 56, 56, "'...' line"},
                       {f, 59, 59, "never closed"},
                   });
    requireNone(kc::content::checkYamlBlocksParse(kClean));
}

TEST_CASE("check b reports objects without apiVersion or metadata.name", "[content][fixtures]") {
    const std::string f = "lecture-notes/objects.md";
    requireExactly(kc::content::checkObjectsIdentified(kBroken),
                   {
                       {f, 4, 4, "Deployment has no apiVersion"},
                       {f, 9, 9, "Service has no metadata.name"},
                       {f, 25, 25, "Cluster has no metadata.name"},  // Cluster API's Cluster is an object
                       {f, 34, 34, "ConfigMap has no metadata.name"},  // empty name
                   });
    requireNone(kc::content::checkObjectsIdentified(kClean));
}

TEST_CASE("check c reports built-in kinds at versions 1.33 does not serve", "[content][fixtures]") {
    const std::string f = "lecture-notes/api-versions.md";
    requireExactly(kc::content::checkServedApiVersions(kBroken),
                   {
                       {f, 4, 4, "use apps/v1"},
                       {f, 9, 9, "PodSecurityPolicy was removed"},
                       {f, 14, 14, "use autoscaling/v2"},
                       {f, 19, 19, "use policy/v1"},
                       {f, 24, 24, "use batch/v1"},
                       {f, 29, 29, "no kind Deploymnet"},
                       {f, 34, 34, "does not serve this version"},
                   });
    requireNone(kc::content::checkServedApiVersions(kClean));
}

TEST_CASE("check d reports relative links and anchors that do not resolve", "[content][fixtures]") {
    const std::string links = "lecture-notes/links.md";
    requireExactly(kc::content::checkRelativeLinks(kBroken),
                   {
                       {"lecture-notes/README.md", 8, 8, "no heading with anchor #etcd-and-raft-quorum"},
                       {links, 5, 5, "no heading with anchor #no-such-heading"},
                       {links, 8, 8, "no heading with anchor #missing"},
                       {links, 9, 9, "does not exist"},
                       {links, 10, 10, "outside the repository"},
                       {links, 12, 12, "does not exist"},
                       {links, 14, 14, "site-absolute"},
                       {links, 15, 15, "empty link target"},
                       {"lecture-notes/sub/nested.md", 4, 4, "does not exist"},
                       {"labs/README.md", 6, 6, "does not exist"},
                   });
    requireNone(kc::content::checkRelativeLinks(kClean));
}

TEST_CASE("check e reports outline bullets without a working coverage row", "[content][fixtures]") {
    const std::string readme = "lecture-notes/README.md";
    std::vector<kc::content::OutlineBullet> bullets = {
        {"00", "Control plane components"}, {"00", "etcd and Raft quorum"}, {"01", "Finalizers"},
        {"01", "Events"},                   {"02", "Dynamic Resource Allocation"}, {"03", "CSI drivers"}};
    requireExactly(kc::content::checkOutlineCoverage(kBroken, bullets),
                   {
                       {readme, 8, 8, "no heading with anchor #etcd-and-raft-quorum"},
                       {readme, 9, 9, "'Etcd & Raft' is not a bullet of topic 00"},
                       {readme, 10, 10, "has no #anchor"},
                       {readme, 12, 12, "needs three cells"},
                       {readme, 3, 3, "bullet 'etcd and Raft quorum'"},
                       {readme, 3, 3, "bullet 'Finalizers'"},
                       {readme, 3, 3, "bullet 'Dynamic Resource Allocation'"},
                       // The CSI drivers row sits under the next heading, outside the table.
                       {readme, 3, 3, "bullet 'CSI drivers'"},
                   });

    // Against the whole outline only the two working rows count.
    auto all = kc::content::checkOutlineCoverage(kBroken, kc::content::canonicalOutline());
    auto missing = std::count_if(all.begin(), all.end(), [](const Finding& f) {
        return f.message.find("no coverage row") != std::string::npos;
    });
    CHECK(missing == static_cast<long>(kc::content::canonicalOutline().size()) - 2);

    requireNone(kc::content::checkOutlineCoverage(
        kClean, {{"00", "Control plane components"}, {"00", "Scheduler: filter, score, bind"}}));
}

TEST_CASE("check e reports a missing index or a missing coverage table", "[content][fixtures]") {
    kc::testing::TempDir dir;
    dir.write("lecture-notes/00-x.md", "# X\n");
    requireExactly(kc::content::checkOutlineCoverage(dir.path(), {{"00", "Object model"}}),
                   {{"lecture-notes/README.md", 0, 0, "cannot read the lecture-notes index"}});
    dir.write("lecture-notes/README.md", "# Index\n\n| 00 | Object model | [x](00-x.md#x) |\n");
    requireExactly(kc::content::checkOutlineCoverage(dir.path(), {{"00", "Object model"}}),
                   {{"lecture-notes/README.md", 1, 1, "no 'Outline coverage' heading"}});
}

TEST_CASE("check f reports missing lectures sections and word counts out of range", "[content][fixtures]") {
    requireExactly(kc::content::checkLectureStructure(kBroken, {"complete.md", "incomplete.md", "absent.md"}, {20, 200}),
                   {
                       {"lecture-notes/incomplete.md", 1, 1, "no 'Prerequisites'"},
                       {"lecture-notes/incomplete.md", 1, 1, "no 'Further reading'"},  // only inside a fence
                       {"lecture-notes/absent.md", 0, 0, "lecture missing"},
                   });
    // Both fixture lectures have a few dozen words: far below 1000, far above 5.
    requireExactly(kc::content::checkLectureStructure(kBroken, {"complete.md"}, {1000, 8000}),
                   {{"lecture-notes/complete.md", 1, 1, "words; a lecture needs 1000 to 8000"}});
    requireExactly(kc::content::checkLectureStructure(kBroken, {"complete.md"}, {1, 5}),
                   {{"lecture-notes/complete.md", 1, 1, "words; a lecture needs 1 to 5"}});
    requireNone(kc::content::checkLectureStructure(kClean, {"01-sample.md"}, {20, 2000}));
}

// ---- lecture 00, which this branch owns, on its own ----

TEST_CASE("lecture 00 has a heading for every topic 00 bullet and the required sections", "[content][lecture00]") {
    const fs::path lecture = kSource / "lecture-notes" / "00-kubernetes-architecture.md";
    REQUIRE(fs::exists(lecture));
    // A scratch index that maps each bullet to the anchor of a heading with exactly the bullet's text.
    kc::testing::TempDir dir;
    dir.write("lecture-notes/00-kubernetes-architecture.md", readAll(lecture));
    std::string index = "# Index\n\n## Outline coverage\n\n| Topic | Bullet | Heading |\n|---|---|---|\n";
    std::vector<kc::content::OutlineBullet> topic00;
    for (const auto& b : kc::content::canonicalOutline()) {
        if (b.topic != "00") continue;
        topic00.push_back(b);
        index += "| 00 | " + b.text + " | [" + b.text + "](00-kubernetes-architecture.md#" +
                 kc::quiz::githubAnchor(b.text) + ") |\n";
    }
    dir.write("lecture-notes/README.md", index);
    requireNone(kc::content::checkOutlineCoverage(dir.path(), topic00));
    requireNone(kc::content::checkLectureStructure(kSource, {"00-kubernetes-architecture.md"}, {4000, 7000}));
}

// ---- the real lecture-notes/ ----

TEST_CASE("lecture notes: every yaml block parses", "[content][notes]") {
    requireNone(kc::content::checkYamlBlocksParse(kSource));
}

TEST_CASE("lecture notes: every object has apiVersion kind and metadata.name", "[content][notes]") {
    requireNone(kc::content::checkObjectsIdentified(kSource));
}

TEST_CASE("lecture notes: built-in kinds use versions served by Kubernetes 1.33", "[content][notes]") {
    requireNone(kc::content::checkServedApiVersions(kSource));
}

TEST_CASE("lecture notes: every relative link and anchor resolves", "[content][notes]") {
    requireNone(kc::content::checkRelativeLinks(kSource));
}

TEST_CASE("lecture notes: the README covers every outline bullet with a working heading link", "[content][notes]") {
    requireNone(kc::content::checkOutlineCoverage(kSource, kc::content::canonicalOutline()));
}

TEST_CASE("lecture notes: lectures 00 to 08 exist with the required sections and length", "[content][notes]") {
    requireNone(kc::content::checkLectureStructure(kSource, kc::content::canonicalLectureFiles(), {3500, 8000}));
}
