"""Child of the kill -9 harness: edits a draft forever, acknowledging each committed edit.

Run as a plain script (``python editor_child.py DRAFT START SEED``) so that it imports only
``forms.draft``. After every ``Draft.set`` returns it prints ``ACK <n> <path> <value>``; the
value starts with ``<n>#`` so the parent can tell which edit a stored value came from. The
parent kills it with SIGKILL at a random moment, possibly before ``READY``.

An optional fourth argument plants a known bug, so that the harness can prove it notices:
``ack-first`` acknowledges before saving (edits get lost); ``in-place`` also rewrites the
whole file in place after each edit, like a naive "save" (a kill mid-rewrite leaves a cut-off
file).
"""

from __future__ import annotations

import os
import random
import sys

from forms.draft import Draft
from forms.model import pattern_of
from forms.pack import load_pack

FIELDS = ("project.name", "project.summary", "project.kpis", "contract.name", "leader.name", "members.0.name")
# Each field holds at most its pack limit (a longer value is refused, never stored).
LIMITS = {field: load_pack().fields[pattern_of(field)].max_chars for field in FIELDS}
_CJK = "产学研合作项目申报书企业高校技术合同到账经费研发成果转化江苏南京苏州无锡"


def value_for(n: int, rng: random.Random) -> str:
    # Mostly short edits (a keystroke batch), sometimes a pasted paragraph spanning pages.
    length = rng.choice((1, 8, 40, 300)) if rng.random() < 0.9 else rng.randint(2000, 2990)
    return f"{n}#" + "".join(rng.choice(_CJK) for _ in range(length))


def main() -> None:
    path, start, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    planted = sys.argv[4] if len(sys.argv) > 4 else ""
    rng = random.Random(seed)
    draft = Draft.open(path)
    out = sys.stdout
    out.write("READY\n")
    out.flush()
    n = start
    while True:
        n += 1
        field = rng.choice(FIELDS)
        value = value_for(n, rng)[: LIMITS[field]]
        if planted == "ack-first":
            out.write(f"ACK {n} {field} {value}\n")
            out.flush()
            draft.set(field, value)
            continue
        draft.set(field, value)
        if planted == "in-place":
            draft.close()
            with open(path, "rb") as f:
                content = f.read()
            with open(path, "wb", buffering=0) as f:
                for at in range(0, len(content), 16384):
                    f.write(content[at : at + 16384])
                    os.fsync(f.fileno())  # slow, like a real disk: most kills land mid-rewrite
            draft = Draft.open(path)
        out.write(f"ACK {n} {field} {value}\n")
        out.flush()


if __name__ == "__main__":
    main()
