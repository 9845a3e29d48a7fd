// The Home page.
#include "app/pages/home_page.h"

#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QEvent>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>
#include <filesystem>

#include "app/app_context.h"
#include "app/home_summary.h"
#include "app/lecture_catalog.h"

namespace kc::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

// A card: a framed panel on the base colour with a bold title.
QFrame* makeCard(const QString& title, QWidget* parent, QVBoxLayout** body) {
    auto* card = new QFrame(parent);
    card->setFrameShape(QFrame::StyledPanel);
    card->setBackgroundRole(QPalette::Base);
    card->setAutoFillBackground(true);
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(18, 14, 18, 16);
    layout->setSpacing(8);
    auto* heading = new QLabel(title, card);
    heading->setForegroundRole(QPalette::PlaceholderText);
    QFont font = heading->font();
    font.setBold(true);
    font.setCapitalization(QFont::AllUppercase);
    font.setPointSizeF(font.pointSizeF() * 0.9);
    heading->setFont(font);
    layout->addWidget(heading);
    *body = layout;
    return card;
}

QLabel* bigLabel(QWidget* parent, double scale = 1.45) {
    auto* label = new QLabel(parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scale);
    font.setBold(true);
    label->setFont(font);
    label->setWordWrap(true);
    return label;
}

QLabel* wrapLabel(QWidget* parent, bool muted = false) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    if (muted) label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

// The pass/warn accents (the app's only fixed colours), picked to read on a light or a dark base.
enum class Tone { Neutral, Good, Warn };
const char* kToneProperty = "kcTone";

QColor toneColour(Tone tone, const QPalette& palette) {
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (tone) {
        case Tone::Good: return dark ? QColor(0x6f, 0xd0, 0x7f) : QColor(0x1e, 0x7d, 0x32);
        case Tone::Warn: return dark ? QColor(0xf0, 0xa3, 0x5e) : QColor(0xa3, 0x4a, 0x00);
        case Tone::Neutral: break;
    }
    return palette.color(QPalette::WindowText);
}

// Colours a label through its palette (no style sheet, so a later palette change is followed by restyle()).
void setTone(QLabel* label, Tone tone, const QPalette& palette) {
    label->setProperty(kToneProperty, static_cast<int>(tone));
    QPalette p = label->palette();
    // Both roles: on a card (background role Base) a label draws with Text, elsewhere with WindowText.
    const QColor colour = tone == Tone::Neutral ? QColor() : toneColour(tone, palette);
    p.setColor(QPalette::WindowText, colour.isValid() ? colour : palette.color(QPalette::WindowText));
    p.setColor(QPalette::Text, colour.isValid() ? colour : palette.color(QPalette::Text));
    label->setPalette(p);
}

// A link-looking button: link colour, no frame until hovered, keyboard focusable.
QToolButton* makeLinkButton(const QString& text, QWidget* parent, bool bold) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setCursor(Qt::PointingHandCursor);
    button->setFocusPolicy(Qt::StrongFocus);
    button->setProperty("kcLink", true);
    if (bold) {
        QFont font = button->font();
        font.setBold(true);
        button->setFont(font);
    }
    return button;
}

// "Lecture 3: StatefulSets and Storage" for a lecture id, "Lab 1" for a lab id, else the page's name.
QString describeLocation(const std::string& page, const std::string& item, const std::vector<LectureInfo>& lectures,
                         const std::map<QString, QString>& labTitles) {
    if (page == "lectures") {
        const std::string id = item.substr(0, item.find('#'));
        for (const auto& lecture : lectures)
            if (lecture.id == id)
                return QObject::tr("Lecture %1: %2").arg(lecture.number).arg(qs(lecture.shortTitle));
        return QObject::tr("Lectures");
    }
    if (page == "labs") {
        if (item.size() >= 6 && item.rfind("lab-", 0) == 0) {
            auto title = labTitles.find(qs(item.substr(0, 6)));
            const QString lab = title != labTitles.end()
                                    ? title->second
                                    : QObject::tr("Lab %1").arg(QString::fromStdString(item.substr(4, 2)).toInt());
            return lab + (item.size() > 7 ? QObject::tr(", step %1").arg(qs(item.substr(7))) : QString());
        }
        return item.empty() ? QObject::tr("Labs") : QObject::tr("Labs: %1").arg(qs(item));
    }
    static const std::map<std::string, QString> names = {
        {"cluster", QObject::tr("Cluster")}, {"quiz", QObject::tr("Quiz")},
        {"submit", QObject::tr("Submit")},   {"settings", QObject::tr("Settings")}};
    auto found = names.find(page);
    return found != names.end() ? found->second : qs(page);
}

}  // namespace

