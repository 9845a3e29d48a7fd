// Lab 1 starter: the TrainingJob reconciler. Copy this file over the one `kubebuilder create api` generated
// (internal/controller/trainingjob_controller.go) and fill in the TODOs in order; each names the rubric check
// that grades it. Lecture 01, "Reconciliation loops", has the shape of a reconcile and a worked example.

package controller

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	mlv1 "github.com/example/trainingjob-operator/api/v1"
)

// The label that ties every child to its TrainingJob. The grader finds your children by it:
// ml.example.com/job=<TrainingJob name>.
const jobLabel = "ml.example.com/job"

// TrainingJobReconciler reconciles a TrainingJob object.
type TrainingJobReconciler struct {
	client.Client
	Scheme   *runtime.Scheme
	Recorder record.EventRecorder // TODO(sample-events): set it in cmd/main.go with mgr.GetEventRecorderFor("trainingjob-operator")
}

// TODO(operator-rbac): replace the generated markers with exactly what Reconcile calls, nothing with "*":
// +kubebuilder:rbac:groups=ml.example.com,resources=trainingjobs,verbs=get;list;watch
// +kubebuilder:rbac:groups=ml.example.com,resources=trainingjobs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ml.example.com,resources=trainingjobs/finalizers,verbs=update

// Reconcile makes the cluster match one TrainingJob. It is called with a key, never with the event: read the
// current state every time and converge (level-triggered).
func (r *TrainingJobReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := logf.FromContext(ctx)

	// 1. Get the TrainingJob. NotFound means it was deleted: return nil, the garbage collector removes the
	//    children because they carry owner references.
	var tj mlv1.TrainingJob
	if err := r.Get(ctx, req.NamespacedName, &tj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}

	// 2. TODO(sample-children): ensure the headless Service <name> exists (clusterIP: None, selector
	//    ml.example.com/job=<name>, label ml.example.com/job=<name>). Create it if it is missing: that is also how
	//    a Service the grader deletes comes back (live-drift).
	//    TODO(sample-provenance): controllerutil.SetControllerReference(&tj, svc, r.Scheme) before r.Create.

	// 3. TODO(sample-children): ensure the Job <name> exists: Indexed, completions = parallelism = workers,
	//    backoffLimit from spec, pod template labelled ml.example.com/job=<name>, subdomain <name>, container image
	//    and command from spec, nvidia.com/gpu limit only when gpusPerWorker > 0. Same owner reference.
	//    Do not recreate the Job of a TrainingJob that already finished.

	// 4. TODO(sample-status): derive status from the Job you read (not from what you just created): phase,
	//    conditions (meta.SetStatusCondition), startTime, completionTime, active/succeeded/failed. Write it with
	//    r.Status().Update(ctx, &tj) only when it changed. A Conflict error is normal: return it and you are called
	//    again with fresh data.

	// 5. TODO(sample-events): r.Recorder.Event(&tj, corev1.EventTypeNormal, "Created", "created Job "+tj.Name) when
	//    you create a child, and an event when the phase changes. Not on every reconcile.

	// 6. TODO (optional): ttlSecondsAfterFinished: once finished, delete the TrainingJob after the TTL; return
	//    ctrl.Result{RequeueAfter: remaining} until then.

	log.V(1).Info("reconciled", "trainingjob", req.NamespacedName)
	return ctrl.Result{}, nil
}

// SetupWithManager sets up the controller with the Manager.
func (r *TrainingJobReconciler) SetupWithManager(mgr ctrl.Manager) error {
	// TODO(live-drift): Owns(&batchv1.Job{}) and Owns(&corev1.Service{}) so a change to (or the deletion of) a
	// child wakes up its TrainingJob's reconcile.
	_ = batchv1.Job{}
	_ = corev1.Service{}
	return ctrl.NewControllerManagedBy(mgr).
		For(&mlv1.TrainingJob{}).
		Named("trainingjob").
		Complete(r)
}
