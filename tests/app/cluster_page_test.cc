// The Cluster page against a paced fake kind, fake docker/kubectl/helm and the API double: kind's stages turn
// done in order with their times, cancel and failure show what happened and what was cleaned up, a host with no
// docker gets the fix and no Create, the nodes table shows GPUs and taints, and closing the page mid-create is
// safe.
// The cluster headers come first: Qt defines emit as a macro and kind_progress.h has a member of that name.
#include "app/cluster_progress.h"
#include "tests/app/cluster_fakes.h"

#include <catch2/catch.hpp>

#include <set>

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include "app/pages/cluster_page.h"
#include "app_test_support.h"

using namespace kc;
using namespace kc::testing;
using kc::app::ClusterPage;
using kc::app::StageState;

namespace {

struct PageFixture {
    std::unique_ptr<AppTestContext> app = makeAppTestContext();
    ClusterFakes fakes;
    std::unique_ptr<ClusterPage> page;

    PageFixture() {
        REQUIRE(app);
        fakes.configure(*app->context);
    }
    // Makes the page, picks the profile and waits until the host check and the cluster lookup are back.
    void open(const QString& profile) {
        page = std::make_unique<ClusterPage>(*app->context);
        page->setConfirmDelete(false);
        page->resize(1280, 800);
        page->show();
        REQUIRE(waitUntil([&] { return page->profilesLoaded(); }));
        page->openItem(profile);
        REQUIRE(page->selectedProfileId() == profile);
        REQUIRE(waitUntil([&] { return page->preflightDone() && page->snapshotDone(); }));
    }
    template <class W>
    W* find(const char* name) {
        auto* w = page->findChild<W*>(QString::fromLatin1(name));
        REQUIRE(w);
        return w;
    }
    // KUBECLASS_SCREENSHOTS=DIR keeps a picture of the page at this point (for looking at the layout).
    void snapshot(const char* name) {
        QByteArray dir = qgetenv("KUBECLASS_SCREENSHOTS");
        if (dir.isEmpty()) return;
        QTest::qWait(50);  // widgets added to a visible layout are shown by a queued call
        page->grab().save(QString::fromUtf8(dir) + "/cluster-" + name + ".png");
    }
    QStringList rowTitles() {
        QStringList titles;
        for (const auto& r : page->progress().rows()) titles << QString::fromStdString(r.title);
        return titles;
    }
    ~PageFixture() {
        page.reset();
        app->context->work->waitForIdle(20000);
    }
};

// kind's stage titles for a cluster with workers, as the page names them, in kind's order.
const QStringList kKindStages{"Ensuring node image", "Preparing nodes", "Writing configuration", "Starting control plane",
                              "Installing CNI", "Installing storage class", "Joining worker nodes"};

std::string lab02(const char* suffix) { return std::string("lab-02-gpu-sim-") + suffix; }

}  // namespace

