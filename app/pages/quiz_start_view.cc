// The Quiz page's overview; see quiz_start_view.h.
#include "app/pages/quiz_start_view.h"

#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/pages/quiz_style.h"
#include "app/quiz_format.h"
#include "quiz/attempt_timer.h"
#include "quiz/quiz_result.h"

namespace kc::app {

namespace {

QString localDateTime(std::chrono::system_clock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

}  // namespace

QuizStartView::QuizStartView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 18, 24, 24);
    layout->setSpacing(14);
    layout->addWidget(quizstyle::scaledLabel(tr("Quiz"), this, 1.6, true));
    layout->addWidget(quizstyle::mutedLabel(
        tr("Check what you know before the assessment. Questions are drawn from the course bank, one at a time; "
           "every answer is saved the moment you give it, so closing the app loses nothing."),
        this));
    bankError_ = new QLabel(this);
    bankError_->setObjectName(QStringLiteral("quizBankError"));
    bankError_->setWordWrap(true);
    bankError_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bankError_->setStyleSheet(QStringLiteral("color: %1;").arg(quizstyle::colorCss(quizstyle::failColor(palette()))));
    bankError_->hide();
    layout->addWidget(bankError_);
    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("quizProblem"));
    problem_->setWordWrap(true);
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problem_->setStyleSheet(bankError_->styleSheet());
    problem_->hide();
    layout->addWidget(problem_);

    const int limit = static_cast<int>(quiz::kQuizTimeLimit.count());
    auto* cards = new QHBoxLayout;
    cards->setSpacing(16);
    cards->addWidget(makeCard(quiz::AttemptKind::Module, tr("Module quiz"),
                              tr("<ul style='margin-left:-20px'><li>25 questions over the eight topics, at least three "
                                 "from each</li><li>%1 minutes from the moment you start; the clock keeps running while "
                                 "the app is closed</li><li>80 % of the marks to pass (20 of 25)</li><li>Flag questions "
                                 "to come back to; submit when you are done, or it is submitted for you when the time "
                                 "runs out</li></ul>")
                                  .arg(limit),
                              module_),
                     1);
    cards->addWidget(makeCard(quiz::AttemptKind::Prerequisites, tr("Prerequisites self-check"),
                              tr("<ul style='margin-left:-20px'><li>Every question on the Kubernetes architecture "
                                 "refresher (lecture 00)</li><li>Not part of the grade: see whether you are ready for "
                                 "topic 1</li><li>Same rules: %1 minutes, 80 % to pass, saved as you go</li></ul>")
                                  .arg(limit),
                              prerequisites_),
                     1);
    layout->addLayout(cards);
    auto* keys = quizstyle::mutedLabel(tr("Keyboard: 1–9 pick an option · Alt+← and Alt+→ previous and next question · "
                                          "Alt+F flag · Alt+I finish the attempt. Click a number in the navigator to "
                                          "jump to that question."),
                                       this);
    keys->setObjectName(QStringLiteral("quizKeys"));
    layout->addWidget(keys);

    layout->addSpacing(6);
    layout->addWidget(quizstyle::scaledLabel(tr("Previous attempts"), this, 1.2, true));
    historyEmpty_ = quizstyle::mutedLabel(tr("No finished attempts yet. When you submit one, its score and review "
                                             "appear here."),
                                          this);
    historyEmpty_->setObjectName(QStringLiteral("quizHistoryEmpty"));
    layout->addWidget(historyEmpty_);
    history_ = new QTableWidget(0, 4, this);
    history_->setObjectName(QStringLiteral("quizHistory"));
    history_->setAccessibleName(tr("Previous attempts; activate a row to review it"));
    history_->setHorizontalHeaderLabels({tr("Finished"), tr("Quiz"), tr("Score"), tr("Result")});
    history_->verticalHeader()->setVisible(false);
    history_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    history_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    history_->setSelectionBehavior(QAbstractItemView::SelectRows);
    history_->setSelectionMode(QAbstractItemView::SingleSelection);
    history_->setAlternatingRowColors(true);
    history_->setToolTip(tr("Double-click or press Enter to review an attempt"));
    connect(history_, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (row >= 0 && row < static_cast<int>(historyIds_.size())) emit reviewRequested(historyIds_[row]);
    });
    connect(history_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row >= 0 && row < static_cast<int>(historyIds_.size())) emit reviewRequested(historyIds_[row]);
    });
    history_->verticalHeader()->setDefaultSectionSize(history_->fontMetrics().height() + 12);
    layout->addWidget(history_, 1);
    history_->hide();
    // Without attempts the empty space goes below everything, not into the cards.
    trailingSpace_ = new QWidget(this);
    trailingSpace_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    layout->addWidget(trailingSpace_, 1);
}

