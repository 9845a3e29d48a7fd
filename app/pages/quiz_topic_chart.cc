// The per-topic chart; see quiz_topic_chart.h.
#include "app/pages/quiz_topic_chart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLineSeries>
#include <QValueAxis>

#include "app/pages/quiz_style.h"

namespace kc::app {

namespace {

QString shortTitle(const QString& title, int maxChars) {
    return title.size() <= maxChars ? title : title.left(maxChars - 1).trimmed() + QStringLiteral("…");
}

}  // namespace

QWidget* makeTopicChart(const std::vector<quiz::TopicScore>& scores, const std::map<int, QString>& titles,
                        QWidget* parent) {
    auto* chart = new QChart;
    const QPalette pal = parent ? parent->palette() : QPalette();
    chart->setBackgroundVisible(false);
    chart->setPlotAreaBackgroundVisible(false);
    chart->legend()->setVisible(false);
    chart->setMargins(QMargins(0, 0, 0, 0));
    chart->setAnimationOptions(QChart::NoAnimation);

    auto* set = new QBarSet(QObject::tr("Score"));
    set->setColor(pal.color(QPalette::Highlight));
    set->setBorderColor(pal.color(QPalette::Highlight));
    set->setSelectedColor(quizstyle::failColor(pal));
    set->setLabelColor(pal.color(QPalette::Text));
    QStringList categories;
    // A horizontal bar chart draws its first category at the bottom; add them last-first so topic 1 is on top.
    for (auto it = scores.rbegin(); it != scores.rend(); ++it) {
        auto title = titles.find(it->topic);
        QString label = title != titles.end() ? title->second : QString::fromStdString(quiz::topicLabel(it->topic));
        categories << QStringLiteral("%1  %2").arg(it->topic).arg(shortTitle(label, 34));
        set->append(it->percent());
    }
    for (int i = 0; i < set->count(); ++i)
        if (set->at(i) + 1e-9 < quiz::kPassPercent) set->selectBar(i);

    auto* series = new QHorizontalBarSeries;
    series->append(set);
    series->setBarWidth(0.62);
    series->setLabelsVisible(true);
    series->setLabelsFormat(QStringLiteral("@value %"));
    series->setLabelsPrecision(3);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    chart->addSeries(series);

    auto* percentAxis = new QValueAxis;
    percentAxis->setRange(0, 100);
    percentAxis->setTickCount(6);
    percentAxis->setLabelFormat(QStringLiteral("%d %"));
    percentAxis->setLabelsColor(pal.color(QPalette::Text));
    percentAxis->setGridLineColor(pal.color(QPalette::Midlight));
    percentAxis->setLinePenColor(pal.color(QPalette::Mid));
    auto* topicAxis = new QBarCategoryAxis;
    topicAxis->append(categories);
    topicAxis->setLabelsColor(pal.color(QPalette::Text));
    topicAxis->setGridLineVisible(false);
    topicAxis->setLinePenColor(pal.color(QPalette::Mid));
    chart->addAxis(percentAxis, Qt::AlignBottom);
    chart->addAxis(topicAxis, Qt::AlignLeft);
    series->attachAxis(percentAxis);
    series->attachAxis(topicAxis);

    // The pass mark: a vertical dashed line across every bar, on its own hidden axis spanning the categories.
    auto* passLine = new QLineSeries;
    const double rows = static_cast<double>(scores.size());
    passLine->append(quiz::kPassPercent, -0.5);
    passLine->append(quiz::kPassPercent, rows - 0.5);
    QPen pen(quizstyle::isDark(pal) ? pal.color(QPalette::Light) : pal.color(QPalette::Dark));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.5);
    passLine->setPen(pen);
    chart->addSeries(passLine);
    auto* rowAxis = new QValueAxis;
    rowAxis->setRange(-0.5, rows - 0.5);
    rowAxis->setVisible(false);
    chart->addAxis(rowAxis, Qt::AlignRight);
    passLine->attachAxis(percentAxis);
    passLine->attachAxis(rowAxis);

    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setBackgroundBrush(Qt::NoBrush);
    view->setStyleSheet(QStringLiteral("background: transparent"));
    view->setMinimumHeight(60 + 34 * static_cast<int>(scores.size()));
    view->setAccessibleName(QObject::tr("Score per topic, with the 80 % pass mark"));
    return view;
}

}  // namespace kc::app
