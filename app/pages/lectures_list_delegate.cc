// Two-line lecture items.
#include "app/pages/lectures_list_delegate.h"

#include <QApplication>
#include <QPainter>

namespace kc::app {

namespace {
constexpr int kPadding = 10;
constexpr int kNumberWidth = 30;
}  // namespace

QSize LectureListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    (void)index;
    const QFontMetrics metrics(option.font);
    return {200, metrics.height() * 2 + kPadding * 2 + 4};
}

void LectureListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    const bool selected = option.state.testFlag(QStyle::State_Selected);
    const QPalette::ColorGroup group = option.state.testFlag(QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    const QColor text = option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor muted = text;
    muted.setAlphaF(0.65f);

    const QRect area = option.rect.adjusted(kPadding, kPadding, -kPadding, -kPadding);
    const QFontMetrics metrics(option.font);
    const bool read = index.data(ReadRole).toBool();
    const int checkWidth = metrics.horizontalAdvance(QStringLiteral("✓")) + 6;

    painter->save();
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(muted);
    painter->drawText(QRect(area.left(), area.top(), kNumberWidth, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      index.data(NumberRole).toString());
    painter->setPen(text);
    const QRect titleRect(area.left() + kNumberWidth, area.top(), area.width() - kNumberWidth - checkWidth,
                          metrics.height());
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(index.data(TitleRole).toString(), Qt::ElideRight, titleRect.width()));
    painter->setFont(option.font);
    painter->setPen(muted);
    const QRect detailRect(area.left() + kNumberWidth, area.top() + metrics.height() + 4,
                           area.width() - kNumberWidth, metrics.height());
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(index.data(DetailRole).toString(), Qt::ElideRight, detailRect.width()));
    if (read) {
        // The pass green of the app's semantic accents, lighter on a dark base so it keeps its contrast.
        const bool darkBase = option.palette.color(QPalette::Base).lightness() < 128;
        painter->setFont(bold);
        painter->setPen(selected ? text : (darkBase ? QColor(0x6f, 0xd0, 0x7f) : QColor(0x1e, 0x7d, 0x32)));
        painter->drawText(QRect(area.right() - checkWidth, area.top(), checkWidth, metrics.height()),
                          Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("✓"));
    }
    painter->restore();
}

}  // namespace kc::app
