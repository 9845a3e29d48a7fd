// `kubeclass --render-pages DIR`: a PNG of every page at 1280×800, for the GUI tests and the README's screenshots.
#pragma once

#include <QString>
#include <QStringList>

namespace kc::app {

class MainWindow;

// Shows each page in turn, lets it paint, and writes DIR/NN-<page id>.png. Returns the files written, or an
// error message naming the file that could not be written.
bool renderPages(MainWindow& window, const QString& dir, QStringList* written, QString* error);

}  // namespace kc::app
