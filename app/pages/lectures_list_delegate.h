// Paints a lecture in the Lectures list as two lines: "03  StatefulSets and Storage for ML Platforms" and
// "33 min · 6,554 words", with a check mark when it is read. The item's own text stays the full title, so
// accessibility tools and keyboard search read it.
#pragma once

#include <QStyledItemDelegate>

namespace kc::app {

class LectureListDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    // Item data roles the page fills in.
    enum Role { NumberRole = Qt::UserRole + 1, TitleRole, DetailRole, ReadRole, IdRole };

    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace kc::app
