// One quiz question; see quiz_question_view.h.
#include "app/pages/quiz_question_view.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QRadioButton>
#include <QVBoxLayout>

#include "app/pages/quiz_style.h"

namespace kc::app {

QuizQuestionView::QuizQuestionView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    auto* top = new QHBoxLayout;
    heading_ = quizstyle::scaledLabel({}, this, 1.25, true);
    heading_->setObjectName(QStringLiteral("quizQuestionHeading"));
    flagBadge_ = new QLabel(tr("⚑ Flagged"), this);
    flagBadge_->setObjectName(QStringLiteral("quizFlagBadge"));
    flagBadge_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;")
                                  .arg(quizstyle::colorCss(quizstyle::failColor(palette()))));
    top->addWidget(heading_);
    top->addSpacing(12);
    top->addWidget(flagBadge_);
    top->addStretch(1);
    layout->addLayout(top);
    meta_ = quizstyle::mutedLabel({}, this);
    layout->addWidget(meta_);

    stem_ = quizstyle::scaledLabel({}, this, 1.12, false);
    stem_->setObjectName(QStringLiteral("quizStem"));
    stem_->setWordWrap(true);
    stem_->setTextFormat(Qt::PlainText);
    stem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addSpacing(6);
    layout->addWidget(stem_);

    instruction_ = quizstyle::mutedLabel({}, this);
    instruction_->setObjectName(QStringLiteral("quizInstruction"));
    layout->addSpacing(4);
    layout->addWidget(instruction_);

    optionsBox_ = new QWidget(this);
    optionsLayout_ = new QVBoxLayout(optionsBox_);
    optionsLayout_->setContentsMargins(0, 4, 0, 0);
    optionsLayout_->setSpacing(8);
    layout->addWidget(optionsBox_);
    group_ = new QButtonGroup(this);

    answerEdit_ = new QLineEdit(this);
    answerEdit_->setObjectName(QStringLiteral("quizAnswerText"));
    answerEdit_->setAccessibleName(tr("Your answer"));
    answerEdit_->setMaxLength(500);
    answerEdit_->setClearButtonEnabled(true);
    answerEdit_->setMinimumWidth(360);
    answerEdit_->setMaximumWidth(640);
    layout->addWidget(answerEdit_);
    connect(answerEdit_, &QLineEdit::textEdited, this, &QuizQuestionView::textEdited);
    connect(answerEdit_, &QLineEdit::editingFinished, this, &QuizQuestionView::textFinished);
    layout->addStretch(1);
}

void QuizQuestionView::clearOptions() {
    for (auto* b : optionButtons_) group_->removeButton(b);
    optionButtons_.clear();
    optionIds_.clear();
    while (auto* item = optionsLayout_->takeAt(0)) {
        if (auto* w = item->widget()) {
            // Out of the tree at once (the new question's buttons reuse the names), deleted when control returns.
            w->hide();
            w->setParent(nullptr);
            w->deleteLater();
        }
        delete item;
    }
}

