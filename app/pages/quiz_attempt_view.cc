// A quiz attempt in progress; see quiz_attempt_view.h.
#include "app/pages/quiz_attempt_view.h"

#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QStackedWidget>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "app/pages/quiz_navigator.h"
#include "app/pages/quiz_question_view.h"
#include "app/pages/quiz_style.h"
#include "app/quiz_format.h"

namespace kc::app {

namespace {

QString kindTitle(quiz::AttemptKind kind) {
    return kind == quiz::AttemptKind::Module ? QObject::tr("Module quiz") : QObject::tr("Prerequisites self-check");
}

QString wallTime(std::chrono::system_clock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}

QString numbersText(const std::vector<std::size_t>& numbers) { return QString::fromStdString(joinNumbers(numbers)); }

}  // namespace

QuizAttemptView::QuizAttemptView(quiz::Attempt& attempt, std::map<int, QString> topicTitles, QWidget* parent)
    : QWidget(parent), attempt_(attempt), topicTitles_(std::move(topicTitles)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 18, 24, 18);
    layout->setSpacing(12);

    // Top bar: what is being taken, whether it is saved, and the time left.
    auto* bar = new QHBoxLayout;
    title_ = quizstyle::scaledLabel(kindTitle(attempt_.kind()), this, 1.45, true);
    saveState_ = new QLabel(this);
    saveState_->setObjectName(QStringLiteral("quizSaveState"));
    saveState_->setAccessibleName(tr("Autosave"));
    countdown_ = quizstyle::scaledLabel({}, this, 1.45, true);
    countdown_->setObjectName(QStringLiteral("quizCountdown"));
    countdown_->setMinimumWidth(countdown_->fontMetrics().horizontalAdvance(QStringLiteral("Time left 8:88:88")));
    countdown_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    bar->addWidget(title_);
    bar->addStretch(1);
    bar->addWidget(saveState_);
    bar->addSpacing(24);
    bar->addWidget(countdown_);
    layout->addLayout(bar);
    auto* line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);

    screens_ = new QStackedWidget(this);
    auto* questionScreen = new QWidget(screens_);
    auto* summaryScreen = new QWidget(screens_);
    buildQuestionScreen(questionScreen);
    buildSummaryScreen(summaryScreen);
    screens_->addWidget(questionScreen);
    screens_->addWidget(summaryScreen);
    layout->addWidget(screens_, 1);

    ticker_ = new QTimer(this);
    ticker_->setInterval(1000);
    connect(ticker_, &QTimer::timeout, this, &QuizAttemptView::tickNow);
    textSave_ = new QTimer(this);
    textSave_->setSingleShot(true);
    textSave_->setInterval(1200);
    connect(textSave_, &QTimer::timeout, this, &QuizAttemptView::commitPending);

    // Alt+Left / Alt+Right move between questions from anywhere in the window while the attempt is shown.
    auto* back = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Left), this);
    connect(back, &QShortcut::activated, this, [this] {
        if (screens_->currentIndex() == 0 && attempt_.current() > 0) goTo(attempt_.current() - 1);
    });
    auto* forward = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Right), this);
    connect(forward, &QShortcut::activated, this, [this] {
        if (screens_->currentIndex() == 0 && attempt_.current() + 1 < attempt_.size()) goTo(attempt_.current() + 1);
    });

    navigator_->setCount(attempt_.size());
    if (attempt_.record().answers.empty()) saveState_->setText(tr("Answers are saved as you go"));
    else setSaveState(tr("Saved %1").arg(wallTime(attempt_.record().savedAt)), false);
    showCurrent();
    updateCountdown();
    ticker_->start();
}

