// Cutting a lab README into steps and mapping the rubric's visible checks onto them (rules in the header).
#include "app/lab_walkthrough.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace kc::app {

namespace {

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string line(text.substr(start, end - start));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

bool isFence(const std::string& line) {
    size_t i = line.find_first_not_of(' ');
    return i != std::string::npos && i <= 3 && (line.compare(i, 3, "```") == 0 || line.compare(i, 3, "~~~") == 0);
}

std::string trim(std::string s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// Headings and list leads as plain text: `code`, **bold** and [links](...) lose their markup.
std::string plainText(const std::string& md) {
    std::string out;
    for (size_t i = 0; i < md.size(); ++i) {
        char c = md[i];
        if (c == '`' || c == '*') continue;
        if (c == ']' && i + 1 < md.size() && md[i + 1] == '(') {
            size_t close = md.find(')', i);
            if (close != std::string::npos) {
                i = close;
                continue;
            }
        }
        if (c == '[') continue;
        out += c;
    }
    return trim(out);
}

struct Section {
    std::string title;
    std::vector<std::string> lines;  // heading included (none for the overview)
    std::vector<bool> inCode;        // per line: inside a fenced block (or a fence line)
};

std::vector<Section> sectionsOf(const std::vector<std::string>& lines, std::string& docTitle) {
    std::vector<Section> sections;
    Section current;
    current.title = "Overview";
    bool code = false;
    for (const auto& line : lines) {
        bool fence = isFence(line);
        if (!code && !fence && line.rfind("# ", 0) == 0 && docTitle.empty()) {
            docTitle = plainText(line.substr(2));
            continue;
        }
        if (!code && !fence && line.rfind("## ", 0) == 0) {
            sections.push_back(std::move(current));
            current = Section{};
            current.title = plainText(line.substr(3));
        }
        current.lines.push_back(line);
        current.inCode.push_back(code || fence);
        if (fence) code = !code;
    }
    sections.push_back(std::move(current));
    // An overview with nothing but blank lines is no step.
    auto& first = sections.front();
    if (std::all_of(first.lines.begin(), first.lines.end(), [](const std::string& l) { return trim(l).empty(); }))
        sections.erase(sections.begin());
    return sections;
}

bool startsNumberedItem(const std::string& line, int* number) {
    size_t i = 0;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i == 0 || i > 3 || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return false;
    if (number) *number = std::stoi(line.substr(0, i));
    return true;
}

bool mentionsCheckpoint(const std::vector<std::string>& lines, const std::vector<bool>& inCode, size_t from,
                        size_t to) {
    for (size_t i = from; i < to; ++i)
        if (!inCode[i] && lines[i].find("Checkpoint") != std::string::npos) return true;
    return false;
}

// The backticked words of the text, outside code blocks.
std::vector<std::string> backticked(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = text.find('`', pos)) != std::string::npos) {
        size_t end = text.find('`', pos + 1);
        if (end == std::string::npos) break;
        out.push_back(text.substr(pos + 1, end - pos - 1));
        pos = end + 1;
    }
    return out;
}

std::string joinLines(const std::vector<std::string>& lines, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) out += lines[i] + "\n";
    return out;
}

// The ids named after "Checkpoint" up to the end of each such paragraph (a blank line or a code block ends it).
std::vector<std::string> checkpointIds(const std::vector<std::string>& lines, const std::vector<bool>& inCode) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (inCode[i]) continue;
        size_t at = lines[i].find("Checkpoint");
        if (at == std::string::npos) continue;
        std::string paragraph = lines[i].substr(at);
        for (size_t j = i + 1; j < lines.size() && !inCode[j] && !trim(lines[j]).empty(); ++j) {
            int n = 0;
            if (startsNumberedItem(lines[j], &n)) break;
            paragraph += "\n" + lines[j];
        }
        for (auto& id : backticked(paragraph)) ids.push_back(std::move(id));
    }
    return ids;
}

