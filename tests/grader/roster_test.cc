// Roster CSV: RFC 4180 quoting, columns in any order, and every problem reported as file:line:col with its field.
#include "grader/roster.h"

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"

using kc::grader::parseRoster;
using kc::grader::Roster;

namespace {

Roster parsed(const std::string& text) {
    auto roster = parseRoster(text, "roster.csv");
    if (!roster) FAIL(roster.error().message);
    return *roster;
}

std::string errorOf(const std::string& text, const kc::grader::RosterLimits& limits = {}) {
    auto roster = parseRoster(text, "roster.csv", limits);
    REQUIRE_FALSE(roster.has_value());
    CHECK(roster.error().kind == kc::ErrorKind::Invalid);
    return roster.error().message;
}

}  // namespace

TEST_CASE("a roster with quoted fields and columns in any order is read row by row") {
    Roster roster = parsed(
        "Email,Student ID,repo-url,Name,branch,path\r\n"
        "ada@example.edu,s001,https://git.example.edu/ada/lab.git,\"Lovelace, Ada\",submit,./lab2//\r\n"
        "\r\n"
        "grace@example.edu,s002,/srv/repos/grace.git,\"Grace \"\"Amazing\"\" Hopper\",,\r\n");
    REQUIRE(roster.entries.size() == 2);
    const auto& ada = roster.entries[0];
    CHECK(ada.studentId == "s001");
    CHECK(ada.name == "Lovelace, Ada");
    CHECK(ada.email == "ada@example.edu");
    CHECK(ada.repoUrl == "https://git.example.edu/ada/lab.git");
    CHECK(ada.branch == "submit");
    CHECK(ada.path == "lab2");
    CHECK(ada.line == 2);
    const auto& grace = roster.entries[1];
    CHECK(grace.name == "Grace \"Amazing\" Hopper");
    CHECK(grace.branch.empty());
    CHECK(grace.path.empty());
    CHECK(grace.line == 4);  // the blank line 3 is skipped but still counted
}

TEST_CASE("branch and path columns are optional and a byte order mark is not part of the header") {
    Roster roster = parsed("\xEF\xBB\xBFstudent_id,name,email,repo_url\ns1,A,a@x.edu,git@github.com:a/lab.git\n");
    REQUIRE(roster.entries.size() == 1);
    CHECK(roster.entries[0].repoUrl == "git@github.com:a/lab.git");
    CHECK(roster.entries[0].branch.empty());
}

TEST_CASE("an unknown column names its line and column") {
    std::string message = errorOf("student_id,name,nickname,email,repo_url\n");
    // "nickname" starts at byte 17 of line 1.
    CHECK_THAT(message, Catch::Contains("roster.csv:1:17: field 'header': unknown column 'nickname'"));
}

TEST_CASE("a missing required column and a repeated column are both reported") {
    std::string message = errorOf("student_id,name,name,repo_url\ns1,A,B,/r\n");
    CHECK_THAT(message, Catch::Contains("roster.csv:1:17: field 'header': column 'name' appears twice"));
    CHECK_THAT(message, Catch::Contains("roster.csv:1:1: field 'header': required column 'email' is missing"));
}

TEST_CASE("a duplicate student id points at the second row and names the first") {
    std::string message = errorOf(
        "name,student_id,email,repo_url\n"
        "A,s1,a@x.edu,/r/a\n"
        "B,s2,b@x.edu,/r/b\n"
        "C,s1,c@x.edu,/r/c\n");
    CHECK_THAT(message,
               Catch::Contains("roster.csv:4:3: field 'student_id': duplicate student id 's1' (first on line 2)"));
}

TEST_CASE("every bad field in a roster is listed with its own line and column") {
    std::string message = errorOf(
        "student_id,name,email,repo_url,branch,path\n"
        "s1,A,not-an-email,/r/a,main,\n"
        "../s2,B,b@x.edu,/r/b,,\n"
        "s3,C,c@x.edu,/r/c,bad..branch,../outside\n"
        "s4,D,d@x.edu,ftp://host/r,,\n");
    CHECK_THAT(message, Catch::Contains("roster.csv:2:6: field 'email': 'not-an-email' is not an email address"));
    CHECK_THAT(message, Catch::Contains("roster.csv:3:1: field 'student_id':"));
    CHECK_THAT(message, Catch::Contains("roster.csv:4:19: field 'branch': 'bad..branch' is not a valid branch name"));
    CHECK_THAT(message, Catch::Contains("roster.csv:4:31: field 'path': '../outside' must not contain '..'"));
    CHECK_THAT(message, Catch::Contains("roster.csv:5:14: field 'repo_url': scheme 'ftp' is not supported"));
}