void QuizAttemptView::buildQuestionScreen(QWidget* screen) {
    auto* layout = new QHBoxLayout(screen);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(20);

    auto* left = new QVBoxLayout;
    auto* scroll = new QScrollArea(screen);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    question_ = new QuizQuestionView(scroll);
    question_->setContentsMargins(4, 4, 12, 4);
    scroll->setWidget(question_);
    left->addWidget(scroll, 1);

    auto* footer = new QHBoxLayout;
    previous_ = new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), tr("&Previous"), screen);
    previous_->setObjectName(QStringLiteral("quizPrevious"));
    previous_->setToolTip(tr("Previous question (Alt+Left)"));
    flag_ = new QPushButton(tr("&Flag for review"), screen);
    flag_->setObjectName(QStringLiteral("quizFlag"));
    flag_->setCheckable(true);
    flag_->setToolTip(tr("Mark this question to come back to; flags show in the navigator and before you submit"));
    clear_ = new QPushButton(tr("&Clear answer"), screen);
    clear_->setObjectName(QStringLiteral("quizClear"));
    next_ = new QPushButton(style()->standardIcon(QStyle::SP_ArrowForward), tr("&Next"), screen);
    next_->setObjectName(QStringLiteral("quizNext"));
    next_->setToolTip(tr("Next question (Alt+Right)"));
    next_->setLayoutDirection(Qt::RightToLeft);  // the arrow after the word
    next_->setDefault(true);
    footer->addWidget(previous_);
    footer->addSpacing(8);
    footer->addWidget(flag_);
    footer->addWidget(clear_);
    footer->addStretch(1);
    footer->addWidget(next_);
    left->addLayout(footer);
    layout->addLayout(left, 1);

    // Right: the navigator panel.
    auto* panel = new QFrame(screen);
    panel->setFrameShape(QFrame::StyledPanel);
    panel->setFixedWidth(252);
    auto* side = new QVBoxLayout(panel);
    side->setContentsMargins(14, 14, 14, 14);
    side->setSpacing(10);
    side->addWidget(quizstyle::scaledLabel(tr("Quiz navigation"), panel, 1.05, true));
    navigator_ = new QuizNavigator(panel);
    navigator_->setObjectName(QStringLiteral("quizNavigator"));
    side->addWidget(navigator_);
    auto* legend = quizstyle::mutedLabel(tr("Filled: answered · outlined: current · corner mark: flagged"), panel);
    side->addWidget(legend);
    progress_ = new QLabel(panel);
    progress_->setObjectName(QStringLiteral("quizProgress"));
    progress_->setWordWrap(true);
    side->addWidget(progress_);
    side->addStretch(1);
    finish_ = new QPushButton(tr("F&inish attempt…"), panel);
    finish_->setObjectName(QStringLiteral("quizFinish"));
    finish_->setToolTip(tr("Review what is unanswered or flagged, then submit"));
    side->addWidget(finish_);
    layout->addWidget(panel);

    connect(previous_, &QPushButton::clicked, this, [this] {
        if (attempt_.current() > 0) goTo(attempt_.current() - 1);
    });
    connect(next_, &QPushButton::clicked, this, [this] {
        if (attempt_.current() + 1 < attempt_.size()) goTo(attempt_.current() + 1);
        else showSummary();
    });
    connect(flag_, &QPushButton::clicked, this, &QuizAttemptView::toggleFlag);
    connect(clear_, &QPushButton::clicked, this, [this] {
        question_->clearAnswer();
        textSave_->stop();
        textDirty_ = false;
        saveResponse({});
    });
    connect(finish_, &QPushButton::clicked, this, &QuizAttemptView::showSummary);
    connect(navigator_, &QuizNavigator::jumpRequested, this, [this](std::size_t i) { goTo(i); });
    connect(question_, &QuizQuestionView::choiceChanged, this, [this] { saveResponse(question_->currentResponse()); });
    connect(question_, &QuizQuestionView::textEdited, this, [this] {
        textDirty_ = true;
        setSaveState(tr("Typing… saved when you pause"), false);
        textSave_->start();
    });
    connect(question_, &QuizQuestionView::textFinished, this, &QuizAttemptView::commitPending);
}

