#include <catch2/catch.hpp>

#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "grader/report_junit.h"
#include "report_sample.h"

using namespace kc::grader;
using namespace kc::grader::testing;

namespace {

// A small XML reader for checking our own output: elements, attributes, character data, the five named
// entities and numeric references, comments-free. Throws on anything not well-formed.
struct Element {
    std::string name;
    std::map<std::string, std::string> attrs;
    std::vector<std::unique_ptr<Element>> children;
    std::string text;

    std::vector<const Element*> all(const std::string& childName) const {
        std::vector<const Element*> out;
        for (const auto& c : children)
            if (c->name == childName) out.push_back(c.get());
        return out;
    }
    const Element* first(const std::string& childName) const {
        auto v = all(childName);
        return v.empty() ? nullptr : v.front();
    }
};

class XmlReader {
public:
    explicit XmlReader(std::string text) : s_(std::move(text)) {}

    std::unique_ptr<Element> document() {
        if (s_.compare(0, 5, "<?xml") == 0) {
            size_t end = s_.find("?>");
            if (end == std::string::npos) throw std::runtime_error("unterminated prolog");
            i_ = end + 2;
        }
        skipSpace();
        auto root = element();
        skipSpace();
        if (i_ != s_.size()) throw std::runtime_error("content after the root element");
        return root;
    }

private:
    void skipSpace() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void expect(char c) {
        if (i_ >= s_.size() || s_[i_] != c) throw std::runtime_error(std::string("expected ") + c + " at " + std::to_string(i_));
        ++i_;
    }
    std::string name() {
        size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                                  s_[i_] == ':' || s_[i_] == '.'))
            ++i_;
        if (start == i_) throw std::runtime_error("expected a name at " + std::to_string(i_));
        return s_.substr(start, i_ - start);
    }
    std::string decode(const std::string& raw) {
        std::string out;
        for (size_t k = 0; k < raw.size(); ++k) {
            char c = raw[k];
            if (c == '<') throw std::runtime_error("raw < in text or attribute");
            if (c != '&') {
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
                    throw std::runtime_error("control character");
                out += c;
                continue;
            }
            size_t semi = raw.find(';', k);
            if (semi == std::string::npos) throw std::runtime_error("unterminated entity");
            std::string ent = raw.substr(k + 1, semi - k - 1);
            if (ent == "amp") out += '&';
            else if (ent == "lt") out += '<';
            else if (ent == "gt") out += '>';
            else if (ent == "quot") out += '"';
            else if (ent == "apos") out += '\'';
            else if (!ent.empty() && ent[0] == '#') out += static_cast<char>(std::stoi(ent.substr(1)));
            else throw std::runtime_error("unknown entity &" + ent + ";");
            k = semi;
        }
        return out;
    }
    std::unique_ptr<Element> element() {
        expect('<');
        auto e = std::make_unique<Element>();
        e->name = name();
        while (true) {
            skipSpace();
            if (i_ >= s_.size()) throw std::runtime_error("unterminated tag");
            if (s_[i_] == '/') {
                ++i_;
                expect('>');
                return e;
            }
            if (s_[i_] == '>') {
                ++i_;
                break;
            }
            std::string attr = name();
            expect('=');
            expect('"');
            size_t end = s_.find('"', i_);
            if (end == std::string::npos) throw std::runtime_error("unterminated attribute");
            if (e->attrs.count(attr)) throw std::runtime_error("duplicate attribute " + attr);
            e->attrs[attr] = decode(s_.substr(i_, end - i_));
            i_ = end + 1;
        }
        while (true) {
            size_t lt = s_.find('<', i_);
            if (lt == std::string::npos) throw std::runtime_error("unclosed <" + e->name + ">");
            e->text += decode(s_.substr(i_, lt - i_));
            i_ = lt;
            if (s_.compare(i_, 2, "</") == 0) {
                i_ += 2;
                if (name() != e->name) throw std::runtime_error("mismatched end tag for " + e->name);
                skipSpace();
                expect('>');
                return e;
            }
            e->children.push_back(element());
        }
    }

    std::string s_;
    size_t i_ = 0;
};

std::unique_ptr<Element> parse(const std::string& xml) { return XmlReader(xml).document(); }

}  // namespace

