#!/usr/bin/env python3
"""Reference TrainingJob operator for Lab 1 (kubeclass). Level-triggered: watches only decide WHICH TrainingJob
to look at; reconcile() reads the current state and converges, so a missed event is repaired by the next one or by
the periodic resync.

  trainingjob_operator.py [--kubeconfig PATH] [--namespace NS] [--resync SECONDS] [--health-port PORT]

Without --kubeconfig it uses the in-cluster ServiceAccount. SIGTERM or SIGINT stops it cleanly (exit 0).
"""
import argparse
import datetime
import http.server
import logging
import os
import queue
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kubernetes import client, config, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

import children  # noqa: E402
import status as status_logic  # noqa: E402

GROUP, VERSION, PLURAL = "ml.example.com", "v1", "trainingjobs"
MANAGER = "trainingjob-operator"  # our field manager: managedFields show what this operator wrote
WATCH_SECONDS = 5  # short server-side watch windows, so a stop request is noticed quickly

log = logging.getLogger(MANAGER)


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


class WorkQueue:
    """Keys (namespace, name) to reconcile; a key already waiting is not queued twice (bursts coalesce)."""

    def __init__(self):
        self._queue = queue.Queue()
        self._pending = set()
        self._lock = threading.Lock()

    def add(self, key):
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
        self._queue.put(key)

    def get(self, timeout):
        key = self._queue.get(timeout=timeout)
        with self._lock:
            self._pending.discard(key)
        return key


