// A finished quiz attempt; see quiz_result_view.h.
#include "app/pages/quiz_result_view.h"

#include <QComboBox>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/pages/quiz_style.h"
#include "app/pages/quiz_topic_chart.h"

namespace kc::app {

namespace {

QString percentText(double percent) {
    // Whole percents unless partial credit makes a fraction worth showing.
    return std::fabs(percent - std::round(percent)) < 0.05 ? QStringLiteral("%1 %").arg(std::lround(percent))
                                                           : QStringLiteral("%1 %").arg(percent, 0, 'f', 1);
}

QString marksText(double marks) {
    return std::fabs(marks - std::round(marks)) < 1e-9 ? QString::number(std::lround(marks))
                                                       : QString::number(marks, 'f', 2);
}

QString localDateTime(std::chrono::system_clock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

// The score as a bar with the pass mark drawn across it.
class ScoreBar : public QWidget {
public:
    ScoreBar(double percent, bool passed, QWidget* parent) : QWidget(parent), percent_(percent), passed_(passed) {
        setMinimumHeight(fontMetrics().height() * 2 + 18);
        setAccessibleName(tr("Score %1, pass mark 80 %").arg(percentText(percent)));
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QPalette& pal = palette();
        const int barHeight = 14;
        QRectF track(1, 4, width() - 2, barHeight);
        p.setPen(Qt::NoPen);
        p.setBrush(pal.color(QPalette::Midlight));
        p.drawRoundedRect(track, 7, 7);
        QRectF fill = track;
        fill.setWidth(track.width() * std::clamp(percent_, 0.0, 100.0) / 100.0);
        p.setBrush(passed_ ? quizstyle::passColor(pal) : quizstyle::failColor(pal));
        if (fill.width() > 0) p.drawRoundedRect(fill, 7, 7);
        const double x = track.left() + track.width() * quiz::kPassPercent / 100.0;
        p.setPen(QPen(pal.color(QPalette::WindowText), 2));
        p.drawLine(QPointF(x, track.top() - 4), QPointF(x, track.bottom() + 4));
        p.setPen(pal.color(QPalette::WindowText));
        const QString label = tr("80 % to pass");
        const int w = fontMetrics().horizontalAdvance(label);
        p.drawText(QPointF(std::min(x - w / 2.0, width() - w - 2.0), track.bottom() + 8 + fontMetrics().ascent()),
                   label);
    }

private:
    double percent_;
    bool passed_;
};

QFrame* card(QWidget* parent) {
    auto* frame = new QFrame(parent);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setAutoFillBackground(true);
    frame->setBackgroundRole(QPalette::Base);
    return frame;
}

QString escaped(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

}  // namespace

QuizResultView::QuizResultView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget(scroll);
    content_ = new QVBoxLayout(inner);
    content_->setContentsMargins(24, 18, 24, 24);
    scroll->setWidget(inner);
    outer->addWidget(scroll);
}

void QuizResultView::showResult(const quiz::QuizResult& result, const quiz::AttemptRecord& record,
                                const std::map<int, TopicLecture>& lectures) {
    result_ = result;
    lectures_ = lectures;
    if (body_) body_->deleteLater();
    body_ = new QWidget(this);
    content_->addWidget(body_);
    body_->show();
    auto* layout = new QVBoxLayout(body_);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(14);
    const QPalette pal = palette();

    // Header: what this was, the verdict and the score against the pass mark.
    auto* top = new QHBoxLayout;
    auto* titles = new QVBoxLayout;
    const bool module = record.kind == quiz::AttemptKind::Module;
    titles->addWidget(quizstyle::scaledLabel(module ? tr("Module quiz — result") : tr("Prerequisites self-check — result"),
                                             body_, 1.45, true));
    // What the student sees as answered: an emptied response is not an answer (quiz_format.h).
    const int answered = static_cast<int>(std::count_if(result.review.begin(), result.review.end(),
                                                        [](const quiz::QuestionReview& r) { return hasAnswer(r.response); }));
    QString when;
    if (record.state == quiz::AttemptState::Expired)
        when = answered == 1
                   ? tr("Time ran out: submitted automatically with the 1 answer saved by then.")
                   : tr("Time ran out: submitted automatically with the %1 answers saved by then.").arg(answered);
    else if (record.finishedAt) {
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(*record.finishedAt - record.startedAt);
        const QString at = localDateTime(*record.finishedAt);
        when = minutes.count() == 1 ? tr("Submitted %1, 1 minute after starting.").arg(at)
                                    : tr("Submitted %1, %2 minutes after starting.").arg(at).arg(minutes.count());
    }
    auto* whenLabel = quizstyle::mutedLabel(when, body_);
    whenLabel->setObjectName(QStringLiteral("quizResultWhen"));
    titles->addWidget(whenLabel);
    top->addLayout(titles, 1);
    auto* back = new QPushButton(tr("&Back to quiz overview"), body_);
    back->setObjectName(QStringLiteral("quizBack"));
    connect(back, &QPushButton::clicked, this, &QuizResultView::backRequested);
    top->addWidget(back, 0, Qt::AlignTop);
    layout->addLayout(top);

    auto* scoreCard = card(body_);
    auto* scoreLayout = new QHBoxLayout(scoreCard);
    scoreLayout->setContentsMargins(18, 14, 18, 14);
    scoreLayout->setSpacing(24);
    auto* percent = quizstyle::scaledLabel(percentText(result.percent), scoreCard, 2.4, true);
    percent->setObjectName(QStringLiteral("quizScore"));
    scoreLayout->addWidget(percent);
    auto* scoreText = new QVBoxLayout;
    auto* verdict = quizstyle::scaledLabel(result.passed ? tr("Passed") : tr("Not passed yet"), scoreCard, 1.3, true);
    verdict->setObjectName(QStringLiteral("quizVerdict"));
    verdict->setStyleSheet(QStringLiteral("color: %1;").arg(
        quizstyle::colorCss(result.passed ? quizstyle::passColor(pal) : quizstyle::failColor(pal))));
    scoreText->addWidget(verdict);
    auto* marks = new QLabel(tr("%1 of %2 marks · %3 of %2 questions answered · the pass mark is 80 % (%4 marks)")
                                 .arg(marksText(result.earned))
                                 .arg(result.questions)
                                 .arg(answered)
                                 .arg(marksText(result.questions * quiz::kPassPercent / 100.0)),
                             scoreCard);
    marks->setObjectName(QStringLiteral("quizMarks"));
    marks->setWordWrap(true);
    scoreText->addWidget(marks);
    scoreText->addWidget(new ScoreBar(result.percent, result.passed, scoreCard));
    scoreLayout->addLayout(scoreText, 1);
    layout->addWidget(scoreCard);

    // Topics: the chart and the topics to revisit side by side, the exact figures in a table below.
    std::map<int, QString> topicTitles;
    for (const auto& [topic, lecture] : lectures_) topicTitles[topic] = QString::fromStdString(lecture.title);
    auto topicName = [&](int topic) {
        auto it = topicTitles.find(topic);
        return it != topicTitles.end() ? it->second : QString::fromStdString(quiz::topicLabel(topic));
    };
    layout->addWidget(quizstyle::scaledLabel(tr("By topic"), body_, 1.2, true));
    auto* topicsRow = new QHBoxLayout;
    topicsRow->setSpacing(18);
    topicsRow->addWidget(makeTopicChart(result.topics, topicTitles, body_), 3);
    auto* revisit = card(body_);
    revisit->setObjectName(QStringLiteral("quizRevisit"));
    auto* revisitLayout = new QVBoxLayout(revisit);
    revisitLayout->setContentsMargins(14, 12, 14, 12);
    revisitLayout->addWidget(quizstyle::scaledLabel(tr("Topics to revisit"), revisit, 1.05, true));
    if (result.topicsToRevisit.empty()) {
        revisitLayout->addWidget(quizstyle::mutedLabel(tr("None: every topic is at 80 % or above."), revisit));
    } else {
        revisitLayout->addWidget(
            quizstyle::mutedLabel(tr("These scored under 80 %. Read the lecture again, then retake the quiz."), revisit));
        for (int topic : result.topicsToRevisit) {
            auto* link = new QPushButton(tr("%1 · %2").arg(topic).arg(topicName(topic)), revisit);
            link->setObjectName(QStringLiteral("quizRevisitTopic%1").arg(topic));
            link->setFlat(true);
            link->setCursor(Qt::PointingHandCursor);
            link->setStyleSheet(QStringLiteral("text-align: left; padding: 3px 2px;"));
            link->setIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
            auto lecture = lectures_.find(topic);
            link->setEnabled(lecture != lectures_.end());
            link->setToolTip(tr("Open the lecture"));
            if (lecture != lectures_.end()) {
                const QString id = QString::fromStdString(lecture->second.lectureId);
                connect(link, &QPushButton::clicked, this, [this, id] { emit lectureRequested(id); });
            }
            revisitLayout->addWidget(link);
        }
    }
    revisitLayout->addStretch(1);
    topicsRow->addWidget(revisit, 2);
    layout->addLayout(topicsRow);

    auto* table = new QTableWidget(static_cast<int>(result.topics.size()), 4, body_);
    table->setObjectName(QStringLiteral("quizTopicTable"));
    table->setAccessibleName(tr("Score per topic"));
    table->setHorizontalHeaderLabels({tr("Topic"), tr("Questions"), tr("Marks"), tr("Score")});
    table->verticalHeader()->setVisible(false);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (std::size_t i = 0; i < result.topics.size(); ++i) {
        const auto& t = result.topics[i];
        const int row = static_cast<int>(i);
        table->setItem(row, 0, new QTableWidgetItem(tr("%1 · %2").arg(t.topic).arg(topicName(t.topic))));
        table->setItem(row, 1, new QTableWidgetItem(QString::number(t.questions)));
        table->setItem(row, 2, new QTableWidgetItem(marksText(t.earned)));
        auto* score = new QTableWidgetItem(percentText(t.percent()));
        score->setForeground(t.percent() + 1e-9 < quiz::kPassPercent ? quizstyle::failColor(pal)
                                                                      : quizstyle::passColor(pal));
        table->setItem(row, 3, score);
    }
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 12);
    int tableHeight = table->horizontalHeader()->height() + 2 * table->frameWidth();
    for (int r = 0; r < table->rowCount(); ++r) tableHeight += table->rowHeight(r);
    table->setFixedHeight(tableHeight);
    layout->addWidget(table);