std::string proseOf(const std::vector<std::string>& lines, const std::vector<bool>& inCode) {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i)
        if (!inCode[i]) out += lines[i] + "\n";
    return out;
}

struct Draft {
    WalkthroughStep step;
    std::vector<std::string> lines;
    std::vector<bool> inCode;
    bool isStepSection = false;
};

std::string itemTitle(const std::string& firstLine) {
    std::string rest = firstLine.substr(firstLine.find(". ") + 2);
    if (rest.rfind("**", 0) == 0) {
        size_t end = rest.find("**", 2);
        if (end != std::string::npos) {
            std::string lead = trim(rest.substr(2, end - 2));
            while (!lead.empty() && (lead.back() == '.' || lead.back() == ':')) lead.pop_back();
            return lead;
        }
    }
    std::string text = plainText(rest);
    size_t stop = text.find_first_of(".:,");
    if (stop != std::string::npos && stop > 8) text = text.substr(0, stop);
    if (text.size() > 48) {
        size_t cut = text.rfind(' ', 44);
        text = text.substr(0, cut == std::string::npos || cut < 20 ? 44 : cut) + "...";
    }
    return text;
}

// A section with two or more top-level numbered items that name a checkpoint, cut into one draft per item.
std::vector<Draft> splitIntoItems(const Section& s) {
    std::vector<size_t> starts;
    std::vector<int> numbers;
    for (size_t i = 0; i < s.lines.size(); ++i) {
        int n = 0;
        if (!s.inCode[i] && startsNumberedItem(s.lines[i], &n)) {
            starts.push_back(i);
            numbers.push_back(n);
        }
    }
    if (starts.size() < 2) return {};
    // Where the list ends: the first unindented, non-blank line after an item that is not another item.
    std::vector<size_t> ends;
    for (size_t k = 0; k < starts.size(); ++k) {
        size_t limit = k + 1 < starts.size() ? starts[k + 1] : s.lines.size();
        size_t end = limit;
        for (size_t i = starts[k] + 1; i < limit; ++i) {
            const auto& l = s.lines[i];
            if (!s.inCode[i] && !l.empty() && l[0] != ' ' && l[0] != '\t') {
                end = i;
                break;
            }
        }
        ends.push_back(end);
    }
    int withCheckpoint = 0;
    for (size_t k = 0; k < starts.size(); ++k)
        withCheckpoint += mentionsCheckpoint(s.lines, s.inCode, starts[k], ends[k]) ? 1 : 0;
    if (withCheckpoint < 2) return {};
    std::vector<Draft> drafts;
    for (size_t k = 0; k < starts.size(); ++k) {
        Draft d;
        d.isStepSection = true;
        d.step.id = "step-" + std::to_string(numbers[k]);
        d.step.title = itemTitle(s.lines[starts[k]]);
        // The item keeps its section heading so it reads on its own; the preamble goes with the first item and
        // what follows the list with the last.
        size_t from = k == 0 ? 0 : starts[k];
        size_t to = k + 1 == starts.size() ? s.lines.size() : ends[k];
        if (k != 0) {
            d.lines.push_back("## " + s.title + ": " + d.step.title);
            d.inCode.push_back(false);
            d.lines.push_back("");
            d.inCode.push_back(false);
        }
        for (size_t i = from; i < to; ++i) {
            d.lines.push_back(s.lines[i]);
            d.inCode.push_back(s.inCode[i]);
        }
        drafts.push_back(std::move(d));
    }
    return drafts;
}

}  // namespace

bool checkShownInApp(const grader::Check& check) {
    return check.visibility == grader::Visibility::Visible;
}

