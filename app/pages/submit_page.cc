// The Submit page.
#include "app/pages/submit_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

SubmitPage::SubmitPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Submit"), this));
}

}  // namespace kc::app
