// The main window: a sidebar of pages (Ctrl+1 … Ctrl+7) and the page shown. It owns no logic beyond navigation
// and remembering where the student was.
#pragma once

#include <QMainWindow>
#include <vector>

#include "app/page.h"

class QListWidget;
class QStackedWidget;

namespace kc::app {

struct AppContext;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);

    AppContext& context() const { return context_; }
    const std::vector<Page*>& pages() const { return pages_; }
    Page* page(const QString& pageId) const;
    Page* currentPage() const;
    // Shows the page and opens the item on it; false for an unknown page id.
    bool showPage(const QString& pageId, const QString& item = {});

private:
    void addPage(Page* page);

    AppContext& context_;
    QListWidget* sidebar_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    std::vector<Page*> pages_;
};

}  // namespace kc::app
