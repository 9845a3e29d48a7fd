// The Labs page, offscreen: a step checked live against the API double renders pass and fail with expected and
// observed; an unreachable cluster or a missing kubeconfig is an error state, never a fail; hints are revealed one
// tier at a time and survive a restart; the history lists runs; snapshot grading gives an example's expected score.
#include <catch2/catch.hpp>

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "app/lab_check_runner.h"
#include "app/lab_progress.h"
#include "app/pages/labs_page.h"
#include "app_test_support.h"
#include "clusters/bounded_file.h"
#include "clusters/yaml_json.h"
#include "grader/rubric_loader.h"
#include "tests/support/api_double.h"

using namespace kc;
using kc::app::LabsPage;
using kc::testing::ApiDouble;

namespace {

const std::string kLab2 = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-02-gpu-scheduling";

Json readYaml(const std::string& path) {
    auto text = readFileBounded(path, 16 * 1024 * 1024);
    REQUIRE(text);
    auto doc = parseYamlDocument(*text, path);
    REQUIRE(doc);
    return doc->value;
}

// The Nodes and PriorityClasses of a lab-02 example in the double: all that Step 2's checks (and the gate they
// need) read.
void arrangeNodesAndPriorities(ApiDouble& api, const std::string& example) {
    Json list = readYaml(kLab2 + "/examples/" + example + "/snapshot.yaml");
    for (const auto& item : list.at("items")) {
        std::string kind = item.value("kind", "");
        if (kind == "Node" || kind == "PriorityClass") api.create(item);
    }
}

// The double's kubeconfig with its context renamed to what the lab-02-gpu-sim profile's cluster is called by kind.
std::string writeLabKubeconfig(const ApiDouble& api, const std::string& dir, const std::string& context) {
    std::string path = api.writeKubeconfig(dir + "/double.kubeconfig");
    std::string text = *readFileBounded(path, 1 << 20);
    auto replace = [&text](const std::string& from, const std::string& to) {
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("- name: double\n  context:", "- name: " + context + "\n  context:");
    replace("current-context: double", "current-context: " + context);
    std::string out = dir + "/kubeconfig";
    std::ofstream(out) << text;
    return out;
}

void setKubeconfig(kc::testing::AppTestContext& test, const std::string& path) {
    test.context->settings.kubeconfigPath = QString::fromStdString(path);
}

QFrame* card(LabsPage& page, const QString& checkId) {
    return page.findChild<QFrame*>("check-" + checkId);
}

QString cardStatus(LabsPage& page, const QString& checkId) {
    auto* c = card(page, checkId);
    if (!c) return {};
    return c->findChild<QLabel*>("status")->accessibleName();
}

QString cardDetails(LabsPage& page, const QString& checkId) {
    auto* c = card(page, checkId);
    auto* d = c ? c->findChild<QLabel*>("details") : nullptr;
    return d ? d->text() : QString();
}

QString stepStatusText(LabsPage& page, const QString& stepId) {
    auto* steps = page.findChild<QListWidget*>("stepList");
    for (int i = 0; i < steps->count(); ++i)
        if (steps->item(i)->data(Qt::UserRole + 1).toString() == stepId)
            return steps->item(i)->data(Qt::UserRole + 2).toString();
    return {};
}

bool runFinished(LabsPage& page) {
    return kc::testing::waitUntil([&] { return !page.checkRunning(); }, 60000);
}

void clickCheck(LabsPage& page, const char* name = "checkButton") {
    auto* button = page.findChild<QPushButton*>(name);
    REQUIRE(button);
    REQUIRE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    REQUIRE(runFinished(page));
}

}  // namespace

TEST_CASE("checking a lab step against the API double renders pass and fail with expected and observed",
          "[app][labs]") {
    auto api = ApiDouble::start();
    arrangeNodesAndPriorities(*api, "inverted-priorities");
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "kind-lab-02-gpu-sim"));
    LabsPage page(*test->context);
    page.resize(1280, 800);
    page.activated();
    page.openItem("lab-02/step-2");
    CHECK(page.findChild<QTextBrowser*>("instructions")->toPlainText().contains("PriorityClasses per workload type"));
    CHECK(cardStatus(page, "priority-classes") == "NOT CHECKED");
    CHECK(stepStatusText(page, "step-2") == "not checked");
    // Where the student is, for "continue where you left off".
    auto location = test->context->progress->lastLocation();
    REQUIRE(location);
    REQUIRE(location->has_value());
    CHECK((*location)->page == "labs");
    CHECK((*location)->item == "lab-02/step-2");

    clickCheck(page);
    // inverted-priorities: the three classes exist with the right preemption policies, but inference-critical has
    // 100000, below its band of 1,000,000 to 1,000,000,000 (expected.yaml: priority-class pass, priority-order fail).
    CHECK(cardStatus(page, "priority-classes") == "PASS");
    CHECK(cardStatus(page, "priority-order") == "FAIL");
    QString details = cardDetails(page, "priority-order");
    INFO(details.toStdString());
    CHECK(details.contains("Expected"));
    CHECK(details.contains("Observed"));
    CHECK(details.contains("100000"));
    CHECK(details.contains("inference-critical must outrank everything else"));
    CHECK(card(page, "priority-order")->findChild<QLabel*>("points")->text() == "0 / 6");
    CHECK(card(page, "priority-classes")->findChild<QLabel*>("points")->text() == "10 / 10");
    CHECK(stepStatusText(page, "step-2") == "partly passed");
    CHECK_FALSE(page.findChild<QFrame*>("problemPanel")->isVisible());
    // Only the step's checks are shown: the gate they need ran, but it is another step's card.
    CHECK(card(page, "gpu-nodes") == nullptr);

    auto runs = test->context->progress->checkRuns("lab-02");
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    CHECK(runs->front().scope == "step-2");
    CHECK(runs->front().outcome == "graded");
    CHECK(runs->front().earned == 10);
    CHECK(runs->front().points == 16);
    // Hidden checks never reach the stored report.
    CHECK(runs->front().reportJson.find("workloads-have-controllers") == std::string::npos);

    // Fix the class and check again: both pass, and the history lists both runs, newest first.
    // The example swapped the two values (its snapshot says so). A PriorityClass's value is immutable: the student
    // deletes and re-creates both.
    for (auto [name, value] : {std::pair{"inference-critical", 1000000}, std::pair{"training-high", 100000}}) {
        auto pc = *api->get("scheduling.k8s.io/v1", "PriorityClass", "", name);
        api->remove("scheduling.k8s.io/v1", "PriorityClass", "", name);
        pc["value"] = value;
        pc["metadata"].erase("resourceVersion");
        pc["metadata"].erase("uid");
        api->create(pc);
    }
    clickCheck(page);
    CHECK(cardStatus(page, "priority-order") == "PASS");
    CHECK(stepStatusText(page, "step-2") == "passed");
    auto* history = page.findChild<QTreeWidget*>("historyList");
    REQUIRE(history->topLevelItemCount() == 2);
    CHECK(history->topLevelItem(0)->text(1) == "Step 2: PriorityClasses per workload type");
    CHECK(history->topLevelItem(0)->text(2) == "16 / 16");
    CHECK(history->topLevelItem(1)->text(2) == "10 / 16");
    // Selecting the older run shows its results again.
    history->setCurrentItem(history->topLevelItem(1));
    auto* older = page.findChild<QLabel*>("historyDetail");
    CHECK(older->text().contains("10 / 16"));
    QList<QFrame*> cards = page.findChildren<QFrame*>("check-priority-order");
    bool failShown = false;
    for (auto* c : cards) failShown = failShown || c->findChild<QLabel*>("status")->accessibleName() == "FAIL";
    CHECK(failShown);
}