void QuizAttemptView::buildSummaryScreen(QWidget* screen) {
    auto* outer = new QHBoxLayout(screen);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* column = new QWidget(screen);
    column->setMaximumWidth(760);
    outer->addWidget(column, 1);
    outer->addStretch(0);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(quizstyle::scaledLabel(tr("Summary of attempt"), column, 1.25, true));
    summaryText_ = new QLabel(column);
    summaryText_->setObjectName(QStringLiteral("quizSummaryText"));
    summaryText_->setWordWrap(true);
    layout->addWidget(summaryText_);
    summaryTable_ = new QTableWidget(column);
    summaryTable_->setObjectName(QStringLiteral("quizSummaryTable"));
    summaryTable_->setColumnCount(3);
    summaryTable_->setHorizontalHeaderLabels({tr("Question"), tr("Status"), tr("Flag")});
    summaryTable_->verticalHeader()->setVisible(false);
    summaryTable_->verticalHeader()->setDefaultSectionSize(summaryTable_->fontMetrics().height() + 10);
    summaryTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    summaryTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    summaryTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    summaryTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    summaryTable_->setAlternatingRowColors(true);
    summaryTable_->setToolTip(tr("Double-click or press Enter on a row to go back to that question"));
    summaryTable_->setAccessibleName(tr("Questions and their status; activate a row to go back to it"));
    layout->addWidget(summaryTable_, 1);
    auto* note = quizstyle::mutedLabel(tr("The clock keeps running on this screen. Once submitted, answers can no "
                                          "longer change."),
                                       column);
    layout->addWidget(note);
    auto* buttons = new QHBoxLayout;
    auto* back = new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), tr("&Return to attempt"), column);
    back->setObjectName(QStringLiteral("quizReturn"));
    submit_ = new QPushButton(tr("&Submit all and finish"), column);
    submit_->setObjectName(QStringLiteral("quizSubmit"));
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(submit_);
    layout->addLayout(buttons);
    connect(back, &QPushButton::clicked, this, [this] { goTo(attempt_.current()); });
    connect(summaryTable_, &QTableWidget::cellActivated, this,
            [this](int row, int) { goTo(static_cast<std::size_t>(row)); });
    connect(summaryTable_, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { goTo(static_cast<std::size_t>(row)); });
    connect(submit_, &QPushButton::clicked, this, &QuizAttemptView::submit);
}

void QuizAttemptView::showCurrent() {
    const std::size_t i = attempt_.current();
    const auto& q = attempt_.question(i);
    auto topic = topicTitles_.find(q.topic);
    const QString topicText = topic != topicTitles_.end() ? topic->second
                                                          : QString::fromStdString(quiz::topicLabel(q.topic));
    question_->showQuestion(i + 1, attempt_.size(), q, attempt_.options(i), attempt_.response(i), topicText,
                            attempt_.flagged(i));
    flag_->setChecked(attempt_.flagged(i));
    flag_->setText(attempt_.flagged(i) ? tr("Remove &flag") : tr("&Flag for review"));
    previous_->setEnabled(i > 0);
    next_->setText(i + 1 < attempt_.size() ? tr("&Next") : tr("&Next: summary"));
    screens_->setCurrentIndex(0);
    refreshNavigator();
    question_->focusAnswer();
}

void QuizAttemptView::goTo(std::size_t index) {
    commitPending();
    if (ended_) return;
    if (!attempt_.goTo(index)) return;
    showCurrent();
}

void QuizAttemptView::commitPending() {
    textSave_->stop();
    if (!textDirty_ || ended_ || !question_->answerEdit()) return;
    auto response = question_->currentResponse();
    // Leaving an untouched empty field is not an answer; clearing a saved one is.
    if (!attempt_.response(attempt_.current()) && !hasAnswer(response)) {
        textDirty_ = false;
        return;
    }
    saveResponse(response);
}

void QuizAttemptView::saveResponse(const quiz::Response& response) {
    if (ended_) return;
    auto saved = attempt_.answer(attempt_.current(), response);
    if (!saved) {
        if (endedMeanwhile()) return;
        setSaveState(tr("Not saved: %1").arg(QString::fromStdString(saved.error().message)), true);
        return;
    }
    textDirty_ = false;
    setSaveState(tr("Saved %1").arg(wallTime(attempt_.record().savedAt)), false);
    refreshNavigator();
}

void QuizAttemptView::toggleFlag() {
    if (ended_) return;
    const std::size_t i = attempt_.current();
    const bool flag = !attempt_.flagged(i);
    auto saved = attempt_.setFlag(i, flag);
    if (!saved) {
        if (endedMeanwhile()) return;
        flag_->setChecked(attempt_.flagged(i));
        setSaveState(tr("Flag not saved: %1").arg(QString::fromStdString(saved.error().message)), true);
        return;
    }
    flag_->setChecked(flag);
    flag_->setText(flag ? tr("Remove &flag") : tr("&Flag for review"));
    question_->setFlagged(flag);
    setSaveState(tr("Saved %1").arg(wallTime(attempt_.record().savedAt)), false);
    refreshNavigator();
}

void QuizAttemptView::refreshNavigator() {
    std::vector<std::optional<quiz::Response>> responses;
    std::vector<bool> flags;
    for (std::size_t i = 0; i < attempt_.size(); ++i) {
        responses.push_back(attempt_.response(i));
        flags.push_back(attempt_.flagged(i));
        navigator_->setState(i, hasAnswer(responses.back()), flags.back(),
                             screens_->currentIndex() == 0 && i == attempt_.current());
    }
    const auto p = attemptProgress(responses, flags);
    progress_->setText(tr("%1 of %2 answered · %3 flagged").arg(p.answered()).arg(p.questions).arg(p.flagged.size()));
}

