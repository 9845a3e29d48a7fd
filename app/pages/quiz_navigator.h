// The quiz navigator: one numbered cell per question showing whether it is answered, flagged or the current one;
// clicking a cell jumps to that question (Moodle's "Quiz navigation" block).
#pragma once

#include <QAbstractButton>
#include <QWidget>
#include <cstddef>
#include <vector>

class QGridLayout;
class QLabel;

namespace kc::app {

class QuizNavigatorCell : public QAbstractButton {
    Q_OBJECT
public:
    QuizNavigatorCell(int number, QWidget* parent);
    void setState(bool answered, bool flagged, bool current);
    bool answered() const { return answered_; }
    bool flagged() const { return flagged_; }
    bool current() const { return current_; }
    QSize sizeHint() const override { return {40, 40}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int number_;
    bool answered_ = false, flagged_ = false, current_ = false;
};

class QuizNavigator : public QWidget {
    Q_OBJECT
public:
    explicit QuizNavigator(QWidget* parent = nullptr);
    void setCount(std::size_t count);
    void setState(std::size_t index, bool answered, bool flagged, bool current);
    std::size_t count() const { return cells_.size(); }
    const QuizNavigatorCell* cell(std::size_t index) const { return cells_.at(index); }

signals:
    void jumpRequested(std::size_t index);

private:
    QGridLayout* grid_;
    std::vector<QuizNavigatorCell*> cells_;
};

}  // namespace kc::app
