// The Quiz page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class QuizPage : public Page {
    Q_OBJECT
public:
    explicit QuizPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("quiz"); }
    QString title() const override { return tr("Quiz"); }
};

}  // namespace kc::app
