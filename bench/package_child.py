"""One whole-process package build, as ``cxy build`` does it: open the draft where it lies, stream
its attachments out of their blobs, build the package (documents rendered or taken from the
render cache, cover, footers, outline, active-content guard) and write it to the output file.
Prints one JSON line. ``--imports-only`` stops after the imports and loading the pack (the
memory baseline); ``--twice`` builds again in the same process; ``--no-cache`` renders every
document, cover and footer afresh (the render cache off)."""

import json
import os
import sys
import time
from pathlib import Path


def _vmhwm_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _timed_stages(cpu: dict[str, float]) -> dict[str, float]:
    """Seconds spent in the build's steps that touch every byte of the package, or that stand
    between the draft and qpdf's merge (wrapped here, in the measuring child only), to say where
    a missed target's time goes (``cpu``: the same steps' CPU seconds)."""
    from forms import atomic
    from forms.draft import Draft
    from forms.package import assemble, budget, package_file

    stages: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t0, cpu0 = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                stages[label] = stages.get(label, 0.0) + time.perf_counter() - t0
                cpu[label] = cpu.get(label, 0.0) + time.process_time() - cpu0

        bound = isinstance(getattr(owner, "__dict__", {}).get(name), classmethod)  # inner is bound already
        setattr(owner, name, staticmethod(wrapper) if bound else wrapper)

    timed(Draft, "open", "open draft")  # the checks of a received file, the data's validation
    timed(Draft, "attachments", "list")
    timed(Draft, "attachment_file", "copy out")  # blob → file, its SHA-256 checked on the way
    timed(assemble, "merge", "merge")
    timed(assemble, "stamp", "stamp")
    timed(budget, "save_to", "save")
    timed(atomic, "fsync_file", "fsync")
    timed(package_file, "guard_parts", "guard")  # wrapped where _package looks them up
    timed(package_file, "guard_written", "guard")
    return stages


def _rss_marks() -> dict[str, int]:
    """VmHWM (kB) when the draft is open and copied out, and just before the save: the build's
    peak split between the draft, qpdf's graph of the package and the save itself."""
    from forms.package import budget, package_file

    marks: dict[str, int] = {}
    inner_save = budget.save_to
    inner_footers = package_file._footers

    def save_to(*args, **kwargs):
        marks.setdefault("before save", _vmhwm_kb())
        return inner_save(*args, **kwargs)

    def footers(*args, **kwargs):
        marks.setdefault("merged", _vmhwm_kb())  # the parts merged, before the footers are stamped
        return inner_footers(*args, **kwargs)

    budget.save_to = save_to
    package_file._footers = footers
    return marks


def main() -> int:
    t_start = time.perf_counter()
    draft, out = Path(sys.argv[1]), Path(sys.argv[2])
    imports_only = "--imports-only" in sys.argv
    if "--no-cache" in sys.argv:
        os.environ["CXY_RENDER_CACHE"] = "0"
    budget = None
    for arg in sys.argv[3:]:
        if arg.startswith("--budget="):
            budget = float(arg.split("=", 1)[1])
    from forms.pack import load_pack
    from forms.package import write_package
    from forms.package.cli import _application

    pack = load_pack()
    imports_s = time.perf_counter() - t_start
    if imports_only:
        print(json.dumps({"imports_only": True, "vmhwm_kb": _vmhwm_kb()}))
        return 0

    stages_cpu: dict[str, float] = {}
    stages = _timed_stages(stages_cpu)
    marks = _rss_marks()

    def build():
        with _application(draft) as (data, attachments, final):
            marks.setdefault("draft read", _vmhwm_kb())
            return write_package(data, attachments, pack, out, budget_mb=budget, final=final)

    t0, cpu0 = time.perf_counter(), time.process_time()
    result = build()
    built, built_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    warm = None
    if "--twice" in sys.argv:  # again in the same process: fonts registered, documents in memory
        t0 = time.perf_counter()
        build()
        warm = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "pages": result.pages,
                "bytes": result.size,
                "build_s": built,
                "build_cpu_s": built_cpu,
                "warm_s": warm,
                "imports_s": imports_s,
                "notes": result.notes,
                "vmhwm_kb": _vmhwm_kb(),
                "stages": stages,
                "stages_cpu": stages_cpu,
                "marks_kb": marks,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
