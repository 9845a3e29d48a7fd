// The Settings page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class SettingsPage : public Page {
    Q_OBJECT
public:
    explicit SettingsPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("settings"); }
    QString title() const override { return tr("Settings"); }
};

}  // namespace kc::app