class Operator:
    def __init__(self, api_client, namespace, resync_seconds):
        self.api_client = api_client
        self.custom = client.CustomObjectsApi(api_client)
        self.core = client.CoreV1Api(api_client)
        self.batch = client.BatchV1Api(api_client)
        self.namespace = namespace  # "" watches every namespace
        self.resync_seconds = resync_seconds
        self.queue = WorkQueue()
        self.stop = threading.Event()
        self.announced = set()  # (uid, phase): phase events already emitted, so each transition is reported once

    # ---- watches: map any change to the TrainingJob key ----
    def _watch(self, list_all, list_ns, key_of, **kwargs):
        while not self.stop.is_set():
            try:
                lister = (lambda **kw: list_ns(self.namespace, **kw)) if self.namespace else list_all
                for ev in watch.Watch().stream(lister, timeout_seconds=WATCH_SECONDS, **kwargs):
                    obj = ev["object"]
                    md = obj["metadata"] if isinstance(obj, dict) else obj.metadata.to_dict()
                    key = key_of(md)
                    if key:
                        self.queue.add(key)
                    if self.stop.is_set():
                        return
            except ApiException as e:
                if e.status != 410:  # 410 Gone: our resourceVersion is too old; a fresh watch relists
                    log.warning("watch failed (%s), retrying", e.reason)
                    self.stop.wait(2)
            except Exception as e:  # connection reset, API server restart: level-triggering makes retry safe
                log.warning("watch interrupted (%s), retrying", e)
                self.stop.wait(2)

    def watch_trainingjobs(self):
        self._watch(
            lambda **kw: self.custom.list_cluster_custom_object(GROUP, VERSION, PLURAL, **kw),
            lambda ns, **kw: self.custom.list_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, **kw),
            lambda md: (md["namespace"], md["name"]))

    def _owner_key(self, md):
        labels = md.get("labels") or {}
        name = labels.get(children.JOB_LABEL)
        return (md["namespace"], name) if name else None

    def watch_services(self):
        self._watch(self.core.list_service_for_all_namespaces, self.core.list_namespaced_service, self._owner_key,
                    label_selector=children.JOB_LABEL)

    def watch_jobs(self):
        self._watch(self.batch.list_job_for_all_namespaces, self.batch.list_namespaced_job, self._owner_key,
                    label_selector=children.JOB_LABEL)

    def resync(self):
        while not self.stop.wait(self.resync_seconds):
            try:
                if self.namespace:
                    items = self.custom.list_namespaced_custom_object(GROUP, VERSION, self.namespace, PLURAL)["items"]
                else:
                    items = self.custom.list_cluster_custom_object(GROUP, VERSION, PLURAL)["items"]
                for tj in items:
                    self.queue.add((tj["metadata"]["namespace"], tj["metadata"]["name"]))
            except Exception as e:
                log.warning("resync failed: %s", e)

    # ---- reconcile ----
    def reconcile(self, ns, name):
        try:
            tj = self.custom.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, name)
        except ApiException as e:
            if e.status == 404:
                return  # deleted: the children carry ownerReferences, the garbage collector removes them
            raise
        if tj["metadata"].get("deletionTimestamp"):
            return  # going away; nothing of ours blocks it (no finalizer: owner references clean up)
        finished = (tj.get("status") or {}).get("phase") in status_logic.TERMINAL

        self.ensure_service(tj)
        job = self.get_job(ns, name)
        if job is None and not finished:
            # Never re-run a finished training job whose Job was removed; before that, (re)create it.
            job = self.create_child(tj, children.desired_job(tj), self.batch.create_namespaced_job, "Job")
        elif job is not None and not self.owned_by(job, tj):
            self.event(tj, "Warning", "NameConflict", f"Job {name} exists but is not owned by this TrainingJob")
            job = None

        new_status = status_logic.desired_status(tj, job, now_rfc3339())
        old_status = tj.get("status") or {}
        if status_logic.status_changed(old_status, new_status):
            self.custom.patch_namespaced_custom_object_status(
                GROUP, VERSION, ns, PLURAL, name, {"status": new_status}, field_manager=MANAGER)
            if new_status["phase"] != old_status.get("phase"):
                self.announce_phase(tj, new_status)
        self.expire(tj, new_status)

    def owned_by(self, obj, tj):
        refs = obj["metadata"].get("ownerReferences") or []
        return any(r.get("uid") == tj["metadata"]["uid"] and r.get("controller") for r in refs)

    def plain(self, model):
        """A client model as the API's JSON (camelCase keys, RFC 3339 times with Z), like custom objects."""
        def fix(v):
            if isinstance(v, dict):
                return {k: fix(x) for k, x in v.items()}
            if isinstance(v, list):
                return [fix(x) for x in v]
            if isinstance(v, str) and len(v) == 25 and v.endswith("+00:00") and v[10] == "T":
                return v[:19] + "Z"
            return v
        return fix(self.api_client.sanitize_for_serialization(model))

    def get_job(self, ns, name):
        try:
            return self.plain(self.batch.read_namespaced_job(name, ns))
        except ApiException as e:
            if e.status == 404:
                return None
            raise

    def ensure_service(self, tj):
        ns, name = tj["metadata"]["namespace"], tj["metadata"]["name"]
        try:
            self.core.read_namespaced_service(name, ns)
            return
        except ApiException as e:
            if e.status != 404:
                raise
        self.create_child(tj, children.desired_service(tj), self.core.create_namespaced_service, "Service")

    def create_child(self, tj, body, create, kind):
        ns = tj["metadata"]["namespace"]
        # Once status says the children were created, a missing one was deleted by someone: that is drift.
        repaired = any(c.get("type") == "Created" for c in (tj.get("status") or {}).get("conditions") or [])
        try:
            made = create(ns, body, field_manager=MANAGER)
        except ApiException as e:
            if e.status == 409:  # AlreadyExists: someone (an earlier us) made it; the next pass reads it
                return None
            raise
        name = body["metadata"]["name"]
        if repaired:
            self.event(tj, "Warning", "ChildRecreated", f"{kind} {name} was missing and has been recreated")
        else:
            self.event(tj, "Normal", "Created", f"created {kind} {name}")
        log.info("%s/%s: created %s %s", ns, tj["metadata"]["name"], kind, name)
        return self.plain(made)

    def announce_phase(self, tj, st):
        phase = st["phase"]
        if phase == "Running":
            self.event(tj, "Normal", "Running", f"{st['active']} worker(s) running")
        elif phase == "Succeeded":
            self.event(tj, "Normal", "Succeeded", f"all {st['succeeded']} worker(s) completed")
        elif phase == "Failed":
            self.event(tj, "Warning", "Failed", f"the job failed ({st['failed']} failed pod(s))")

    def expire(self, tj, st):
        """ttlSecondsAfterFinished: delete a finished TrainingJob (and through it, its children) after the TTL."""
        ttl = (tj.get("spec") or {}).get("ttlSecondsAfterFinished")
        if ttl is None or st["phase"] not in status_logic.TERMINAL or not st.get("completionTime"):
            return
        left = (parse_rfc3339(st["completionTime"]) + datetime.timedelta(seconds=int(ttl)) -
                datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        key = (tj["metadata"]["namespace"], tj["metadata"]["name"])
        if left > 0:
            timer = threading.Timer(left + 0.5, self.queue.add, args=(key,))
            timer.daemon = True
            timer.start()
            return
        log.info("%s/%s: TTL after finish expired, deleting", *key)
        try:
            self.custom.delete_namespaced_custom_object(
                GROUP, VERSION, key[0], PLURAL, key[1],
                body=client.V1DeleteOptions(propagation_policy="Background",
                                            preconditions=client.V1Preconditions(uid=tj["metadata"]["uid"])))
        except ApiException as e:
            if e.status not in (404, 409):
                raise

    def event(self, tj, etype, reason, message):
        """A core/v1 Event about the TrainingJob (shown by kubectl describe and kubectl events)."""
        md = tj["metadata"]
        marker = (md["uid"], reason)
        if reason in ("Running", "Succeeded", "Failed") and marker in self.announced:
            return
        self.announced.add(marker)
        stamp = now_rfc3339()
        body = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"generateName": md["name"] + ".", "namespace": md["namespace"]},
            "involvedObject": {"apiVersion": tj["apiVersion"], "kind": tj["kind"], "name": md["name"],
                               "namespace": md["namespace"], "uid": md["uid"],
                               "resourceVersion": md.get("resourceVersion", "")},
            "type": etype,
            "reason": reason,
            "message": message,
            "source": {"component": MANAGER},
            "reportingComponent": MANAGER,
            "reportingInstance": os.environ.get("POD_NAME", MANAGER),
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
        }
        try:
            self.core.create_namespaced_event(md["namespace"], body, field_manager=MANAGER)
        except ApiException as e:  # events are best effort: never fail a reconcile over one
            log.warning("could not record event %s: %s", reason, e.reason)

    # ---- workers ----
    def work(self):
        while not self.stop.is_set():
            try:
                ns, name = self.queue.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                self.reconcile(ns, name)
            except ApiException as e:
                level = log.info if e.status == 409 else log.warning  # 409: stale read, just look again
                level("%s/%s: reconcile: %s %s, retrying", ns, name, e.status, e.reason)
                self.retry_later((ns, name))
            except Exception as e:
                log.warning("%s/%s: reconcile failed: %s, retrying", ns, name, e)
                self.retry_later((ns, name))

    def retry_later(self, key, delay=1.0):
        timer = threading.Timer(delay, self.queue.add, args=(key,))
        timer.daemon = True
        timer.start()

    def run(self):
        threads = [threading.Thread(target=t, daemon=True, name=t.__name__)
                   for t in (self.watch_trainingjobs, self.watch_services, self.watch_jobs, self.resync)]
        for t in threads:
            t.start()
        log.info("started; watching %s", self.namespace or "all namespaces")
        self.work()  # returns when stop is set; the daemon watch threads end with the process
        log.info("stopped")


