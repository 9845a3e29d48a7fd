// The lecture reader.
#include "app/pages/lectures_reader.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QMenu>
#include <QScrollBar>
#include <QStyle>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextLayout>
#include <QToolButton>
#include <algorithm>

#include "app/pages/lectures_highlighter.h"

namespace kc::app {

namespace {

// Prose reads best at about 80 characters a line; wider windows get side margins instead of longer lines.
constexpr int kMaxTextWidth = 860;
constexpr int kDocumentMargin = 24;
// Enough for any lecture (the longest has a few hundred "kubectl"s); keeps a one-letter search cheap.
constexpr int kMaxMatches = 5000;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

LectureReader::LectureReader(QWidget* parent) : QTextBrowser(parent) {
    setOpenLinks(false);  // the page decides: another lecture, a lab, the quiz, the web
    setOpenExternalLinks(false);
    setFrameShape(QFrame::NoFrame);
    viewport()->setMouseTracking(true);
    document()->setDocumentMargin(kDocumentMargin);
    highlighter_ = new LectureCodeHighlighter(document(), palette());

    copyButton_ = new QToolButton(viewport());
    copyButton_->setText(tr("Copy"));
    copyButton_->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    copyButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    copyButton_->setAutoRaise(false);
    copyButton_->setCursor(Qt::PointingHandCursor);
    copyButton_->setToolTip(tr("Copy this code block to the clipboard"));
    copyButton_->setAccessibleName(tr("Copy code block"));
    copyButton_->hide();
    connect(copyButton_, &QToolButton::clicked, this, [this] {
        if (copyButtonBlock_ >= 0) copyCodeBlock(copyButtonBlock_);
    });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] { applyPendingScroll(); });
    // actionTriggered comes only from the student (wheel, keys, the scroll bar), never from setValue.
    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this, [this] { pendingPosition_ = -1; });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        if (copyButton_->isVisible() && copyButtonBlock_ >= 0) placeCopyButton(copyButtonBlock_);
    });
}

void LectureReader::showLecture(const QString& markdown, const MarkdownOutline& outline) {
    clearFind();
    pendingPosition_ = -1;
    copyButton_->hide();
    copyButtonBlock_ = -1;
    markdown_ = markdown;
    outline_ = outline;
    document()->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    document()->setDocumentMargin(kDocumentMargin);
    // The page's header shows the title; the lecture's own "# Title" would repeat it right under it.
    if (QTextBlock first = document()->begin(); first.isValid() && first.blockFormat().headingLevel() == 1) {
        const QTextBlock second = first.next();
        const QTextBlockFormat keptFormat = second.blockFormat();
        const QTextCharFormat keptCharFormat = second.charFormat();
        QTextCursor cursor(first);
        cursor.movePosition(QTextCursor::NextBlock, QTextCursor::KeepAnchor);
        cursor.removeSelectedText();
        cursor.setBlockFormat(keptFormat);  // the merged block keeps the heading's format otherwise
        cursor.setBlockCharFormat(keptCharFormat);
        if (!outline_.headings.empty() && outline_.headings.front().level == 1)
            outline_.headings.erase(outline_.headings.begin());
    }
    collectStructure(outline_);
    styleDocument();
    updateReadingWidth();
    // The edit cursor is left at the end of the inserted text; QTextEdit keeps it in view on every relayout, which
    // would open each lecture at its last line.
    setTextCursor(QTextCursor(document()));
    verticalScrollBar()->setValue(0);
}

void LectureReader::collectStructure(const MarkdownOutline& outline) {
    headings_.clear();
    codeBlocks_.clear();
    size_t nextHeading = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        int level = block.blockFormat().headingLevel();
        if (level > 0) {
            Heading heading;
            heading.level = level;
            heading.text = block.text();
            heading.position = block.position();
            // The source's headings come in the same order; their slugs are the anchors the notes link to.
            if (nextHeading < outline.headings.size() && outline.headings[nextHeading].level == level) {
                heading.slug = fromStd(outline.headings[nextHeading].slug);
                ++nextHeading;
            } else {
                heading.slug = fromStd(headingSlug(heading.text.toStdString()));
            }
            headings_.push_back(heading);
            continue;
        }
        if (!isCodeBlockLine(block)) continue;
        bool continues = !codeBlocks_.empty() && codeBlocks_.back().lastBlock == block.blockNumber() - 1;
        if (continues) {
            codeBlocks_.back().lastBlock = block.blockNumber();
            codeBlocks_.back().text += QLatin1Char('\n') + block.text();
        } else {
            CodeBlock code;
            code.language = block.blockFormat().stringProperty(QTextFormat::BlockCodeLanguage);
            code.text = block.text();
            code.firstBlock = code.lastBlock = block.blockNumber();
            codeBlocks_.push_back(code);
        }
    }
    // Copy gives the code as written in the source; the rendered lines lose nothing in the notes, but tabs or
    // trailing spaces could differ, so the source wins whenever both agree on how many blocks there are.
    if (codeBlocks_.size() == outline.codeBlocks.size())
        for (size_t i = 0; i < codeBlocks_.size(); ++i) codeBlocks_[i].text = fromStd(outline.codeBlocks[i].text);
}

