// Tests for the GIFT export: the output is parsed back by a small GIFT reader written here from Moodle's format
// description (not from the exporter), and every question is compared with the bank it came from.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "quiz/bank_loader.h"
#include "quiz/gift_export.h"

using namespace kc::quiz;

namespace {

struct GiftAnswer {
    char marker = 0;  // '=' correct, '~' other (weighted or wrong), '#' numeric
    std::optional<double> weight;
    std::string text;
};

struct GiftQuestion {
    std::string category;
    std::string title;
    std::string stem;
    std::vector<GiftAnswer> answers;
    std::string generalFeedback;
};

// Moodle's escapes: \X stands for X for the special characters, and \n for a newline.
std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            ++i;
            out += s[i] == 'n' ? '\n' : s[i];
        } else {
            out += s[i];
        }
    }
    return out;
}

// Index of the first unescaped `c` at or after `from`, npos when none.
std::size_t findUnescaped(const std::string& s, const std::string& token, std::size_t from) {
    for (std::size_t i = from; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
            continue;
        }
        if (s.compare(i, token.size(), token) == 0) return i;
    }
    return std::string::npos;
}

std::vector<GiftQuestion> parseGift(const std::string& text) {
    std::vector<GiftQuestion> out;
    std::istringstream in(text);
    std::string line, category, block;
    auto flush = [&] {
        if (block.empty()) return;
        GiftQuestion q;
        q.category = category;
        REQUIRE(block.rfind("::", 0) == 0);
        std::size_t titleEnd = findUnescaped(block, "::", 2);
        REQUIRE(titleEnd != std::string::npos);
        q.title = unescape(block.substr(2, titleEnd - 2));
        std::size_t open = findUnescaped(block, "{", titleEnd + 2);
        std::size_t close = findUnescaped(block, "}", open);
        REQUIRE(open != std::string::npos);
        REQUIRE(close != std::string::npos);
        std::string stem = block.substr(titleEnd + 2, open - titleEnd - 2);
        while (!stem.empty() && stem.back() == ' ') stem.pop_back();
        q.stem = unescape(stem);
        std::istringstream body(block.substr(open + 1, close - open - 1));
        std::string a;
        while (std::getline(body, a)) {
            while (!a.empty() && (a.front() == '\t' || a.front() == ' ')) a.erase(a.begin());
            if (a.empty()) continue;
            if (a.rfind("####", 0) == 0) {
                q.generalFeedback = unescape(a.substr(4));
                continue;
            }
            GiftAnswer ans;
            ans.marker = a[0];
            std::string rest = a.substr(1);
            if (ans.marker == '~' && !rest.empty() && rest[0] == '%') {
                std::size_t end = rest.find('%', 1);
                REQUIRE(end != std::string::npos);
                ans.weight = std::stod(rest.substr(1, end - 1));
                rest = rest.substr(end + 1);
            }
            ans.text = ans.marker == '#' ? rest : unescape(rest);
            q.answers.push_back(ans);
        }
        out.push_back(q);
        block.clear();
    };
    while (std::getline(in, line)) {
        if (line.rfind("//", 0) == 0) continue;
        if (line.rfind("$CATEGORY: ", 0) == 0) {
            flush();
            category = line.substr(11);
            continue;
        }
        if (line.empty()) {
            flush();
            continue;
        }
        block += (block.empty() ? "" : "\n") + line;
    }
    flush();
    return out;
}

std::string expectedCategory(int topic) {
    if (topic == kPrerequisitesTopic) return "$course$/kubeclass/prerequisites";
    return "$course$/kubeclass/topic-0" + std::to_string(topic);
}

}  // namespace