TEST_CASE("a create shows kind's stages turning done in order with elapsed times, then the nodes with their GPUs and taints",
          "[app][cluster]") {
    PageFixture f;
    auto api = ApiDouble::start();
    for (const char* n : {"control-plane", "worker", "worker2", "worker3"}) api->create(kindNodeObject(lab02(n)));
    api->create(Json{{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", "trainer.1"}, {"namespace", "default"}}},
                     {"type", "Warning"},
                     {"reason", "FailedScheduling"},
                     {"message", "0/4 nodes are available: 2 Insufficient nvidia.com/gpu"},
                     {"involvedObject", {{"kind", "Pod"}, {"name", "trainer"}, {"namespace", "default"}}},
                     {"lastTimestamp", "2026-11-23T05:00:00Z"},
                     {"count", 3}});
    f.fakes.serve("lab-02-gpu-sim", *api);
    // Each line 60 ms apart: every stage takes at least that long between its start and its done line.
    f.fakes.kind.createPrints({.stderrText = kindCreateStderr("lab-02-gpu-sim"), .pauseSeconds = 0.06});
    f.open("lab-02-gpu-sim");
    CHECK(f.find<QTableWidget>("nodesTable")->rowCount() == 0);
    CHECK_THAT(f.find<QLabel>("nodesState")->text().toStdString(), Catch::Contains("No cluster yet"));
    auto* create = f.find<QPushButton>("createButton");
    REQUIRE(create->isEnabled());

    QTest::mouseClick(create, Qt::LeftButton);
    CHECK(f.page->busy());
    CHECK(f.find<QTabWidget>("clusterTabs")->currentIndex() == 1);
    CHECK(f.find<QPushButton>("cancelButton")->isEnabled());
    CHECK_FALSE(create->isEnabled());

    // Watch the rows while kind runs: the order in which kind stages become done, and that each was seen running.
    QStringList doneOrder, seenRunning;
    std::set<int> doneCounts;  // how many kind stages were done, at each look while kind ran
    bool sawLiveLog = false;
    REQUIRE(waitUntil(
        [&] {
            int done = 0;
            for (const auto& r : f.page->progress().rows()) {
                QString title = QString::fromStdString(r.title);
                if (!kKindStages.contains(title)) continue;
                if (r.state == StageState::Done) ++done;
                if (r.state == StageState::Running && !seenRunning.contains(title)) seenRunning << title;
                if (r.state == StageState::Done && !doneOrder.contains(title)) doneOrder << title;
            }
            if (f.page->busy()) doneCounts.insert(done);
            if (f.page->busy() && f.find<QPlainTextEdit>("clusterLog")->toPlainText().contains("Installing CNI"))
                sawLiveLog = true;
            return !f.page->busy();
        },
        30000));
    INFO(f.find<QLabel>("errorBanner")->text().toStdString());
    REQUIRE(f.page->progress().outcome() == app::OperationOutcome::Succeeded);
    CHECK(doneOrder == kKindStages);
    CHECK(seenRunning.size() >= 5);
    f.snapshot("created-progress");  // the list was updated while kind worked, not only at the end
    CHECK(sawLiveLog);

    // Every kind stage took at least the pause between its two lines; the list shows ✓ and the time.
    auto* list = f.find<QTreeWidget>("stageList");
    const auto& rows = f.page->progress().rows();
    REQUIRE(list->topLevelItemCount() == static_cast<int>(rows.size()));
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        const auto& r = rows[static_cast<size_t>(i)];
        INFO(r.title);
        CHECK(r.state == StageState::Done);
        CHECK(list->topLevelItem(i)->text(0) == QStringLiteral("\u2713"));
        CHECK(list->topLevelItem(i)->text(3).endsWith(" s"));
        if (kKindStages.contains(QString::fromStdString(r.title))) CHECK(r.elapsed.count() >= 50);
    }
    // The harness steps after kind, in the order the lifecycle runs them.
    QStringList titles = f.rowTitles();
    CHECK(titles.first() == "Check the host");
    CHECK(titles.indexOf("Connect to the API server") > titles.indexOf("Joining worker nodes"));
    CHECK(titles.indexOf("Nodes Ready") > titles.indexOf("Connect to the API server"));
    CHECK(titles.indexOf("Set up GPU nodes") > titles.indexOf("Nodes Ready"));
    CHECK(titles.indexOf("Install addon") > titles.indexOf("Set up GPU nodes"));
    CHECK(f.find<QLabel>("totalElapsed")->text().startsWith("Total "));
    CHECK(f.page->progress().totalElapsed(std::chrono::steady_clock::now()).count() >= 60 * 14);

    // The Nodes tab: four nodes, the two GPU workers with the simulator's capacity and the profile's taint.
    CHECK(f.find<QTabWidget>("clusterTabs")->currentIndex() == 2);
    auto* nodes = f.find<QTableWidget>("nodesTable");
    REQUIRE(nodes->rowCount() == 4);
    int gpuRows = 0;
    for (int r = 0; r < nodes->rowCount(); ++r) {
        QString name = nodes->item(r, 0)->text();
        INFO(name.toStdString());
        CHECK(nodes->item(r, 2)->text() == "Ready");
        if (name == QString::fromStdString(lab02("worker")) || name == QString::fromStdString(lab02("worker2"))) {
            ++gpuRows;
            CHECK(nodes->item(r, 1)->text() == "worker");
            CHECK(nodes->item(r, 3)->text() == "nvidia.com/gpu=present:NoSchedule");
            CHECK(nodes->item(r, 4)->text() == "4");
            CHECK(nodes->item(r, 5)->text() == "4");
            CHECK(nodes->item(r, 6)->text() == QStringLiteral("\u2014"));
            CHECK(nodes->item(r, 7)->text() == "NVIDIA-A100-SXM4-40GB");
        } else {
            CHECK(nodes->item(r, 1)->text() == (name.endsWith("-control-plane") ? "control-plane" : "worker"));
            CHECK(nodes->item(r, 3)->text() == QStringLiteral("\u2014"));
            CHECK(nodes->item(r, 4)->text() == QStringLiteral("\u2014"));
        }
    }
    CHECK(gpuRows == 2);
    CHECK(f.find<QLabel>("clusterGpuMode")->text() == "GPU mode: simulated");
    // The Warning event comes with the read that follows the create.
    auto* events = f.find<QTableWidget>("eventsTable");
    REQUIRE(waitUntil([&] { return events->rowCount() == 1; }));
    f.snapshot("created-nodes");
    CHECK(events->item(0, 1)->text() == "Pod/default/trainer");
    CHECK(events->item(0, 2)->text() == "FailedScheduling");
    CHECK(events->item(0, 3)->text() == "3");
    CHECK(f.find<QPushButton>("deleteButton")->isEnabled());
    CHECK(f.fakes.kind.clusters() == std::vector<std::string>{"lab-02-gpu-sim"});
}

