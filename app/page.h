// A page of the main window (Home, Lectures, Labs, Cluster, Quiz, Submit, Settings). Pages talk to each other only
// through navigation requests, so each can be built and tested alone.
#pragma once

#include <QString>
#include <QWidget>

namespace kc::app {

struct AppContext;

class Page : public QWidget {
    Q_OBJECT
public:
    Page(AppContext& context, QWidget* parent) : QWidget(parent), context_(context) {}

    virtual QString pageId() const = 0;  // "home", "lectures", ... (used in navigation and PNG names)
    virtual QString title() const = 0;   // shown in the sidebar
    // Called each time the page is shown; refresh what other pages may have changed.
    virtual void activated() {}
    // Opens an item on the page: a lecture id (with "#anchor"), a lab id ("lab-01/step-id"), ...
    virtual void openItem(const QString& item) { (void)item; }

signals:
    // Asks the window to show another page and open an item there.
    void navigateRequested(const QString& pageId, const QString& item);
    void statusMessage(const QString& text);

protected:
    AppContext& context() { return context_; }

private:
    AppContext& context_;
};

}  // namespace kc::app
