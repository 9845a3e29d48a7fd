// The Home page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class HomePage : public Page {
    Q_OBJECT
public:
    explicit HomePage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("home"); }
    QString title() const override { return tr("Home"); }
};

}  // namespace kc::app
