// Lab 1 starter: the TrainingJob API. Copy this file over the one `kubebuilder create api` generated
// (api/v1/trainingjob_types.go), then work through the TODOs. `make manifests` turns the markers (the
// `// +kubebuilder:` comments) and the doc comments into config/crd/bases/ml.example.com_trainingjobs.yaml.
// Doc comments matter: they become the descriptions `kubectl explain trainingjob.spec` prints (check api-documented).

package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TrainingJobSpec is what the user asks for.
type TrainingJobSpec struct {
	// TODO(crd-schema): document each field with a doc comment and bound it with validation markers, e.g.
	//   // +kubebuilder:validation:MinLength=1
	// Image is the container image of the training program.
	Image string `json:"image"`

	// TODO(crd-schema): Command []string, optional (json:"command,omitempty"), at most 64 items.

	// TODO(crd-schema): Workers int32, required, between 1 and 256.

	// TODO(crd-schema): GPUsPerWorker int32 (json:"gpusPerWorker,omitempty"), between 0 and 8, default 1.
	// The lab cluster has no GPUs: your sample and the grader's TrainingJobs set it to 0.

	// TODO(crd-schema): BackoffLimit *int32 (failed pods tolerated), minimum 0, default 3.

	// TODO(crd-schema): TTLSecondsAfterFinished *int32, minimum 0: delete the TrainingJob this long after it
	// finished. Leave it unset to keep finished jobs.
}

// TrainingJobStatus is what the operator observed. Only the operator writes it, through the status subresource.
type TrainingJobStatus struct {
	// TODO(sample-status): Phase string: Pending, Running, Succeeded or Failed
	//   // +kubebuilder:validation:Enum=Pending;Running;Succeeded;Failed

	// TODO(sample-status): Conditions []metav1.Condition (types Created, Running, Succeeded, Failed), with
	//   // +listType=map
	//   // +listMapKey=type

	// TODO(crd-schema): StartTime and CompletionTime *metav1.Time; Active, Succeeded and Failed int32 (copied
	// from the child Job's status); ObservedGeneration int64.
}

// TODO(crd-status-subresource): add the marker that makes status a subresource.
// TODO(crd-printer-columns): add +kubebuilder:printcolumn markers for Phase (.status.phase), Workers
// (.spec.workers) and Age (type=date, .metadata.creationTimestamp).

// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=tj,categories=ml

// TrainingJob is the Schema for the trainingjobs API.
// TODO(api-documented): say in one or two sentences what a TrainingJob does; `kubectl explain trainingjob` shows it.
type TrainingJob struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   TrainingJobSpec   `json:"spec,omitempty"`
	Status TrainingJobStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TrainingJobList contains a list of TrainingJob.
type TrainingJobList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TrainingJob `json:"items"`
}

func init() {
	SchemeBuilder.Register(&TrainingJob{}, &TrainingJobList{})
}
