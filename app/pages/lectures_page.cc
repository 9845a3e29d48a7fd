// The Lectures page.
#include "app/pages/lectures_page.h"

#include <QAction>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QUrl>
#include <QVBoxLayout>
#include <filesystem>

#include "app/app_context.h"
#include "app/lecture_links.h"
#include "app/lecture_markdown.h"
#include "app/pages/lectures_find_bar.h"
#include "app/pages/lectures_list_delegate.h"
#include "app/pages/lectures_reader.h"
#include "clusters/bounded_file.h"

namespace kc::app {

namespace {

const char* kCurrentLectureKey = "lectures.current";
std::string positionKey(const std::string& id) { return "lectures.position." + id; }

QString qs(const std::string& s) { return QString::fromStdString(s); }

QLabel* sectionLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    label->setContentsMargins(12, 10, 12, 4);
    return label;
}

}  // namespace

LecturesPage::LecturesPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    outer->addWidget(splitter);

    // Left: the lectures, progress, and this lecture's contents.
    auto* side = new QWidget(splitter);
    side->setMinimumWidth(240);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(0);
    auto* heading = new QLabel(tr("Lecture notes"), side);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.35);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    heading->setContentsMargins(12, 14, 12, 2);
    sideLayout->addWidget(heading);
    progressLabel_ = new QLabel(side);
    progressLabel_->setContentsMargins(12, 0, 12, 4);
    sideLayout->addWidget(progressLabel_);
    progressBar_ = new QProgressBar(side);
    progressBar_->setTextVisible(false);
    progressBar_->setMaximumHeight(6);
    progressBar_->setAccessibleName(tr("Lectures read"));
    auto* barHolder = new QWidget(side);
    auto* barLayout = new QHBoxLayout(barHolder);
    barLayout->setContentsMargins(12, 0, 12, 8);
    barLayout->addWidget(progressBar_);
    sideLayout->addWidget(barHolder);

    auto* sideSplitter = new QSplitter(Qt::Vertical, side);
    sideSplitter->setChildrenCollapsible(false);
    list_ = new QListWidget(sideSplitter);
    list_->setItemDelegate(new LectureListDelegate(list_));
    list_->setAccessibleName(tr("Lectures"));
    list_->setFrameShape(QFrame::NoFrame);
    list_->setUniformItemSizes(true);
    list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* tocHolder = new QWidget(sideSplitter);
    auto* tocLayout = new QVBoxLayout(tocHolder);
    tocLayout->setContentsMargins(0, 0, 0, 0);
    tocLayout->setSpacing(0);
    auto* tocLabel = sectionLabel(tr("On this &page"), tocHolder);
    tocLayout->addWidget(tocLabel);
    toc_ = new QTreeWidget(tocHolder);
    toc_->setHeaderHidden(true);
    toc_->setFrameShape(QFrame::NoFrame);
    toc_->setAccessibleName(tr("Table of contents"));
    toc_->setIndentation(14);
    toc_->setExpandsOnDoubleClick(false);
    tocLabel->setBuddy(toc_);
    tocLayout->addWidget(toc_);
    sideSplitter->addWidget(list_);
    sideSplitter->addWidget(tocHolder);
    sideSplitter->setStretchFactor(0, 5);
    sideSplitter->setStretchFactor(1, 4);
    sideLayout->addWidget(sideSplitter, 1);

    // Right: the lecture's header, the find bar and the reader.
    auto* main = new QWidget(splitter);
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->setSpacing(0);
    auto* header = new QWidget(main);
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(24, 14, 16, 10);
    auto* titles = new QVBoxLayout();
    titles->setSpacing(2);
    title_ = new QLabel(header);
    QFont titleFont = title_->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    title_->setFont(titleFont);
    title_->setWordWrap(true);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    meta_ = new QLabel(header);
    meta_->setForegroundRole(QPalette::PlaceholderText);
    titles->addWidget(title_);
    titles->addWidget(meta_);
    headerLayout->addLayout(titles, 1);
    findButton_ = new QPushButton(tr("&Find…"), header);
    findButton_->setToolTip(tr("Find in this lecture (Ctrl+F)"));
    readButton_ = new QPushButton(header);
    readButton_->setCheckable(true);
    readButton_->setToolTip(tr("Saved at once; Home counts the lectures you have read"));
    readButton_->setAccessibleName(tr("Mark as read"));
    headerLayout->addWidget(findButton_, 0, Qt::AlignTop);
    headerLayout->addWidget(readButton_, 0, Qt::AlignTop);
    mainLayout->addWidget(header);

    error_ = new QLabel(main);
    error_->setWordWrap(true);
    error_->setContentsMargins(24, 8, 24, 8);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->hide();
    mainLayout->addWidget(error_);

    findBar_ = new LectureFindBar(main);
    findBar_->hide();
    mainLayout->addWidget(findBar_);
    auto* line = new QFrame(main);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    mainLayout->addWidget(line);
    reader_ = new LectureReader(main);
    reader_->setAccessibleName(tr("Lecture text"));
    mainLayout->addWidget(reader_, 1);

    splitter->addWidget(side);
    splitter->addWidget(main);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({330, 900});

    auto* findAction = new QAction(tr("Find in lecture"), this);
    findAction->setShortcut(QKeySequence::Find);
    findAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(findAction);
    auto* nextAction = new QAction(this);
    nextAction->setShortcut(QKeySequence::FindNext);
    nextAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(nextAction);
    auto* previousAction = new QAction(this);
    previousAction->setShortcut(QKeySequence::FindPrevious);
    previousAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(previousAction);
    connect(findAction, &QAction::triggered, findBar_, &LectureFindBar::open);
    connect(findButton_, &QPushButton::clicked, findBar_, &LectureFindBar::open);
    connect(nextAction, &QAction::triggered, reader_, &LectureReader::findNext);
    connect(previousAction, &QAction::triggered, reader_, &LectureReader::findPrevious);
    connect(findBar_, &LectureFindBar::searchChanged, reader_, [this](const QString& text) { reader_->find(text); });
    connect(findBar_, &LectureFindBar::nextRequested, reader_, &LectureReader::findNext);
    connect(findBar_, &LectureFindBar::previousRequested, reader_, &LectureReader::findPrevious);
    connect(findBar_, &LectureFindBar::closed, this, [this] {
        reader_->clearFind();
        reader_->setFocus();
    });
    connect(reader_, &LectureReader::findChanged, findBar_, &LectureFindBar::showCount);
    connect(reader_, &LectureReader::codeCopied, this, [this](int index) {
        const auto& code = reader_->codeBlocks().at(static_cast<size_t>(index));
        const int lines = static_cast<int>(code.text.count(QLatin1Char('\n'))) + 1;
        const QString what = code.language.isEmpty() ? tr("code") : code.language;
        emit statusMessage(lines == 1 ? tr("Copied 1 line of %1 to the clipboard").arg(what)
                                      : tr("Copied %1 lines of %2 to the clipboard").arg(lines).arg(what));
    });
    connect(reader_, &QTextBrowser::anchorClicked, this, &LecturesPage::followLink);
    connect(reader_, QOverload<const QUrl&>::of(&QTextBrowser::highlighted), this, [this](const QUrl& url) {
        if (!url.isEmpty()) emit statusMessage(url.toString());
    });
    connect(list_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item == nullptr) return;
        const QString id = item->data(LectureListDelegate::IdRole).toString();
        if (id.toStdString() != currentId_) {
            openLecture(id);
            (void)this->context().progress->setLastLocation({"lectures", id.toStdString()}, this->context().clock->now());
        }
    });
    connect(toc_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        reader_->scrollToAnchor(item->data(0, Qt::UserRole).toString());
    });
    connect(toc_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        reader_->scrollToAnchor(item->data(0, Qt::UserRole).toString());
    });
    connect(readButton_, &QPushButton::toggled, this, &LecturesPage::setRead);
    // The read position is saved a moment after scrolling stops, not on every pixel.
    positionTimer_.setSingleShot(true);
    positionTimer_.setInterval(800);
    connect(&positionTimer_, &QTimer::timeout, this, &LecturesPage::saveReadPosition);
    connect(reader_->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        positionTimer_.start();
        followReadingInContents();
    });

    loadCatalog();
    // Come back to the lecture the student had open.
    auto last = context.progress->value(kCurrentLectureKey);
    std::string start = last && *last && lecture(**last) ? **last : (lectures_.empty() ? "" : lectures_.front().id);
    if (!start.empty()) openLecture(qs(start));
}