TEST_CASE("the test XML reader rejects what is not well-formed") {
    CHECK_THROWS(parse("<a><b></a>"));
    CHECK_THROWS(parse("<a x=\"1\" x=\"2\"/>"));
    CHECK_THROWS(parse("<a>1 < 2</a>"));
    CHECK_THROWS(parse("<a>&bogus;</a>"));
    CHECK_THROWS(parse("<a/><b/>"));
    CHECK(parse("<a x=\"&lt;&#10;\">t&amp;</a>")->attrs.at("x") == "<\n");
}

TEST_CASE("the JUnit report parses back with one testcase per check and matching counts") {
    std::string xml = renderJunitReport(sampleRun(), {});
    CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    auto root = parse(xml);
    REQUIRE(root->name == "testsuites");
    auto suites = root->all("testsuite");
    REQUIRE(suites.size() == 1);
    const Element& suite = *suites[0];
    CHECK(suite.attrs.at("name") == "lab-02");
    CHECK(suite.attrs.at("tests") == "7");
    CHECK(suite.attrs.at("failures") == "3");
    CHECK(suite.attrs.at("errors") == "1");
    CHECK(suite.attrs.at("skipped") == "2");  // one skipped, one blocked
    CHECK(suite.attrs.at("time") == "1.234");
    CHECK(suite.attrs.at("timestamp") == "2026-11-22T10:00:00Z");
    CHECK(root->attrs.at("tests") == "7");

    auto cases = suite.all("testcase");
    REQUIRE(cases.size() == 7);
    int failures = 0, errors = 0, skipped = 0;
    for (const auto* c : cases) {
        CHECK(c->attrs.at("classname") == "lab-02");
        failures += static_cast<int>(c->all("failure").size());
        errors += static_cast<int>(c->all("error").size());
        skipped += static_cast<int>(c->all("skipped").size());
    }
    CHECK(failures == 3);
    CHECK(errors == 1);
    CHECK(skipped == 2);

    CHECK(cases[0]->attrs.at("name") == "crd-installed: The TrainingJob CRD is installed");
    CHECK(cases[0]->attrs.at("time") == "0.012");
    CHECK(cases[0]->first("failure") == nullptr);
    const Element* failure = cases[1]->first("failure");
    REQUIRE(failure);
    CHECK(failure->attrs.at("message") == "training-high must outrank inference");
    CHECK_THAT(failure->text, Catch::Contains("at .value: expected > 1000, observed 500"));
    const Element* skip = cases[4]->first("skipped");
    REQUIRE(skip);
    CHECK(skip->attrs.at("message") == "blocked: needs \"rbac-review\", which did not pass");
    REQUIRE(cases[5]->first("error"));
    CHECK(cases[5]->first("error")->attrs.at("message") == "cluster unreachable: connection refused");
    CHECK_THAT(cases[1]->first("system-out")->text, Catch::Contains("points: 0/10"));
}

TEST_CASE("the JUnit report escapes markup and drops characters XML cannot hold") {
    auto root = parse(renderJunitReport(sampleRun(), {}));
    const Element* nasty = root->first("testsuite")->all("testcase")[6];
    CHECK_THAT(nasty->attrs.at("name"), Catch::Contains("Quotes \"q\" & <b>tags</b> ]]> pipe | tick ` ctl"));
    CHECK_THAT(nasty->attrs.at("name"), !Catch::Contains("\x01"));
    CHECK_THAT(nasty->first("failure")->attrs.at("message"), Catch::Contains("<b>tags</b>"));
    CHECK(xmlEscape("a\x02" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(xmlEscape("\xff") == "\xEF\xBF\xBD");
    CHECK(xmlEscape("é") == "é");
}

TEST_CASE("the JUnit student view leaves hidden and late checks out of tests and counts") {
    ReportOptions options;
    options.studentView = true;
    std::string xml = renderJunitReport(sampleRun(), options);
    CHECK_THAT(xml, !Catch::Contains(kHiddenId));
    CHECK_THAT(xml, !Catch::Contains("HIDDEN-"));
    auto root = parse(xml);
    const Element& suite = *root->first("testsuite");
    CHECK(suite.attrs.at("tests") == "5");
    CHECK(suite.attrs.at("failures") == "2");
    CHECK(suite.attrs.at("errors") == "1");
    CHECK(suite.attrs.at("skipped") == "1");
    CHECK(suite.all("testcase").size() == 5);
}
