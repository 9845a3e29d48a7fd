// Find bar for the lecture reader.
#include "app/pages/lectures_find_bar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace kc::app {

LectureFindBar::LectureFindBar(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);
    layout->setSpacing(6);
    auto* label = new QLabel(tr("Fi&nd:"), this);
    field_ = new QLineEdit(this);
    field_->setPlaceholderText(tr("Search this lecture"));
    field_->setClearButtonEnabled(true);
    field_->setAccessibleName(tr("Search this lecture"));
    field_->setMaximumWidth(340);
    label->setBuddy(field_);
    count_ = new QLabel(this);
    count_->setMinimumWidth(90);
    count_->setAccessibleName(tr("Matches"));
    auto makeButton = [this](QStyle::StandardPixmap icon, const QString& fallbackTheme, const QString& text,
                             const QString& tip) {
        auto* button = new QToolButton(this);
        button->setIcon(QIcon::fromTheme(fallbackTheme, style()->standardIcon(icon)));
        button->setText(text);
        button->setToolTip(tip);
        button->setAccessibleName(text);
        button->setAutoRaise(true);
        return button;
    };
    previous_ = makeButton(QStyle::SP_ArrowUp, QStringLiteral("go-up"), tr("Previous match"),
                           tr("Previous match (Shift+Enter, Shift+F3)"));
    next_ = makeButton(QStyle::SP_ArrowDown, QStringLiteral("go-down"), tr("Next match"), tr("Next match (Enter, F3)"));
    close_ = makeButton(QStyle::SP_DialogCloseButton, QStringLiteral("window-close"), tr("Close find"),
                        tr("Close (Escape)"));
    layout->addWidget(label);
    layout->addWidget(field_, 1);
    layout->addWidget(count_);
    layout->addWidget(previous_);
    layout->addWidget(next_);
    layout->addStretch();
    layout->addWidget(close_);

    connect(field_, &QLineEdit::textChanged, this, &LectureFindBar::searchChanged);
    connect(next_, &QToolButton::clicked, this, &LectureFindBar::nextRequested);
    connect(previous_, &QToolButton::clicked, this, &LectureFindBar::previousRequested);
    connect(close_, &QToolButton::clicked, this, [this] {
        hide();
        emit closed();
    });
    field_->installEventFilter(this);
    showCount(-1, 0);
}

void LectureFindBar::open() {
    show();
    field_->setFocus(Qt::ShortcutFocusReason);
    field_->selectAll();
}

void LectureFindBar::showCount(int current, int count) {
    if (field_->text().isEmpty()) count_->clear();
    else if (count == 0) count_->setText(tr("No matches"));
    else count_->setText(tr("%1 of %2").arg(current + 1).arg(count));
    previous_->setEnabled(count > 0);
    next_->setEnabled(count > 0);
}

bool LectureFindBar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == field_ && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool shift = key->modifiers().testFlag(Qt::ShiftModifier);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter || key->key() == Qt::Key_F3) {
            if (shift) emit previousRequested();
            else emit nextRequested();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            hide();
            emit closed();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace kc::app