void LecturesPage::loadCatalog() {
    const std::string notes = (std::filesystem::path(context().dataRoot) / "lecture-notes").string();
    auto catalog = loadLectureCatalog(notes);
    if (!catalog) {
        showError(tr("The lecture notes could not be read: %1. Check the data folder in Settings.")
                      .arg(qs(catalog.error().message)));
        return;
    }
    lectures_ = std::move(*catalog);
    if (lectures_.empty())
        showError(tr("No lectures were found in %1 (files named NN-topic.md).").arg(qs(notes)));
    // Lab links go through labs/README.md's sections; without it they are reported as not found when clicked.
    auto readme = readFileBounded((std::filesystem::path(context().dataRoot) / "labs" / "README.md").string(), 1 << 20);
    if (readme) labAnchors_ = labAnchorsFromReadme(*readme);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(context().dataRoot) / "quiz" / "bank", ec)) {
        if (entry.path().extension() != ".yaml") continue;
        if (auto bank = readFileBounded(entry.path().string(), 1 << 20)) questionIds_.merge(quizQuestionIds(*bank));
    }

    const QLocale locale;
    for (const LectureInfo& info : lectures_) {
        auto* item = new QListWidgetItem(qs(info.title), list_);
        item->setData(LectureListDelegate::IdRole, qs(info.id));
        item->setData(LectureListDelegate::NumberRole, QStringLiteral("%1").arg(info.number, 2, 10, QLatin1Char('0')));
        item->setData(LectureListDelegate::TitleRole, qs(info.shortTitle));
        item->setData(LectureListDelegate::DetailRole,
                      tr("%1 min read · %2 words").arg(info.readingMinutes).arg(locale.toString(info.words)));
        item->setToolTip(qs(info.title));
    }
    refreshReadState();
}

