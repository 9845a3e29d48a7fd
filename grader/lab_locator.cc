// Lab lookup on the filesystem. Ids are checked before any path is built so "../x" can never be an id.
#include "grader/lab_locator.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace kc::grader {

namespace {

bool isLabId(const std::string& s) {
    if (s.empty() || s.size() > 100) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

Result<std::string> locateRubric(const std::string& lab, const std::vector<std::string>& dataRoots) {
    if (lab.empty()) return fail(ErrorKind::Invalid, "no lab given");
    std::error_code ec;
    fs::path given(lab);
    if (fs::is_regular_file(given, ec)) return given.string();
    if (fs::is_directory(given, ec)) {
        fs::path rubric = given / "rubric.yaml";
        if (fs::is_regular_file(rubric, ec)) return rubric.string();
        return fail(ErrorKind::NotFound, "lab directory " + lab + " has no rubric.yaml");
    }
    if (!isLabId(lab))
        return fail(ErrorKind::NotFound, "no such lab file or directory: " + lab);

    std::vector<std::string> tried;
    for (const auto& root : dataRoots) {
        if (root.empty()) continue;
        fs::path labs = fs::path(root) / "labs";
        if (!fs::is_directory(labs, ec)) {
            tried.push_back(labs.string());
            continue;
        }
        std::vector<fs::path> matches;
        for (const auto& entry : fs::directory_iterator(labs, ec)) {
            std::string name = entry.path().filename().string();
            bool named = name == lab || name.rfind(lab + "-", 0) == 0;
            if (named && fs::is_regular_file(entry.path() / "rubric.yaml", ec)) matches.push_back(entry.path());
        }
        std::sort(matches.begin(), matches.end());
        // An exact directory name beats prefixes ("lab-02" over "lab-02-gpu" and "lab-02-extra").
        for (const auto& m : matches)
            if (m.filename() == lab) return (m / "rubric.yaml").string();
        if (matches.size() == 1) return (matches.front() / "rubric.yaml").string();
        if (matches.size() > 1) {
            std::string names;
            for (const auto& m : matches) names += (names.empty() ? "" : ", ") + m.filename().string();
            return fail(ErrorKind::Invalid, "lab id \"" + lab + "\" is ambiguous under " + labs.string() + ": " + names);
        }
        // This root has labs/ but not this one: it is the data root, so stop here rather than find an
        // unrelated lab of the same name elsewhere.
        return fail(ErrorKind::NotFound, "no lab \"" + lab + "\" under " + labs.string());
    }
    std::string where;
    for (const auto& t : tried) where += (where.empty() ? "" : ", ") + t;
    return fail(ErrorKind::NotFound, "no lab \"" + lab + "\": no labs directory found (tried " + where +
                                         "; set KUBECLASS_DATA_DIR)");
}

Result<std::string> locateRubric(const std::string& lab) { return locateRubric(lab, dataRootCandidates()); }

Result<QuizDataDirs> locateQuizBank(const std::vector<std::string>& dataRoots) {
    std::error_code ec;
    std::string tried;
    for (const auto& root : dataRoots) {
        if (root.empty()) continue;
        fs::path bank = fs::path(root) / "quiz" / "bank";
        if (fs::is_directory(bank, ec)) {
            fs::path notes = fs::path(root) / "lecture-notes";
            return QuizDataDirs{bank.string(), fs::is_directory(notes, ec) ? notes.string() : std::string()};
        }
        tried += (tried.empty() ? "" : ", ") + bank.string();
    }
    return fail(ErrorKind::NotFound, "no quiz bank found (tried " + tried + "; pass --bank DIR or set KUBECLASS_DATA_DIR)");
}

Result<QuizDataDirs> locateQuizBank() { return locateQuizBank(dataRootCandidates()); }

}  // namespace kc::grader