TEST_CASE("the exported bank parses back to the same questions") {
    auto bank = loadBank(std::filesystem::path(KUBECLASS_TEST_FIXTURES) / "quiz" / "bank");
    REQUIRE(bank);
    auto parsed = parseGift(exportGift(*bank));
    REQUIRE(parsed.size() == bank->size());
    std::map<std::string, const GiftQuestion*> byTitle;
    for (const auto& g : parsed) byTitle[g.title] = &g;
    for (const auto& q : *bank) {
        INFO(q.id);
        REQUIRE(byTitle.count(q.id));
        const GiftQuestion& g = *byTitle[q.id];
        CHECK(g.category == expectedCategory(q.topic));
        CHECK(g.stem == q.stem);
        CHECK(g.generalFeedback == q.explanation + " See " + q.reference);
        auto isCorrect = [&](const std::string& id) {
            return std::find(q.correctOptions.begin(), q.correctOptions.end(), id) != q.correctOptions.end();
        };
        switch (q.type) {
            case QuestionType::Single:
                REQUIRE(g.answers.size() == q.options.size());
                for (std::size_t i = 0; i < q.options.size(); ++i) {
                    CHECK(g.answers[i].text == q.options[i].text);
                    CHECK(g.answers[i].marker == (isCorrect(q.options[i].id) ? '=' : '~'));
                    CHECK_FALSE(g.answers[i].weight);
                }
                break;
            case QuestionType::Multiple: {
                REQUIRE(g.answers.size() == q.options.size());
                const double k = static_cast<double>(q.correctOptions.size());
                const double n = static_cast<double>(q.options.size());
                double positive = 0;
                for (std::size_t i = 0; i < q.options.size(); ++i) {
                    CHECK(g.answers[i].text == q.options[i].text);
                    REQUIRE(g.answers[i].weight);
                    // The documented mapping: +100/k for each correct option, -100/(n-k) for each other one.
                    const double expected = isCorrect(q.options[i].id) ? 100.0 / k : -100.0 / (n - k);
                    CHECK(*g.answers[i].weight == Approx(expected).margin(1e-5));
                    if (*g.answers[i].weight > 0) positive += *g.answers[i].weight;
                }
                // Choosing exactly the correct options earns the full mark in Moodle, as it does here.
                CHECK(positive == Approx(100.0).margin(1e-4));
                break;
            }
            case QuestionType::Short: {
                std::vector<std::string> accepted;
                for (const auto& a : g.answers) {
                    CHECK(a.marker == '=');
                    accepted.push_back(a.text);
                }
                CHECK(accepted == q.answers);
                break;
            }
            case QuestionType::Numeric: {
                REQUIRE(g.answers.size() == 1);
                CHECK(g.answers[0].marker == '#');
                auto colon = g.answers[0].text.find(':');
                REQUIRE(colon != std::string::npos);
                CHECK(std::stod(g.answers[0].text.substr(0, colon)) == q.numericValue);
                CHECK(std::stod(g.answers[0].text.substr(colon + 1)) == q.tolerance);
                break;
            }
        }
    }
}

TEST_CASE("gift special characters and newlines survive the round trip") {
    Question q;
    q.id = "odd:id";
    q.topic = 4;
    q.type = QuestionType::Single;
    q.stem = "Which of {a} = ~b # c: d \\ e\nsecond line?";
    q.options = {{"a", "x = y"}, {"b", "{braces} ~tilde #hash"}};
    q.correctOptions = {"b"};
    q.explanation = "Because: a#b";
    q.reference = "lecture-notes/04-networking.md#security";
    const std::string gift = exportGift({q});
    // Nothing special is left unescaped inside the stem.
    CHECK(gift.find("Which of \\{a\\} \\= \\~b \\# c\\: d \\\\ e\\nsecond line?") != std::string::npos);
    auto parsed = parseGift(gift);
    REQUIRE(parsed.size() == 1);
    CHECK(parsed[0].title == "odd:id");
    CHECK(parsed[0].stem == q.stem);
    REQUIRE(parsed[0].answers.size() == 2);
    CHECK(parsed[0].answers[0].text == "x = y");
    CHECK(parsed[0].answers[1].text == "{braces} ~tilde #hash");
    CHECK(parsed[0].answers[1].marker == '=');
    CHECK(parsed[0].generalFeedback == "Because: a#b See lecture-notes/04-networking.md#security");
}

TEST_CASE("multiple choice weights use the values Moodle accepts") {
    CHECK(giftOptionWeight(true, 3, 4) == Approx(33.33333).margin(1e-5));
    CHECK(giftOptionWeight(false, 3, 4) == -100.0);
    CHECK(giftOptionWeight(true, 2, 5) == 50.0);
    CHECK(giftOptionWeight(false, 2, 5) == Approx(-33.33333).margin(1e-5));
    // Three correct of four: the text keeps five decimals, as Moodle's grade list does.
    Question q;
    q.id = "m";
    q.topic = 1;
    q.type = QuestionType::Multiple;
    q.options = {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}};
    q.correctOptions = {"a", "b", "c"};
    const std::string gift = exportGift({q});
    CHECK(gift.find("~%33.33333%A") != std::string::npos);
    CHECK(gift.find("~%-100%D") != std::string::npos);
}

TEST_CASE("short answers that kubeclass grades differently from Moodle carry a comment") {
    Question q;
    q.id = "s";
    q.topic = 3;
    q.type = QuestionType::Short;
    q.answers = {"None"};
    q.caseSensitive = true;
    const std::string gift = exportGift({q});
    CHECK(gift.find("// kubeclass grades this answer more loosely or strictly than Moodle will: case-sensitive;") !=
          std::string::npos);
    q.caseSensitive = false;
    CHECK(exportGift({q}).find("// kubeclass grades") == std::string::npos);
}