TEST_CASE("Check all sets the lab score and the lab list shows it", "[app][labs]") {
    // An exercise (no profile: graded through the current context) whose checks only read state.
    const std::string dir = std::string(KUBECLASS_SOURCE_DIR) + "/labs/exercises/production-readiness";
    const std::string example = "pdb-selector-typo";
    auto api = ApiDouble::start();
    Json list = readYaml(dir + "/examples/" + example + "/snapshot.yaml");
    for (const auto& item : list.at("items"))
        if (item.value("kind", "") == "Namespace" && !api->get("v1", "Namespace", "", item["metadata"]["name"]))
            api->create(item);
    for (const auto& item : list.at("items"))
        if (item.value("kind", "") != "Namespace") api->create(item);
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "my-cluster"));
    LabsPage page(*test->context);
    page.activated();
    page.openItem("ex-production-readiness");
    CHECK(page.findChild<QLabel*>("clusterLabel")->text().contains("current context"));
    CHECK(page.findChild<QLabel*>("scoreLabel")->text().contains("Not checked yet"));
    clickCheck(page, "checkAllButton");

    // expected.yaml reasons every check's outcome; the score counts the visible ones.
    auto rubric = grader::loadRubric(dir + "/rubric.yaml");
    REQUIRE(rubric);
    Json expected = readYaml(dir + "/examples/" + example + "/expected.yaml");
    Json outcomes = expected.at("live").at("checks");
    double earned = 0, points = 0;
    for (const auto& check : rubric->checks) {
        if (check.visibility != grader::Visibility::Visible) continue;
        points += check.points;
        if (outcomes.at(check.id) == "pass") earned += check.points;
    }
    REQUIRE(earned < points);  // the example fails something, so the score says so
    auto runs = test->context->progress->checkRuns("ex-production-readiness");
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    CHECK(runs->front().scope == "all");
    CHECK(runs->front().outcome == "graded");
    CHECK(runs->front().earned == Approx(earned));
    CHECK(runs->front().points == Approx(points));
    QString score = QString::fromStdString(app::formatScore({earned, points}));
    CHECK(page.findChild<QLabel*>("scoreLabel")->text().contains(score));
    auto* labs = page.findChild<QListWidget*>("labList");
    bool listed = false;
    for (int i = 0; i < labs->count(); ++i)
        listed = listed ||
                 (labs->item(i)->text().contains("ex-production-readiness") && labs->item(i)->text().contains(score));
    CHECK(listed);
}

