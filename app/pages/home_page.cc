// The Home page.
#include "app/pages/home_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

HomePage::HomePage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Home"), this));
}

}  // namespace kc::app
