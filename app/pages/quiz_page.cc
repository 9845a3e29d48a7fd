// The Quiz page; see quiz_page.h.
#include "app/pages/quiz_page.h"

#include <QStackedWidget>
#include <QVBoxLayout>
#include <filesystem>
#include <random>

#include "app/app_context.h"
#include "app/pages/quiz_attempt_view.h"
#include "app/pages/quiz_result_view.h"
#include "app/pages/quiz_start_view.h"
#include "app/quiz_history.h"
#include "quiz/attempt_timer.h"
#include "quiz/bank_loader.h"

namespace kc::app {

namespace {

std::uint64_t freshSeed() {
    // Each attempt draws its own questions; the seed is saved, so it need not be reproducible here.
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

QuizPage::QuizPage(AppContext& context, QWidget* parent) : Page(context, parent), seedSource_(freshSeed) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    stack_ = new QStackedWidget(this);
    start_ = new QuizStartView(stack_);
    result_ = new QuizResultView(stack_);
    stack_->addWidget(start_);
    stack_->addWidget(result_);
    layout->addWidget(stack_);

    connect(start_, &QuizStartView::startRequested, this, &QuizPage::startAttempt);
    connect(start_, &QuizStartView::resumeRequested, this, &QuizPage::openAttempt);
    connect(start_, &QuizStartView::reviewRequested, this, &QuizPage::openAttempt);
    connect(result_, &QuizResultView::backRequested, this, [this] { showOverview(); });
    connect(result_, &QuizResultView::lectureRequested, this,
            [this](const QString& item) { emit navigateRequested(QStringLiteral("lectures"), item); });
    // The bank and progress.db are read when the page is first shown, not while the window starts.
}

QuizPage::~QuizPage() {
    // Closing the app keeps a half-typed answer; then the attempt view, which refers to attempt_, goes first.
    if (attemptView_) attemptView_->commitPending();
    delete attemptView_;
    attemptView_ = nullptr;
}

bool QuizPage::ensureLoaded() {
    if (loaded_) return loadError_.isEmpty();
    loaded_ = true;
    const auto bankDir = std::filesystem::path(context().dataRoot) / "quiz" / "bank";
    auto bank = quiz::loadBank(bankDir);
    if (!bank) {
        QStringList lines;
        for (const auto& e : bank.error()) lines << QString::fromStdString(e.toString());
        loadError_ = tr("%1\nCheck the course files in %2 (Settings → data folder), or reinstall kubeclass.")
                         .arg(lines.join(QLatin1Char('\n')), QString::fromStdString(bankDir.string()));
        return false;
    }
    bank_ = std::move(*bank);
    auto store = quiz::SqliteAttemptStore::open(context().progressDbPath());
    if (!store) {
        loadError_ = tr("progress.db could not be opened: %1").arg(QString::fromStdString(store.error().message));
        return false;
    }
    store_ = std::move(*store);
    for (const auto& lecture : topicLectures(context().dataRoot)) lectures_[lecture.topic] = lecture;
    return true;
}

void QuizPage::activated() {
    // Coming back to the page refreshes the overview (another window may have finished an attempt).
    if (stack_->currentWidget() == start_) showOverview();
}

void QuizPage::showOverview(const QString& problem) {
    // The attempt view refers to the attempt; it goes first.
    delete attemptView_;
    attemptView_ = nullptr;
    attempt_.reset();
    stack_->setCurrentWidget(start_);
    start_->showProblem(problem);
    if (!ensureLoaded()) {
        start_->setBank(loadError_, 0, 0);
        start_->setHistory({}, {});
        return;
    }
    int module = 0, prerequisites = 0;
    for (const auto& q : bank_) (q.topic == quiz::kPrerequisitesTopic ? prerequisites : module)++;
    start_->setBank({}, module, prerequisites);
    for (auto kind : {quiz::AttemptKind::Module, quiz::AttemptKind::Prerequisites}) {
        std::optional<OpenAttempt> open;
        auto latest = store_->latestInProgress(kind);
        if (latest && *latest) {
            if (auto record = store_->load(**latest)) {
                // What the attempt would have left if continued now, by the timer's own rule (no more than saved).
                auto timer = quiz::AttemptTimer::resumed(context().clock, record->timeLimit, record->startedAt,
                                                         record->remainingAtLastSave);
                std::size_t answered = 0;
                for (const auto& [id, saved] : record->answers) answered += hasAnswer(saved.response);
                open = OpenAttempt{record->id, answered, record->questions.size(), timer.remaining()};
            }
        }
        start_->setOpenAttempt(kind, open);
    }
    auto past = pastAttempts(context().progressDbPath(), bank_, *store_, context().clock);
    start_->setHistory(past ? *past : std::vector<PastAttempt>{},
                       past ? QString() : QString::fromStdString(past.error().message));
}

void QuizPage::startAttempt(quiz::AttemptKind kind) {
    if (!ensureLoaded()) return showOverview();
    auto attempt = quiz::Attempt::start(bank_, kind, seedSource_(), *store_, context().clock);
    if (!attempt) {
        const QString problem = tr("The quiz could not start: %1. Check the question bank (kubeclass-grade quiz "
                                   "validate) or reinstall the course files.")
                                    .arg(QString::fromStdString(attempt.error().message));
        emit statusMessage(problem);
        return showOverview(problem);
    }
    attempt_ = std::make_unique<quiz::Attempt>(std::move(*attempt));
    showAttempt();
}

void QuizPage::openAttempt(std::int64_t id) {
    if (!ensureLoaded()) return showOverview();
    auto attempt = quiz::Attempt::resume(bank_, id, *store_, context().clock);
    if (!attempt) {
        const QString problem = tr("Attempt %1 could not be opened: %2.")
                                    .arg(id)
                                    .arg(QString::fromStdString(attempt.error().message));
        emit statusMessage(problem);
        return showOverview(problem);
    }
    attempt_ = std::make_unique<quiz::Attempt>(std::move(*attempt));
    // Resuming expires an attempt whose time ran out while the app was closed: then it opens on its result.
    if (attempt_->finished()) showResult();
    else showAttempt();
}

void QuizPage::showAttempt() {
    delete attemptView_;
    std::map<int, QString> titles;
    for (const auto& [topic, lecture] : lectures_)
        titles[topic] = tr("Topic %1 · %2").arg(topic).arg(QString::fromStdString(lecture.title));
    if (auto it = titles.find(quiz::kPrerequisitesTopic); it != titles.end())
        it->second = tr("Prerequisites · %1").arg(QString::fromStdString(lectures_[quiz::kPrerequisitesTopic].title));
    attemptView_ = new QuizAttemptView(*attempt_, std::move(titles), stack_);
    stack_->addWidget(attemptView_);
    stack_->setCurrentWidget(attemptView_);
    connect(attemptView_, &QuizAttemptView::statusMessage, this, &Page::statusMessage);
    connect(attemptView_, &QuizAttemptView::finished, this, [this] {
        // The view emitted this as its last act; it is removed once control is back in the event loop.
        if (attemptView_) attemptView_->deleteLater();
        attemptView_ = nullptr;
        if (attempt_ && attempt_->state() == quiz::AttemptState::Expired)
            emit statusMessage(tr("Time is up: the quiz was submitted with the answers saved before."));
        showResult();
    });
}

void QuizPage::showResult() {
    if (!attempt_) return showOverview();
    result_->showResult(attempt_->result(), attempt_->record(), lectures_);
    stack_->setCurrentWidget(result_);
}

void QuizPage::openItem(const QString& item) {
    if (!loaded_) showOverview();
    static const QString prefix = QStringLiteral("attempt/");
    if (!item.startsWith(prefix)) {
        // Lectures link to a topic ("topic-3") or a question id: questions are only shown inside an attempt, so
        // the link lands on the start screen with a word on where those questions come up.
        if (!item.isEmpty())
            emit statusMessage(tr("Questions on this lecture's topic come up in the module quiz and its review."));
        return;
    }
    bool ok = false;
    const std::int64_t id = item.mid(prefix.size()).toLongLong(&ok);
    if (!ok) return;
    // An attempt being taken is not left for another one by a link.
    if (attemptView_ && attempt_ && !attempt_->finished()) return;
    openAttempt(id);
}

void QuizPage::showEvent(QShowEvent* event) {
    if (!loaded_) showOverview();
    Page::showEvent(event);
}

void QuizPage::hideEvent(QHideEvent* event) {
    // Leaving the page saves a typed answer at once rather than after the pause.
    if (attemptView_) attemptView_->commitPending();
    Page::hideEvent(event);
}

}  // namespace kc::app
