// Syntax colours for lecture code blocks.
#include "app/pages/lectures_highlighter.h"

#include <QTextBlock>

namespace kc::app {

bool isCodeBlockLine(const QTextBlock& block) {
    const QTextBlockFormat format = block.blockFormat();
    return format.hasProperty(QTextFormat::BlockCodeFence) || format.hasProperty(QTextFormat::BlockCodeLanguage);
}

LectureCodeHighlighter::LectureCodeHighlighter(QTextDocument* document, const QPalette& palette)
    : QSyntaxHighlighter(document) {
    setPalette(palette);
}

void LectureCodeHighlighter::setPalette(const QPalette& palette) {
    // Two hand-picked sets that keep at least 4.5:1 contrast on a white or a near-black base; which one depends on
    // how light the base colour is, so a dark system palette gets the dark set.
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    auto format = [](QColor colour, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(colour);
        if (bold) f.setFontWeight(QFont::DemiBold);
        f.setFontItalic(italic);
        return f;
    };
    QColor muted = palette.color(QPalette::PlaceholderText);
    formats_[CodeToken::Keyword] = format(dark ? QColor(0xc6, 0x92, 0xf0) : QColor(0x7a, 0x1f, 0xa2), true);
    formats_[CodeToken::String] = format(dark ? QColor(0x9c, 0xd6, 0x8a) : QColor(0x1a, 0x6e, 0x1a));
    formats_[CodeToken::Comment] = format(muted, false, true);
    formats_[CodeToken::Number] = format(dark ? QColor(0xf0, 0xb2, 0x6a) : QColor(0xa3, 0x4a, 0x00));
    formats_[CodeToken::Key] = format(dark ? QColor(0x7c, 0xc4, 0xf8) : QColor(0x0b, 0x55, 0xa8));
    formats_[CodeToken::Prompt] = format(muted, true);
    formats_[CodeToken::Variable] = format(dark ? QColor(0xf0, 0x8c, 0x8c) : QColor(0xb0, 0x26, 0x26));
    formats_[CodeToken::Output] = format(muted);
}

void LectureCodeHighlighter::highlightBlock(const QString& text) {
    const QTextBlock block = currentBlock();
    if (!isCodeBlockLine(block)) {
        setCurrentBlockState(0);
        return;
    }
    const QString language = block.blockFormat().stringProperty(QTextFormat::BlockCodeLanguage).toLower();
    const std::u16string_view line(reinterpret_cast<const char16_t*>(text.utf16()), static_cast<size_t>(text.size()));
    const std::u16string_view lang(reinterpret_cast<const char16_t*>(language.utf16()),
                                   static_cast<size_t>(language.size()));
    const bool continues = previousBlockState() == 1 && isCodeBlockLine(block.previous());
    for (const CodeSpan& span : tokenizeCodeLine(lang, line, continues))
        setFormat(span.start, span.length, formats_.at(span.kind));
    setCurrentBlockState(continuesOnNextLine(line) ? 1 : 0);
}

}  // namespace kc::app