void LectureReader::styleDocument() {
    const QPalette pal = palette();
    const QColor codeBackground = mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.07);
    const double codePointSize = std::max(7.0, font().pointSizeF() * 0.9);
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        QTextBlockFormat format;
        if (isCodeBlockLine(block)) {
            const bool first = !isCodeBlockLine(block.previous());
            const bool last = !isCodeBlockLine(block.next());
            format.setBackground(codeBackground);
            format.setTopMargin(first ? 10 : 0);
            format.setBottomMargin(last ? 14 : 0);
            format.setLeftMargin(0);
            format.setTextIndent(12);
            format.setLineHeight(0, QTextBlockFormat::SingleHeight);
            // Code wraps rather than widening the whole page (Copy takes the source, so wrapping loses nothing);
            // a slightly smaller face keeps the notes' 100-column diagrams on one line.
            format.setNonBreakableLines(false);
            QTextCharFormat smaller;
            smaller.setFontPointSize(codePointSize);
            cursor.setPosition(block.position());
            cursor.setPosition(block.position() + block.length() - 1, QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(smaller);
        } else if (block.blockFormat().headingLevel() > 0) {
            format.setTopMargin(block.blockFormat().headingLevel() <= 2 ? 22 : 16);
            format.setBottomMargin(8);
        } else {
            format.setLineHeight(135, QTextBlockFormat::ProportionalHeight);
        }
        cursor.setPosition(block.position());
        cursor.mergeBlockFormat(format);
    }
    cursor.endEditBlock();
}

void LectureReader::updateReadingWidth() {
    QTextFrame* root = document()->rootFrame();
    QTextFrameFormat format = root->frameFormat();
    // The frame's own margins replace the document margin, so they include it.
    const int side = kDocumentMargin + std::max(0, (viewport()->width() - kMaxTextWidth) / 2);
    if (static_cast<int>(format.leftMargin()) == side && static_cast<int>(format.topMargin()) == kDocumentMargin) return;
    format.setTopMargin(kDocumentMargin);
    format.setBottomMargin(kDocumentMargin);
    format.setLeftMargin(side);
    format.setRightMargin(side);
    root->setFrameFormat(format);
}

bool LectureReader::scrollToAnchor(const QString& slug) {
    for (const Heading& heading : headings_) {
        if (heading.slug != slug) continue;
        setTextCursor(QTextCursor(document()->findBlock(heading.position)));
        // The layout may not reach that far yet (a page just shown): scrollToPosition finishes the scroll when the
        // range grows.
        scrollToPosition(heading.position);
        return true;
    }
    return false;
}

int LectureReader::codeBlockAt(int position) const {
    const int blockNumber = document()->findBlock(position).blockNumber();
    for (size_t i = 0; i < codeBlocks_.size(); ++i)
        if (blockNumber >= codeBlocks_[i].firstBlock && blockNumber <= codeBlocks_[i].lastBlock) return static_cast<int>(i);
    return -1;
}

void LectureReader::copyCodeBlock(int index) {
    if (index < 0 || index >= static_cast<int>(codeBlocks_.size())) return;
    QApplication::clipboard()->setText(codeBlocks_[static_cast<size_t>(index)].text);
    emit codeCopied(index);
}

void LectureReader::placeCopyButton(int index) {
    const CodeBlock& code = codeBlocks_.at(static_cast<size_t>(index));
    auto* layout = document()->documentLayout();
    const QRectF first = layout->blockBoundingRect(document()->findBlockByNumber(code.firstBlock));
    const QRectF last = layout->blockBoundingRect(document()->findBlockByNumber(code.lastBlock));
    const int scroll = verticalScrollBar()->value();
    copyButton_->adjustSize();
    const int x = static_cast<int>(first.right()) - copyButton_->width() - 6 - horizontalScrollBar()->value();
    // Keep the button in view while a long block scrolls past, but never below the block's end.
    int y = std::max(static_cast<int>(first.top()) + 14 - scroll, 4);  // 10: the block's top margin
    y = std::min(y, static_cast<int>(last.bottom()) - 14 - copyButton_->height() - scroll);
    copyButton_->move(x, y);
    copyButtonBlock_ = index;
    copyButton_->show();
    copyButton_->raise();
}

void LectureReader::mouseMoveEvent(QMouseEvent* event) {
    QTextBrowser::mouseMoveEvent(event);
    const int index = codeBlockAt(cursorForPosition(event->position().toPoint()).position());
    if (index >= 0) placeCopyButton(index);
    else copyButton_->hide();
}

void LectureReader::leaveEvent(QEvent* event) {
    QTextBrowser::leaveEvent(event);
    if (!copyButton_->underMouse()) copyButton_->hide();
}

