#!/usr/bin/env python3
"""Check the utilities listed in packages.json with the engine itself.

Usage: check_utilities.py PATH/TO/backchannel

For each package, writes (to a temporary directory) a domain in which every
issue has only the package's option, and the two profiles restricted to it
(same weights, same evaluation of that option, reservation 0). That domain has
exactly one outcome, so `backchannel analyze --json` reports its utilities:
sum_i weight_i * eval_i(option_i), computed by the engine. Exit 1 on any
mismatch.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    domain = load("agenda.json")
    profiles = [load("us.profile.json"), load("iran.profile.json")]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for entry in load("packages.json")["packages"]:
            package = entry["package"]
            one = dict(domain, issues=[dict(i, options=[package[i["name"]]]) for i in domain["issues"]])
            paths = [os.path.join(tmp, n) for n in ("d.json", "p0.json", "p1.json")]
            with open(paths[0], "w", encoding="utf-8") as f:
                json.dump(one, f)
            for k, profile in enumerate(profiles):
                restricted = dict(profile, reservation=0, issues=[
                    dict(e, evaluations={package[e["issue"]]: e["evaluations"][package[e["issue"]]]})
                    for e in profile["issues"]])
                with open(paths[k + 1], "w", encoding="utf-8") as f:
                    json.dump(restricted, f)
            run = subprocess.run([binary, "analyze", "--domain", paths[0], "--profile", paths[1],
                                  "--profile", paths[2], "--json"], capture_output=True, text=True, check=True)
            got = json.loads(run.stdout)["pareto"][0]["utilities"]
            ok = all(abs(g - w) < 1e-9 for g, w in zip(got, entry["utilities"]))
            failed |= not ok
            print(f"{entry['id']:3s} US {got[0]:.4f}  Iran {got[1]:.4f}  {'ok' if ok else 'MISMATCH, listed ' + str(entry['utilities'])}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