void QuizQuestionView::showQuestion(std::size_t number, std::size_t count, const quiz::Question& question,
                                    const std::vector<quiz::Option>& options,
                                    const std::optional<quiz::Response>& response, const QString& topicTitle,
                                    bool flagged) {
    clearOptions();
    heading_->setText(tr("Question %1 of %2").arg(number).arg(count));
    meta_->setText(topicTitle);
    setFlagged(flagged);
    stem_->setText(QString::fromStdString(question.stem));
    textMode_ = question.type == quiz::QuestionType::Short || question.type == quiz::QuestionType::Numeric;
    switch (question.type) {
        case quiz::QuestionType::Single:
            instruction_->setText(tr("Choose one answer. Keys 1–%1 pick an option.").arg(options.size()));
            break;
        case quiz::QuestionType::Multiple:
            instruction_->setText(tr("Choose every answer that applies; each option counts as right or wrong, so a "
                                     "wrong tick costs marks. Keys 1–%1 tick an option.")
                                      .arg(options.size()));
            break;
        case quiz::QuestionType::Short:
            instruction_->setText(tr("Type your answer. It is saved when you leave the field or pause typing."));
            break;
        case quiz::QuestionType::Numeric:
            instruction_->setText(tr("Enter a number, without units or thousands separators."));
            break;
    }
    group_->setExclusive(question.type == quiz::QuestionType::Single);
    int index = 0;
    for (const auto& option : options) {
        auto* row = new QWidget(optionsBox_);
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->setSpacing(8);
        QAbstractButton* button = question.type == quiz::QuestionType::Single
                                      ? static_cast<QAbstractButton*>(new QRadioButton(row))
                                      : static_cast<QAbstractButton*>(new QCheckBox(row));
        // The number doubles as the keyboard hint; the option text sits in a wrapping label beside it.
        button->setText(QStringLiteral("%1.").arg(index + 1));
        button->setObjectName(QStringLiteral("quizOption%1").arg(index + 1));
        button->setAccessibleName(QString::fromStdString(option.text));
        auto* text = new QLabel(QString::fromStdString(option.text), row);
        text->setWordWrap(true);
        text->setTextFormat(Qt::PlainText);
        text->setCursor(Qt::PointingHandCursor);
        text->installEventFilter(this);
        text->setProperty("optionIndex", index);
        rowLayout->addWidget(button, 0, Qt::AlignTop);
        rowLayout->addWidget(text, 1);
        optionsLayout_->addWidget(row);
        row->show();  // a layout shows a widget added to a visible parent only once the event loop runs
        group_->addButton(button, index);
        const bool chosen = response && std::find(response->chosenOptions.begin(), response->chosenOptions.end(),
                                                  option.id) != response->chosenOptions.end();
        button->setChecked(chosen);
        connect(button, &QAbstractButton::clicked, this, &QuizQuestionView::choiceChanged);
        optionButtons_.push_back(button);
        optionIds_.push_back(option.id);
        ++index;
    }
    optionsBox_->setVisible(!textMode_);
    answerEdit_->setVisible(textMode_);
    answerEdit_->setText(textMode_ && response ? QString::fromStdString(response->text) : QString());
    answerEdit_->setPlaceholderText(question.type == quiz::QuestionType::Numeric ? tr("A number, e.g. 8")
                                                                                 : tr("Your answer"));
}

void QuizQuestionView::setFlagged(bool flagged) { flagBadge_->setVisible(flagged); }

quiz::Response QuizQuestionView::currentResponse() const {
    quiz::Response response;
    if (textMode_) {
        response.text = answerEdit_->text().toStdString();
        return response;
    }
    for (std::size_t i = 0; i < optionButtons_.size(); ++i)
        if (optionButtons_[i]->isChecked()) response.chosenOptions.push_back(optionIds_[i]);
    return response;
}

void QuizQuestionView::pickOption(int index) {
    if (textMode_ || index < 0 || index >= static_cast<int>(optionButtons_.size())) return;
    optionButtons_[static_cast<std::size_t>(index)]->click();
    optionButtons_[static_cast<std::size_t>(index)]->setFocus(Qt::ShortcutFocusReason);
}

void QuizQuestionView::focusAnswer() {
    if (textMode_) answerEdit_->setFocus(Qt::OtherFocusReason);
    else if (!optionButtons_.empty()) {
        auto* checked = group_->checkedButton();
        (checked ? checked : optionButtons_.front())->setFocus(Qt::OtherFocusReason);
    }
}

void QuizQuestionView::clearAnswer() {
    if (textMode_) {
        answerEdit_->clear();
        return;
    }
    // An exclusive group keeps one radio button checked; lift that for a moment to clear it.
    const bool exclusive = group_->exclusive();
    group_->setExclusive(false);
    for (auto* b : optionButtons_) b->setChecked(false);
    group_->setExclusive(exclusive);
}

bool QuizQuestionView::eventFilter(QObject* watched, QEvent* event) {
    // Clicking an option's text works like clicking its button, as a label with a buddy would in a form.
    if (event->type() == QEvent::MouseButtonRelease) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        QVariant index = watched->property("optionIndex");
        if (mouse->button() == Qt::LeftButton && index.isValid()) {
            pickOption(index.toInt());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace kc::app
