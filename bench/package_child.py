"""One whole-process package build, as the app does it after intake: read the normalised
attachment PDFs, build the package (documents rendered, cover, footers, outline, guard scan),
write it. Prints one JSON line. ``--imports-only`` stops after imports and reading the inputs
(the memory baseline)."""

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace


def _vmhwm_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> int:
    t_start = time.perf_counter()
    manifest_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    imports_only = "--imports-only" in sys.argv
    budget = None
    for arg in sys.argv[3:]:
        if arg.startswith("--budget="):
            budget = float(arg.split("=", 1)[1])
    from forms.pack import load_pack
    from forms.package import build_package
    from forms.samples import sample

    imports_s = time.perf_counter() - t_start
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    pack = load_pack()
    data = sample(manifest["category"])
    attachments = [
        (SimpleNamespace(**item["info"]), (manifest_path.parent / item["pdf"]).read_bytes())
        for item in manifest["attachments"]
    ]
    if imports_only:
        print(json.dumps({"imports_only": True, "vmhwm_kb": _vmhwm_kb()}))
        return 0
    t0 = time.perf_counter()
    result = build_package(data, attachments, pack, budget_mb=budget)
    built = time.perf_counter() - t0
    warm = None
    if "--twice" in sys.argv:  # again in the same process: fonts registered, documents cached (as after a preview)
        t0 = time.perf_counter()
        build_package(data, attachments, pack, budget_mb=budget)
        warm = time.perf_counter() - t0
    out.write_bytes(result.pdf)
    print(
        json.dumps(
            {
                "pages": result.pages,
                "bytes": len(result.pdf),
                "build_s": built,
                "warm_s": warm,
                "imports_s": imports_s,
                "notes": result.notes,
                "vmhwm_kb": _vmhwm_kb(),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