const LectureInfo* LecturesPage::lecture(const std::string& id) const {
    for (const auto& info : lectures_)
        if (info.id == id) return &info;
    // "03" or "3" names lecture 3.
    bool numeric = !id.empty() && id.size() <= 2 && std::all_of(id.begin(), id.end(), ::isdigit);
    if (numeric)
        for (const auto& info : lectures_)
            if (info.number == std::stoi(id)) return &info;
    return nullptr;
}

void LecturesPage::activated() { refreshReadState(); }

void LecturesPage::refreshReadState() {
    auto read = context().progress->lecturesRead();
    if (!read) {
        showError(tr("Your reading progress could not be read from %1: %2")
                      .arg(qs(context().progressDbPath()), qs(read.error().message)));
        return;
    }
    int count = 0;
    for (int row = 0; row < list_->count(); ++row) {
        QListWidgetItem* item = list_->item(row);
        const std::string id = item->data(LectureListDelegate::IdRole).toString().toStdString();
        const bool isRead = read->count(id) > 0;
        count += isRead ? 1 : 0;
        item->setData(LectureListDelegate::ReadRole, isRead);
        const QString title = item->data(LectureListDelegate::TitleRole).toString();
        item->setData(Qt::AccessibleTextRole, isRead ? tr("%1, read").arg(title) : title);
    }
    const int total = static_cast<int>(lectures_.size());
    progressLabel_->setText(tr("%1 of %2 read").arg(count).arg(total));
    progressBar_->setRange(0, std::max(total, 1));
    progressBar_->setValue(count);
    if (!currentId_.empty()) {
        const QSignalBlocker block(readButton_);
        const bool isRead = read->count(currentId_) > 0;
        readButton_->setChecked(isRead);
        readButton_->setText(isRead ? tr("✓ &Read") : tr("&Mark as read"));
    }
}

void LecturesPage::openItem(const QString& item) {
    const qsizetype hash = item.indexOf(QLatin1Char('#'));
    openLecture(hash < 0 ? item : item.left(hash), hash < 0 ? QString() : item.mid(hash + 1));
}

bool LecturesPage::openLecture(const QString& id, const QString& anchor) {
    const LectureInfo* info = lecture(id.toStdString());
    if (info == nullptr) {
        emit statusMessage(tr("There is no lecture \"%1\"").arg(id));
        return false;
    }
    if (info->id != currentId_) {
        saveReadPosition();
        auto text = readLectureText(info->path);
        if (!text) {
            showError(tr("This lecture could not be read: %1").arg(qs(text.error().message)));
            return false;
        }
        error_->hide();
        currentId_ = info->id;
        positionTimer_.stop();
        reader_->showLecture(qs(linkQuestionIds(*text, questionIds_)), outlineMarkdown(*text));
        title_->setText(qs(info->title));
        meta_->setText(tr("Lecture %1 · %2 min read · %3 words")
                           .arg(info->number)
                           .arg(info->readingMinutes)
                           .arg(QLocale().toString(info->words)));
        fillTableOfContents();
        {
            const QSignalBlocker block(list_);
            for (int row = 0; row < list_->count(); ++row)
                if (list_->item(row)->data(LectureListDelegate::IdRole).toString().toStdString() == currentId_)
                    list_->setCurrentRow(row);
        }
        refreshReadState();
        (void)context().progress->setValue(kCurrentLectureKey, currentId_);
        if (!findBar_->isHidden() && !findBar_->field()->text().isEmpty()) reader_->find(findBar_->field()->text());
        if (anchor.isEmpty()) {
            // Back where the student stopped reading, once the layout knows the lecture's height.
            auto saved = context().progress->value(positionKey(currentId_));
            if (saved && *saved) {
                bool ok = false;
                const int position = QString::fromStdString(**saved).toInt(&ok);
                if (ok && position > 0) reader_->scrollToPosition(position);
            }
        }
    }
    if (!anchor.isEmpty() && !reader_->scrollToAnchor(anchor))
        emit statusMessage(tr("No section \"%1\" in this lecture").arg(anchor));
    return true;
}

