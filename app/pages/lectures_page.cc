// The Lectures page.
#include "app/pages/lectures_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

LecturesPage::LecturesPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Lectures"), this));
}

}  // namespace kc::app
