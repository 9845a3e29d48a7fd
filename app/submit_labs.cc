// Lab ids and titles from the rubric's top-level keys (read line by line: the full rubric loader is not needed to
// fill a drop-down, and a broken rubric must not hide the lab from submission).
#include "app/submit_labs.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "clusters/bounded_file.h"

namespace fs = std::filesystem;

namespace kc::app {
namespace {

std::string topLevelValue(const std::string& yaml, const std::string& key) {
    std::istringstream lines(yaml);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(key + ":", 0) != 0) continue;
        std::string value = line.substr(key.size() + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return {};
}

// The id names a branch and a folder: only plain characters.
bool usableId(const std::string& id) {
    if (id.empty() || id.size() > 64 || id.front() == '.' || id.front() == '-') return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

}  // namespace

std::vector<SubmittableLab> submittableLabs(const std::string& dataRoot) {
    std::vector<SubmittableLab> labs;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(dataRoot) / "labs", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string folder = it->path().filename().string();
        if (folder.rfind("lab-", 0) != 0 || !it->is_directory(ec)) continue;
        auto rubric = readFileBounded((it->path() / "rubric.yaml").string(), 1024 * 1024);
        SubmittableLab lab;
        if (rubric) {
            lab.id = topLevelValue(*rubric, "lab");
            lab.title = topLevelValue(*rubric, "title");
        }
        if (lab.id.empty()) lab.id = folder.substr(0, std::min<size_t>(folder.size(), 6));  // "lab-02"
        if (lab.title.empty()) lab.title = folder;
        if (!usableId(lab.id)) continue;
        labs.push_back(std::move(lab));
    }
    std::sort(labs.begin(), labs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return labs;
}

}  // namespace kc::app