HomePage::HomePage(AppContext& context, QWidget* parent)
    : Page(context, parent),
      lectures_(loadLectureCatalog((std::filesystem::path(context.dataRoot) / "lecture-notes").string())) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setSpacing(16);

    greeting_ = bigLabel(content, 1.7);
    layout->addWidget(greeting_);
    auto* subtitle = wrapLabel(content, true);
    subtitle->setText(tr("Kubernetes for ML infrastructure — lectures, four graded labs and the module quiz."));
    layout->addWidget(subtitle);

    // Continue where you left off.
    QVBoxLayout* body = nullptr;
    auto* continueCard = makeCard(tr("Continue where you left off"), content, &body);
    auto* continueRow = new QHBoxLayout();
    continueLabel_ = bigLabel(continueCard, 1.2);
    continueButton_ = new QPushButton(tr("&Continue"), continueCard);
    continueButton_->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    continueButton_->setDefault(true);
    continueButton_->setAccessibleName(tr("Continue where you left off"));
    continueRow->addWidget(continueLabel_, 1);
    continueRow->addWidget(continueButton_);
    body->addLayout(continueRow);
    layout->addWidget(continueCard);
    connect(continueButton_, &QPushButton::clicked, this, [this] {
        if (!continuePage_.isEmpty()) emit navigateRequested(continuePage_, continueItem_);
    });

    // Lectures, quiz and cluster side by side.
    auto* row = new QHBoxLayout();
    row->setSpacing(16);
    auto* lecturesCard = makeCard(tr("Lectures"), content, &body);
    lecturesLabel_ = bigLabel(lecturesCard);
    lecturesBar_ = new QProgressBar(lecturesCard);
    lecturesBar_->setTextVisible(false);
    lecturesBar_->setMaximumHeight(8);
    lecturesBar_->setAccessibleName(tr("Lectures read"));
    nextLectureButton_ = new QLabel(lecturesCard);
    nextLectureButton_->setWordWrap(true);
    nextLectureButton_->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    nextLectureButton_->setFocusPolicy(Qt::StrongFocus);
    body->addWidget(lecturesLabel_);
    body->addWidget(lecturesBar_);
    body->addWidget(nextLectureButton_);
    body->addStretch();
    connect(nextLectureButton_, &QLabel::linkActivated, this,
            [this] { emit navigateRequested(QStringLiteral("lectures"), nextLectureId_); });
    lecturesCard->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // three equal columns
    row->addWidget(lecturesCard, 1);

    auto* quizCard = makeCard(tr("Module quiz"), content, &body);
    quizLabel_ = bigLabel(quizCard);
    quizDetail_ = wrapLabel(quizCard, true);
    auto* quizButton = new QPushButton(tr("Open &Quiz"), quizCard);
    body->addWidget(quizLabel_);
    body->addWidget(quizDetail_);
    body->addStretch();
    body->addWidget(quizButton, 0, Qt::AlignLeft);
    connect(quizButton, &QPushButton::clicked, this, [this] { emit navigateRequested(QStringLiteral("quiz"), {}); });
    quizCard->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row->addWidget(quizCard, 1);

    auto* clusterCard = makeCard(tr("Cluster"), content, &body);
    clusterHeadline_ = bigLabel(clusterCard);
    clusterDetail_ = wrapLabel(clusterCard, true);
    clusterDetail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    clusterButton_ = new QPushButton(tr("Open C&luster page"), clusterCard);
    body->addWidget(clusterHeadline_);
    body->addWidget(clusterDetail_);
    body->addStretch();
    body->addWidget(clusterButton_, 0, Qt::AlignLeft);
    connect(clusterButton_, &QPushButton::clicked, this, [this] { emit navigateRequested(QStringLiteral("cluster"), {}); });
    clusterCard->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row->addWidget(clusterCard, 1);
    layout->addLayout(row);

    // Labs: score and next step each.
    auto* labsCard = makeCard(tr("Labs"), content, &body);
    labsGrid_ = new QGridLayout();
    labsGrid_->setHorizontalSpacing(24);
    labsGrid_->setVerticalSpacing(10);
    labsGrid_->setColumnStretch(2, 1);
    body->addLayout(labsGrid_);
    const auto labs = listLabs((std::filesystem::path(context.dataRoot) / "labs").string());
    int r = 0;
    for (const HomeLab& lab : labs) {
        LabRow labRow;
        labRow.title = makeLinkButton(qs(lab.title), labsCard, true);
        labRow.title->setAccessibleName(tr("Open %1").arg(qs(lab.title)));
        labRow.score = new QLabel(labsCard);
        labRow.score->setMinimumWidth(110);
        labRow.next = wrapLabel(labsCard, true);
        labsGrid_->addWidget(labRow.title, r, 0, Qt::AlignLeft);
        labsGrid_->addWidget(labRow.score, r, 1);
        labsGrid_->addWidget(labRow.next, r, 2);
        const QString id = qs(lab.id);
        connect(labRow.title, &QToolButton::clicked, this, [this, id] { emit navigateRequested(QStringLiteral("labs"), id); });
        labRows_[id] = labRow;
        ++r;
    }
    if (labs.empty()) body->addWidget(wrapLabel(labsCard, true));
    layout->addWidget(labsCard);
    layout->addStretch();

    const QString name = context.settings.studentName.trimmed();
    greeting_->setText(name.isEmpty() ? tr("Welcome") : tr("Welcome back, %1").arg(name));
    restyle();
    activated();
}

