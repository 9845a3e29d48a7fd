// The Settings page: what is typed and saved is what loadSettings reads back and what the app uses at once;
// invalid entries show a message under their field and nothing is saved; a new data folder says a restart is
// needed; tool versions are detected by running the tool (fake executables here).
#include <catch2/catch.hpp>

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

#include "app/pages/settings_page.h"
#include "app/settings_tool_versions.h"
#include "app/settings_validation.h"
#include "app_test_support.h"
#include "tests/support/fake_tool.h"

using namespace kc::app;

namespace {

struct SettingsFixture {
    std::unique_ptr<kc::testing::AppTestContext> test = kc::testing::makeAppTestContext();
    std::unique_ptr<SettingsPage> page;

    SettingsFixture() {
        REQUIRE(test);
        page = std::make_unique<SettingsPage>(*test->context);
        page->resize(1080, 800);
        page->show();
    }
    QLineEdit* edit(const char* name) const {
        auto* found = page->findChild<QLineEdit*>(QString::fromLatin1(name));
        REQUIRE(found);
        return found;
    }
    QLabel* label(const QString& name) const {
        auto* found = page->findChild<QLabel*>(name);
        REQUIRE(found);
        return found;
    }
    // Types as a user does: select all, type, leave the field.
    void type(const char* field, const QString& text) const {
        QLineEdit* line = edit(field);
        line->setFocus();
        line->selectAll();
        QTest::keyClick(line, Qt::Key_Delete);
        QTest::keyClicks(line, text);
        emit line->editingFinished();
    }
    void clickSave() const {
        auto* save = page->findChild<QPushButton*>(QStringLiteral("save"));
        REQUIRE(save);
        save->click();
    }
    QString status() const { return label(QStringLiteral("settingsStatus"))->text(); }
};

}  // namespace

TEST_CASE("edited settings are saved to the INI file and used by the app at once", "[app][settings]") {
    SettingsFixture fixture;
    const std::string dir = fixture.test->dir.path();
    fixture.test->dir.write("bin/kind", "#!/bin/sh\necho kind v0.20.0\n", 0755);
    fixture.test->dir.write("kube/config", "apiVersion: v1\n");
    const QString dataDir = QString::fromStdString(dir + "/data");  // the folder the context already uses
    fixture.type("studentName", QStringLiteral("Ada Lovelace"));
    fixture.type("studentId", QStringLiteral("s1234567"));
    fixture.type("remoteUrl", QStringLiteral("git@git.example.edu:course/ada.git"));
    fixture.type("kindPath", QString::fromStdString(dir + "/bin/kind"));
    fixture.type("kubeconfigPath", QString::fromStdString(dir + "/kube/config"));
    fixture.type("dataDir", dataDir);
    fixture.clickSave();

    CHECK(fixture.status().startsWith(QStringLiteral("Saved to")));
    CHECK_FALSE(fixture.status().contains(QStringLiteral("restart")));  // same data folder as before
    const AppSettings saved = loadSettings(fixture.test->context->settingsFile);
    CHECK(saved.studentName == QStringLiteral("Ada Lovelace"));
    CHECK(saved.studentId == QStringLiteral("s1234567"));
    CHECK(saved.remoteUrl == QStringLiteral("git@git.example.edu:course/ada.git"));
    CHECK(saved.kindPath == QString::fromStdString(dir + "/bin/kind"));
    CHECK(saved.kubeconfigPath == QString::fromStdString(dir + "/kube/config"));
    CHECK(saved.dataDir == dataDir);
    CHECK(saved.kubectlPath.isEmpty());
    CHECK(fixture.test->context->settings.studentId == QStringLiteral("s1234567"));
    CHECK(fixture.test->context->settings.remoteUrl == saved.remoteUrl);
    for (const char* message : {"studentNameMessage", "studentIdMessage", "remoteUrlMessage", "kindPathMessage"})
        CHECK_FALSE(fixture.label(QString::fromLatin1(message))->isVisible());
}

TEST_CASE("invalid entries show a message under their field and nothing is saved", "[app][settings]") {
    SettingsFixture fixture;
    REQUIRE(saveSettings(fixture.test->context->settingsFile,
                         [&] {
                             AppSettings before = fixture.test->context->settings;
                             before.studentId = QStringLiteral("s1");
                             return before;
                         }(),
                         nullptr));
    fixture.test->context->settings = loadSettings(fixture.test->context->settingsFile);
    fixture.page->activated();
    fixture.test->dir.write("not-executable", "data\n", 0644);

    fixture.type("studentId", QStringLiteral("-my id"));
    fixture.type("remoteUrl", QStringLiteral("https://ada:ghp_secret123@git.example.edu/c.git"));
    fixture.type("kindPath", QString::fromStdString(fixture.test->dir.path() + "/not-executable"));
    fixture.type("kubectlPath", QStringLiteral("kubectl"));
    fixture.type("dataDir", QStringLiteral("relative/folder"));
    fixture.type("studentName", QStringLiteral("Ada <ada@example.edu>"));
    fixture.clickSave();

    CHECK_THAT(fixture.status().toStdString(), Catch::Contains("Nothing was saved") && Catch::Contains("6 fields"));
    auto message = [&](const char* name) {
        QLabel* label = fixture.label(QString::fromLatin1(name));
        CHECK(label->isVisible());
        return label->text().toStdString();
    };
    CHECK_THAT(message("studentIdMessage"), Catch::Contains("not starting with '.' or '-'"));
    CHECK_THAT(message("remoteUrlMessage"), Catch::Contains("Do not put a password or token in the URL"));
    CHECK_THAT(message("kindPathMessage"), Catch::Contains("not executable"));
    CHECK_THAT(message("kubectlPathMessage"), Catch::Contains("full path"));
    CHECK_THAT(message("dataDirMessage"), Catch::Contains("full path"));
    CHECK_THAT(message("studentNameMessage"), Catch::Contains("cannot contain <, >"));
    CHECK(loadSettings(fixture.test->context->settingsFile).studentId == QStringLiteral("s1"));
    CHECK(fixture.test->context->settings.studentId == QStringLiteral("s1"));
    CHECK(fixture.test->context->settings.remoteUrl.isEmpty());

    SECTION("fixing the fields clears the messages and saves") {
        fixture.type("studentId", QStringLiteral("s1234567"));
        fixture.type("remoteUrl", QStringLiteral("https://git.example.edu/c.git"));
        fixture.type("kindPath", QString());
        fixture.type("kubectlPath", QString());
        fixture.type("dataDir", QString());
        fixture.type("studentName", QStringLiteral("Ada"));
        CHECK_FALSE(fixture.label(QStringLiteral("studentIdMessage"))->isVisible());
        fixture.clickSave();
        CHECK(fixture.status().startsWith(QStringLiteral("Saved to")));
        CHECK(loadSettings(fixture.test->context->settingsFile).studentId == QStringLiteral("s1234567"));
    }
}

