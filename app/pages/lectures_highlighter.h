// Colours the fenced code blocks of a rendered lecture. QTextDocument::setMarkdown marks each line of a fenced block
// with its language (QTextFormat::BlockCodeLanguage); this highlighter colours those lines with the tokens of
// app/lecture_code_tokens.h and leaves prose alone. Colours are picked for a light or a dark base colour.
#pragma once

#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <map>

#include "app/lecture_code_tokens.h"

namespace kc::app {

class LectureCodeHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    LectureCodeHighlighter(QTextDocument* document, const QPalette& palette);
    // For a palette change (dark mode switched on): new colours, then rehighlight().
    void setPalette(const QPalette& palette);
    QTextCharFormat formatFor(CodeToken token) const { return formats_.at(token); }

protected:
    void highlightBlock(const QString& text) override;

private:
    std::map<CodeToken, QTextCharFormat> formats_;
};

// True when `block` is a line of a fenced code block.
bool isCodeBlockLine(const class QTextBlock& block);

}  // namespace kc::app
