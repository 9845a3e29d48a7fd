// The Lectures page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class LecturesPage : public Page {
    Q_OBJECT
public:
    explicit LecturesPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("lectures"); }
    QString title() const override { return tr("Lectures"); }
};

}  // namespace kc::app
