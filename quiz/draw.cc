// Stratified, seeded quiz draw; see draw.h for the rule.
#include "quiz/draw.h"

#include <algorithm>
#include <array>

#include "quiz/prng.h"

namespace kc::quiz {

namespace {

// The shown order is `chosen`'s; each choice question's options are shuffled next, all from the same generator.
QuizDraw withShuffledOptions(const std::vector<const Question*>& chosen, std::uint64_t seed, SplitMix64& rng) {
    QuizDraw draw;
    draw.seed = seed;
    for (const auto* q : chosen) {
        DrawnQuestion d{q->id, {}};
        if (q->type == QuestionType::Single || q->type == QuestionType::Multiple) {
            for (const auto& o : q->options) d.optionOrder.push_back(o.id);
            shuffle(d.optionOrder, rng);
        }
        draw.questions.push_back(std::move(d));
    }
    return draw;
}

std::vector<const Question*> sortedById(const std::vector<Question>& bank) {
    std::vector<const Question*> sorted;
    for (const auto& q : bank) sorted.push_back(&q);
    std::sort(sorted.begin(), sorted.end(), [](const Question* a, const Question* b) { return a->id < b->id; });
    return sorted;
}

}  // namespace

tl::expected<QuizDraw, QuizError> drawQuiz(const std::vector<Question>& bank, std::uint64_t seed, const DrawPlan& plan) {
    constexpr int kTopics = 8;
    if (plan.minPerTopic < 0 || plan.questionCount < plan.minPerTopic * kTopics)
        return tl::unexpected(QuizError{"", 0, 0, "a draw of " + std::to_string(plan.questionCount) +
                                                     " questions cannot hold " + std::to_string(plan.minPerTopic) +
                                                     " from each of 8 topics"});
    // Sorting by id first makes the draw independent of file and load order.
    const auto sorted = sortedById(bank);

    std::array<std::vector<const Question*>, kTopics> byTopic;
    for (const auto* q : sorted) {
        if (isCourseTopic(q->topic)) byTopic[static_cast<std::size_t>(q->topic - 1)].push_back(q);
    }
    std::size_t available = 0;
    for (int t = 0; t < kTopics; ++t) {
        const auto& group = byTopic[static_cast<std::size_t>(t)];
        if (static_cast<int>(group.size()) < plan.minPerTopic)
            return tl::unexpected(QuizError{"", 0, 0, "topic " + std::to_string(t + 1) + " has " +
                                                         std::to_string(group.size()) + " questions; the draw needs " +
                                                         std::to_string(plan.minPerTopic)});
        available += group.size();
    }
    if (available < static_cast<std::size_t>(plan.questionCount))
        return tl::unexpected(QuizError{"", 0, 0, "the bank has " + std::to_string(available) +
                                                     " questions; the draw needs " + std::to_string(plan.questionCount)});

    SplitMix64 rng(seed);
    for (auto& group : byTopic) shuffle(group, rng);

    std::vector<const Question*> chosen;
    std::array<std::size_t, kTopics> taken{};
    for (std::size_t t = 0; t < kTopics; ++t) {
        for (int i = 0; i < plan.minPerTopic; ++i) chosen.push_back(byTopic[t][taken[t]++]);
    }
    // The rest, a round at a time over the topics that still have questions, in a fresh random order each round.
    while (chosen.size() < static_cast<std::size_t>(plan.questionCount)) {
        std::vector<std::size_t> round;
        for (std::size_t t = 0; t < kTopics; ++t)
            if (taken[t] < byTopic[t].size()) round.push_back(t);
        shuffle(round, rng);
        for (std::size_t t : round) {
            if (chosen.size() == static_cast<std::size_t>(plan.questionCount)) break;
            chosen.push_back(byTopic[t][taken[t]++]);
        }
    }
    shuffle(chosen, rng);

    return withShuffledOptions(chosen, seed, rng);
}

tl::expected<QuizDraw, QuizError> drawPrerequisites(const std::vector<Question>& bank, std::uint64_t seed) {
    std::vector<const Question*> chosen;
    for (const auto* q : sortedById(bank))
        if (q->topic == kPrerequisitesTopic) chosen.push_back(q);
    if (chosen.empty()) return tl::unexpected(QuizError{"", 0, 0, "the bank has no prerequisites questions"});
    SplitMix64 rng(seed);
    shuffle(chosen, rng);
    return withShuffledOptions(chosen, seed, rng);
}

}  // namespace kc::quiz