void QuizAttemptView::showSummary() {
    commitPending();
    if (ended_) return;
    std::vector<std::optional<quiz::Response>> responses;
    std::vector<bool> flags;
    for (std::size_t i = 0; i < attempt_.size(); ++i) {
        responses.push_back(attempt_.response(i));
        flags.push_back(attempt_.flagged(i));
    }
    const auto p = attemptProgress(responses, flags);
    QStringList lines;
    if (p.unanswered.empty()) lines << tr("All %1 questions are answered.").arg(p.questions);
    else
        lines << (p.unanswered.size() == 1 ? tr("1 question is not answered: %1.").arg(numbersText(p.unanswered))
                                           : tr("%1 questions are not answered: %2.")
                                                 .arg(p.unanswered.size())
                                                 .arg(numbersText(p.unanswered)));
    if (!p.flagged.empty())
        lines << (p.flagged.size() == 1 ? tr("1 question is still flagged: %1.").arg(numbersText(p.flagged))
                                        : tr("%1 questions are still flagged: %2.")
                                              .arg(p.flagged.size())
                                              .arg(numbersText(p.flagged)));
    summaryText_->setText(lines.join(QLatin1Char(' ')));
    summaryTable_->setRowCount(static_cast<int>(attempt_.size()));
    const QColor warn = quizstyle::warnColor(palette());
    for (std::size_t i = 0; i < attempt_.size(); ++i) {
        const int row = static_cast<int>(i);
        const bool answered = hasAnswer(responses[i]);
        summaryTable_->setItem(row, 0, new QTableWidgetItem(QString::number(i + 1)));
        auto* status = new QTableWidgetItem(answered ? tr("Answer saved") : tr("Not yet answered"));
        if (!answered) status->setForeground(warn);
        summaryTable_->setItem(row, 1, status);
        summaryTable_->setItem(row, 2, new QTableWidgetItem(flags[i] ? tr("⚑ Flagged") : QString()));
    }
    screens_->setCurrentIndex(1);
    refreshNavigator();
    submit_->setFocus(Qt::OtherFocusReason);
}

void QuizAttemptView::submit() {
    if (ended_) return;
    auto result = attempt_.submit();
    if (!result) {
        setSaveState(tr("Not submitted: %1").arg(QString::fromStdString(result.error().message)), true);
        return;
    }
    ended_ = true;
    ticker_->stop();
    emit finished();
}

bool QuizAttemptView::endedMeanwhile() {
    if (!attempt_.finished()) return false;
    ended_ = true;
    ticker_->stop();
    emit finished();
    return true;
}

void QuizAttemptView::tickNow() {
    if (ended_) return;
    auto state = attempt_.tick();
    if (!state) setSaveState(tr("Time left not saved: %1").arg(QString::fromStdString(state.error().message)), true);
    if (attempt_.finished()) {
        ended_ = true;
        ticker_->stop();
        emit finished();
        return;
    }
    updateCountdown();
}

void QuizAttemptView::updateCountdown() {
    const auto left = attempt_.remaining();
    countdown_->setText(tr("Time left %1").arg(QString::fromStdString(formatCountdown(left))));
    countdown_->setAccessibleName(tr("Time left: %1").arg(QString::fromStdString(formatCountdown(left))));
    const bool low = left < kQuizLowTime;
    countdown_->setProperty("lowTime", low);
    countdown_->setStyleSheet(low ? QStringLiteral("color: %1;").arg(quizstyle::colorCss(quizstyle::warnColor(palette())))
                                  : QString());
}

void QuizAttemptView::setSaveState(const QString& text, bool error) {
    saveState_->setText(error ? text : QStringLiteral("✓ ") + text);
    saveState_->setProperty("saveError", error);
    saveState_->setStyleSheet(error ? QStringLiteral("color: %1;").arg(quizstyle::colorCss(quizstyle::failColor(palette())))
                                    : QString());
    if (error) emit statusMessage(text);
}

void QuizAttemptView::keyPressEvent(QKeyEvent* event) {
    // Digits pick options while the question screen has focus and no text field took the key.
    const int key = event->key();
    if (screens_->currentIndex() == 0 && key >= Qt::Key_1 && key <= Qt::Key_9 &&
        (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
        question_->pickOption(key - Qt::Key_1);
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

}  // namespace kc::app
