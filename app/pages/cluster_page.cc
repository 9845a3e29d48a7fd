// The Cluster page.
#include "app/pages/cluster_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace kc::app {

ClusterPage::ClusterPage(AppContext& context, QWidget* parent) : Page(context, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Cluster"), this));
}

}  // namespace kc::app