void LecturesPage::fillTableOfContents() {
    toc_->clear();
    QTreeWidgetItem* parent = nullptr;
    for (const auto& heading : reader_->headings()) {
        if (heading.level == 1 || heading.level > 3) continue;  // the title is above; deeper levels crowd the list
        // The notes' own link lists ("Contents", "Table of contents") duplicate this one.
        if (heading.text.compare(tr("Contents"), Qt::CaseInsensitive) == 0 ||
            heading.text.compare(tr("Table of contents"), Qt::CaseInsensitive) == 0)
            continue;
        QTreeWidgetItem* item = nullptr;
        if (heading.level == 2 || parent == nullptr) {
            item = new QTreeWidgetItem(toc_, {heading.text});
            parent = item;
        } else {
            item = new QTreeWidgetItem(parent, {heading.text});
        }
        item->setData(0, Qt::UserRole, heading.slug);
        item->setToolTip(0, heading.text);
    }
    toc_->collapseAll();
}

void LecturesPage::followReadingInContents() {
    // The section being read is the last one whose heading is at or above the top of the view.
    const int top = reader_->topPosition();
    QString slug;
    for (const auto& heading : reader_->headings())
        if (heading.position <= top + 1 && heading.level >= 2 && heading.level <= 3) slug = heading.slug;
    QTreeWidgetItemIterator it(toc_);
    for (; *it; ++it) {
        if ((*it)->data(0, Qt::UserRole).toString() != slug) continue;
        const QSignalBlocker block(toc_);
        toc_->setCurrentItem(*it);
        toc_->scrollToItem(*it);
        return;
    }
}

void LecturesPage::setRead(bool read) {
    if (currentId_.empty()) return;
    if (auto saved = context().progress->setLectureRead(currentId_, read, context().clock->now()); !saved) {
        showError(tr("Could not save that this lecture is read: %1. Your progress file is %2.")
                      .arg(qs(saved.error().message), qs(context().progressDbPath())));
        const QSignalBlocker block(readButton_);
        readButton_->setChecked(!read);
        return;
    }
    refreshReadState();
    emit statusMessage(read ? tr("Marked as read") : tr("Marked as not read"));
}

void LecturesPage::saveReadPosition() {
    if (currentId_.empty()) return;
    (void)context().progress->setValue(positionKey(currentId_), std::to_string(reader_->topPosition()));
}

void LecturesPage::showError(const QString& text) {
    error_->setText(text);
    error_->setStyleSheet(QStringLiteral("QLabel { color: palette(bright-text); background: #b3261e; border-radius: 4px; }"));
    error_->show();
}

void LecturesPage::followLink(const QUrl& href) {
    const std::string target = href.toString().toStdString();
    const LectureLink link = classifyLectureLink(target, labAnchors_);
    switch (link.kind) {
        case LectureLink::Kind::Anchor:
            if (!reader_->scrollToAnchor(qs(link.anchor)))
                emit statusMessage(tr("No section \"%1\" in this lecture").arg(qs(link.anchor)));
            return;
        case LectureLink::Kind::Lecture:
            openLecture(qs(link.lectureId), qs(link.anchor));
            (void)context().progress->setLastLocation({"lectures", link.lectureId}, context().clock->now());
            return;
        case LectureLink::Kind::Lab:
            emit navigateRequested(QStringLiteral("labs"), qs(link.labId));
            return;
        case LectureLink::Kind::Quiz:
            emit navigateRequested(QStringLiteral("quiz"), qs(link.quizItem));
            return;
        case LectureLink::Kind::External:
            if (!QDesktopServices::openUrl(QUrl(qs(link.url))))
                emit statusMessage(tr("No browser could open %1").arg(qs(link.url)));
            return;
        case LectureLink::Kind::Unknown: break;
    }
    // A file of the course that has no page (lecture-notes/resources/*.md): open it with the desktop's viewer.
    const QString path = QString::fromStdString((std::filesystem::path(context().dataRoot) / "lecture-notes").string()) +
                         QLatin1Char('/') + href.path();
    if (QFileInfo::exists(path) && QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath())))
        return;
    emit statusMessage(tr("This link leads outside the course: %1").arg(href.toString()));
}

}  // namespace kc::app