TEST_CASE("an unreachable cluster or a missing kubeconfig is an error state with what to do and not a fail",
          "[app][labs]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    std::string kubeconfig;
    {
        // A kubeconfig whose server was stopped: nothing listens on its port any more.
        auto api = ApiDouble::start();
        kubeconfig = writeLabKubeconfig(*api, test->dir.path(), "kind-lab-02-gpu-sim");
    }
    setKubeconfig(*test, kubeconfig);
    LabsPage page(*test->context);
    page.show();
    page.activated();
    page.openItem("lab-02/step-2");
    clickCheck(page);
    auto* panel = page.findChild<QFrame*>("problemPanel");
    CHECK(panel->isVisible());
    QString text = page.findChild<QLabel*>("problemText")->text();
    INFO(text.toStdString());
    CHECK(text.contains("does not answer"));
    CHECK(text.contains("Cluster page"));
    CHECK(page.findChild<QPushButton*>("openClusterButton")->isVisible());
    CHECK(cardStatus(page, "priority-order") == "NOT CHECKED");
    CHECK(stepStatusText(page, "step-2") == "not checked");
    auto runs = test->context->progress->checkRuns("lab-02");
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    CHECK(runs->front().outcome.rfind("error: ", 0) == 0);
    auto* history = page.findChild<QTreeWidget*>("historyList");
    REQUIRE(history->topLevelItemCount() == 1);
    CHECK(history->topLevelItem(0)->text(3) == "could not check");

    // No such context: the lab's cluster was never created.
    auto api = ApiDouble::start();
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "some-other-cluster"));
    clickCheck(page);
    text = page.findChild<QLabel*>("problemText")->text();
    CHECK(text.contains("kind-lab-02-gpu-sim"));
    CHECK(text.contains("lab-02-gpu-sim"));
    CHECK(text.contains("Cluster page"));

    // No kubeconfig at all.
    setKubeconfig(*test, test->dir.path() + "/nowhere/kubeconfig");
    clickCheck(page);
    text = page.findChild<QLabel*>("problemText")->text();
    CHECK(text.contains("No kubeconfig"));
    CHECK(cardStatus(page, "priority-order") == "NOT CHECKED");
}

TEST_CASE("hints are revealed one tier at a time and are shown again after a restart", "[app][labs]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    auto rubric = grader::loadRubric(kLab2 + "/rubric.yaml");
    REQUIRE(rubric);
    const auto& hints = rubric->find("priority-order")->hints;
    {
        LabsPage page(*test->context);
        page.activated();
        page.openItem("lab-02/step-2");
        auto button = [&] { return card(page, "priority-order")->findChild<QPushButton*>("hintButton"); };
        REQUIRE(button());
        CHECK(button()->text() == "Show a hint (nudge)");
        CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-0") == nullptr);
        QTest::mouseClick(button(), Qt::LeftButton);
        auto* nudge = card(page, "priority-order")->findChild<QLabel*>("hint-0");
        REQUIRE(nudge);
        CHECK(nudge->text().contains(QString::fromStdString(hints.nudge).left(30).toHtmlEscaped()));
        CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-1") == nullptr);
        CHECK(button()->text() == "Show the command");
        QTest::mouseClick(button(), Qt::LeftButton);
        REQUIRE(card(page, "priority-order")->findChild<QLabel*>("hint-1"));
        CHECK(
            card(page, "priority-order")->findChild<QLabel*>("hint-1")->text().contains("kubectl get priorityclasses"));
        CHECK(button()->text() == "Show the solution");
        // Another check's hints are its own.
        CHECK(card(page, "priority-classes")->findChild<QLabel*>("hint-0") == nullptr);
    }
    // A new context on the same settings and data folder: the app after a restart.
    auto again = app::makeAppContext(
        {.settingsFile = test->context->settingsFile, .dataRoot = QString::fromStdString(test->context->dataRoot)});
    REQUIRE(again);
    CHECK((*again)->progressDbPath() == test->context->progressDbPath());
    auto revealed = (*again)->progress->hintsRevealed("lab-02", "priority-order");
    REQUIRE(revealed);
    CHECK(*revealed == 2);
    LabsPage page(**again);
    page.activated();
    page.openItem("lab-02/step-2");
    CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-0"));
    CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-1"));
    CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-2") == nullptr);
    auto* last = card(page, "priority-order")->findChild<QPushButton*>("hintButton");
    REQUIRE(last);
    QTest::mouseClick(last, Qt::LeftButton);
    CHECK(card(page, "priority-order")->findChild<QLabel*>("hint-2"));
    CHECK(card(page, "priority-order")->findChild<QPushButton*>("hintButton") == nullptr);
}