QWidget* QuizStartView::makeCard(quiz::AttemptKind kind, const QString& title, const QString& rules, KindCard& card) {
    auto* frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    frame->setAutoFillBackground(true);
    frame->setBackgroundRole(QPalette::Base);
    auto* v = new QVBoxLayout(frame);
    v->setContentsMargins(18, 14, 18, 16);
    v->setSpacing(8);
    v->addWidget(quizstyle::scaledLabel(title, frame, 1.25, true));
    auto* rulesLabel = new QLabel(rules, frame);
    rulesLabel->setTextFormat(Qt::RichText);
    rulesLabel->setWordWrap(true);
    v->addWidget(rulesLabel);
    card.status = new QLabel(frame);
    card.status->setWordWrap(true);
    card.status->setObjectName(kind == quiz::AttemptKind::Module ? QStringLiteral("quizModuleStatus")
                                                                 : QStringLiteral("quizPrerequisitesStatus"));
    v->addWidget(card.status);
    v->addSpacing(6);
    auto* buttons = new QHBoxLayout;
    const bool module = kind == quiz::AttemptKind::Module;
    card.start = new QPushButton(module ? tr("&Start module quiz") : tr("Start self-&check"), frame);
    card.start->setObjectName(module ? QStringLiteral("quizStartModule") : QStringLiteral("quizStartPrerequisites"));
    card.resume = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay),
                                  module ? tr("C&ontinue attempt") : tr("Continue self-c&heck"), frame);
    card.resume->setObjectName(module ? QStringLiteral("quizResumeModule") : QStringLiteral("quizResumePrerequisites"));
    buttons->addWidget(card.resume);
    buttons->addWidget(card.start);
    buttons->addStretch(1);
    v->addLayout(buttons);
    v->addStretch(1);  // the two cards share a height; keep both contents at the top
    connect(card.start, &QPushButton::clicked, this, [this, kind] { emit startRequested(kind); });
    connect(card.resume, &QPushButton::clicked, this, [this, kind] {
        if (auto& c = this->card(kind); c.open) emit resumeRequested(c.open->id);
    });
    card.resume->hide();
    return frame;
}

void QuizStartView::setBank(const QString& error, int moduleQuestions, int prerequisiteQuestions) {
    bankReady_ = error.isEmpty();
    bankError_->setText(error.isEmpty() ? QString()
                                        : tr("The question bank could not be loaded, so no quiz can start. %1").arg(error));
    bankError_->setVisible(!error.isEmpty());
    module_.status->setText(bankReady_ ? tr("%1 questions in the bank.").arg(moduleQuestions) : QString());
    prerequisites_.status->setText(bankReady_ ? tr("%1 questions in the bank.").arg(prerequisiteQuestions) : QString());
    updateButtons();
}

void QuizStartView::showProblem(const QString& problem) {
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
}

void QuizStartView::setOpenAttempt(quiz::AttemptKind kind, const std::optional<OpenAttempt>& open) {
    auto& c = card(kind);
    c.open = open;
    if (open)
        c.status->setText(tr("<b>Attempt in progress:</b> %1 of %2 answered, %3 left. The clock is running.")
                              .arg(open->answered)
                              .arg(open->questions)
                              .arg(QString::fromStdString(formatCountdown(open->left))));
    updateButtons();
}

void QuizStartView::updateButtons() {
    for (auto* c : {&module_, &prerequisites_}) {
        // One attempt of a kind at a time, as in Moodle: an open attempt is continued, not replaced.
        c->resume->setVisible(bankReady_ && c->open.has_value());
        c->start->setVisible(!c->open.has_value());
        c->start->setEnabled(bankReady_);
        (c->open ? c->resume : c->start)->setDefault(c == &module_);
    }
}

void QuizStartView::setHistory(const std::vector<PastAttempt>& attempts, const QString& error) {
    historyIds_.clear();
    history_->setRowCount(static_cast<int>(attempts.size()));
    const QPalette pal = palette();
    for (std::size_t i = 0; i < attempts.size(); ++i) {
        const auto& a = attempts[i];
        const int row = static_cast<int>(i);
        historyIds_.push_back(a.id);
        history_->setItem(row, 0, new QTableWidgetItem(a.finishedAt ? localDateTime(*a.finishedAt) : QString()));
        history_->setItem(row, 1, new QTableWidgetItem(a.kind == quiz::AttemptKind::Module ? tr("Module quiz")
                                                                                            : tr("Prerequisites")));
        history_->setItem(row, 2, new QTableWidgetItem(QStringLiteral("%1 %").arg(std::lround(a.percent))));
        QString verdict = a.passed ? tr("Passed") : tr("Not passed");
        if (a.state == quiz::AttemptState::Expired) verdict += tr(" (time ran out)");
        auto* item = new QTableWidgetItem(verdict);
        item->setForeground(a.passed ? quizstyle::passColor(pal) : quizstyle::failColor(pal));
        history_->setItem(row, 3, item);
    }
    history_->setVisible(!attempts.empty());
    trailingSpace_->setVisible(attempts.empty());
    historyEmpty_->setVisible(attempts.empty());
    if (!error.isEmpty()) {
        historyEmpty_->setText(tr("Previous attempts could not be read: %1").arg(error));
        historyEmpty_->setVisible(true);
    }
}

}  // namespace kc::app
