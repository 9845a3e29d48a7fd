// The Home page: where the student stands and where to go next. Lectures read (of 9), each lab's score and next
// step from its newest check run, the best finished module quiz against the 80% pass mark, which kind clusters
// exist, and "Continue where you left off". Everything on it navigates to the page that acts on it.
#pragma once

#include <QString>
#include <map>
#include <memory>
#include <string>

#include "app/lecture_catalog.h"
#include "app/page.h"
#include "clusters/cancellation.h"

class QAbstractButton;
class QGridLayout;
class QToolButton;
class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace kc::app {

class HomePage : public Page {
    Q_OBJECT
public:
    explicit HomePage(AppContext& context, QWidget* parent = nullptr);
    ~HomePage() override;
    QString pageId() const override { return QStringLiteral("home"); }
    QString title() const override { return tr("Home"); }
    // Re-reads progress.db and asks kind again: other pages may have changed what Home shows.
    void activated() override;

    // For tests and accessibility tools: what each card says.
    QLabel* lecturesLabel() const { return lecturesLabel_; }
    QProgressBar* lecturesBar() const { return lecturesBar_; }
    QPushButton* continueButton() const { return continueButton_; }
    QLabel* continueLabel() const { return continueLabel_; }
    QLabel* nextLectureLink() const { return nextLectureButton_; }
    QLabel* quizLabel() const { return quizLabel_; }
    QLabel* clusterLabel() const { return clusterHeadline_; }
    QLabel* clusterDetail() const { return clusterDetail_; }
    QLabel* labScoreLabel(const QString& labId) const;
    QLabel* labNextLabel(const QString& labId) const;
    QAbstractButton* labButton(const QString& labId) const;
    // True while `kind get clusters` or the quiz regrading is still running.
    bool busy() const { return clusterRunning_ || quizRunning_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();
    void refreshLectures();
    void refreshLabs();
    void refreshContinue();
    void refreshQuiz();
    void refreshCluster();

    struct LabRow {
        QToolButton* title = nullptr;
        QLabel* score = nullptr;
        QLabel* next = nullptr;
    };

    // Read once: the notes do not change while the app runs, and Home is shown often.
    Result<std::vector<LectureInfo>> lectures_;
    QLabel* greeting_ = nullptr;
    QLabel* continueLabel_ = nullptr;
    QPushButton* continueButton_ = nullptr;
    QString continuePage_;
    QString continueItem_;
    QLabel* lecturesLabel_ = nullptr;
    QProgressBar* lecturesBar_ = nullptr;
    QLabel* nextLectureButton_ = nullptr;  // a link: "Next: Lecture 4 — ..."
    QString nextLectureId_;
    QGridLayout* labsGrid_ = nullptr;
    std::map<QString, LabRow> labRows_;
    QLabel* quizLabel_ = nullptr;
    QLabel* quizDetail_ = nullptr;
    QLabel* clusterHeadline_ = nullptr;
    QLabel* clusterDetail_ = nullptr;
    QPushButton* clusterButton_ = nullptr;
    bool clusterRunning_ = false;
    bool quizRunning_ = false;
    std::shared_ptr<Cancellation> clusterCancel_;
    std::shared_ptr<Cancellation> quizCancel_;
};

}  // namespace kc::app
