// The find bar over the lecture reader (Ctrl+F): a search field, "3 of 17", previous/next and close. Enter and F3
// go to the next match, Shift+Enter and Shift+F3 to the previous one, Escape closes the bar.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace kc::app {

class LectureFindBar : public QWidget {
    Q_OBJECT
public:
    explicit LectureFindBar(QWidget* parent = nullptr);

    QLineEdit* field() const { return field_; }
    QLabel* countLabel() const { return count_; }
    QToolButton* nextButton() const { return next_; }
    QToolButton* previousButton() const { return previous_; }
    // Shows the bar, focused, with the field's text selected so typing replaces it.
    void open();
    // Shows "3 of 17", "No matches" or nothing (empty field).
    void showCount(int current, int count);

signals:
    void searchChanged(const QString& text);
    void nextRequested();
    void previousRequested();
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* field_ = nullptr;
    QLabel* count_ = nullptr;
    QToolButton* previous_ = nullptr;
    QToolButton* next_ = nullptr;
    QToolButton* close_ = nullptr;
};

}  // namespace kc::app