def serve_health(port, op):
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.path in ("/healthz", "/readyz") and not op.stop.is_set()
            self.send_response(200 if ok else 503)
            self.end_headers()
            self.wfile.write(b"ok\n" if ok else b"stopping\n")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("", port), Health)
    threading.Thread(target=server.serve_forever, daemon=True, name="health").start()


def main(argv=None):
    parser = argparse.ArgumentParser(description="TrainingJob operator (kubeclass Lab 1 reference)")
    parser.add_argument("--kubeconfig", help="kubeconfig file; default: the in-cluster ServiceAccount")
    parser.add_argument("--namespace", default="", help="watch only this namespace (default: all)")
    parser.add_argument("--resync", type=float, default=60.0, help="seconds between full resyncs")
    parser.add_argument("--health-port", type=int, default=0, help="serve /healthz and /readyz here (0: off)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    if args.kubeconfig:
        config.load_kube_config(config_file=args.kubeconfig)
    else:
        config.load_incluster_config()
    api_client = client.ApiClient()
    api_client.user_agent = MANAGER + "/0.1.0"  # writes without an explicit field manager are still ours
    op = Operator(api_client, args.namespace, args.resync)

    def on_signal(signum, _frame):
        log.info("received signal %d, stopping", signum)
        op.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.health_port:
        serve_health(args.health_port, op)
    op.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
