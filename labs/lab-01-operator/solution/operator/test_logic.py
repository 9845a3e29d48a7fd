"""Unit tests of the reference operator's pure parts (children.py, status.py); stdlib only.
Run: /usr/bin/python3 -m unittest discover -s labs/lab-01-operator/solution/operator -p 'test_*.py'"""
import unittest

import children
import status

T0, T1, T2 = "2026-11-20T10:00:00Z", "2026-11-20T10:00:05Z", "2026-11-20T10:00:30Z"


def trainingjob(spec=None, st=None):
    tj = {"apiVersion": "ml.example.com/v1", "kind": "TrainingJob",
          "metadata": {"name": "mnist", "namespace": "ml", "uid": "u-1", "generation": 3},
          "spec": {"image": "busybox:1.36", "workers": 4, "gpusPerWorker": 0, **(spec or {})}}
    if st is not None:
        tj["status"] = st
    return tj


def job(active=0, succeeded=0, failed=0, conditions=(), start=None, done=None):
    st = {"active": active, "succeeded": succeeded, "failed": failed, "ready": active,
          "conditions": [{"type": t, "status": "True", "reason": r, "message": m} for t, r, m in conditions]}
    if start:
        st["startTime"] = start
    if done:
        st["completionTime"] = done
    return {"status": st}


def condition(st, ctype):
    return next((c for c in st["conditions"] if c["type"] == ctype), None)


class ChildrenTest(unittest.TestCase):
    def test_service_is_headless_owned_and_labelled(self):
        svc = children.desired_service(trainingjob())
        self.assertEqual(svc["spec"]["clusterIP"], "None")
        self.assertEqual(svc["spec"]["selector"], {"ml.example.com/job": "mnist"})
        self.assertEqual(svc["metadata"]["labels"]["ml.example.com/job"], "mnist")
        ref = svc["metadata"]["ownerReferences"][0]
        self.assertEqual((ref["kind"], ref["name"], ref["uid"], ref["controller"]), ("TrainingJob", "mnist", "u-1", True))

    def test_job_runs_every_worker_at_once_with_its_rank(self):
        j = children.desired_job(trainingjob({"command": ["python", "train.py"], "backoffLimit": 2}))
        spec = j["spec"]
        self.assertEqual((spec["completions"], spec["parallelism"], spec["completionMode"]), (4, 4, "Indexed"))
        self.assertEqual(spec["backoffLimit"], 2)
        pod = spec["template"]["spec"]
        self.assertEqual(pod["subdomain"], "mnist")
        self.assertEqual(spec["template"]["metadata"]["labels"]["ml.example.com/job"], "mnist")
        c = pod["containers"][0]
        self.assertEqual(c["command"], ["python", "train.py"])
        env = {e["name"]: e.get("value") for e in c["env"]}
        self.assertEqual((env["MASTER_ADDR"], env["WORLD_SIZE"]), ("mnist-0.mnist", "4"))
        self.assertNotIn("resources", c)  # gpusPerWorker 0: no GPU limit, so it schedules on CPU nodes

    def test_gpu_limit_only_when_asked_and_defaults_when_unset(self):
        with_gpus = children.desired_job(trainingjob({"gpusPerWorker": 2}))
        self.assertEqual(with_gpus["spec"]["template"]["spec"]["containers"][0]["resources"],
                         {"limits": {"nvidia.com/gpu": 2}})
        tj = trainingjob()
        del tj["spec"]["gpusPerWorker"]  # a server that did not apply the CRD default
        defaulted = children.desired_job(tj)
        self.assertEqual(defaulted["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"], 1)
        self.assertEqual(defaulted["spec"]["backoffLimit"], 3)


class StatusTest(unittest.TestCase):
    def test_pending_before_any_worker_runs(self):
        st = status.desired_status(trainingjob(), None, T0)
        self.assertEqual(st["phase"], "Pending")
        self.assertEqual(st["observedGeneration"], 3)
        self.assertEqual(condition(st, "Created")["status"], "True")
        self.assertNotIn("startTime", st)
        self.assertEqual(status.desired_status(trainingjob(), job(), T0)["phase"], "Pending")

    def test_running_sets_start_time_from_the_job(self):
        st = status.desired_status(trainingjob(), job(active=4, start=T1), T2)
        self.assertEqual((st["phase"], st["active"], st["readyWorkers"], st["startTime"]), ("Running", 4, 4, T1))
        self.assertEqual(condition(st, "Running")["status"], "True")

    def test_succeeded_keeps_running_condition_as_false_and_times(self):
        running = status.desired_status(trainingjob(), job(active=4, start=T1), T1)
        done = status.desired_status(trainingjob(st=running),
                                     job(succeeded=4, conditions=[("Complete", "", "")], start=T1, done=T2), T2)
        self.assertEqual((done["phase"], done["succeeded"], done["startTime"], done["completionTime"]),
                         ("Succeeded", 4, T1, T2))
        self.assertEqual(condition(done, "Succeeded")["status"], "True")
        self.assertEqual(condition(done, "Running")["status"], "False")
        self.assertEqual(condition(done, "Running")["lastTransitionTime"], T2)
        self.assertEqual(condition(done, "Created")["lastTransitionTime"], T1)  # unchanged status, unchanged time

    def test_failed_carries_the_job_reason(self):
        st = status.desired_status(trainingjob(), job(failed=3, conditions=[
            ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")]), T2)
        self.assertEqual(st["phase"], "Failed")
        self.assertEqual(st["failed"], 3)
        self.assertEqual(condition(st, "Failed")["reason"], "BackoffLimitExceeded")
        self.assertEqual(st["completionTime"], T2)

    def test_a_finished_job_stays_finished_when_its_job_is_gone(self):
        done = status.desired_status(trainingjob(), job(succeeded=4, conditions=[("Complete", "", "")], done=T1), T1)
        again = status.desired_status(trainingjob(st=done), None, T2)
        self.assertEqual((again["phase"], again["succeeded"]), ("Succeeded", 4))
        self.assertFalse(status.status_changed(done, again))

    def test_a_quiet_reconcile_changes_nothing(self):
        st = status.desired_status(trainingjob(), job(active=4, start=T1), T1)
        self.assertFalse(status.status_changed(st, status.desired_status(trainingjob(st=st), job(active=4, start=T1), T2)))


if __name__ == "__main__":
    unittest.main()