TEST_CASE("a new data folder is saved and the page says it takes a restart", "[app][settings]") {
    SettingsFixture fixture;
    const QString elsewhere = QString::fromStdString(fixture.test->dir.path() + "/elsewhere");
    fixture.type("dataDir", elsewhere);
    fixture.clickSave();
    CHECK_THAT(fixture.status().toStdString(), Catch::Contains("after you restart kubeclass"));
    CHECK(loadSettings(fixture.test->context->settingsFile).dataDir == elsewhere);
}

TEST_CASE("the version each tool answers is shown, and a tool that is missing says how to get it",
          "[app][settings]") {
    SettingsFixture fixture;
    kc::testing::FakeTool kind(fixture.test->dir, "kind");
    kind.on({"version"}, {.stdoutText = "kind v0.20.0 go1.20.4 linux/amd64\n"});
    kc::testing::FakeTool helm(fixture.test->dir, "helm");
    helm.on({"version"}, {.stderrText = "Error: config dir unreadable\n", .exitCode = 1});
    fixture.type("kindPath", QString::fromStdString(kind.path()));
    fixture.type("helmPath", QString::fromStdString(helm.path()));
    fixture.type("dockerPath", QString::fromStdString(fixture.test->dir.path() + "/bin/no-docker"));
    QLabel* kindVersion = fixture.label(QStringLiteral("kindVersion"));
    QLabel* helmVersion = fixture.label(QStringLiteral("helmVersion"));
    REQUIRE(kc::testing::waitUntil([&] { return kindVersion->text().contains(QStringLiteral("Detected")); }));
    CHECK(kindVersion->text() == QStringLiteral("✓ Detected v0.20.0"));
    CHECK(kind.calls() == std::vector<std::vector<std::string>>{{"version"}});
    REQUIRE(kc::testing::waitUntil([&] { return helmVersion->text().contains(QStringLiteral("failed")); }));
    CHECK_THAT(helmVersion->text().toStdString(), Catch::Contains("exit 1") && Catch::Contains("config dir unreadable"));
    CHECK_THAT(fixture.label(QStringLiteral("dockerVersion"))->text().toStdString(), Catch::Contains("fix the path"));
}

TEST_CASE("tool versions are read from each tool's own answer format", "[app][settings]") {
    // Formats as the tools print them (kind version, kubectl version --client, docker --version, helm --short).
    CHECK(parseToolVersion("kind v0.20.0 go1.20.4 linux/amd64\n") == "v0.20.0");
    CHECK(parseToolVersion("Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n") ==
          "v1.28.2");
    CHECK(parseToolVersion("Docker version 24.0.5, build ced0996\n") == "24.0.5");
    CHECK(parseToolVersion("v3.12.0+gc9f554d\n") == "v3.12.0");
    CHECK_FALSE(parseToolVersion("command not understood\n"));
    CHECK_FALSE(parseToolVersion("go1.20.4\n"));  // glued to a word: not a version of the tool
    CHECK(toolVersionCommand(Tool::Kubectl, {}).args == std::vector<std::string>{"version", "--client"});
    CHECK(toolVersionCommand(Tool::Docker, "/opt/docker").program == "/opt/docker");
}

TEST_CASE("remote URL forms the Submit page can push to are accepted", "[app][settings]") {
    auto remoteProblem = [](const char* url) {
        AppSettings settings;
        settings.remoteUrl = QString::fromLatin1(url);
        return validateSettings(settings).value(SettingsField::RemoteUrl);
    };
    CHECK(remoteProblem("https://git.example.edu/course/ada.git").isEmpty());
    CHECK(remoteProblem("ssh://git@git.example.edu/course/ada.git").isEmpty());
    CHECK(remoteProblem("git@git.example.edu:course/ada.git").isEmpty());
    CHECK(remoteProblem("file:///srv/course/ada.git").isEmpty());
    CHECK(remoteProblem("/srv/course/ada.git").isEmpty());
    CHECK_FALSE(remoteProblem("ftp://git.example.edu/ada.git").isEmpty());
    CHECK_FALSE(remoteProblem("https://git.example.edu/a b.git").isEmpty());
    CHECK_FALSE(remoteProblem("course/ada.git").isEmpty());
}
