// The Labs page.
#include "app/pages/labs_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

LabsPage::LabsPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Labs"), this));
}

}  // namespace kc::app
