"""Whole lifecycles over HTTP (run by bench/http.py; not imported by the product).

Each user opens a case on a fresh subject as the court, initiates and pushes it, then every push is
signed for and fed back by its own department with its own token. Every POST of a move counts as a
transition; the case creation counts too. The plan (tokens, subjects, memorandum) comes in the JSON
file named by BENCH_LOCUST_PLAN."""
import datetime
import itertools
import json
import os

from locust import HttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_LOCUST_PLAN"], encoding="utf-8").read())
SUBJECTS = itertools.cycle(PLAN["subjects"])
TODAY = datetime.date.today()


def auth(username):
    return {"Authorization": f"Token {PLAN['tokens'][username]}"}


class Lifecycle(HttpUser):
    wait_time = constant(0)

    @task
    def lifecycle(self):
        body = {"subject": next(SUBJECTS), "kind": "punishment", "memorandum": PLAN["memorandum"], "basis": "bench",
                "basis_document": "bench", "period_start": TODAY.isoformat(),
                "period_end": (TODAY + datetime.timedelta(days=700)).isoformat()}
        court = auth("court")
        created = self.client.post("/api/v1/cases/", json=body, headers=court, name="create")
        if created.status_code != 201:
            return
        case = created.json()["id"]
        self.client.post(f"/api/v1/cases/{case}/initiate/", headers=court, name="initiate")
        pushed = self.client.post(f"/api/v1/cases/{case}/push/", headers=court, name="push")
        if pushed.status_code != 200:
            return
        for assignment in pushed.json()["assignments"]:
            headers = auth(assignment["department"])
            url = f"/api/v1/assignments/{assignment['id']}/"
            signed = self.client.post(f"{url}acknowledge/", headers=headers, name="acknowledge")
            if signed.status_code != 200:
                continue
            items = [{"measure": m["id"], "outcome": "applied"} for m in signed.json()["measures"]]
            self.client.post(f"{url}feedback/", json={"items": items}, headers=headers, name="feedback")
