// The Submit page: the student picks the lab and the folder with their work, sees exactly which files will be sent
// (and what blocks them), and commits and pushes them to the course remote in the background. Past pushes are
// listed with commit, time and remote. The git work itself is in app/submit_*.h.
#pragma once

#include <memory>
#include <optional>

#include "app/page.h"
#include "app/submit_plan.h"
#include "clusters/cancellation.h"

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace kc::app {

struct SubmitOutcome;

class SubmitPage : public Page {
    Q_OBJECT
public:
    explicit SubmitPage(AppContext& context, QWidget* parent = nullptr);
    ~SubmitPage() override;
    QString pageId() const override { return QStringLiteral("submit"); }
    QString title() const override { return tr("Submit"); }
    void activated() override;
    // A lab id ("lab-02") selects that lab.
    void openItem(const QString& item) override;

    // What "Choose folder…" does after the dialog; public so tests can skip the dialog.
    void setFolder(const QString& folder);
    // The bare repository the lab's submissions are committed to: <data folder>/submissions/<lab>.git.
    QString repositoryFor(const QString& labId) const;

private:
    void buildUi();
    void chooseFolder();
    void labChanged();
    void refreshPrerequisites();
    void refreshPreview();
    void showPlan(const std::optional<SubmitPlan>& plan, const QString& error);
    void refreshHistory();
    void submit();
    void submitOnTopOfRemote();
    // The UI end of both pushes: history, status and errors; a run the page cancelled only adds to the history.
    void finishSubmission(int generation, SubmitOutcome outcome, bool onTopOfRemote);
    void cancel();
    void setBusy(bool busy, const QString& text);
    void showError(const QString& text, bool offerOnTop);
    void clearError();
    void updateSubmitEnabled();
    QString currentLab() const;

    QComboBox* lab_ = nullptr;
    QLineEdit* folder_ = nullptr;
    QPushButton* browse_ = nullptr;
    QLabel* remote_ = nullptr;
    QLabel* author_ = nullptr;
    QPushButton* openSettings_ = nullptr;
    QLabel* summary_ = nullptr;
    QTreeWidget* files_ = nullptr;
    QLabel* problems_ = nullptr;
    QTreeWidget* history_ = nullptr;
    QFrame* errorBox_ = nullptr;
    QLabel* errorText_ = nullptr;
    QPushButton* onTop_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* submit_ = nullptr;

    QString submissionsRoot_;  // <data folder>/submissions, fixed for the session like progress.db
    std::optional<SubmitPlan> plan_;
    int previewGeneration_ = 0;
    QString previewedFolder_;  // the folder the shown plan (or the one being read) is for
    bool busy_ = false;
    bool statusIsHint_ = false;  // the status line shows why Submit is off, not a result
    int submitGeneration_ = 0;  // a cancelled push's result no longer drives the page
    std::shared_ptr<Cancellation> running_;
};

}  // namespace kc::app