TEST_CASE("grading a lab example's snapshot gives its expected score over the visible checks", "[app][labs]") {
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    auto rubric = grader::loadRubric(kLab2 + "/rubric.yaml");
    REQUIRE(rubric);
    for (const std::string example : {"inverted-priorities", "cpu-on-gpu-node"}) {
        DYNAMIC_SECTION(example) {
            // expected.yaml reasons the instructor view; the app leaves the hidden checks out of both sums.
            Json expected = readYaml(kLab2 + "/examples/" + example + "/expected.yaml").at("snapshot");
            double earned = 0, points = 0;
            for (const auto& check : rubric->checks) {
                if (check.visibility != grader::Visibility::Visible) continue;
                points += check.points;
                if (expected.at("outcomes").at(check.id) == "pass") earned += check.points;
            }
            LabsPage page(*test->context);
            page.activated();
            page.openItem("lab-02");
            page.gradeSnapshot(QString::fromStdString(kLab2 + "/examples/" + example));
            REQUIRE(runFinished(page));
            auto runs = test->context->progress->checkRuns("lab-02");
            REQUIRE(runs);
            REQUIRE_FALSE(runs->empty());
            CHECK(runs->front().scope == "snapshot");
            CHECK(runs->front().outcome == "graded");
            CHECK(runs->front().earned == Approx(earned));
            CHECK(runs->front().points == Approx(points));
            // The results open in History.
            CHECK(page.findChild<QLabel*>("historyDetail")
                      ->text()
                      .contains(QString::fromStdString(app::formatScore({earned, points}))));
            // A snapshot is not the lab's score.
            CHECK(page.findChild<QLabel*>("scoreLabel")->text().contains("Not checked yet"));
        }
    }
    // A folder that holds no capture is an error state.
    LabsPage page(*test->context);
    page.activated();
    page.openItem("lab-02");
    page.gradeSnapshot(QString::fromStdString(test->dir.path()));
    REQUIRE(runFinished(page));
    CHECK(page.findChild<QLabel*>("problemText")->text().contains("neither capture.json nor snapshot.yaml"));
}

TEST_CASE("the labs page renders at 1280x800", "[app][labs]") {
    auto api = ApiDouble::start();
    arrangeNodesAndPriorities(*api, "inverted-priorities");
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "kind-lab-02-gpu-sim"));
    LabsPage page(*test->context);
    page.resize(1280, 800);
    page.show();
    page.activated();
    page.openItem("lab-02/step-2");
    clickCheck(page);
    QTest::mouseClick(card(page, "priority-order")->findChild<QPushButton*>("hintButton"), Qt::LeftButton);
    QTest::qWait(50);  // let the layouts settle before the picture
    QImage image = page.grab().toImage();
    CHECK(image.width() == 1280);
    CHECK(image.height() == 800);
    const char* dir = std::getenv("KUBECLASS_LABS_PNG");
    if (dir) image.save(QString::fromLocal8Bit(dir) + "/labs.png");
    // The error state and the history, for a look at them too.
    setKubeconfig(*test, test->dir.path() + "/none");
    clickCheck(page);
    QTest::qWait(50);
    CHECK(page.findChild<QFrame*>("problemPanel")->isVisible());
    if (dir) page.grab().save(QString::fromLocal8Bit(dir) + "/labs-error.png");
    page.findChild<QTabWidget*>("resultTabs")->setCurrentIndex(1);
    auto* history = page.findChild<QTreeWidget*>("historyList");
    REQUIRE(history->topLevelItemCount() == 2);
    history->setCurrentItem(history->topLevelItem(1));
    QTest::qWait(50);
    if (dir) page.grab().save(QString::fromLocal8Bit(dir) + "/labs-history.png");
}

