// The Lectures page: the course's lecture notes in a list (read ones ticked), the reader with code highlighted and
// copyable, a table of contents, find-in-lecture (Ctrl+F) and "Mark as read", saved at once in progress.db. Links
// in a lecture open other lectures, the Labs and Quiz pages, or the browser for the web.
#pragma once

#include <QTimer>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/lecture_catalog.h"
#include "app/page.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QUrl;

namespace kc::app {

class LectureFindBar;
class LectureReader;

class LecturesPage : public Page {
    Q_OBJECT
public:
    explicit LecturesPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("lectures"); }
    QString title() const override { return tr("Lectures"); }
    void activated() override;
    // "03-statefulsets-and-storage" or "03-statefulsets-and-storage#csi-drivers" (a "03" prefix is enough).
    void openItem(const QString& item) override;

    // Opens a lecture by id, then scrolls to `anchor` (a heading's slug) when given; false when no such lecture.
    bool openLecture(const QString& id, const QString& anchor = {});
    QString currentLectureId() const { return QString::fromStdString(currentId_); }
    // What a click on `href` in the reader does (public so tests follow links without pixel hunting).
    void followLink(const QUrl& href);

    LectureReader* reader() const { return reader_; }
    LectureFindBar* findBar() const { return findBar_; }
    QListWidget* lectureList() const { return list_; }
    QTreeWidget* tableOfContents() const { return toc_; }
    QPushButton* markReadButton() const { return readButton_; }
    QLabel* titleLabel() const { return title_; }
    QLabel* progressLabel() const { return progressLabel_; }
    QLabel* errorLabel() const { return error_; }

private:
    void loadCatalog();
    void refreshReadState();
    void fillTableOfContents();
    void setRead(bool read);
    // Selects the contents entry of the section at the top of the reader.
    void followReadingInContents();
    void saveReadPosition();
    void showError(const QString& text);
    const LectureInfo* lecture(const std::string& id) const;

    std::vector<LectureInfo> lectures_;
    std::map<std::string, std::string> labAnchors_;
    std::set<std::string> questionIds_;  // the quiz bank's ids, linked where a lecture mentions them
    std::string currentId_;
    QListWidget* list_ = nullptr;
    QTreeWidget* toc_ = nullptr;
    QLabel* progressLabel_ = nullptr;
    QProgressBar* progressBar_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* meta_ = nullptr;
    QLabel* error_ = nullptr;
    QPushButton* readButton_ = nullptr;
    QPushButton* findButton_ = nullptr;
    LectureFindBar* findBar_ = nullptr;
    LectureReader* reader_ = nullptr;
    QTimer positionTimer_;
};

}  // namespace kc::app
