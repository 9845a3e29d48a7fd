// The lecture-notes checks of issue 11, as pure functions over a repository tree so the tests can run them on
// deliberately broken fixtures as well as on the real lecture-notes/. Each returns every problem it finds, each
// located at file:line (the file relative to the repository root); an empty list means the check passes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kc::content {

struct Finding {
    std::string file;  // relative to the repository root, with '/' separators
    int line = 0;      // 1-based; 0 when the problem is the whole file (missing, unreadable)
    std::string message;
};

// "file:line: message", or "file: message" for a whole-file problem.
std::string describe(const Finding& finding);

// (a) Every ```yaml block in lecture-notes/**/*.md parses (several documents separated by --- are fine) and holds
// no authoring placeholders: tabs, "..." and <angle-bracket> words in unquoted values.
std::vector<Finding> checkYamlBlocksParse(const std::filesystem::path& repoRoot);

// (b) Every YAML document with a `kind` has apiVersion, kind and metadata.name. Configuration-file kinds (kind's
// Cluster, KubeletConfiguration, KubeSchedulerConfiguration, ...) need no metadata.name.
std::vector<Finding> checkObjectsIdentified(const std::filesystem::path& repoRoot);

// (c) Built-in kinds use an apiVersion that Kubernetes 1.33 serves; custom resources are not judged.
std::vector<Finding> checkServedApiVersions(const std::filesystem::path& repoRoot);

// (d) Every relative link in lecture-notes/**/*.md and labs/README.md names a file inside the repository, and an
// #anchor into a Markdown file names one of its headings. Links into other files need only the file.
std::vector<Finding> checkRelativeLinks(const std::filesystem::path& repoRoot);

struct OutlineBullet {
    std::string topic;  // "00" … "08"
    std::string text;   // exactly as in the course outline
};

// The canonical outline bullets of topics 00–08 (from the course outline, as LECTURES.md lists them).
const std::vector<OutlineBullet>& canonicalOutline();

// (e) lecture-notes/README.md has an "Outline coverage" table with a row `| NN | bullet | [..](file#anchor) |` for
// every bullet, and every row's link resolves to a heading.
std::vector<Finding> checkOutlineCoverage(const std::filesystem::path& repoRoot,
                                          const std::vector<OutlineBullet>& bullets);

struct WordRange {
    int min = 3500;
    int max = 8000;
};

// The lecture files 00–08 by their fixed names.
const std::vector<std::string>& canonicalLectureFiles();

// (f) Each named lecture exists in lecture-notes/, has sections for learning objectives, prerequisites, a summary
// or key takeaways and further reading, and a word count (as `wc -w`) within the range.
std::vector<Finding> checkLectureStructure(const std::filesystem::path& repoRoot,
                                           const std::vector<std::string>& lectureFiles, WordRange words);

}  // namespace kc::content
