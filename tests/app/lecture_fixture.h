// A tiny course for the Lectures page tests: two lectures and a labs README, so every expected count in the tests
// can be worked out by reading the text below.
#pragma once

#include <string>

#include "tests/support/temp_dir.h"

namespace kc::testing {

// 00-basics.md: "pod" occurs 6 times ignoring case (pods, Pod, "kind: Pod", "pod pod POD"); one yaml block.
inline const char* kBasicsLecture = R"md(# Lecture 0: Basics of pods

Some pods run here. A Pod runs containers.

## First steps

Apply this manifest:

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: demo   # a comment
spec:
  containers:
    - name: main
      image: busybox:1.36
```

Then run:

```console
$ kubectl get events \
    --watch
```

See [Lab 1](../labs/README.md#lab-1-operator-for-ml-training-jobs), [an exercise](../labs/README.md#exercise-networkpolicies-for-service-isolation),
[the topic 0 questions](../quiz/bank/00-basics.yaml), [the next lecture](01-more.md#deep-dive),
[back to the top](#first-steps) and [the docs](https://kubernetes.io/docs/).

## Second section

pod pod POD.
)md";

inline const char* kMoreLecture = R"md(# Lecture 1: More

Words here.

## Deep dive

The end.
)md";

inline const char* kLabsReadme = R"md(# Labs

## Lab 1: Operator for ML training jobs

Walkthrough, starter and rubric: [`lab-01-operator/`](lab-01-operator/README.md).

## Exercise: NetworkPolicies for service isolation

Deny by default. [`exercises/networkpolicies`](exercises/networkpolicies/)
)md";

inline void writeLectureCourse(const TempDir& dir) {
    dir.write("course/lecture-notes/00-basics.md", kBasicsLecture);
    dir.write("course/lecture-notes/01-more.md", kMoreLecture);
    dir.write("course/lecture-notes/README.md", "# Lecture notes\n");
    dir.write("course/labs/README.md", kLabsReadme);
    dir.write("course/labs/lab-01-operator/README.md", "# Lab 1: Operator for ML training jobs\n");
}

}  // namespace kc::testing
