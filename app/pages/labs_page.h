// The Labs page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class LabsPage : public Page {
    Q_OBJECT
public:
    explicit LabsPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("labs"); }
    QString title() const override { return tr("Labs"); }
};

}  // namespace kc::app