TEST_CASE("cancel during a create stops kind, shows the stage cancelled and deletes the partial cluster", "[app][cluster]") {
    PageFixture f;
    // kind gets through two stages, starts the control plane and hangs there.
    std::string partial = "Creating cluster \"lab-01\" ...\n"
                          " \xE2\x80\xA2 Ensuring node image (kindest/node:v1.31.2)  ...\n"
                          " \xE2\x9C\x93 Ensuring node image (kindest/node:v1.31.2)\n"
                          " \xE2\x80\xA2 Preparing nodes  ...\n"
                          " \xE2\x9C\x93 Preparing nodes\n"
                          " \xE2\x80\xA2 Starting control-plane  ...\n";
    f.fakes.kind.createPrints({.stderrText = partial, .pauseSeconds = 0.02, .hang = true});
    f.open("lab-01");
    QTest::mouseClick(f.find<QPushButton>("createButton"), Qt::LeftButton);
    auto running = [&](const QString& title) {
        for (const auto& r : f.page->progress().rows())
            if (QString::fromStdString(r.title) == title && r.state == StageState::Running) return true;
        return false;
    };
    REQUIRE(waitUntil([&] { return running("Starting control plane"); }, 20000));
    f.snapshot("running");
    QTest::mouseClick(f.find<QPushButton>("cancelButton"), Qt::LeftButton);
    CHECK_FALSE(f.find<QPushButton>("cancelButton")->isEnabled());
    CHECK_THAT(f.find<QLabel>("operationTitle")->text().toStdString(), Catch::Contains("Cancelling lab-01"));
    REQUIRE(waitUntil([&] { return !f.page->busy(); }, 20000));

    CHECK(f.page->progress().outcome() == app::OperationOutcome::Cancelled);
    std::map<QString, StageState> states;
    for (const auto& r : f.page->progress().rows()) states[QString::fromStdString(r.title)] = r.state;
    CHECK(states["Ensuring node image"] == StageState::Done);
    CHECK(states["Preparing nodes"] == StageState::Done);
    CHECK(states["Starting control plane"] == StageState::Cancelled);
    CHECK(states.count("Connect to the API server") == 0);
    CHECK(f.find<QLabel>("operationTitle")->text() == "Create of lab-01 cancelled");
    auto* banner = f.find<QLabel>("errorBanner");
    CHECK(banner->isVisibleTo(f.page.get()));
    CHECK_THAT(banner->text().toStdString(), Catch::Contains("the partly created cluster was deleted"));
    CHECK(f.fakes.kind.rules().callsStartingWith({"delete", "cluster", "--name", "lab-01"}).size() == 1);
    CHECK(f.fakes.kind.clusters().empty());
    CHECK_FALSE(f.find<QPushButton>("cancelButton")->isVisibleTo(f.page.get()));
    CHECK(f.find<QPushButton>("createButton")->isEnabled());
}