std::string stepIdForTitle(const std::string& title) {
    std::string lower;
    for (char c : title) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("step ", 0) == 0) {
        size_t i = 5;
        std::string digits;
        while (i < lower.size() && std::isdigit(static_cast<unsigned char>(lower[i]))) digits += lower[i++];
        if (!digits.empty()) return "step-" + digits;
    }
    std::string slug;
    for (char c : lower) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            slug += c;
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug.empty() ? "section" : slug;
}

const WalkthroughStep* Walkthrough::find(const std::string& stepId) const {
    for (const auto& s : steps)
        if (s.id == stepId) return &s;
    return nullptr;
}

const WalkthroughStep* Walkthrough::stepOf(const std::string& checkId) const {
    for (const auto& s : steps)
        if (std::find(s.checkIds.begin(), s.checkIds.end(), checkId) != s.checkIds.end()) return &s;
    return nullptr;
}

Walkthrough splitWalkthrough(std::string_view readme, const grader::Rubric& rubric) {
    Walkthrough w;
    auto sections = sectionsOf(splitLines(readme), w.title);
    if (w.title.empty()) w.title = rubric.title;

    std::vector<Draft> drafts;
    for (const auto& s : sections) {
        auto items = splitIntoItems(s);
        if (!items.empty()) {
            for (auto& d : items) drafts.push_back(std::move(d));
            continue;
        }
        Draft d;
        d.step.title = s.title;
        d.step.id = s.lines.empty() || s.lines[0].rfind("## ", 0) != 0 ? "overview" : stepIdForTitle(s.title);
        d.isStepSection = d.step.id.rfind("step-", 0) == 0;
        d.lines = s.lines;
        d.inCode = s.inCode;
        drafts.push_back(std::move(d));
    }

    std::set<std::string> visible;
    for (const auto& c : rubric.checks)
        if (checkShownInApp(c)) visible.insert(c.id);
    std::map<std::string, size_t> claimedBy;  // check id → draft index

    for (size_t k = 0; k < drafts.size(); ++k)
        for (const auto& id : checkpointIds(drafts[k].lines, drafts[k].inCode))
            if (visible.count(id) && !claimedBy.count(id)) claimedBy[id] = k;

    std::vector<std::vector<std::string>> mentions(drafts.size());
    for (size_t k = 0; k < drafts.size(); ++k) mentions[k] = backticked(proseOf(drafts[k].lines, drafts[k].inCode));
    auto mentionedIn = [&](size_t k, const std::string& id) {
        return std::find(mentions[k].begin(), mentions[k].end(), id) != mentions[k].end();
    };
    for (const auto& id : visible) {
        if (claimedBy.count(id)) continue;
        for (int pass = 0; pass < 2 && !claimedBy.count(id); ++pass)
            for (size_t k = 0; k < drafts.size(); ++k)
                if ((pass == 1 || drafts[k].isStepSection) && mentionedIn(k, id)) {
                    claimedBy[id] = k;
                    break;
                }
    }

    std::set<std::string> usedIds;
    for (auto& d : drafts) {
        std::string id = d.step.id;
        for (int n = 2; usedIds.count(id); ++n) id = d.step.id + "-" + std::to_string(n);
        usedIds.insert(id);
        d.step.id = id;
        d.step.markdown = joinLines(d.lines, 0, d.lines.size());
    }

    WalkthroughStep other;
    other.id = usedIds.count("other-checks") ? "other-checks-2" : "other-checks";
    other.title = "Other checks";
    other.markdown =
        "## Other checks\n\nThe walkthrough does not name these checks at a step; check them when you "
        "have finished the lab.\n";
    for (const auto& c : rubric.checks) {
        if (!visible.count(c.id)) continue;
        auto it = claimedBy.find(c.id);
        if (it == claimedBy.end())
            other.checkIds.push_back(c.id);
        else
            drafts[it->second].step.checkIds.push_back(c.id);
    }
    for (auto& d : drafts) w.steps.push_back(std::move(d.step));
    if (!other.checkIds.empty()) w.steps.push_back(std::move(other));
    return w;
}

}  // namespace kc::app
