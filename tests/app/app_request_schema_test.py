#!/usr/bin/env python3
"""Validates the answers of the web app's data requests (talks.profile.compose,
talks.suggest, record.verify, record.export) against docs/app-api.schema.json.
Runs the real operations through app_talks_ops_test
(AppTalksOpsTest.DataRequestAnswersForTheSchemaCheck: real clients, stores and
the in-process relay), which writes each answer document with the name of its
$defs entry, one per line; every document must also be a `document`. Fails
(exit 1) when the run fails, an answer leaves its definition, or a request
has no success or no refusal among the answers.

usage: app_request_schema_test.py APP_TALKS_OPS_TEST SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

BIN, SRC = (os.path.abspath(a) for a in sys.argv[1:3])
SCHEMA = json.load(open(os.path.join(SRC, "docs", "app-api.schema.json")))
EXPECTED = {"talks_profile_compose", "talks_suggest", "request_record_verify",
            "request_record_export", "failure"}


def validator(defname):
    sub = dict(SCHEMA)
    sub["$ref"] = "#/$defs/" + defname
    return jsonschema.Draft202012Validator(sub)


with tempfile.TemporaryDirectory(prefix="bc_app_answers_") as work:
    out = os.path.join(work, "answers.ndjson")
    run = subprocess.run([BIN, "--gtest_filter=AppTalksOpsTest.DataRequestAnswersForTheSchemaCheck"],
                         env=dict(os.environ, BC_APP_ANSWERS=out), capture_output=True, text=True,
                         timeout=600, cwd=SRC)
    if run.returncode != 0 or not os.path.exists(out):
        print(run.stdout[-3000:], run.stderr[-2000:])
        sys.exit("the requests did not run (exit %d)" % run.returncode)
    lines = [json.loads(l) for l in open(out) if l.strip()]

failures = []
seen = set()
for line in lines:
    d, doc = line["def"], line["doc"]
    seen.add(d)
    for name in ("document", d):
        errs = list(validator(name).iter_errors(doc))
        if errs:
            failures.append(f"{d}: leaves $defs/{name}: {errs[0].message} in {json.dumps(doc)[:300]}")
    if doc.get("ok") != (d != "failure"):
        failures.append(f"{d}: ok is {doc.get('ok')!r}")
missing = EXPECTED - seen
if missing:
    failures.append("no answer for: " + ", ".join(sorted(missing)))
for f in failures:
    print("FAIL", f)
print(f"{len(lines)} answers checked, {len(failures)} failures")
sys.exit(1 if failures else 0)