TEST_CASE("a failing create shows the stage that failed and kind's last lines", "[app][cluster]") {
    PageFixture f;
    f.fakes.kind.createPrints({.stderrText = kindCreateStderr("lab-01", 4), .pauseSeconds = 0.01, .exitCode = 1});
    f.open("lab-01");
    QTest::mouseClick(f.find<QPushButton>("createButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return !f.page->busy(); }, 20000));

    CHECK(f.page->progress().outcome() == app::OperationOutcome::Failed);
    f.snapshot("failed");
    const auto* failed = f.page->progress().failedRow();
    REQUIRE(failed);
    CHECK(failed->title == "Installing CNI");
    auto* list = f.find<QTreeWidget>("stageList");
    bool crossShown = false;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->text(1) == "Installing CNI") crossShown = list->topLevelItem(i)->text(0) == QStringLiteral("\u2717");
    CHECK(crossShown);
    CHECK(f.find<QLabel>("operationTitle")->text() == QStringLiteral("Create failed at \u201cInstalling CNI\u201d"));
    std::string banner = f.find<QLabel>("errorBanner")->text().toStdString();
    CHECK_THAT(banner, Catch::Contains("failed at stage &quot;installing CNI&quot;"));
    CHECK_THAT(banner, Catch::Contains("ERROR: failed to create cluster: stage 4 broke"));
    CHECK_THAT(banner, Catch::Contains("detail line for stage 4"));
    CHECK_THAT(banner, Catch::Contains("the partly created cluster was deleted"));
    // Stages after the failure never started.
    CHECK_FALSE(f.rowTitles().contains("Installing storage class"));
    CHECK_FALSE(f.rowTitles().contains("Connect to the API server"));
    CHECK(f.find<QPlainTextEdit>("clusterLog")->toPlainText().contains("Command Output: detail line for stage 4"));
    CHECK(f.fakes.kind.rules().callsStartingWith({"delete", "cluster", "--name", "lab-01"}).size() == 1);
}

TEST_CASE("with no docker the preflight shows the install fix to copy and Create stays disabled with the reason", "[app][cluster]") {
    PageFixture f;
    f.app->context->settings.dockerPath = QString::fromStdString(f.fakes.dir.path() + "/bin/no-such-docker");
    f.open("lab-01");
    auto* row = f.page->findChild<QWidget*>("preflight-docker");
    REQUIRE(row);
    auto* fix = row->findChild<QLineEdit*>("fix");
    REQUIRE(fix);
    CHECK_THAT(fix->text().toStdString(), Catch::Contains("https://docs.docker.com/engine/install/"));
    CHECK_THAT(row->findChild<QLabel*>("detail")->text().toStdString(), Catch::Contains("docker is not installed"));
    QTest::mouseClick(row->findChild<QToolButton*>("copyFix"), Qt::LeftButton);
    CHECK(QApplication::clipboard()->text() == fix->text());
    f.snapshot("no-docker");
    // kind passed: its row has no fix.
    auto* kindRow = f.page->findChild<QWidget*>("preflight-kind");
    REQUIRE(kindRow);
    CHECK_FALSE(kindRow->findChild<QLineEdit*>("fix"));

    auto* create = f.find<QPushButton>("createButton");
    CHECK_FALSE(create->isEnabled());
    CHECK_THAT(f.find<QLabel>("actionHint")->text().toStdString(), Catch::StartsWith("Create needs Docker: docker is not installed"));
    CHECK_THAT(f.find<QLabel>("preflightSummary")->text().toStdString(), Catch::Contains("1 check failed"));
    QTest::mouseClick(create, Qt::LeftButton);
    CHECK_FALSE(f.page->busy());
    CHECK(f.fakes.kind.rules().callsStartingWith({"create"}).empty());
}

TEST_CASE("delete removes the cluster with a staged row and the nodes table returns to its empty state", "[app][cluster]") {
    PageFixture f;
    auto api = ApiDouble::start();
    for (const char* n : {"lab-01-control-plane", "lab-01-worker", "lab-01-worker2"}) api->create(kindNodeObject(n));
    f.fakes.serve("lab-01", *api);
    f.fakes.dir.write("kind-clusters", "lab-01\n");
    f.open("lab-01");
    REQUIRE(f.find<QTableWidget>("nodesTable")->rowCount() == 3);
    CHECK(f.find<QLabel>("clusterGpuMode")->text() == "GPU mode: none");
    auto* remove = f.find<QPushButton>("deleteButton");
    REQUIRE(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    REQUIRE(waitUntil([&] { return !f.page->busy(); }, 20000));
    CHECK(f.page->progress().outcome() == app::OperationOutcome::Succeeded);
    REQUIRE(f.page->progress().rows().size() == 1);
    CHECK(f.page->progress().rows()[0].title == "Delete kind cluster lab-01");
    CHECK(f.page->progress().rows()[0].state == StageState::Done);
    CHECK(f.fakes.kind.clusters().empty());
    REQUIRE(waitUntil([&] { return f.page->snapshotDone(); }));
    CHECK(f.find<QTableWidget>("nodesTable")->rowCount() == 0);
    CHECK_THAT(f.find<QLabel>("nodesState")->text().toStdString(), Catch::Contains("No cluster yet"));
    CHECK_FALSE(remove->isEnabled());
}

TEST_CASE("closing the page during a create drops its callbacks and still cleans the cluster up", "[app][cluster]") {
    PageFixture f;
    f.fakes.kind.createPrints({.stderrText = kindCreateStderr("lab-01"), .pauseSeconds = 0.05, .hang = true});
    f.open("lab-01");
    QTest::mouseClick(f.find<QPushButton>("createButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return f.page->progress().rows().size() >= 3; }, 20000));
    f.page.reset();  // progress is still streaming from the worker
    QTest::qWait(200);
    REQUIRE(f.app->context->work->waitForIdle(20000));
    QCoreApplication::processEvents();
    // The page's destructor cancelled the create: kind was stopped and the partial cluster deleted.
    CHECK(f.fakes.kind.rules().callsStartingWith({"delete", "cluster", "--name", "lab-01"}).size() == 1);
    CHECK(f.fakes.kind.clusters().empty());
}
