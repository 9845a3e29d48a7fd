// The per-topic chart of a quiz result: one horizontal bar per topic (percent of its marks), a dashed line at the
// 80 % pass mark, and the bars under it in the fail colour. Colours follow the palette so it reads in dark mode.
#pragma once

#include <QString>
#include <map>
#include <vector>

#include "quiz/quiz_result.h"

class QWidget;

namespace kc::app {

// A chart view sized for about `scores.size()` rows; `titles` maps a topic to its label.
QWidget* makeTopicChart(const std::vector<quiz::TopicScore>& scores, const std::map<int, QString>& titles,
                        QWidget* parent);

}  // namespace kc::app
