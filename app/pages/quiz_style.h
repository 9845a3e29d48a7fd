// The Quiz page's few semantic colours (pass, fail, warning) and text helpers. Everything else comes from the
// system palette; the accents have a light-mode and a dark-mode shade so they read on either background.
#pragma once

#include <QColor>
#include <QFont>
#include <QLabel>
#include <QPalette>
#include <QString>

namespace kc::app::quizstyle {

inline bool isDark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

inline QColor passColor(const QPalette& p) { return isDark(p) ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37); }
inline QColor failColor(const QPalette& p) { return isDark(p) ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e); }
inline QColor warnColor(const QPalette& p) { return isDark(p) ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00); }

// A colour for text on the palette's window background: `accent` as it is.
inline QString colorCss(const QColor& c) { return c.name(QColor::HexRgb); }

// A label in a bigger (and optionally bold) version of the widget font, so it scales with the user's settings.
inline QLabel* scaledLabel(const QString& text, QWidget* parent, double factor, bool bold) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    if (f.pointSizeF() > 0) f.setPointSizeF(f.pointSizeF() * factor);
    else f.setPixelSize(static_cast<int>(f.pixelSize() * factor));
    f.setBold(bold);
    label->setFont(f);
    return label;
}

inline QLabel* mutedLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

}  // namespace kc::app::quizstyle
