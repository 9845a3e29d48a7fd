// The lecture reader: a QTextBrowser showing one lecture's markdown, with code blocks coloured and copyable (a
// "Copy" button over the block under the mouse, and "Copy code block" in the context menu), headings that anchors
// and the table of contents jump to, and find-in-lecture with every match highlighted.
#pragma once

#include <QTextBrowser>
#include <QTextCursor>
#include <vector>

#include "app/lecture_markdown.h"

class QToolButton;

namespace kc::app {

class LectureCodeHighlighter;

class LectureReader : public QTextBrowser {
    Q_OBJECT
public:
    struct Heading {
        int level = 0;
        QString text;
        QString slug;
        int position = 0;  // document position of the heading's block
    };
    struct CodeBlock {
        QString language;
        QString text;       // exactly as in the markdown source (what Copy puts on the clipboard)
        int firstBlock = 0;  // block numbers in the document, inclusive
        int lastBlock = 0;
    };

    explicit LectureReader(QWidget* parent = nullptr);

    // Renders `markdown`; `outline` (outlineMarkdown of the same text) gives the anchors and the code as written.
    void showLecture(const QString& markdown, const MarkdownOutline& outline);

    const std::vector<Heading>& headings() const { return headings_; }
    const std::vector<CodeBlock>& codeBlocks() const { return codeBlocks_; }
    // Scrolls so the heading with this anchor is at the top; false when the lecture has no such heading.
    bool scrollToAnchor(const QString& slug);
    // Index of the code block holding document position `position`, or -1.
    int codeBlockAt(int position) const;
    // Puts code block `index`'s text on the clipboard.
    void copyCodeBlock(int index);
    // The Copy button over the code block under the mouse (hidden when the mouse is over prose).
    QToolButton* copyButton() const { return copyButton_; }

    // Find: highlights every match of `text` (case-insensitive) and moves to the first one at or after the top of
    // the view. Returns the number of matches.
    int find(const QString& text);
    void findNext();
    void findPrevious();
    void clearFind();
    int matchCount() const { return static_cast<int>(matches_.size()); }
    int currentMatch() const { return current_; }  // 0-based; -1 when none

    // The document position of the first line in view, for keeping the read position (a text position, so it
    // survives a different window size), and scrolling back to it.
    int topPosition() const;
    void scrollToPosition(int position);

signals:
    void codeCopied(int index);
    void findChanged(int current, int count);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void styleDocument();
    void collectStructure(const MarkdownOutline& outline);
    void placeCopyButton(int index);
    void showMatch(int index);
    void updateSelections();
    void updateReadingWidth();
    // Scrolls the pending position to the top as far as the layout allows; done when it got there.
    void applyPendingScroll();

    LectureCodeHighlighter* highlighter_ = nullptr;
    QToolButton* copyButton_ = nullptr;
    int copyButtonBlock_ = -1;  // the code block the button copies
    std::vector<Heading> headings_;
    std::vector<CodeBlock> codeBlocks_;
    std::vector<QTextCursor> matches_;
    int current_ = -1;
    int pendingPosition_ = -1;  // a position to bring to the top once the layout reaches it
    QString markdown_;
    MarkdownOutline outline_;
};

}  // namespace kc::app
