// Tests for the bank validator: the sample bank passes, and each rule fails on a bank broken in exactly that way.
// The sample bank has two questions per topic, so coverage is checked with N = 2 (passes) and N = 3 (fails).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "quiz/bank_loader.h"
#include "quiz/bank_validator.h"

using namespace kc::quiz;

namespace {

const std::filesystem::path kFixtures = std::filesystem::path(KUBECLASS_TEST_FIXTURES) / "quiz";

std::vector<Question> sampleBank() {
    auto bank = loadBank(kFixtures / "bank");
    REQUIRE(bank);
    return *bank;
}

ValidationOptions withNotes(int n = 2) {
    return ValidationOptions{n, kFixtures / "lecture-notes"};
}

Question& byId(std::vector<Question>& bank, const std::string& id) {
    for (auto& q : bank)
        if (q.id == id) return q;
    FAIL("missing " << id);
    throw;
}

// True when exactly one error was reported and it mentions `fragment`.
bool onlyError(const QuizErrors& errors, const std::string& fragment) {
    INFO(errors.size() << " errors; first: " << (errors.empty() ? std::string() : errors[0].toString()));
    return errors.size() == 1 && errors[0].message.find(fragment) != std::string::npos;
}

}  // namespace

TEST_CASE("the sample bank is valid against its lecture notes") {
    auto errors = validateBank(sampleBank(), withNotes());
    for (const auto& e : errors) UNSCOPED_INFO(e.toString());
    CHECK(errors.empty());
}

TEST_CASE("each topic needs the minimum number of questions") {
    auto errors = validateBank(sampleBank(), withNotes(3));
    // All eight topics have two questions, so each of them is one failure.
    CHECK(errors.size() == 8);
    CHECK(errors[0].message == "topic 1 has 2 questions; at least 3 are needed");
    auto bank = sampleBank();
    std::erase_if(bank, [](const Question& q) { return q.topic == 6; });
    CHECK(onlyError(validateBank(bank, withNotes()), "topic 6 has 0 questions"));
}

TEST_CASE("duplicate ids are reported at the second definition") {
    auto bank = sampleBank();
    byId(bank, "t8-velero").id = "t1-reconcile-trigger";
    auto errors = validateBank(bank, withNotes());
    REQUIRE(onlyError(errors, "id is already used at"));
    CHECK(errors[0].file.find("topics-5-8.yaml") != std::string::npos);
    CHECK(errors[0].line > 0);
}

TEST_CASE("answers must agree with the options") {
    SECTION("an answer id that is not an option") {
        auto bank = sampleBank();
        byId(bank, "t1-reconcile-trigger").correctOptions = {"z"};
        CHECK(onlyError(validateBank(bank, withNotes()), "answer 'z' is not one of the option ids"));
    }
    SECTION("single choice with two correct options") {
        auto bank = sampleBank();
        byId(bank, "t3-binding-mode").correctOptions = {"a", "b"};
        CHECK(onlyError(validateBank(bank, withNotes()), "exactly one correct option, not 2"));
    }
    SECTION("multiple choice with none correct") {
        auto bank = sampleBank();
        byId(bank, "t4-traffic-features").correctOptions.clear();
        CHECK(onlyError(validateBank(bank, withNotes()), "at least one correct option"));
    }
    SECTION("repeated option ids") {
        auto bank = sampleBank();
        byId(bank, "t6-kubefed").options[2].id = "b";
        CHECK(onlyError(validateBank(bank, withNotes()), "option id 'b' is used twice"));
    }
    SECTION("an empty accepted short answer") {
        auto bank = sampleBank();
        byId(bank, "t8-velero").answers.push_back(" . ");
        CHECK(onlyError(validateBank(bank, withNotes()), "an accepted answer is empty"));
    }
}

TEST_CASE("references must have the lecture-notes form and match the topic") {
    SECTION("wrong form") {
        auto bank = sampleBank();
        byId(bank, "t2-mig-slices").reference = "notes/02-scheduling.md#gpu-sharing";
        CHECK(onlyError(validateBank(bank, ValidationOptions{2, std::nullopt}), "is not of the form"));
    }
    SECTION("missing anchor") {
        auto bank = sampleBank();
        byId(bank, "t2-mig-slices").reference = "lecture-notes/02-scheduling.md";
        CHECK(onlyError(validateBank(bank, ValidationOptions{2, std::nullopt}), "is not of the form"));
    }
    SECTION("another lecture's notes") {
        auto bank = sampleBank();
        byId(bank, "t2-mig-slices").reference = "lecture-notes/03-storage.md#statefulsets";
        CHECK(onlyError(validateBank(bank, withNotes()), "is not in lecture 02 (topic 2)"));
    }
}

