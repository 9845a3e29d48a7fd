// Server-side apply and field ownership (metadata.managedFields) for the API test double.
//
// What is implemented, and what is simplified compared with kube-apiserver's structured-merge-diff:
//  * Field sets use the FieldsV1 "f:"/"k:" format. Maps are granular (every key is a field). Lists whose
//    elements are all objects with a string "name" are keyed by name ("k:{\"name\":\"x\"}" with a "." entry
//    for the element itself); every other list (args, ports without names, ...) is atomic: one leaf.
//    The real server reads list types and keys from the OpenAPI schema (containerPort, ip, ...); we do not.
//  * Apply: create when absent. A leaf the applier sets to a value different from the live one, and that
//    another manager owns, is a conflict (409 with one cause per field) unless force=true, which moves the
//    ownership to the applier. Equal values become shared ownership. Fields the same manager applied before
//    and omits now are removed when no other manager owns them (a keyed element disappears with its ".").
//    Applied values are merged into the live object: maps recursively, keyed lists by name, atomic lists and
//    scalars replaced. Null values in the configuration are stored as null (no "delete" semantics).
//  * Update (PUT, JSON/merge/strategic patch): leaves whose value changed are owned by the updating manager
//    (operation "Update") and taken from everyone else; leaves that disappeared are dropped from every set.
//  * A manager is identified by name and operation (and subresource): "kubectl" applying conflicts with an
//    earlier "kubectl" Update, as on the real server. apiVersion and time are recorded only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

// FieldsV1 set of every field the object sets (identity and server-managed metadata excluded).
Json fieldSetOf(const Json& object);

struct ApplyConflict {
    std::string manager;
    std::string field;       // ".spec.replicas", ".spec.containers[name=\"app\"].image"
    std::string apiVersion;  // set when the owner is an Update manager (the message then says "using apps/v1")
};

struct ApplyOutcome {
    Json object;                           // the merged object (managedFields updated); null on conflicts
    std::vector<ApplyConflict> conflicts;  // non-empty: nothing was changed
};

// `live` is null when the object does not exist yet. `config` is what the client applied (already reduced to
// the fields this request may set). `now` is an RFC 3339 timestamp.
ApplyOutcome serverSideApply(const Json& live, const Json& config, const std::string& manager, bool force,
                             const std::string& apiVersion, const std::string& subresource, const std::string& now);

// Records ownership for a non-apply write from `before` (null on create) to `after`; edits after.metadata.managedFields.
void recordUpdateOwnership(const Json& before, Json& after, const std::string& manager, const std::string& apiVersion,
                           const std::string& subresource, const std::string& now);

// The message kube-apiserver gives for apply conflicts: "conflict with \"mgr\": .spec.replicas", or for an
// Update manager "conflict with \"mgr\" using apps/v1: .spec.replicas".
std::string conflictMessage(const ApplyConflict& conflict);

}  // namespace kc::testing
