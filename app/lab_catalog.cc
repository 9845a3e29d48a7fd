// Finding and loading the course's labs and exercises.
#include "app/lab_catalog.h"

#include <algorithm>
#include <filesystem>

#include "clusters/bounded_file.h"
#include "grader/rubric_loader.h"

namespace kc::app {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxReadmeBytes = 1024 * 1024;

std::vector<fs::path> labFolders(const fs::path& dir, bool exercises) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (!it->is_directory(ec) || (!exercises && name.rfind("lab-", 0) != 0)) continue;
        if (fs::is_regular_file(it->path() / "rubric.yaml", ec)) out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

LabEntry loadEntry(const fs::path& dir, bool exercise) {
    LabEntry entry;
    entry.dir = dir.string();
    entry.exercise = exercise;
    entry.id = dir.filename().string();
    entry.title = entry.id;
    auto rubric = grader::loadRubric((dir / "rubric.yaml").string());
    if (!rubric) {
        entry.loadError = rubric.error().message;
        return entry;
    }
    entry.rubric = std::move(*rubric);
    entry.id = entry.rubric.lab;
    entry.title = entry.rubric.title;
    auto readme = readFileBounded((dir / "README.md").string(), kMaxReadmeBytes);
    if (!readme) {
        entry.loadError = readme.error().message;
        readme = std::string();
    }
    entry.walkthrough = splitWalkthrough(*readme, entry.rubric);
    return entry;
}

}  // namespace

std::vector<std::string> LabEntry::visibleCheckIds() const {
    std::vector<std::string> out;
    for (const auto& c : rubric.checks)
        if (checkShownInApp(c)) out.push_back(c.id);
    return out;
}

std::vector<LabEntry> loadLabCatalog(const std::string& dataRoot) {
    std::vector<LabEntry> out;
    fs::path labs = fs::path(dataRoot) / "labs";
    for (const auto& dir : labFolders(labs, false)) out.push_back(loadEntry(dir, false));
    for (const auto& dir : labFolders(labs / "exercises", true)) out.push_back(loadEntry(dir, true));
    return out;
}

}  // namespace kc::app
