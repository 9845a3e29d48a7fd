// The API test double's resource catalog: which kinds exist (built-ins from a data table, CRDs once Established),
// and the discovery documents built from it (legacy /api, /apis, /apis/G/V and aggregated apidiscovery.k8s.io/v2).
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc::testing {

struct ResourceType {
    std::string group;    // "" for the core group
    std::string version;  // preferred (storage) version
    std::vector<std::string> versions;  // every served version (built-ins: just `version`)
    std::string kind, plural, singular;
    bool namespaced = true;
    std::vector<std::string> shortNames, categories;
    std::vector<std::string> subresources;  // "status", "log"
    bool custom = false;                    // defined by a CRD
    bool createOnly = false;                // a review kind (SubjectAccessReview): POST answers, nothing is stored

    std::string key() const { return group + "/" + plural; }
    std::string apiVersion(const std::string& v) const { return group.empty() ? v : group + "/" + v; }
    bool hasSubresource(const std::string& name) const;
    bool servesVersion(const std::string& v) const;
};

std::vector<ResourceType> builtinResourceTypes();

// Legacy discovery.
Json discoveryApiVersions(const std::string& serverAddress);
Json discoveryGroupList(const std::vector<ResourceType>& types);
Json discoveryGroup(const std::vector<ResourceType>& types, const std::string& group);  // null when absent
Json discoveryResourceList(const std::vector<ResourceType>& types, const std::string& group, const std::string& version);
// Aggregated discovery (v2): core == true for /api, false for /apis.
Json aggregatedDiscovery(const std::vector<ResourceType>& types, bool core);

}  // namespace kc::testing
