# Drives the API test double with the official Python kubernetes client (list, create, patch, status, watch)
# and prints one JSON document of results for tests/clusters/python_client_test.cc to assert on.
import json
import sys
import threading
import time

from kubernetes import client, config, watch


def main():
    kubeconfig = sys.argv[1]
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()
    custom = client.CustomObjectsApi()
    out = {}

    out["version"] = client.VersionApi().get_code().git_version
    out["namespaces"] = sorted(ns.metadata.name for ns in core.list_namespace().items)

    pod = client.V1Pod(
        metadata=client.V1ObjectMeta(name="py-pod", labels={"app": "py"}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="app", image="busybox")]),
    )
    created = core.create_namespaced_pod("default", pod)
    out["created_uid_len"] = len(created.metadata.uid)
    out["created_phase"] = created.status.phase
    out["pods_by_label"] = [p.metadata.name for p in core.list_namespaced_pod("default", label_selector="app=py").items]
    out["pods_other_label"] = [p.metadata.name for p in core.list_namespaced_pod("default", label_selector="app=nope").items]

    patched = core.patch_namespaced_pod("py-pod", "default", {"metadata": {"labels": {"patched": "yes"}}})
    out["patched_labels"] = patched.metadata.labels

    deployment = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="py-deploy"),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": "py"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "py"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="app", image="busybox")]),
            ),
        ),
    )
    apps.create_namespaced_deployment("default", deployment)
    apps.patch_namespaced_deployment_status("py-deploy", "default", {"status": {"readyReplicas": 2, "replicas": 2}})
    status = apps.read_namespaced_deployment_status("py-deploy", "default")
    out["deployment_ready"] = status.status.ready_replicas
    scaled = apps.patch_namespaced_deployment("py-deploy", "default", [{"op": "replace", "path": "/spec/replicas", "value": 3}])
    out["deployment_replicas"] = scaled.spec.replicas
    out["deployment_generation"] = scaled.metadata.generation

    node_patch = [{"op": "add", "path": "/status/capacity/nvidia.com~1gpu", "value": "4"}]
    core.patch_node_status("gpu-node", node_patch)
    out["node_gpus"] = core.read_node("gpu-node").status.capacity.get("nvidia.com/gpu")

    jobs = custom.list_namespaced_custom_object("ml.kubeclass.dev", "v1", "default", "trainingjobs")
    out["custom_kind"] = jobs["kind"]
    custom.create_namespaced_custom_object("ml.kubeclass.dev", "v1", "default", "trainingjobs", {
        "apiVersion": "ml.kubeclass.dev/v1", "kind": "TrainingJob",
        "metadata": {"name": "py-job"}, "spec": {"gpus": 1}})
    custom.patch_namespaced_custom_object_status("ml.kubeclass.dev", "v1", "default", "trainingjobs", "py-job",
                                                 {"status": {"phase": "Running"}})
    job = custom.get_namespaced_custom_object("ml.kubeclass.dev", "v1", "default", "trainingjobs", "py-job")
    out["custom_phase"] = job.get("status", {}).get("phase")
    out["custom_names"] = [o["metadata"]["name"] for o in
                           custom.list_namespaced_custom_object("ml.kubeclass.dev", "v1", "default", "trainingjobs")["items"]]

    try:
        core.read_namespaced_pod("does-not-exist", "default")
        out["missing_status"] = 200
    except client.exceptions.ApiException as e:
        out["missing_status"] = e.status
        out["missing_reason"] = json.loads(e.body)["reason"]

    # A short watch: existing pods come as ADDED, then a pod created from another thread.
    def create_later():
        time.sleep(0.5)
        core.create_namespaced_pod("default", client.V1Pod(
            metadata=client.V1ObjectMeta(name="py-late"),
            spec=client.V1PodSpec(containers=[client.V1Container(name="app", image="busybox")])))

    creator = threading.Thread(target=create_later)
    creator.start()
    events = []
    started = time.time()
    for event in watch.Watch().stream(core.list_namespaced_pod, "default", timeout_seconds=2):
        events.append([event["type"], event["object"].metadata.name])
    creator.join()
    out["watch_events"] = events
    out["watch_seconds"] = round(time.time() - started, 1)

    out["log_tail"] = core.read_namespaced_pod_log("logger", "kube-system", tail_lines=1)

    first_page = core.list_pod_for_all_namespaces(limit=1)
    second_page = core.list_pod_for_all_namespaces(limit=1, _continue=first_page.metadata._continue)
    out["pages"] = [first_page.items[0].metadata.name, second_page.items[0].metadata.name,
                    first_page.metadata.remaining_item_count]

    # Watching from a resourceVersion the double no longer keeps: an ERROR event with 410, which the client
    # raises (it does not retry when timeout_seconds is given).
    try:
        for _ in watch.Watch().stream(core.list_namespaced_pod, "default", resource_version="1", timeout_seconds=2):
            pass
        out["expired_watch"] = None
    except client.exceptions.ApiException as e:
        out["expired_watch"] = e.status

    core.delete_namespaced_pod("py-late", "default")
    out["pods_after_delete"] = sorted(p.metadata.name for p in core.list_namespaced_pod("default").items)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
