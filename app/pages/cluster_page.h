// The Cluster page. (Placeholder until the page is built.)
#pragma once

#include "app/page.h"

namespace kc::app {

class ClusterPage : public Page {
    Q_OBJECT
public:
    explicit ClusterPage(AppContext& context, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("cluster"); }
    QString title() const override { return tr("Cluster"); }
};

}  // namespace kc::app
