// The Submit page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class SubmitPage : public Page {
    Q_OBJECT
public:
    explicit SubmitPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("submit"); }
    QString title() const override { return tr("Submit"); }
};

}  // namespace kc::app