HomePage::~HomePage() {
    if (clusterCancel_) clusterCancel_->cancel();
    if (quizCancel_) quizCancel_->cancel();
}

void HomePage::changeEvent(QEvent* event) {
    Page::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) restyle();
}

void HomePage::restyle() {
    // Links take the palette's link colour; toned labels get their accent for this palette's lightness.
    for (auto* button : findChildren<QToolButton*>()) {
        if (!button->property("kcLink").toBool()) continue;
        QPalette p = button->palette();
        p.setColor(QPalette::ButtonText, palette().color(QPalette::Link));
        button->setPalette(p);
    }
    for (auto* label : findChildren<QLabel*>()) {
        const QVariant tone = label->property(kToneProperty);
        if (tone.isValid()) setTone(label, static_cast<Tone>(tone.toInt()), palette());
    }
}

void HomePage::activated() {
    refreshLectures();
    refreshLabs();
    refreshContinue();
    refreshQuiz();
    refreshCluster();
}

QLabel* HomePage::labScoreLabel(const QString& labId) const {
    auto found = labRows_.find(labId);
    return found == labRows_.end() ? nullptr : found->second.score;
}

QLabel* HomePage::labNextLabel(const QString& labId) const {
    auto found = labRows_.find(labId);
    return found == labRows_.end() ? nullptr : found->second.next;
}

QAbstractButton* HomePage::labButton(const QString& labId) const {
    auto found = labRows_.find(labId);
    return found == labRows_.end() ? nullptr : found->second.title;
}

void HomePage::refreshLectures() {
    const auto& catalog = lectures_;
    auto read = context().progress->lecturesRead();
    if (!catalog || !read) {
        lecturesLabel_->setText(tr("Progress unavailable"));
        nextLectureButton_->setText(qs(!catalog ? catalog.error().message : read.error().message).toHtmlEscaped());
        nextLectureId_.clear();
        return;
    }
    int count = 0;
    const LectureInfo* nextUnread = nullptr;
    for (const auto& lecture : *catalog) {
        if (read->count(lecture.id)) ++count;
        else if (nextUnread == nullptr) nextUnread = &lecture;
    }
    const int total = static_cast<int>(catalog->size());
    lecturesLabel_->setText(tr("%1 of %2 read").arg(count).arg(total));
    lecturesBar_->setRange(0, std::max(total, 1));
    lecturesBar_->setValue(count);
    if (nextUnread != nullptr) {
        nextLectureId_ = qs(nextUnread->id);
        nextLectureButton_->setText(QStringLiteral("<a href=\"next\">%1</a>")
                                        .arg(tr("Next: Lecture %1 — %2 →")
                                                 .arg(nextUnread->number)
                                                 .arg(qs(nextUnread->shortTitle).toHtmlEscaped())));
    } else {
        nextLectureId_ = catalog->empty() ? QString() : qs(catalog->front().id);
        nextLectureButton_->setText(total > 0 ? QStringLiteral("<a href=\"next\">%1</a>").arg(tr("All read — review any lecture →"))
                                              : tr("No lecture notes found"));
    }
}

void HomePage::refreshLabs() {
    for (auto& [id, row] : labRows_) {
        auto latest = context().progress->latestCheckRun(id.toStdString());
        if (!latest) {
            row.score->setText(tr("—"));
            row.next->setText(tr("Could not read the check history: %1").arg(qs(latest.error().message)));
            continue;
        }
        HomeLab lab{id.toStdString(), id.mid(4, 2).toInt(), {}};
        const LabStatus status = labStatus(lab, *latest);
        row.score->setText(qs(status.scoreText));
        setTone(row.score, !status.started ? Tone::Neutral : status.complete ? Tone::Good : Tone::Warn, palette());
        row.next->setText(qs(status.nextStep));
    }
}

