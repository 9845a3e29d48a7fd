// `cmake --install` into a scratch prefix: the program, its .desktop entry and icon, and every course file the app
// reads (labs/, lecture-notes/, quiz/bank/, clusters/profiles/) under share/kubeclass, where the installed binary
// looks (clusters/data_roots.h: <exe>/../share/kubeclass). The installed program then opens every page from that
// data alone.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "clusters/bounded_file.h"
#include "clusters/process_runner.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

bool onPath(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
    return false;
}

// The [Desktop Entry] group of a .desktop file as key → value; duplicate keys and lines outside a group are errors.
std::map<std::string, std::string> desktopEntry(const std::string& text, std::vector<std::string>& errors) {
    std::map<std::string, std::string> keys;
    std::stringstream lines(text);
    std::string line, group;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        if (line.front() == '[') {
            if (group.empty() && line != "[Desktop Entry]") errors.push_back("first group is " + line);
            group = line;
            continue;
        }
        size_t equals = line.find('=');
        if (group.empty() || equals == std::string::npos) {
            errors.push_back("line " + std::to_string(number) + " is not key=value inside a group");
            continue;
        }
        if (group != "[Desktop Entry]") continue;
        std::string key = line.substr(0, equals);
        while (!key.empty() && key.back() == ' ') key.pop_back();
        if (!keys.emplace(key, line.substr(equals + 1)).second) errors.push_back("duplicate key " + key);
    }
    return keys;
}

}  // namespace

TEST_CASE("cmake --install puts the program, desktop entry, icon and course data under the prefix", "[app][install]") {
    if (!onPath("cmake")) {
        WARN("SKIPPED: cmake is not on PATH");
        return;
    }
    kc::testing::TempDir prefix;
    auto runner = kc::posixProcessRunner();
    kc::ProcessSpec install;
    install.program = "cmake";
    install.args = {"--install", KUBECLASS_BINARY_DIR, "--prefix", prefix.path()};
    install.timeout = std::chrono::minutes(3);
    auto installed = runner->run(install);
    REQUIRE(installed);
    INFO(installed->stdoutText << installed->stderrText);
    REQUIRE(installed->exitCode == 0);
    const fs::path root(prefix.path());

    const fs::path program = root / "bin" / "kubeclass";
    REQUIRE(fs::is_regular_file(program));
    CHECK(::access(program.c_str(), X_OK) == 0);

    const fs::path icon = root / "share/icons/hicolor/scalable/apps/kubeclass.svg";
    auto svg = kc::readFileBounded(icon.string(), 1024 * 1024);
    REQUIRE(svg);
    CHECK(svg->find("<svg") != std::string::npos);

    const fs::path desktop = root / "share/applications/kubeclass.desktop";
    auto entryText = kc::readFileBounded(desktop.string(), 64 * 1024);
    REQUIRE(entryText);
    std::vector<std::string> errors;
    auto entry = desktopEntry(*entryText, errors);
    CHECK(errors.empty());
    CHECK(entry["Type"] == "Application");
    CHECK_FALSE(entry["Name"].empty());
    // Exec names the installed program; Icon names the installed icon by its theme name (no path, no extension).
    CHECK(entry["Exec"].substr(0, entry["Exec"].find(' ')) == "kubeclass");
    CHECK(entry["Icon"] == icon.stem().string());
    CHECK((!entry["Categories"].empty() && entry["Categories"].back() == ';'));
    if (onPath("desktop-file-validate")) {
        kc::ProcessSpec validate;
        validate.program = "desktop-file-validate";
        validate.args = {desktop.string()};
        auto validated = runner->run(validate);
        REQUIRE(validated);
        INFO(validated->stdoutText << validated->stderrText);
        CHECK(validated->exitCode == 0);
    }

    // Every course file of the source tree is installed, byte for byte the same size.
    const fs::path source(KUBECLASS_SOURCE_DIR);
    const fs::path data = root / "share/kubeclass";
    size_t checked = 0;
    for (const char* folder : {"labs", "lecture-notes", "quiz/bank", "clusters/profiles"}) {
        REQUIRE(fs::is_directory(source / folder));
        for (const auto& file : fs::recursive_directory_iterator(source / folder)) {
            if (!file.is_regular_file()) continue;
            const std::string rel = fs::relative(file.path(), source).string();
            if (rel.find("__pycache__") != std::string::npos || file.path().extension() == ".pyc") continue;
            INFO(rel);
            REQUIRE(fs::is_regular_file(data / rel));
            CHECK(fs::file_size(data / rel) == file.file_size());
            ++checked;
        }
    }
    CHECK(checked > 100);  // the course is more than a handful of files: the walk really ran
    CHECK(fs::is_regular_file(data / "labs/lab-01-operator/rubric.yaml"));
    CHECK(fs::is_directory(data / "quiz/bank"));

    SECTION("the installed program opens every page from the installed data alone") {
        kc::testing::TempDir scratch;
        kc::ProcessSpec render;
        render.program = program.string();
        render.args = {"--render-pages", scratch.path() + "/pages", "--config", scratch.path() + "/kubeclass.ini"};
        render.extraEnv = {{"QT_QPA_PLATFORM", "offscreen"},
                           {"KUBECLASS_DATA_DIR", data.string()},
                           {"XDG_DATA_HOME", scratch.path() + "/xdg-data"},
                           {"XDG_CONFIG_HOME", scratch.path() + "/xdg-config"}};
        render.timeout = std::chrono::minutes(2);
        auto rendered = runner->run(render);
        REQUIRE(rendered);
        INFO(rendered->stdoutText << rendered->stderrText);
        REQUIRE(rendered->exitCode == 0);
        size_t pngs = 0;
        for (const auto& file : fs::directory_iterator(scratch.path() + "/pages"))
            if (file.path().extension() == ".png") ++pngs;
        CHECK(pngs == 7);
    }
}
