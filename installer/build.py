"""Build the one-folder bundle and prove it works: ``.venv/bin/python installer/build.py``.

1. ``pyinstaller --noconfirm --clean installer/cxy-apply.spec --distpath dist --workpath build``
2. the frozen self-test: ``dist/cxy-apply/cxy-apply --selftest RESULT`` (sample draft, one
   attachment through the worker process, the package, pypdf checks), run ``--runs`` times;
   the median time from spawning the program to its window being shown is the start-up time,
   reported next to the same measure from the source tree (machines here are shared)
3. the frozen bundle check: ``cxy-apply --cxy-bundle-check RESULT`` (``installer/bundle_check.py``:
   Chinese collation, converters, time-zone names and line breaking against the trimmed ICU data,
   qpdf's JPEG decoding, the compressed fonts); on Linux it must have loaded the bundle's ICU
4. the frozen CLI: ``cxy --help`` (timed likewise), ``cxy sample``, ``cxy validate``
5. size (MiB of regular files, as ``du -sm`` counts) and file count of ``dist/cxy-apply``

Linux needs ``apt-get install binutils icu-devtools`` (strip/objdump for PyInstaller; as, ld, nm,
icupkg, genrb, derb for ``installer/icu_trim.py``, which the spec calls).

Exits 1 when a step fails or the bundle is over ``--max-mb`` (150). A summary is printed and
written to ``build/bundle-report.json``. Every step has a time limit, so CI cannot hang here.
Windows: add ``--installer`` to compile ``installer/cxy-apply.iss`` with Inno Setup's ISCC.
Any other OS is refused (exit 2) before anything is built: the spec knows these three only.
CI: ``.github/workflows/release.yml`` runs this on Windows, macOS and Linux runners.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "cxy-apply.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
BUNDLE = DIST / "cxy-apply"
EXE = ".exe" if sys.platform == "win32" else ""
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120
MiB = 1024 * 1024


# sys.platform -> the OS the spec and this script know how to bundle for
KNOWN_PLATFORMS = {"linux": "Linux", "win32": "Windows", "darwin": "macOS"}


class StepFailed(Exception):
    pass


def known_platform(platform: str | None = None) -> str | None:
    """The name of the OS this script builds for, or None for one it does not know (cygwin,
    FreeBSD, WebAssembly...): PyInstaller runs there, but the spec's filters, the installer and
    the frozen checks were written for Linux, Windows and macOS only."""
    platform = sys.platform if platform is None else platform
    key = "linux" if platform.startswith("linux") else platform
    return KNOWN_PLATFORMS.get(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-build", action="store_true", help="test the existing dist/cxy-apply only")
    parser.add_argument("--runs", type=int, default=3, help="self-test runs for the start-up median (default 3)")
    parser.add_argument("--max-mb", type=float, default=150.0, help="size limit of the unpacked bundle, MiB")
    parser.add_argument("--installer", action="store_true", help="Windows: also run ISCC on installer/cxy-apply.iss")
    args = parser.parse_args(argv)
    if known_platform() is None:
        print(
            f"installer/build.py: cannot build on this OS ({sys.platform!r}); "
            f"bundles are built on {', '.join(f'{name} ({key})' for key, name in KNOWN_PLATFORMS.items())} only",
            file=sys.stderr,
        )
        return 2

    report: dict = {"ok": False, "platform": sys.platform}
    failures: list[str] = []
    try:
        if not args.skip_build:
            report["build_seconds"] = build()
        report.update(measure(BUNDLE))
        report["selftest"] = selftests(max(1, args.runs))
        report["bundle_check"] = bundle_check()
        report["cli"] = cli_smoke()
        if args.installer:
            report["installer"] = str(compile_installer())
    except StepFailed as exc:
        failures.append(str(exc))
    if report.get("size_mb", 0) > args.max_mb:
        failures.append(f"the bundle is {report['size_mb']:.1f} MiB, over the {args.max_mb:.0f} MiB limit")
    report["ok"] = not failures
    report["failures"] = failures
    WORK.mkdir(exist_ok=True)
    (WORK / "bundle-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_summary(report)
    return 0 if report["ok"] else 1


def build() -> float:
    if sys.platform.startswith("linux"):
        sys.path.insert(0, str(ROOT / "installer"))
        from icu_trim import missing_tools

        # PyInstaller needs strip/objdump/ldd (strip=True in the spec crashes without strip); the
        # spec trims Qt's ICU data with binutils and ICU's tools
        missing = [tool for tool in ("strip", "objdump", "ldd") if shutil.which(tool) is None] + missing_tools()
        if missing:
            raise StepFailed(f"missing {', '.join(dict.fromkeys(missing))}: apt-get install binutils icu-devtools")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        str(SPEC),
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise StepFailed(f"pyinstaller did not finish within {BUILD_TIMEOUT_S} s") from None
    seconds = time.perf_counter() - started
    text = done.stdout.decode("utf-8", "replace")
    WORK.mkdir(exist_ok=True)
    log = WORK / "pyinstaller.log"
    log.write_text(text, encoding="utf-8")
    for line in [line for line in text.splitlines() if " WARNING: " in line and "Hidden import" not in line][:20]:
        print("  ", line)
    if done.returncode != 0:
        print(text[-4000:])
        raise StepFailed(f"pyinstaller failed (exit {done.returncode}); full log: {log}")
    print(f"built in {seconds:.0f} s (log: {log})", flush=True)
    return round(seconds, 1)


def measure(bundle: Path) -> dict:
    if not (bundle / f"cxy-apply{EXE}").is_file():
        raise StepFailed(f"{bundle}/cxy-apply{EXE} does not exist: build first")
    sizes: list[tuple[int, str]] = []
    for folder, _dirs, files in os.walk(bundle):
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                sizes.append((path.stat().st_size, str(path.relative_to(bundle))))
    sizes.sort(reverse=True)
    return {
        "size_mb": round(sum(size for size, _ in sizes) / MiB, 1),
        "files": len(sizes),
        "largest": [f"{size / MiB:5.1f} MiB  {name}" for size, name in sizes[:12]],
    }


def selftests(runs: int) -> dict:
    """The frozen self-test, ``runs`` times, interleaved with the same self-test from the source
    tree (``python -m desktop.selftest``) as a same-run reference: on a shared machine, absolute
    start-up times say little, the ratio says how much freezing costs or saves."""
    program = [str(BUNDLE / f"cxy-apply{EXE}"), "--selftest"]
    source = [sys.executable, "-m", "desktop.selftest"]
    frozen_runs, source_runs = [], []
    with tempfile.TemporaryDirectory(prefix="cxy-build-") as tmp:
        for run in range(runs):
            frozen_runs.append(_selftest_once(program, Path(tmp, f"frozen-{run}.json")))
            source_runs.append(_selftest_once(source, Path(tmp, f"source-{run}.json"), cwd=ROOT))
    first = frozen_runs[0][0]
    frozen_start = statistics.median(startup for _, startup, _ in frozen_runs)
    source_start = statistics.median(startup for _, startup, _ in source_runs)
    return {
        "runs": runs,
        "ok": True,
        "pages": first["pages"],
        "bytes": first["bytes"],
        "fonts": first.get("fonts"),
        "startup_to_window_s": round(frozen_start, 3),
        "startup_all_s": [round(startup, 3) for _, startup, _ in frozen_runs],
        "source_startup_to_window_s": round(source_start, 3),
        "startup_ratio_frozen_to_source": round(frozen_start / source_start, 2),
        "wall_median_s": round(statistics.median(wall for _, _, wall in frozen_runs), 3),
        "phases_first_run": first.get("phases"),
        "versions": first.get("versions"),
    }


def _selftest_once(command: list[str], result_path: Path, cwd: Path | None = None) -> tuple[dict, float, float]:
    """(result, seconds from spawn to window shown, wall seconds) of one self-test run."""
    spawned, started = time.time(), time.perf_counter()
    code, output = _run([*command, str(result_path)], _env(), cwd=cwd)
    wall = time.perf_counter() - started
    if not result_path.exists():
        raise StepFailed(f"`{' '.join(command)}` wrote no result (exit {code}): {output[-2000:]}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if not result.get("ok") or code != 0:
        raise StepFailed(
            f"`{' '.join(command)}` failed (exit {code}): {result.get('reason')}\n"
            f"{result.get('traceback', '')}{output[-2000:]}"
        )
    return result, result["window_shown_at"] - spawned, wall


def bundle_check() -> dict:
    """``cxy-apply --cxy-bundle-check``: what the slimming must not break (installer/bundle_check.py)."""
    with tempfile.TemporaryDirectory(prefix="cxy-build-") as tmp:
        result_path = Path(tmp, "bundle-check.json")
        command = [str(BUNDLE / f"cxy-apply{EXE}"), "--cxy-bundle-check", str(result_path)]
        code, output = _run(command, _env())
        if not result_path.exists():
            raise StepFailed(f"`{' '.join(command)}` wrote no result (exit {code}): {output[-2000:]}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    if not result.get("ok") or code != 0:
        details = {name: check for name, check in result.get("checks", {}).items() if not check["ok"]}
        raise StepFailed(
            f"the bundle check failed (exit {code}): {result.get('reason') or details}\n"
            f"{result.get('traceback', '')}{output[-2000:]}"
        )
    icu = result.get("icu_data")
    if sys.platform.startswith("linux"):
        inside = icu is not None and Path(icu["path"]).resolve().is_relative_to(BUNDLE.resolve())
        if not inside:
            raise StepFailed(f"the frozen program did not load the bundle's ICU data library: {icu}")
    catalogue = result["checks"]["qt_dialogs_zh"]["detail"]["catalogue"]  # Qt's Chinese dialogs
    if not any(Path(found).resolve().is_relative_to(BUNDLE.resolve()) for found in catalogue):
        raise StepFailed(f"the frozen program did not find Qt's Chinese catalogue in the bundle: {catalogue}")
    return {
        "ok": True,
        "checks": sorted(result["checks"]),
        "icu_data": icu,
        "fonts": result["checks"]["pdf_fonts"]["detail"],
        "qt_catalogue": catalogue,
        "input_methods": result["checks"]["input_methods"]["detail"],
    }


def cli_smoke() -> dict:
    """The frozen ``cxy``: --help (timed against ``python -m forms.cli --help``), sample, validate."""
    program = BUNDLE / f"cxy{EXE}"
    if not program.exists():
        raise StepFailed(f"{program} does not exist")
    frozen, source = [], []
    for _ in range(3):
        for command, times, cwd in (
            ([str(program)], frozen, None),
            ([sys.executable, "-m", "forms.cli"], source, ROOT),
        ):
            started = time.perf_counter()
            code, output = _run([*command, "--help"], _env(), cwd=cwd)
            times.append(time.perf_counter() - started)
            if code != 0 or "cxy" not in output:
                raise StepFailed(f"`{' '.join(command)} --help` failed (exit {code}): {output[-1000:]}")
    with tempfile.TemporaryDirectory(prefix="cxy-build-") as tmp:
        draft = Path(tmp, "sample.cxy")
        for command in (["sample", "--category", "conference", "-o", str(draft)], ["validate", str(draft)]):
            code, output = _run([str(program), *command], _env())
            if code != 0:
                raise StepFailed(f"`cxy {' '.join(command)}` failed (exit {code}): {output[-1000:]}")
    return {
        "ok": True,
        "help_median_s": round(statistics.median(frozen), 3),
        "source_help_median_s": round(statistics.median(source), 3),
    }


def compile_installer() -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"), "Inno Setup 6", "ISCC.exe")
    if iscc is None and default.is_file():
        iscc = str(default)
    if iscc is None:
        raise StepFailed("Inno Setup 6 (ISCC.exe) is not installed")
    from importlib.metadata import version

    command = [iscc, f"/DAppVersion={version('cxy-apply')}", str(ROOT / "installer" / "cxy-apply.iss")]
    print("$", " ".join(command), flush=True)
    code, output = _run(command, dict(os.environ), timeout=600)
    if code != 0:
        raise StepFailed(f"ISCC failed (exit {code}): {output[-3000:]}")
    return next(iter(sorted((DIST / "installer").glob("*.exe"))), DIST / "installer")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    # the frozen program must find everything inside the bundle, never in this checkout
    for name in ("CXY_RESOURCES", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def _run(
    command: list[str], env: dict[str, str], timeout: float = RUN_TIMEOUT_S, cwd: Path | None = None
) -> tuple[int, str]:
    try:
        done = subprocess.run(
            command, env=env, cwd=cwd or tempfile.gettempdir(), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise StepFailed(f"`{' '.join(command)}` did not finish within {timeout} s") from None
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    return done.returncode, output


def print_summary(report: dict) -> None:
    print("\n== CXY Apply bundle ==")
    if "build_seconds" in report:
        print(f"build:        {report['build_seconds']} s")
    if "size_mb" in report:
        print(f"bundle:       {BUNDLE}  {report['size_mb']} MiB unpacked, {report['files']} files")
        for line in report["largest"][:8]:
            print(f"              {line}")
    test = report.get("selftest")
    if test:
        print(f"self-test:    ok, {test['pages']} pages, {test['bytes']} bytes (`cxy-apply --selftest`)")
        print(
            f"start-up:     {test['startup_to_window_s']} s from spawn to window shown (median of {test['runs']}: "
            f"{test['startup_all_s']}); from source {test['source_startup_to_window_s']} s, "
            f"ratio {test['startup_ratio_frozen_to_source']}; whole self-test {test['wall_median_s']} s"
        )
    check = report.get("bundle_check")
    if check:
        icu = check["icu_data"]
        icu_text = f"; ICU data {icu['bytes'] / MiB:.1f} MiB from the bundle" if icu else ""
        print(
            f"bundle check: ok ({', '.join(check['checks'])}){icu_text}; "
            f"PDF fonts ready in {check['fonts']['seconds']} s on first use"
        )
        print(f"Qt dialogs:   Chinese from {', '.join(check['qt_catalogue'])}; input methods {check['input_methods']}")
    cli = report.get("cli")
    if cli:
        print(
            f"cxy:          ok (help, sample, validate); `cxy --help` {cli['help_median_s']} s, "
            f"from source {cli['source_help_median_s']} s (medians of 3)"
        )
    for failure in report["failures"]:
        print(f"FAILED:       {failure}")
    print("result:      ", "OK" if report["ok"] else "FAILED", flush=True)


if __name__ == "__main__":
    sys.exit(main())