TEST_CASE("references must resolve when the lecture notes are given") {
    SECTION("no such file") {
        auto bank = sampleBank();
        byId(bank, "t2-mig-slices").reference = "lecture-notes/02-scheduler.md#gpu-sharing";
        CHECK(onlyError(validateBank(bank, withNotes()), "no readable file"));
        // Without the notes root only the form is checked, and the form is fine.
        CHECK(validateBank(bank, ValidationOptions{2, std::nullopt}).empty());
    }
    SECTION("no such heading") {
        auto bank = sampleBank();
        byId(bank, "t2-mig-slices").reference = "lecture-notes/02-scheduling.md#gpu-slicing";
        CHECK(onlyError(validateBank(bank, withNotes()), "has no heading with anchor #gpu-slicing"));
    }
    SECTION("a heading-like line inside a code fence is not a heading") {
        auto bank = sampleBank();
        byId(bank, "t8-velero").reference = "lecture-notes/08-production.md#not-a-heading-inside-a-fence";
        CHECK(onlyError(validateBank(bank, withNotes()), "has no heading with anchor"));
    }
}

TEST_CASE("stems that differ only in case and spacing are duplicates") {
    auto bank = sampleBank();
    byId(bank, "t6-kubefed").stem = "  which Pod Security Standards level is the MOST restrictive? ";
    auto errors = validateBank(bank, withNotes());
    CHECK(onlyError(errors, "same stem as question 't5-pss-levels'"));
}

TEST_CASE("all problems are reported together") {
    auto bank = sampleBank();
    byId(bank, "t1-reconcile-trigger").correctOptions = {"z"};
    byId(bank, "t7-memory-request").reference = "bad";
    byId(bank, "t8-velero").id = "t7-hpa-replicas";
    CHECK(validateBank(bank, withNotes()).size() == 3);
}

TEST_CASE("github anchors drop punctuation and hyphenate spaces") {
    CHECK(githubAnchor("Finalizers & owner references") == "finalizers--owner-references");
    CHECK(githubAnchor("HPA in depth (v2)") == "hpa-in-depth-v2");
    CHECK(githubAnchor("Pod `topologySpreadConstraints`") == "pod-topologyspreadconstraints");
    CHECK(githubAnchor("snake_case and-hyphens") == "snake_case-and-hyphens");
}

TEST_CASE("markdown anchors skip fences and number repeated headings") {
    const std::string md = "# Title\n\n## Setup ##\n\ntext\n```\n## Not this\n```\n### Setup\n    ## indented code\n"
                           "#NoSpace\n## Setup\r\n";
    CHECK(markdownAnchors(md) == std::vector<std::string>{"title", "setup", "setup-1", "setup-2"});
}

TEST_CASE("prerequisites questions are checked like any other but need no minimum") {
    SECTION("a bank with no prerequisites questions is still valid") {
        auto bank = sampleBank();
        std::erase_if(bank, [](const Question& q) { return q.topic == kPrerequisitesTopic; });
        CHECK(validateBank(bank, withNotes()).empty());
    }
    SECTION("their references must point into lecture 00") {
        auto bank = sampleBank();
        byId(bank, "p0-etcd-role").reference = "lecture-notes/01-operators.md#reconciliation-loops";
        CHECK(onlyError(validateBank(bank, withNotes()), "is not in lecture 00 (prerequisites)"));
    }
    SECTION("their anchors must resolve") {
        auto bank = sampleBank();
        byId(bank, "p0-node-agent").reference = "lecture-notes/00-kubernetes-architecture.md#workers";
        CHECK(onlyError(validateBank(bank, withNotes()), "has no heading with anchor #workers"));
    }
    SECTION("their answers must agree with their options") {
        auto bank = sampleBank();
        byId(bank, "p0-api-clients").correctOptions = {"a", "e"};
        CHECK(onlyError(validateBank(bank, withNotes()), "answer 'e' is not one of the option ids"));
    }
    SECTION("a course question may not point into lecture 00") {
        auto bank = sampleBank();
        byId(bank, "t1-reconcile-trigger").reference = "lecture-notes/00-kubernetes-architecture.md#nodes";
        CHECK(onlyError(validateBank(bank, withNotes()), "is not in lecture 01 (topic 1)"));
    }
    SECTION("prerequisites questions do not count towards a course topic's minimum") {
        auto bank = sampleBank();
        std::erase_if(bank, [](const Question& q) { return q.topic == 3; });
        auto errors = validateBank(bank, withNotes());
        CHECK(onlyError(errors, "topic 3 has 0 questions"));
    }
}
