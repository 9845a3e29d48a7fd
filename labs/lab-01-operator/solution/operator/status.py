"""The TrainingJob's status, derived from what the child Job reports (never from what the operator intended).
Pure functions: the caller passes the current time."""

TERMINAL = ("Succeeded", "Failed")


def _job_condition(job, ctype):
    for c in (job or {}).get("status", {}).get("conditions", []) or []:
        if c.get("type") == ctype and c.get("status") == "True":
            return c
    return None


def phase_of(job):
    if job is None:
        return "Pending"
    if _job_condition(job, "Complete"):
        return "Succeeded"
    if _job_condition(job, "Failed"):
        return "Failed"
    st = job.get("status", {})
    if (st.get("active") or 0) > 0 or (st.get("succeeded") or 0) > 0 or (st.get("failed") or 0) > 0:
        return "Running"
    return "Pending"


def _set_condition(conditions, ctype, status, reason, message, now):
    """Kubernetes condition semantics: lastTransitionTime changes only when status does."""
    for c in conditions:
        if c["type"] == ctype:
            if c["status"] != status:
                c["lastTransitionTime"] = now
            c["status"], c["reason"], c["message"] = status, reason, message
            return
    conditions.append({"type": ctype, "status": status, "reason": reason, "message": message,
                       "lastTransitionTime": now})


def desired_status(tj, job, now):
    """The whole new status. `job` is the child Job (None before it exists); times are RFC 3339 strings."""
    old = tj.get("status") or {}
    phase = phase_of(job)
    if old.get("phase") in TERMINAL:
        phase = old["phase"]  # a finished job stays finished, even if its Job is gone
    js = (job or {}).get("status", {})
    status = {
        "phase": phase,
        "observedGeneration": tj["metadata"].get("generation", 1),
        "readyWorkers": js.get("ready", 0) or 0,
        "active": js.get("active", 0) or 0,
        "succeeded": js.get("succeeded", 0) or 0,
        "failed": js.get("failed", 0) or 0,
        "conditions": [dict(c) for c in old.get("conditions", [])],
    }
    if old.get("phase") in TERMINAL:
        for key in ("readyWorkers", "active", "succeeded", "failed"):
            status[key] = old.get(key, status[key]) if job is None else status[key]
    for key in ("startTime", "completionTime"):
        if old.get(key):
            status[key] = old[key]
    conds = status["conditions"]
    _set_condition(conds, "Created", "True", "ChildrenCreated", "the headless Service and the Job exist", now)
    if phase == "Running":
        status.setdefault("startTime", js.get("startTime") or now)
        _set_condition(conds, "Running", "True", "WorkersRunning",
                       f"{status['active']} worker(s) active, {status['succeeded']} finished", now)
    elif phase in TERMINAL:
        status.setdefault("startTime", js.get("startTime") or now)
        status.setdefault("completionTime", js.get("completionTime") or now)
        if any(c["type"] == "Running" for c in conds):
            _set_condition(conds, "Running", "False", "JobFinished", f"the job {phase.lower()}", now)
        failed = _job_condition(job, "Failed") or {}
        if phase == "Succeeded":
            _set_condition(conds, "Succeeded", "True", "AllWorkersSucceeded",
                           f"{status['succeeded']} worker(s) completed", now)
        else:
            _set_condition(conds, "Failed", "True", failed.get("reason", "JobFailed"),
                           failed.get("message", "the job failed"), now)
    return status


def status_changed(old, new):
    """Whether writing `new` changes anything (so a quiet reconcile writes nothing)."""
    return (old or {}) != new
