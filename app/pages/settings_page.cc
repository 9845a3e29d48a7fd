// The Settings page.
#include "app/pages/settings_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

SettingsPage::SettingsPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Settings"), this));
}

}  // namespace kc::app
