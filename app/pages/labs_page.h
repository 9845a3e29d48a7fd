// The Labs page: the labs and exercises with their scores; for the chosen lab its walkthrough steps with status,
// the step's instructions, Check (that step's visible checks, in the background, cancellable), Check all (the lab
// score), tiered hints, the history of check runs, and grading a snapshot offline.
#pragma once

#include <QPointer>
#include <QString>
#include <map>
#include <memory>
#include <vector>

#include "app/lab_catalog.h"
#include "app/lab_check_runner.h"
#include "app/page.h"
#include "app/progress_store.h"
#include "clusters/cancellation.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QTabWidget;
class QTextBrowser;
class QTreeWidget;
class QVBoxLayout;
class QFrame;

namespace kc::app {

class LabsPage : public Page {
    Q_OBJECT
public:
    explicit LabsPage(AppContext& context, QWidget* parent = nullptr);
    ~LabsPage() override;
    QString pageId() const override { return QStringLiteral("labs"); }
    QString title() const override { return tr("Labs"); }
    void activated() override;
    // "lab-02" or "lab-02/step-3".
    void openItem(const QString& item) override;

    // Grades the chosen lab from a capture folder (what "Grade a snapshot..." does after its folder dialog).
    void gradeSnapshot(const QString& folder);
    bool checkRunning() const { return static_cast<bool>(running_); }
    // The folder the student does the chosen lab in (file steps read their deliverables from it); remembered per lab.
    void setLabFolder(const QString& folder);

private:
    void ensureLoaded();
    void fillLabList();
    void selectLab(int index);
    void selectStep(int index);
    void refreshStatus();  // step statuses, score, history: after a run or a reveal
    void showStepChecks();
    void showHistoryRun();
    void startCheck(const QString& scope, bool snapshot, const QString& folder);
    void finishCheck(int labIndex, const QString& scope, bool snapshot, const LabCheckOutcome& outcome);
    void cancelCheck();
    void setRunning(bool running);
    void revealNextHint(const std::string& checkId);
    void showProblem(const LabCheckProblem& problem);
    void chooseSnapshotFolder();
    QString labFolder();
    void showLabFolder();
    QFrame* makeCheckCard(const grader::Check& check, const grader::CheckResult* result, const QString& when,
                          bool withHints);
    void clearCards(QVBoxLayout* layout);

    const LabEntry* currentLab() const;
    const WalkthroughStep* currentStep() const;

    bool loaded_ = false;
    std::vector<LabEntry> labs_;
    std::vector<Profile> profiles_;
    int labIndex_ = -1;
    int stepIndex_ = -1;
    std::vector<LabCheckRun> runs_;          // the chosen lab's, newest first
    std::shared_ptr<Cancellation> running_;  // the check in flight's job cancellation (BackgroundWork::run)

    QListWidget* labList_ = nullptr;
    QListWidget* stepList_ = nullptr;
    QLabel* labTitle_ = nullptr;
    QLabel* scoreLabel_ = nullptr;
    QLabel* clusterLabel_ = nullptr;
    QLabel* folderLabel_ = nullptr;
    QPushButton* checkButton_ = nullptr;
    QPushButton* checkAllButton_ = nullptr;
    QPushButton* snapshotButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progressBar_ = nullptr;
    QLabel* progressLabel_ = nullptr;
    QTextBrowser* instructions_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QFrame* problemPanel_ = nullptr;
    QLabel* problemText_ = nullptr;
    QLabel* stepSummary_ = nullptr;
    QVBoxLayout* cardsLayout_ = nullptr;
    QTreeWidget* historyList_ = nullptr;
    QLabel* historyDetail_ = nullptr;
    QVBoxLayout* historyCards_ = nullptr;
};

}  // namespace kc::app