void HomePage::refreshContinue() {
    const std::vector<LectureInfo> lectures = lectures_ ? *lectures_ : std::vector<LectureInfo>{};
    auto last = context().progress->lastLocation();
    if (last && *last && !(*last)->page.empty() && (*last)->page != "home") {
        continuePage_ = qs((*last)->page);
        continueItem_ = qs((*last)->item);
        std::map<QString, QString> labTitles;
        for (const auto& [id, row] : labRows_) labTitles[id] = row.title->text();
        continueLabel_->setText(describeLocation((*last)->page, (*last)->item, lectures, labTitles));
        continueButton_->setText(tr("&Continue"));
        return;
    }
    // A first start: the course begins with the architecture refresher.
    continuePage_ = QStringLiteral("lectures");
    continueItem_ = lectures.empty() ? QString() : qs(lectures.front().id);
    continueLabel_->setText(lectures.empty() ? tr("Start with the lectures")
                                             : tr("Start with Lecture %1: %2")
                                                   .arg(lectures.front().number)
                                                   .arg(qs(lectures.front().shortTitle)));
    continueButton_->setText(tr("&Start"));
}

void HomePage::refreshQuiz() {
    if (quizRunning_) return;
    quizRunning_ = true;
    if (quizLabel_->text().isEmpty()) quizLabel_->setText(tr("Checking…"));
    const std::string db = context().progressDbPath();
    const std::string bank = (std::filesystem::path(context().dataRoot) / "quiz" / "bank").string();
    quizCancel_ = context().work->run<Result<std::optional<QuizBest>>>(
        this, [db, bank](const Cancellation&) { return bestModuleQuiz(db, bank); },
        [this](Result<std::optional<QuizBest>> best) {
            quizRunning_ = false;
            if (!best) {
                quizLabel_->setText(tr("Result unavailable"));
                setTone(quizLabel_, Tone::Neutral, palette());
                quizDetail_->setText(qs(best.error().message));
                return;
            }
            if (!*best) {
                quizLabel_->setText(tr("Not taken yet"));
                setTone(quizLabel_, Tone::Neutral, palette());
                quizDetail_->setText(tr("25 questions over topics 1–8; 80% passes. Answers are saved as you go."));
                return;
            }
            const QuizBest& b = **best;
            quizLabel_->setText(tr("Best: %1%").arg(QString::number(b.percent, 'f', 0)));
            setTone(quizLabel_, b.passed ? Tone::Good : Tone::Warn, palette());
            const QString attempts = b.finishedAttempts == 1 ? tr("1 finished attempt")
                                                              : tr("%1 finished attempts").arg(b.finishedAttempts);
            quizDetail_->setText(b.passed ? tr("Passed — the pass mark is 80%. %1.").arg(attempts)
                                          : tr("Below the 80% pass mark. %1; review the topics to revisit and try again.")
                                                .arg(attempts));
        });
}

void HomePage::refreshCluster() {
    if (clusterRunning_) return;
    clusterRunning_ = true;
    if (clusterHeadline_->text().isEmpty()) clusterHeadline_->setText(tr("Checking…"));
    clusterDetail_->setText(tr("Asking kind which clusters exist…"));
    auto runner = context().processes;
    auto clock = context().clock;
    const std::string kind = context().settings.kindPath.toStdString();
    const std::string docker = context().settings.dockerPath.toStdString();
    clusterCancel_ = context().work->run<ClusterSummary>(
        this, [runner, clock, kind, docker](const Cancellation&) { return probeKindClusters(runner, clock, kind, docker); },
        [this](ClusterSummary summary) {
            clusterRunning_ = false;
            clusterHeadline_->setText(qs(summary.headline));
            clusterDetail_->setText(qs(summary.detail));
            const bool problem = summary.state == ClusterSummary::State::KindMissing ||
                                 summary.state == ClusterSummary::State::Failed;
            setTone(clusterHeadline_, problem ? Tone::Warn : Tone::Neutral, palette());
            clusterButton_->setText(summary.state == ClusterSummary::State::KindMissing
                                        ? tr("See what to insta&ll")
                                        : summary.state == ClusterSummary::State::None ? tr("Create a c&luster")
                                                                                       : tr("Open C&luster page"));
        });
}

}  // namespace kc::app
