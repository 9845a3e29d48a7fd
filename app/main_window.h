// The app's main window: the frame that lectures, labs, clusters and the quiz will live in.
#pragma once

#include <QMainWindow>

namespace kc::app {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace kc::app
