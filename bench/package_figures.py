"""Package figures: assembling the package against a qpdf merge of the same inputs, the scans
passed through byte for byte, and the peak memory of ``cxy build``."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from . import timing
from .figures import CATEGORY, HERE, MB, Figure
from .prepare import Prepared
from .workload import Workload


def _jpeg_streams(pdf_path: Path) -> set[str]:
    import pikepdf

    found = set()
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                filters = obj.get("/Filter")
                names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
                if names == ["/DCTDecode"]:
                    found.add(hashlib.sha256(obj.read_raw_bytes()).hexdigest())
    return found


def package_draft(prepared: Prepared) -> Path:
    """A draft holding the normalised attachments (as the app stores them after intake): what
    ``cxy build`` reads."""
    from forms.draft import Draft
    from forms.pack import DEFAULT_PACK
    from forms.samples import sample

    path = prepared.workdir / "package.cxy"
    path.unlink(missing_ok=True)
    with Draft.create(path, pack=DEFAULT_PACK, category=CATEGORY) as draft:
        draft.replace_data(sample(CATEGORY))
        for info, pdf in prepared.normalised:
            draft.add_attachment(
                kind=info["kind"],
                title=info["title"],
                original_name=info["original_name"],
                source_format=info["source_format"],
                pages=info["pages"],
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
    return path


def package_figures(workload: Workload, prepared: Prepared, runs: int) -> list[Figure]:
    python = sys.executable
    out_pkg = prepared.workdir / "package.pdf"
    out_qpdf = prepared.workdir / "qpdf-merge.pdf"
    draft = package_draft(prepared)
    # The size budget is switched off (a huge budget) so both sides only assemble; the pack's
    # own budget is reported below.
    pkg_cmd = [python, str(HERE / "package_child.py"), str(draft), str(out_pkg), "--budget=100000"]
    qpdf_cmd = ["qpdf", "--empty", "--pages", *map(str, workload.merge_inputs), "--", str(out_qpdf)]
    if not shutil.which("qpdf"):
        return [Figure("package assembly / qpdf merge", "qpdf missing", "≤ 1.5×", False)]
    cold = json.loads(timing.run([*pkg_cmd, "--no-cache"]).stdout.strip().splitlines()[-1])
    timing.run(pkg_cmd)  # warm-up: page cache, .pyc files, the render cache
    timing.run(qpdf_cmd)
    pkg_runs, qpdf_runs = [], []
    for _ in range(runs):
        pkg_runs.append(timing.run(pkg_cmd))
        qpdf_runs.append(timing.run(qpdf_cmd))
    ratios = [a.seconds / b.seconds for a, b in zip(pkg_runs, qpdf_runs)]
    ratio = timing.median(ratios)
    child = [json.loads(r.stdout.strip().splitlines()[-1]) for r in pkg_runs]
    build_s = timing.median([c["build_s"] for c in child])
    qpdf_s = timing.median([r.seconds for r in qpdf_runs])
    warm_s = json.loads(timing.run([*pkg_cmd, "--twice"]).stdout.strip().splitlines()[-1])["warm_s"]
    pkg_s = timing.median([r.seconds for r in pkg_runs])
    merged_mb = sum(p.stat().st_size for p in workload.merge_inputs) / MB
    in_process = [c["build_s"] / q.seconds for c, q in zip(child, qpdf_runs)]
    in_ratio = timing.median(in_process)
    figures = [
        Figure(
            f"package assembly / qpdf merge, whole process ({len(workload.merge_inputs)} inputs, {merged_mb:.0f} MB, median of {runs} pairs)",
            f"{ratio:.2f}×",
            "≤ 1.5×",
            ratio <= 1.5,
            [
                f"package {pkg_s:.2f} s ({timing.span([r.seconds for r in pkg_runs])}), "
                f"qpdf {qpdf_s:.2f} s ({timing.span([r.seconds for r in qpdf_runs])}); pair ratios {timing.span(ratios)}",
                f"package = python start + imports + open the draft + stream its attachments out + its 4 documents, "
                f"cover and footers (render cache) + merge + stamp + outline + active-content guard + write "
                f"{child[-1]['pages']} pages / {child[-1]['bytes'] / MB:.1f} MB; qpdf = merge only",
                f"intake before it (not timed above): normalise {len(workload.attachments)} attachments "
                f"({prepared.pages} pages) in 2 threads, {prepared.normalise_s:.1f} s",
            ]
            + ([] if ratio <= 1.5 else _whole_why(child, pkg_s, qpdf_s, build_s)),
        ),
        Figure(
            "package build in process (cxy build's work after imports) / qpdf merge whole process",
            f"{in_ratio:.2f}×",
            "≤ 1.0×",
            in_ratio <= 1.0,
            [
                f"build {build_s:.2f} s (imports {timing.median([c['imports_s'] for c in child]):.2f} s before it), "
                f"qpdf {qpdf_s:.2f} s; pair ratios {timing.span(in_process)}",
                f"with the render cache off (every document, the cover and the footers rendered): "
                f"{cold['build_s']:.2f} s = {cold['build_s'] / qpdf_s:.2f}×",
                f"again in the same process: {warm_s:.2f} s = {warm_s / qpdf_s:.2f}×",
                _cpu_note(child, pkg_runs, qpdf_runs),
                _stage_note(child, build_s),
            ]
            + ([] if in_ratio <= 1.0 else _in_process_why(child, qpdf_s, timing.median([r.cpu for r in qpdf_runs]))),
        ),
    ]
    # Scans pass through: every input JPEG stream must appear byte for byte in the package.
    wanted = {hashlib.sha256(p.read_bytes()).hexdigest() for p in workload.scans}
    found = _jpeg_streams(out_pkg) & wanted
    figures.append(
        Figure(
            "scan JPEGs byte-identical in the package (size budget off)",
            f"{len(found)}/{len(wanted)}",
            f"{len(wanted)}/{len(wanted)}",
            len(found) == len(wanted),
        )
    )
    from forms.pack import load_pack

    budget = load_pack().upload.max_package_mb
    size_mb = out_pkg.stat().st_size / MB
    figures[-1].notes.append(
        f"package {size_mb:.1f} MB vs the pack's budget {budget:g} MB: "
        + (
            "under it, so the default build passes the scans through as well"
            if size_mb <= budget
            else "over it, so the default build would downsample the scans"
        )
    )
    # Peak memory of the build process: its own VmHWM (see timing.py for why not ru_maxrss),
    # against the same process stopped after its imports.
    largest = workload.largest_attachment
    largest_mb = largest.stat().st_size / MB
    peak_mb = max(c["vmhwm_kb"] for c in child) / 1024
    base = json.loads(timing.run([*pkg_cmd, "--imports-only"]).stdout.strip().splitlines()[-1])
    base_mb = base["vmhwm_kb"] / 1024
    qpdf_peak = timing.peak_mb_external(qpdf_cmd)
    bare = timing.peak_mb_external([python, "-c", "pass"])
    inputs_mb = sum(len(pdf) for _, pdf in prepared.normalised) / MB
    external = (
        f"bare python {bare:.0f} MB; qpdf merging the same inputs {qpdf_peak:.0f} MB"
        if bare is not None and qpdf_peak is not None
        else "GNU time missing: no external peaks"
    )
    limit = base_mb + 2 * largest_mb
    figures.append(
        Figure(
            f"peak memory of cxy build / (after imports + 2 × largest attachment, {largest.name} {largest_mb:.2f} MB)",
            f"{peak_mb / limit:.2f}× ({peak_mb:.0f} MB vs {limit:.0f} MB)",
            "≤ 1.0×",
            peak_mb <= limit,
            [
                f"the process after its imports and loading the pack {base_mb:.0f} MB; {external}",
                f"the build adds {peak_mb - base_mb:.0f} MB over that ({(peak_mb - base_mb) / largest_mb:.1f}× the "
                f"largest file, {(peak_mb - base_mb) / inputs_mb:.2f}× the {inputs_mb:.0f} MB of attachments)",
                f"with the render cache off (reportlab and its fonts loaded): {cold['vmhwm_kb'] / 1024:.0f} MB",
            ]
            + ([] if peak_mb <= limit else _memory_why(child, base_mb, peak_mb, largest_mb)),
        )
    )
    return figures


STAGES = ("open draft", "list", "copy out", "merge", "stamp", "save", "fsync", "guard")


def _stage(child: list[dict], name: str) -> float:
    return timing.median([c.get("stages", {}).get(name, 0.0) for c in child])


def _stage_note(child: list[dict], build_s: float) -> str:
    medians = {name: _stage(child, name) for name in STAGES}
    rest = build_s - sum(medians.values())
    return "where the build's time goes (medians): " + ", ".join(
        [f"{name} {value:.2f} s" for name, value in medians.items()] + [f"the rest {rest:.2f} s"]
    )


def _cpu_note(child: list[dict], pkg_runs: list[timing.Run], qpdf_runs: list[timing.Run]) -> str:
    """The same comparison in CPU seconds: on a machine shared with other work the wall-clock
    ratios swing with the load, the CPU each side spends far less."""
    build = timing.median([c.get("build_cpu_s", 0.0) for c in child])
    whole = timing.median([r.cpu for r in pkg_runs])
    qpdf = timing.median([r.cpu for r in qpdf_runs])
    if not qpdf:
        return "CPU time: not measured"
    return (
        f"in CPU time (user + system, medians): build {build:.2f} s = {build / qpdf:.2f}×, whole process "
        f"{whole:.2f} s = {whole / qpdf:.2f}×, qpdf {qpdf:.2f} s"
    )


def _in_process_why(child: list[dict], qpdf_s: float, qpdf_cpu: float) -> list[str]:
    draft = _stage(child, "open draft") + _stage(child, "list")
    copy, save, fsync = _stage(child, "copy out"), _stage(child, "save"), _stage(child, "fsync")
    floor = copy + save + fsync

    def cpu(*names: str) -> float:
        return sum(timing.median([c.get("stages_cpu", {}).get(name, 0.0) for c in child]) for name in names)

    build_cpu = timing.median([c.get("build_cpu_s", 0.0) for c in child])
    draft_cpu = cpu("open draft", "list", "copy out")
    lines = [
        f"why: three steps qpdf does not take cost {(draft + copy + fsync) / qpdf_s:.2f}× qpdf on their own: "
        f"opening the draft as a received file and listing its attachments {draft:.2f} s (its schema, every "
        "row and the data checked, the data's pydantic schema built on first use; each row read walks its "
        "blob's whole overflow chain, twice, because `added` is stored after `pdf`), copying every blob out "
        f"with its SHA-256 checked {copy:.2f} s (qpdf reads plain files and checks nothing) and the fsync "
        f"before -o is replaced {fsync:.2f} s. The save itself (qpdf's writer on the merged, stamped graph) "
        f"is {save:.2f} s = {save / qpdf_s:.2f}× qpdf's whole run, so copy + save + fsync alone is "
        f"{floor:.2f} s = {floor / qpdf_s:.2f}×",
    ]
    if build_cpu and qpdf_cpu:
        lines.append(
            f"in CPU seconds the draft's side (open, list, copy out) is {draft_cpu:.2f} of the build's "
            f"{build_cpu:.2f}; everything else (render cache, merge, stamp, outline, guard, save) is "
            f"{build_cpu - draft_cpu:.2f} s = {(build_cpu - draft_cpu) / qpdf_cpu:.2f}× qpdf's {qpdf_cpu:.2f} s: "
            "the gap is reading the draft"
        )
    lines.append(
        "what would reach it: qpdf reading each attachment where it lies in the draft (an input source over "
        "SQLite's blob I/O, hashed as it is read, instead of a copy written to a temporary file), attachment "
        "rows readable without their blobs (a draft format with `added` before `pdf`, or the blobs in a table "
        "of their own) and the data's validation schema built once, not per process; the SHA-256 pass and the "
        "fsync (safety properties) stay, so even then the build is about qpdf's own time"
    )
    return lines


def _whole_why(child: list[dict], pkg_s: float, qpdf_s: float, build_s: float) -> list[str]:
    imports_s = timing.median([c["imports_s"] for c in child])
    return [
        f"why: the build in process is {build_s / qpdf_s:.2f}× qpdf (the row below) and the process first "
        f"imports its code and loads the pack ({imports_s:.2f} s: pydantic and the pack's models, pikepdf, "
        "the draft's checks; reportlab and Pillow are no longer imported when the documents, cover and footers "
        f"come from the render cache); the remaining {max(0.0, pkg_s - build_s - imports_s):.2f} s are python's "
        "own start (the interpreter, site and the install's path hook) and exit (tearing down what was loaded)",
        "what would reach it: the in-process target first (below), then a build command that reads the pack "
        "snapshot as plain data (no pydantic models) — at ≤ 1.0× in process, imports and start must fit in "
        f"{0.5 * qpdf_s:.2f} s",
    ]


def _memory_why(child: list[dict], base_mb: float, peak_mb: float, largest_mb: float) -> list[str]:
    def mark(name: str) -> float:
        return max(c.get("marks_kb", {}).get(name, 0) for c in child) / 1024

    draft, merged, before = mark("draft read"), mark("merged"), mark("before save")
    if not (draft and merged and before):
        return []
    return [
        f"why: no attachment is held whole (each streams from the draft to a file, qpdf reads it as it "
        f"writes); the peak grows in steps: reading the draft +{draft - base_mb:.1f} MB (SQLite's page cache, "
        f"the data validated by its pydantic model, whose schema is built on first use), qpdf's graph of the "
        f"merged pages +{merged - draft:.1f} MB, the footers stamped, outline and guard "
        f"+{before - merged:.1f} MB, the save +{peak_mb - before:.1f} MB (qpdf's writer holds each stream "
        f"whole to learn its /Length, the largest a {largest_mb:.1f} MB scan, and builds object streams); "
        "reportlab and Pillow no longer load, which lowered the baseline and the peak alike",
        "what would reach it: a writer that copies one source's objects at a time into the output (renumbered, "
        "never a graph of the whole package, so the graph's step is one attachment's and the save's is one "
        "stream), and the draft read in a process that does not build the data's validation schema",
    ]