void LectureReader::contextMenuEvent(QContextMenuEvent* event) {
    QMenu* menu = createStandardContextMenu(event->pos());
    const int index = codeBlockAt(cursorForPosition(event->pos()).position());
    if (index >= 0) {
        auto* copy = new QAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy code block"), menu);
        connect(copy, &QAction::triggered, this, [this, index] { copyCodeBlock(index); });
        menu->insertAction(menu->actions().isEmpty() ? nullptr : menu->actions().first(), copy);
        menu->insertSeparator(menu->actions().size() > 1 ? menu->actions().at(1) : nullptr);
    }
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

void LectureReader::keyPressEvent(QKeyEvent* event) {
    // Ctrl+Shift+C copies the code block the text cursor is in (after a click or keyboard navigation).
    if (event->matches(QKeySequence::Copy) && !textCursor().hasSelection()) {
        const int index = codeBlockAt(textCursor().position());
        if (index >= 0) {
            copyCodeBlock(index);
            return;
        }
    }
    if (event->key() == Qt::Key_C && event->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier)) {
        const int index = codeBlockAt(textCursor().position());
        if (index >= 0) copyCodeBlock(index);
        return;
    }
    QTextBrowser::keyPressEvent(event);
}

void LectureReader::resizeEvent(QResizeEvent* event) {
    QTextBrowser::resizeEvent(event);
    updateReadingWidth();
    applyPendingScroll();
}

void LectureReader::showEvent(QShowEvent* event) {
    QTextBrowser::showEvent(event);
    applyPendingScroll();
}

void LectureReader::changeEvent(QEvent* event) {
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && highlighter_ != nullptr) {
        highlighter_->setPalette(palette());
        styleDocument();
        highlighter_->rehighlight();
        updateSelections();
    }
}

int LectureReader::find(const QString& text) {
    matches_.clear();
    current_ = -1;
    if (!text.isEmpty()) {
        QTextCursor cursor(document());
        while (static_cast<int>(matches_.size()) < kMaxMatches) {
            cursor = document()->find(text, cursor);
            if (cursor.isNull()) break;
            matches_.push_back(cursor);
        }
    }
    if (!matches_.empty()) {
        // Start from what is on screen rather than the top of the lecture.
        const int top = cursorForPosition(QPoint(0, 0)).position();
        auto first = std::find_if(matches_.begin(), matches_.end(),
                                  [top](const QTextCursor& c) { return c.selectionStart() >= top; });
        showMatch(first == matches_.end() ? 0 : static_cast<int>(first - matches_.begin()));
    } else {
        updateSelections();
        emit findChanged(-1, 0);
    }
    return matchCount();
}

void LectureReader::findNext() {
    if (matches_.empty()) return;
    showMatch((current_ + 1) % matchCount());
}

void LectureReader::findPrevious() {
    if (matches_.empty()) return;
    showMatch((current_ - 1 + matchCount()) % matchCount());
}

void LectureReader::clearFind() {
    matches_.clear();
    current_ = -1;
    updateSelections();
}

void LectureReader::showMatch(int index) {
    current_ = index;
    pendingPosition_ = -1;
    QTextCursor cursor = matches_.at(static_cast<size_t>(index));
    setTextCursor(cursor);
    ensureCursorVisible();
    updateSelections();
    emit findChanged(current_, matchCount());
}

void LectureReader::updateSelections() {
    QList<QTextEdit::ExtraSelection> selections;
    // A translucent amber reads on light and dark bases alike; the current match uses the palette's highlight.
    QTextCharFormat other;
    other.setBackground(QColor(255, 190, 0, 110));
    QTextCharFormat current;
    current.setBackground(palette().color(QPalette::Highlight));
    current.setForeground(palette().color(QPalette::HighlightedText));
    for (size_t i = 0; i < matches_.size(); ++i)
        selections.append({matches_[i], static_cast<int>(i) == current_ ? current : other});
    setExtraSelections(selections);
}

int LectureReader::topPosition() const { return cursorForPosition(QPoint(0, 0)).position(); }

void LectureReader::scrollToPosition(int position) {
    pendingPosition_ = std::clamp(position, 0, std::max(0, document()->characterCount() - 1));
    applyPendingScroll();
}

void LectureReader::applyPendingScroll() {
    if (pendingPosition_ < 0) return;
    QTextBlock block = document()->findBlock(pendingPosition_);
    if (!block.isValid()) {
        pendingPosition_ = -1;
        return;
    }
    // The block's top, plus the line of the block that holds the position (long paragraphs span many lines);
    // computed afresh each time, since a resize rewraps everything above.
    const QRectF rect = document()->documentLayout()->blockBoundingRect(block);
    int top = static_cast<int>(rect.top());
    if (QTextLayout* layout = block.layout()) {
        const QTextLine line = layout->lineForTextPosition(pendingPosition_ - block.position());
        if (line.isValid()) top += static_cast<int>(line.y());
    }
    QScrollBar* bar = verticalScrollBar();
    bar->setValue(std::min(top, bar->maximum()));
    // Kept until the student scrolls: hidden or half laid out, the widget has no real width yet, and every later
    // rewrap (a resize, the layout finishing in the background) moves the text under a fixed scroll value.
}

}  // namespace kc::app
