// Where kubeclass's shipped data (labs/, clusters/profiles/, quiz/bank/) is looked for. Shared by every lookup of
// an id (lab, profile) so they all agree on one data root.
#pragma once

#include <string>
#include <vector>

namespace kc {

// $KUBECLASS_DATA_DIR alone when set; otherwise the source tree this binary was built from, then beside the
// executable (<exe>/../share/kubeclass, <exe>/..). Callers take the first candidate that has the folder they need.
std::vector<std::string> dataRootCandidates();

}  // namespace kc