    // Review of every question, in the order asked.
    auto* reviewHeader = new QHBoxLayout;
    reviewHeader->addWidget(quizstyle::scaledLabel(tr("Review"), body_, 1.2, true));
    reviewHeader->addStretch(1);
    auto* filterLabel = new QLabel(tr("S&how:"), body_);
    reviewFilter_ = new QComboBox(body_);
    reviewFilter_->setObjectName(QStringLiteral("quizReviewFilter"));
    reviewFilter_->addItems({tr("All questions"), tr("Not fully right"), tr("Flagged")});
    filterLabel->setBuddy(reviewFilter_);
    reviewHeader->addWidget(filterLabel);
    reviewHeader->addWidget(reviewFilter_);
    layout->addLayout(reviewHeader);
    reviewList_ = nullptr;
    connect(reviewFilter_, &QComboBox::currentIndexChanged, this, [this] { rebuildReview(); });
    rebuildReview();
}

void QuizResultView::rebuildReview() {
    auto* layout = static_cast<QVBoxLayout*>(body_->layout());
    if (reviewList_) reviewList_->deleteLater();
    reviewList_ = new QWidget(body_);
    reviewList_->setObjectName(QStringLiteral("quizReview"));
    auto* list = new QVBoxLayout(reviewList_);
    list->setContentsMargins(0, 0, 0, 0);
    list->setSpacing(10);
    layout->addWidget(reviewList_);
    reviewList_->show();
    const QPalette pal = palette();
    const int filter = reviewFilter_->currentIndex();
    int shown = 0;
    for (std::size_t i = 0; i < result_.review.size(); ++i) {
        const auto& r = result_.review[i];
        if (filter == 1 && r.score >= 1.0 - 1e-9) continue;
        if (filter == 2 && !r.flagged) continue;
        ++shown;
        const auto& q = r.question;
        auto* box = card(reviewList_);
        box->setObjectName(QStringLiteral("quizReviewItem%1").arg(i + 1));
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(16, 12, 16, 12);
        v->setSpacing(6);
        const QColor markColor = r.score >= 1.0 - 1e-9 ? quizstyle::passColor(pal)
                                 : r.score > 0          ? quizstyle::warnColor(pal)
                                                        : quizstyle::failColor(pal);
        auto lecture = lectures_.find(q.topic);
        const QString topic = lecture != lectures_.end() ? QString::fromStdString(lecture->second.title)
                                                         : QString::fromStdString(quiz::topicLabel(q.topic));
        auto* head = new QLabel(tr("<b>Question %1</b> &nbsp;·&nbsp; %2 &nbsp;·&nbsp; <span style='color:%3'><b>%4 / 1 "
                                   "mark</b></span>%5")
                                    .arg(i + 1)
                                    .arg(topic.toHtmlEscaped())
                                    .arg(quizstyle::colorCss(markColor))
                                    .arg(marksText(r.score))
                                    .arg(r.flagged ? tr(" &nbsp;·&nbsp; ⚑ flagged") : QString()),
                                box);
        head->setTextFormat(Qt::RichText);
        v->addWidget(head);
        auto* stem = new QLabel(QString::fromStdString(q.stem), box);
        stem->setWordWrap(true);
        stem->setTextFormat(Qt::PlainText);
        stem->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->addWidget(stem);

        QString answers;
        if (q.type == quiz::QuestionType::Single || q.type == quiz::QuestionType::Multiple) {
            const auto& chosen = r.response ? r.response->chosenOptions : std::vector<std::string>{};
            int n = 0;
            for (const auto& id : r.optionOrder) {
                ++n;
                auto option = std::find_if(q.options.begin(), q.options.end(), [&](const quiz::Option& o) { return o.id == id; });
                if (option == q.options.end()) continue;
                const bool picked = std::find(chosen.begin(), chosen.end(), id) != chosen.end();
                const bool correct =
                    std::find(q.correctOptions.begin(), q.correctOptions.end(), id) != q.correctOptions.end();
                QString mark = picked ? QStringLiteral("☒") : QStringLiteral("☐");
                QString note;
                if (picked && correct) note = tr("your answer, correct");
                else if (picked) note = tr("your answer, not correct");
                else if (correct) note = tr("correct answer");
                const QColor c = correct ? quizstyle::passColor(pal) : quizstyle::failColor(pal);
                answers += QStringLiteral("<div>%1 %2. %3%4</div>")
                               .arg(mark)
                               .arg(n)
                               .arg(escaped(option->text))
                               .arg(note.isEmpty() ? QString()
                                                   : QStringLiteral(" &nbsp;<span style='color:%1'>— %2</span>")
                                                         .arg(quizstyle::colorCss(c), note));
            }
            if (!r.response || chosen.empty()) answers += tr("<div><i>Not answered.</i></div>");
        } else {
            answers = tr("<div>Your answer: <b>%1</b></div><div>Accepted answer: <b style='color:%2'>%3</b></div>")
                          .arg(r.response && !r.response->text.empty() ? escaped(r.response->text)
                                                                       : tr("<i>not answered</i>"))
                          .arg(quizstyle::colorCss(quizstyle::passColor(pal)))
                          .arg(escaped(quiz::describeExpected(q)));
        }
        auto* answerLabel = new QLabel(answers, box);
        answerLabel->setObjectName(QStringLiteral("quizReviewAnswers"));
        answerLabel->setTextFormat(Qt::RichText);
        answerLabel->setWordWrap(true);
        v->addWidget(answerLabel);
        auto* explanation = quizstyle::mutedLabel(tr("Why: %1").arg(QString::fromStdString(q.explanation)), box);
        explanation->setTextFormat(Qt::PlainText);
        v->addWidget(explanation);
        const QString item = QString::fromStdString(lectureItemForReference(q.reference));
        if (!item.isEmpty()) {
            // "Lecture 8 · Production Kubernetes for ML, section “ha patterns”": where the student will land.
            const int hash = static_cast<int>(item.indexOf(QLatin1Char('#')));
            QString section = hash < 0 ? QString() : item.mid(hash + 1);
            section.replace(QLatin1Char('-'), QLatin1Char(' '));
            QString where = lecture != lectures_.end() ? tr("Lecture %1 · %2").arg(q.topic).arg(topic) : item.left(hash);
            if (!section.isEmpty()) where += tr(", section “%1”").arg(section);
            auto* link = new QPushButton(tr("Read more in %1").arg(where), box);
            link->setToolTip(item);
            link->setObjectName(QStringLiteral("quizReviewLink%1").arg(i + 1));
            link->setFlat(true);
            link->setCursor(Qt::PointingHandCursor);
            link->setStyleSheet(QStringLiteral("text-align: left; padding: 2px 0px;"));
            link->setIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
            connect(link, &QPushButton::clicked, this, [this, item] { emit lectureRequested(item); });
            auto* linkRow = new QHBoxLayout;
            linkRow->addWidget(link);
            linkRow->addStretch(1);
            v->addLayout(linkRow);
        }
        list->addWidget(box);
    }
    if (shown == 0) list->addWidget(quizstyle::mutedLabel(tr("No questions match this filter."), reviewList_));
}

}  // namespace kc::app
