// kubeclass: the student desktop app. Parses the command line, wires the services and shows the window.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <cstdio>

#include "app/app_context.h"
#include "app/main_window.h"
#include "app/render_pages.h"
#include "app/startup_probe.h"
#include "kubeclass_version.h"

int main(int argc, char** argv) {
    Q_INIT_RESOURCE(kubeclass);  // the icon lives in the static kubeclass_app library
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kubeclass"));
    QApplication::setApplicationVersion(QStringLiteral(KUBECLASS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("kubeclass"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/kubeclass/kubeclass.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Kubernetes for ML infrastructure: lectures, labs, clusters and quiz"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption renderOption(QStringLiteral("render-pages"), QStringLiteral("Write a PNG of every page to DIR and exit."),
                                    QStringLiteral("DIR"));
    QCommandLineOption configOption(QStringLiteral("config"), QStringLiteral("Settings file (default: the XDG config dir)."),
                                    QStringLiteral("FILE"));
    QCommandLineOption dataOption(QStringLiteral("course-dir"),
                                  QStringLiteral("Folder with labs/, lecture-notes/, quiz/bank/ (default: found beside the program)."),
                                  QStringLiteral("DIR"));
    parser.addOptions({renderOption, configOption, dataOption});
    parser.process(application);

    auto context = kc::app::makeAppContext({.settingsFile = parser.value(configOption), .dataRoot = parser.value(dataOption)});
    if (!context) {
        std::fprintf(stderr, "kubeclass: %s\n", context.error().message.c_str());
        if (!parser.isSet(renderOption) && QGuiApplication::platformName() != QStringLiteral("offscreen"))
            QMessageBox::critical(nullptr, QStringLiteral("kubeclass"), QString::fromStdString(context.error().message));
        return 2;
    }

    kc::app::MainWindow window(**context);
    if (parser.isSet(renderOption)) {
        QStringList written;
        QString error;
        if (!kc::app::renderPages(window, parser.value(renderOption), &written, &error)) {
            std::fprintf(stderr, "kubeclass: %s\n", qPrintable(error));
            return 2;
        }
        for (const auto& file : written) std::printf("%s\n", qPrintable(file));
        return 0;
    }
    kc::app::installStartupProbe();
    window.show();
    return QApplication::exec();
}
