#!/usr/bin/env python3
"""Writes a random additive domain and one profile per side in the native
format (backchannel.domain / backchannel.profile v1), for trying
`backchannel analyze` and `rehearse` on many sides by hand:

  make_random_domain.py SIDES ISSUES OPTIONS RESERVATION SEED OUT_DIR

OUT_DIR/domain.json and OUT_DIR/p0.json .. p{SIDES-1}.json: weights uniform
in [0, 1) normalised to sum 1, evaluations uniform in [0, 1) divided by each
issue's largest, the same reservation for every side (docs/analysis.md uses
reservation 0.3 and seed 1 for "3 sides on 12 x 6").
"""
import json
import os
import random
import sys


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    sides, issues, options = (int(a) for a in sys.argv[1:4])
    reservation, seed, out = float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    name = f"random {issues}x{options}"
    domain = {"format": "backchannel.domain", "version": 1, "name": name,
              "issues": [{"name": f"i{i}", "kind": "discrete",
                          "options": [f"o{o}" for o in range(options)], "divisible": False}
                         for i in range(issues)]}
    with open(os.path.join(out, "domain.json"), "w") as f:
        json.dump(domain, f)
    for s in range(sides):
        weights = [rng.random() for _ in range(issues)]
        total = sum(weights)
        profile_issues = []
        for i in range(issues):
            e = [rng.random() for _ in range(options)]
            top = max(e)
            profile_issues.append({"issue": f"i{i}", "weight": weights[i] / total,
                                   "evaluations": {f"o{o}": e[o] / top for o in range(options)}})
        profile = {"format": "backchannel.profile", "version": 1, "name": f"side{s}",
                   "domain": name, "reservation": reservation, "issues": profile_issues}
        with open(os.path.join(out, f"p{s}.json"), "w") as f:
            json.dump(profile, f)


if __name__ == "__main__":
    main()
