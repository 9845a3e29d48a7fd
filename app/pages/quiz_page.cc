// The Quiz page.
#include "app/pages/quiz_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

QuizPage::QuizPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Quiz"), this));
}

}  // namespace kc::app