TEST_CASE("a token inside a repository URL is refused without repeating it") {
    std::string message = errorOf(
        "student_id,name,email,repo_url\n"
        "s1,A,a@x.edu,https://ghp_topsecret123@github.com/a/lab.git\n");
    CHECK_THAT(message, Catch::Contains("roster.csv:2:14: field 'repo_url': must not carry a user or token"));
    CHECK_THAT(message, !Catch::Contains("ghp_topsecret123"));
}

TEST_CASE("lines are counted through quoted fields that span lines") {
    // The name on line 2 holds a line break (refused as a control character); the bad email is on line 4.
    std::string message = errorOf(
        "student_id,name,email,repo_url\n"
        "s1,\"two\nlines\",a@x.edu,/r/a\n"
        "s2,B,nope,/r/b\n");
    CHECK_THAT(message, Catch::Contains("roster.csv:2:4: field 'name': contains a control character"));
    CHECK_THAT(message, Catch::Contains("roster.csv:4:6: field 'email': 'nope' is not an email address"));
}

TEST_CASE("broken CSV quoting is reported where it starts") {
    CHECK_THAT(errorOf("student_id,name,email,repo_url\ns1,\"open,a@x.edu,/r\n"),
               Catch::Contains("roster.csv:2:4: quoted field is never closed"));
    CHECK_THAT(errorOf("student_id,name,email,repo_url\ns1,A\"B,a@x.edu,/r\n"),
               Catch::Contains("roster.csv:2:5: quote inside an unquoted field"));
    CHECK_THAT(errorOf("student_id,name,email,repo_url\ns1,\"A\"B,a@x.edu,/r\n"),
               Catch::Contains("roster.csv:2:7: unexpected character after a closing quote"));
}

TEST_CASE("a row with the wrong number of fields names where it goes wrong") {
    // Five fields under a four-column header: the extra one starts at column 17.
    CHECK_THAT(errorOf("student_id,name,email,repo_url\ns1,A,a@x.edu,/r,extra\n"),
               Catch::Contains("roster.csv:2:17: row has 5 fields but the header names 4"));
}

TEST_CASE("roster size, row count and field length are bounded") {
    kc::grader::RosterLimits limits;
    limits.maxRows = 2;
    std::string rows = "student_id,name,email,repo_url\n";
    for (int i = 1; i <= 3; ++i)
        rows += "s" + std::to_string(i) + ",N,n@x.edu,/r/" + std::to_string(i) + "\n";
    CHECK_THAT(errorOf(rows, limits), Catch::Contains("roster.csv:4:1: more than the limit of 2 rows"));

    limits = {};
    limits.maxBytes = 64;
    CHECK_THAT(errorOf(std::string(65, 'x'), limits), Catch::Contains("more than the limit of 64"));

    limits = {};
    limits.maxFieldBytes = 8;
    CHECK_THAT(errorOf("student_id,name,email,repo_url\ns1,A,a@x.edu,/a/very/long/path\n", limits),
               Catch::Contains("roster.csv:1:1: field is longer than the limit of 8 bytes"));
}

TEST_CASE("a header without students and an empty file are errors") {
    CHECK_THAT(errorOf("student_id,name,email,repo_url\n"), Catch::Contains("no students"));
    CHECK_THAT(errorOf(""), Catch::Contains("roster.csv:1:1: the roster is empty"));
}

TEST_CASE("loading a roster resolves local repository paths beside the roster file") {
    kc::testing::TempDir dir;
    std::string path = dir.write("class/roster.csv",
                                 "student_id,name,email,repo_url\n"
                                 "s1,A,a@x.edu,repos/a.git\n"
                                 "s2,B,b@x.edu,file:///srv/b.git\n"
                                 "s3,C,c@x.edu,/srv/c.git\n");
    auto roster = kc::grader::loadRoster(path);
    REQUIRE(roster.has_value());
    REQUIRE(roster->entries.size() == 3);
    CHECK(roster->entries[0].repoUrl == dir.path() + "/class/repos/a.git");
    CHECK(roster->entries[1].repoUrl == "file:///srv/b.git");
    CHECK(roster->entries[2].repoUrl == "/srv/c.git");
    CHECK(roster->sourceName == path);

    auto missing = kc::grader::loadRoster(dir.path() + "/nope.csv");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
}
