// Validation of a custom resource against its CRD's openAPIV3Schema, as far as the API test double models it:
// the OpenAPI keywords a structural schema uses for plain validation (type, required, properties, items,
// additionalProperties, enum, minimum/maximum with their exclusive forms, minLength/maxLength, pattern,
// minItems/maxItems, nullable, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields). Not modelled:
// CEL rules (x-kubernetes-validations), formats, defaulting and pruning.
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

// One problem per entry, worded like kube-apiserver's field errors:
// `spec.workers: Invalid value: 0: spec.workers in body should be greater than or equal to 1`.
struct SchemaViolation {
    std::string field;    // "spec.workers"
    std::string message;  // the whole line above
};

// `object` is the whole custom resource; apiVersion, kind and metadata are the server's own business and are not
// checked against the schema. Stops after 20 violations.
std::vector<SchemaViolation> validateCustomResource(const Json& schema, const Json& object);

}  // namespace kc::testing
