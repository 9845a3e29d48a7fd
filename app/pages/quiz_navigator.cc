// The quiz navigator; see quiz_navigator.h.
#include "app/pages/quiz_navigator.h"

#include <QGridLayout>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionFocusRect>
#include <QStyle>

#include "app/pages/quiz_style.h"

namespace kc::app {

namespace {
constexpr int kColumns = 5;
}

QuizNavigatorCell::QuizNavigatorCell(int number, QWidget* parent) : QAbstractButton(parent), number_(number) {
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::PointingHandCursor);
    setAttribute(Qt::WA_Hover);
    setState(false, false, false);
}

void QuizNavigatorCell::setState(bool answered, bool flagged, bool current) {
    answered_ = answered;
    flagged_ = flagged;
    current_ = current;
    QString state = answered ? tr("answered") : tr("not yet answered");
    if (flagged) state += tr(", flagged");
    if (current) state += tr(", current");
    setAccessibleName(tr("Question %1: %2").arg(number_).arg(state));
    setToolTip(accessibleName());
    update();
}

void QuizNavigatorCell::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    QRectF box = QRectF(rect()).adjusted(2.5, 2.5, -2.5, -2.5);
    QColor fill = pal.color(QPalette::Base);
    QColor text = pal.color(QPalette::Text);
    if (answered_) {
        // A tint of the highlight: clearly "done" without shouting, in light and dark palettes alike.
        QColor h = pal.color(QPalette::Highlight);
        QColor b = pal.color(QPalette::Base);
        fill = QColor((h.red() * 45 + b.red() * 55) / 100, (h.green() * 45 + b.green() * 55) / 100,
                      (h.blue() * 45 + b.blue() * 55) / 100);
    }
    if (underMouse()) fill = fill.lightness() > 128 ? fill.darker(108) : fill.lighter(125);
    QPen border(current_ ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid), current_ ? 2.5 : 1.0);
    p.setPen(border);
    p.setBrush(fill);
    p.drawRoundedRect(box, 5, 5);
    if (flagged_) {
        // A corner triangle in the warning colour, the usual flag mark.
        QPainterPath corner;
        const double s = box.width() * 0.38;
        corner.moveTo(box.right() - s, box.top());
        corner.lineTo(box.right() - 4, box.top());
        corner.quadTo(box.right(), box.top(), box.right(), box.top() + 4);
        corner.lineTo(box.right(), box.top() + s);
        corner.closeSubpath();
        p.setPen(Qt::NoPen);
        p.setBrush(quizstyle::failColor(pal));
        p.drawPath(corner);
    }
    QFont f = font();
    f.setBold(current_);
    p.setFont(f);
    p.setPen(text);
    p.drawText(box, Qt::AlignCenter, QString::number(number_));
    if (hasFocus()) {
        QStyleOptionFocusRect option;
        option.initFrom(this);
        option.rect = rect().adjusted(1, 1, -1, -1);
        style()->drawPrimitive(QStyle::PE_FrameFocusRect, &option, &p, this);
    }
}

QuizNavigator::QuizNavigator(QWidget* parent) : QWidget(parent), grid_(new QGridLayout(this)) {
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setSpacing(4);
    setAccessibleName(tr("Quiz navigation"));
}

void QuizNavigator::setCount(std::size_t count) {
    for (auto* cell : cells_) delete cell;
    cells_.clear();
    for (std::size_t i = 0; i < count; ++i) {
        auto* cell = new QuizNavigatorCell(static_cast<int>(i + 1), this);
        cell->setObjectName(QStringLiteral("quizNavCell%1").arg(i + 1));
        grid_->addWidget(cell, static_cast<int>(i / kColumns), static_cast<int>(i % kColumns));
        connect(cell, &QAbstractButton::clicked, this, [this, i] { emit jumpRequested(i); });
        cells_.push_back(cell);
    }
}

void QuizNavigator::setState(std::size_t index, bool answered, bool flagged, bool current) {
    if (index < cells_.size()) cells_[index]->setState(answered, flagged, current);
}

}  // namespace kc::app