TEST_CASE("a running check shows progress and can be cancelled and nothing is recorded", "[app][labs]") {
    // Step 6's preemption check applies 40 GPU pods and waits (minutes) for the scheduler to mark one Unschedulable;
    // the double has no scheduler, so only Cancel ends it early.
    auto api = ApiDouble::start();
    arrangeNodesAndPriorities(*api, "reference");
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "kind-lab-02-gpu-sim"));
    LabsPage page(*test->context);
    page.show();
    page.activated();
    page.openItem("lab-02/step-6");
    auto* check = page.findChild<QPushButton*>("checkButton");
    auto* cancel = page.findChild<QPushButton*>("cancelButton");
    CHECK_FALSE(cancel->isVisible());
    QTest::mouseClick(check, Qt::LeftButton);
    CHECK(page.checkRunning());
    CHECK(cancel->isVisible());
    CHECK_FALSE(check->isEnabled());
    CHECK_FALSE(page.findChild<QPushButton*>("checkAllButton")->isEnabled());
    // Progress lines from the runner arrive while it works: what preemption needs is done first.
    CHECK(kc::testing::waitUntil(
        [&] { return page.findChild<QLabel*>("progressLabel")->text().contains("priority-classes: pass"); }));
    QTest::mouseClick(cancel, Qt::LeftButton);
    REQUIRE(kc::testing::waitUntil([&] { return !page.checkRunning(); }, 60000));
    CHECK(check->isEnabled());
    CHECK_FALSE(cancel->isVisible());
    CHECK(page.findChild<QLabel*>("problemText")->text().contains("cancelled"));
    CHECK(cardStatus(page, "preemption") == "NOT CHECKED");
    auto runs = test->context->progress->checkRuns("lab-02");
    REQUIRE(runs);
    CHECK(runs->empty());
}

TEST_CASE("closing the page while a check runs stops the check and touches nothing", "[app][labs]") {
    auto api = ApiDouble::start();
    arrangeNodesAndPriorities(*api, "reference");
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    setKubeconfig(*test, writeLabKubeconfig(*api, test->dir.path(), "kind-lab-02-gpu-sim"));
    auto page = std::make_unique<LabsPage>(*test->context);
    page->activated();
    page->openItem("lab-02/step-6");
    QTest::mouseClick(page->findChild<QPushButton*>("checkButton"), Qt::LeftButton);
    REQUIRE(page->checkRunning());
    QTest::qWait(300);
    page.reset();
    // The preemption check would wait minutes for a scheduler; closed, it stops at once.
    CHECK(test->context->work->waitForIdle(30000));
    QTest::qWait(50);  // a result posted for the closed page is dropped
    auto runs = test->context->progress->checkRuns("lab-02");
    REQUIRE(runs);
    CHECK(runs->empty());
}

TEST_CASE("checks of handed-in files read the lab folder the student chose and it is remembered per lab", "[app][labs]") {
    const std::string lab1 = std::string(KUBECLASS_SOURCE_DIR) + "/labs/lab-01-operator";
    auto test = kc::testing::makeAppTestContext();
    REQUIRE(test);
    auto usageOutcome = [&](LabsPage& page) {
        page.gradeSnapshot(QString::fromStdString(lab1 + "/examples/reference"));
        REQUIRE(runFinished(page));
        auto runs = test->context->progress->checkRuns("lab-01");
        REQUIRE(runs);
        REQUIRE_FALSE(runs->empty());
        auto report = app::reportOf(runs->front());
        REQUIRE(report);
        for (const auto& c : report->checks)
            if (c.id == "usage-documented") return std::string(grader::outcomeName(c.outcome));
        return std::string("missing");
    };
    {
        LabsPage page(*test->context);
        page.activated();
        page.openItem("lab-01");
        CHECK(page.findChild<QLabel*>("folderLabel")->text().contains("not chosen"));
        // usage-documented reads USAGE.md from the submission: without a folder it cannot tell.
        CHECK(usageOutcome(page) == "skipped");
        // The reference solution's USAGE.md is the deliverable the check was written for.
        page.setLabFolder(QString::fromStdString(lab1 + "/solution"));
        CHECK(usageOutcome(page) == "pass");
    }
    LabsPage again(*test->context);
    again.activated();
    again.openItem("lab-01");
    CHECK(again.findChild<QLabel*>("folderLabel")->text().contains("solution"));
    again.openItem("lab-02");
    CHECK(again.findChild<QLabel*>("folderLabel")->text().contains("not chosen"));
}
