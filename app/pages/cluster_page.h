// The Cluster page: the course's cluster profiles, a host preflight with fixes, create and delete with kind's
// stages, elapsed times, cancel and the live log, then the cluster's nodes (role, Ready, taints, GPUs), its GPU
// mode and recent Warning events. All cluster work runs on BackgroundWork; the page only shows what it reports.
#pragma once

#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <chrono>
#include <memory>
#include <vector>

#include "app/page.h"
#include "clusters/cancellation.h"

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTreeWidget;
class QVBoxLayout;

namespace kc::app {

// The page's cluster types live in headers that must be included before Qt's (kind_progress.h has a member
// named emit), so the page holds them behind a forward-declared state.
class ClusterOperations;
class OperationProgress;
struct OperationUpdate;
struct ProfileEntry;
enum class OperationOutcome;

class ClusterPage : public Page {
    Q_OBJECT
public:
    explicit ClusterPage(AppContext& context, QWidget* parent = nullptr);
    ~ClusterPage() override;
    QString pageId() const override { return QStringLiteral("cluster"); }
    QString title() const override { return tr("Cluster"); }
    void activated() override;
    // A profile id ("lab-02-gpu-sim"): selects it.
    void openItem(const QString& item) override;

    // For tests and scripted use: whether a create or delete is running, the progress shown, the profile chosen.
    bool busy() const { return operation_ != Operation::None; }
    const OperationProgress& progress() const;
    QString selectedProfileId() const;
    bool profilesLoaded() const { return profilesLoaded_; }
    bool preflightDone() const;
    bool snapshotDone() const;
    // Delete asks for confirmation unless this is off (tests).
    void setConfirmDelete(bool confirm) { confirmDelete_ = confirm; }

public slots:
    void checkHost();
    void createCluster();
    void deleteCluster();
    void cancelOperation();
    void refreshCluster();

private:
    enum class Operation { None, Create, Delete };

    void buildUi();
    QWidget* buildPreflightTab();
    QWidget* buildProgressTab();
    QWidget* buildNodesTab();
    std::shared_ptr<const ClusterOperations> operations();
    const ProfileEntry* currentEntry() const;

    void loadProfiles();
    void showProfiles(std::vector<ProfileEntry> entries);
    void profileChosen();
    void showProfileHeader();
    void showPreflight();
    void showSnapshot();
    void showProgress();
    void applyUpdate(const OperationUpdate& update);
    void operationFinished(OperationOutcome outcome, const QString& message);
    void updateActions();
    void tick();
    void flushLog();

    std::chrono::steady_clock::time_point now();

    struct State;
    std::unique_ptr<State> state_;
    bool profilesLoaded_ = false;
    bool preflightRunning_ = false;
    QString snapshotError_;
    bool snapshotRunning_ = false;
    // Results of checks started for another profile are dropped when they come back.
    int generation_ = 0;

    Operation operation_ = Operation::None;
    QString operationProfile_;
    std::shared_ptr<Cancellation> cancel_;
    QStringList pendingLog_;
    QSet<QString> kindStreaming_;  // clusters whose kind create is streaming its own stage lines
    bool confirmDelete_ = true;
    int spinnerFrame_ = 0;

    QListWidget* profileList_ = nullptr;
    QLabel* profileTitle_ = nullptr;
    QLabel* profileDescription_ = nullptr;
    QLabel* gpuBadge_ = nullptr;
    QLabel* nodesBadge_ = nullptr;
    QLabel* estimateLabel_ = nullptr;
    QPushButton* checkButton_ = nullptr;
    QPushButton* createButton_ = nullptr;
    QPushButton* deleteButton_ = nullptr;
    QLabel* actionHint_ = nullptr;
    QTabWidget* tabs_ = nullptr;

    QLabel* preflightSummary_ = nullptr;
    QWidget* preflightRows_ = nullptr;
    QVBoxLayout* preflightRowsLayout_ = nullptr;

    QLabel* operationTitle_ = nullptr;
    QLabel* totalElapsed_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QTreeWidget* stageList_ = nullptr;
    QLabel* errorBanner_ = nullptr;
    QPlainTextEdit* log_ = nullptr;

    QLabel* clusterGpuMode_ = nullptr;
    QLabel* nodesState_ = nullptr;
    QPushButton* refreshButton_ = nullptr;
    QTableWidget* nodesTable_ = nullptr;
    QLabel* eventsState_ = nullptr;
    QTableWidget* eventsTable_ = nullptr;

    QTimer ticker_;
};

}  // namespace kc::app
