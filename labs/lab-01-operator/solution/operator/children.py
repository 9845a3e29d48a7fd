"""The children a TrainingJob owns, computed from its spec: a headless Service that gives every worker a stable
DNS name, and an Indexed batch/v1 Job that runs the workers. Pure functions: no API calls here."""

JOB_LABEL = "ml.example.com/job"
ROLE_LABEL = "ml.example.com/role"
RENDEZVOUS_PORT = 29500  # torchrun's default rendezvous port


def owner_reference(tj):
    """The controller reference that makes the garbage collector delete a child with its TrainingJob."""
    md = tj["metadata"]
    return {
        "apiVersion": tj["apiVersion"],
        "kind": tj["kind"],
        "name": md["name"],
        "uid": md["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def child_labels(tj):
    return {JOB_LABEL: tj["metadata"]["name"], "app.kubernetes.io/managed-by": "trainingjob-operator"}


def desired_service(tj):
    md = tj["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": md["name"],
            "namespace": md["namespace"],
            "labels": child_labels(tj),
            "ownerReferences": [owner_reference(tj)],
        },
        "spec": {
            # Headless: DNS returns the workers' own addresses, and every worker gets <pod>.<service>.
            "clusterIP": "None",
            "publishNotReadyAddresses": True,  # workers must find each other before they are Ready
            "selector": {JOB_LABEL: md["name"]},
            "ports": [{"name": "rendezvous", "port": RENDEZVOUS_PORT, "targetPort": RENDEZVOUS_PORT}],
        },
    }


def desired_job(tj):
    md, spec = tj["metadata"], tj.get("spec", {})
    name, workers = md["name"], int(spec.get("workers", 1))
    gpus = int(spec.get("gpusPerWorker", 1))  # the CRD's default, in case the server did not apply it
    container = {
        "name": "trainer",
        "image": spec["image"],
        "env": [
            # Indexed Job pods are named <job>-<index> within the Service's subdomain: worker 0 is the master.
            {"name": "MASTER_ADDR", "value": f"{name}-0.{name}"},
            {"name": "MASTER_PORT", "value": str(RENDEZVOUS_PORT)},
            {"name": "WORLD_SIZE", "value": str(workers)},
            {"name": "RANK", "valueFrom": {"fieldRef": {
                "fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}},
        ],
        "ports": [{"name": "rendezvous", "containerPort": RENDEZVOUS_PORT}],
    }
    if spec.get("command"):
        container["command"] = list(spec["command"])
    if gpus > 0:
        container["resources"] = {"limits": {"nvidia.com/gpu": gpus}}
    labels = child_labels(tj)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": md["namespace"],
            "labels": labels,
            "ownerReferences": [owner_reference(tj)],
        },
        "spec": {
            "completions": workers,
            "parallelism": workers,
            "completionMode": "Indexed",
            "backoffLimit": int(spec.get("backoffLimit", 3)),
            "template": {
                "metadata": {"labels": {**labels, ROLE_LABEL: "worker"}},
                "spec": {
                    "subdomain": name,  # matches the headless Service: stable per-worker DNS names
                    "restartPolicy": "Never",
                    "containers": [container],
                },
            },
        },
    }
