"""T7: a valid draft with bytes flipped, cut or inserted at random places. The importer must
either accept the file or refuse it with a DraftError — never another exception, never a hang.

200 seeded mutants per normal run; CI can raise it (``CXY_DRAFT_FUZZ=10000``) and pick another
seed (``CXY_DRAFT_FUZZ_SEED``)."""

from __future__ import annotations

import os
import random
import time

import pytest
from draft_helpers import listing

from forms.draft import Draft, DraftError
from forms.draft.foreign import is_expected_failure

MUTANTS = int(os.environ.get("CXY_DRAFT_FUZZ", "200"))
SEED = int(os.environ.get("CXY_DRAFT_FUZZ_SEED", "20231126"))
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF]
INTERESTING_U32 = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        # Half the hits land in the first page (header + schema), where damage is most varied.
        where = rng.randrange(min(len(buf), 4096)) if rng.random() < 0.5 else rng.randrange(len(buf))
        # Mostly size-preserving edits: a changed size is caught by the header check alone,
        # and the point is to reach SQLite and our value checks.
        op = rng.choice(("flip", "byte", "u32", "zero_run") * 6 + ("insert", "delete", "truncate"))
        if op == "flip":
            buf[where] ^= 1 << rng.randrange(8)
        elif op == "byte":
            buf[where] = rng.choice([*INTERESTING, rng.randrange(256)])
        elif op == "u32":
            buf[where : where + 4] = rng.choice(INTERESTING_U32).to_bytes(4, "big")
        elif op == "insert":
            buf[where:where] = rng.randbytes(rng.randint(1, 64))
        elif op == "delete":
            del buf[where : where + rng.randint(1, 64)]
        elif op == "truncate":
            del buf[max(where, 1) :]
        else:
            buf[where : where + rng.randint(1, 512)] = bytes(rng.randint(1, 512))
        if not buf:
            break
    return bytes(buf)


def test_mutated_drafts_give_only_draft_errors(valid_draft_file, tmp_path):
    original = valid_draft_file.read_bytes()
    rng = random.Random(SEED)
    out = tmp_path / "out"
    out.mkdir()
    accepted: set[str] = set()
    codes: dict[str, int] = {}
    slowest = 0.0
    for n in range(MUTANTS):
        src = tmp_path / "mutant.cxy"
        src.write_bytes(mutate(original, rng))
        dest = out / f"m{n}.cxy"
        start = time.monotonic()
        try:
            with Draft.import_foreign(src, dest) as draft:
                draft.data()
                draft.attachments()
            accepted.add(dest.name)
            codes["accepted"] = codes.get("accepted", 0) + 1
        except DraftError as exc:
            codes[exc.code] = codes.get(exc.code, 0) + 1
            cause = exc.__cause__
            if cause is not None and not is_expected_failure(cause):
                pytest.fail(f"mutant {n} (seed {SEED}): unexpected {type(cause).__name__}: {cause}")
        except Exception as exc:  # this is exactly what the test is about
            pytest.fail(f"mutant {n} (seed {SEED}) raised {type(exc).__name__}: {exc}")
        elapsed = time.monotonic() - start
        slowest = max(slowest, elapsed)
    assert listing(out) == accepted, "a refused import left files behind"
    assert sum(codes.values()) == MUTANTS
    # Mutations that miss every checked byte are accepted; most are refused.
    assert len(codes) > 2, codes
    print(f"fuzz: {MUTANTS} mutants, slowest {slowest:.3f}s, outcomes {sorted(codes.items())}")
