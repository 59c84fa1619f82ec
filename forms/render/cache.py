"""Rendered PDFs kept between builds, keyed by everything they depend on: what is drawn (the
application data, or the cover's or footers' inputs), the pack, the language and the renderer
(the source of the modules that draw, and the fonts). A changed field, pack, language or program
gives a new key, so a stale document can never be found; an unchanged draft is rebuilt without
starting reportlab or loading a font.

Entries live in the user's data folder (``render-cache/``), written only by this program, like
the attachment ledger: losing the folder, or failing to write it, only costs a render. Each
entry carries the SHA-256 of its PDF and is used only when that still matches. The folder is
pruned to the most recent ``MAX_ENTRIES`` files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.paths import user_data_dir

log = logging.getLogger(__name__)

FOLDER = "render-cache"
MAX_ENTRIES = 200
MEMORY_ENTRIES = 48
ENABLED_ENV = "CXY_RENDER_CACHE"  # "0" turns the disk cache off (benchmarks of rendering itself)
# The modules whose code decides what a rendered page looks like (relative to forms/).
DRAWING_SOURCES = (
    "render/documents.py",
    "render/fonts.py",
    "render/form_grid.py",
    "render/page.py",
    "render/primitives.py",
    "render/printed_values.py",
    "render/stories.py",
    "layout.py",
    "derive.py",
    "package/pages.py",
    "package/seal.py",
)


@dataclass
class Stats:
    """What the cache did in this process: a test reads it to see a rebuild reuse a document."""

    hits: int = 0
    misses: int = 0


stats = Stats()
_lock = threading.Lock()
_memory: OrderedDict[str, bytes] = OrderedDict()
_packs: dict[int, tuple[Any, str]] = {}
_renderer: list[str] = []


def renderer_version() -> str:
    """A digest of the drawing code and the bundled fonts (their names and sizes): a new
    program version renders afresh."""
    if not _renderer:
        from forms import paths

        digest = hashlib.sha256()
        here = Path(__file__).resolve().parents[1]
        for name in DRAWING_SOURCES:
            digest.update(name.encode() + b"\0")
            try:
                digest.update((here / name).read_bytes())
            except OSError:  # a frozen bundle without sources: its version stands for them
                from forms import __version__

                digest.update(str(__version__).encode())
        fonts = paths.resources_dir() / "fonts"
        for font in sorted(fonts.glob("*")) if fonts.is_dir() else []:
            digest.update(f"{font.name}:{font.stat().st_size}".encode())
        _renderer.append(digest.hexdigest())
    return _renderer[0]


def pack_digest(pack: Any) -> str:
    """The digest of a loaded pack's content (its rules, texts and layouts as checked)."""
    with _lock:
        hit = _packs.get(id(pack))
        if hit is not None and hit[0] is pack:
            return hit[1]
    dump = pack.model_dump_json(by_alias=True) if hasattr(pack, "model_dump_json") else repr(pack)
    digest = hashlib.sha256(dump.encode()).hexdigest()
    with _lock:
        _packs[id(pack)] = (pack, digest)  # holds the pack, so its id is not reused meanwhile
    return digest


def key_of(kind: str, pack: Any, lang: str, inputs: Any) -> str:
    """The key of one rendering: ``inputs`` is everything else it depends on (JSON-able)."""
    text = json.dumps(
        [renderer_version(), pack_digest(pack), lang, kind, inputs],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def cached(kind: str, pack: Any, lang: str, inputs: Any, make: Callable[[], bytes]) -> bytes:
    """``make()``'s PDF, from the cache when this exact rendering was made before."""
    key = key_of(kind, pack, lang, inputs)
    found = _get(key)
    if found is not None:
        stats.hits += 1
        return found
    stats.misses += 1
    pdf = make()
    _put(key, pdf)
    return pdf


def clear_memory() -> None:
    """Forget what this process holds (the disk entries stay)."""
    with _lock:
        _memory.clear()


def folder() -> Path:
    return user_data_dir() / FOLDER


def _enabled() -> bool:
    return os.environ.get(ENABLED_ENV, "1") != "0"


def _get(key: str) -> bytes | None:
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    if not _enabled():
        return None
    try:
        stored = (folder() / f"{key}.pdf").read_bytes()
    except OSError:
        return None
    digest, pdf = stored[:32], stored[32:]
    if hashlib.sha256(pdf).digest() != digest or not pdf.startswith(b"%PDF-"):
        return None  # torn or altered: render again (and overwrite it)
    _remember(key, pdf)
    return pdf


def _put(key: str, pdf: bytes) -> None:
    _remember(key, pdf)
    if not _enabled():
        return
    target = folder() / f"{key}.pdf"
    tmp = target.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as handle:
            handle.write(hashlib.sha256(pdf).digest() + pdf)
        os.replace(tmp, target)
        _prune(target.parent.glob("*.pdf"))
    except OSError as exc:
        log.info("render cache not written (%s): %s", target, exc.strerror or exc)
        tmp.unlink(missing_ok=True)


def _remember(key: str, pdf: bytes) -> None:
    with _lock:
        _memory[key] = pdf
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def _prune(entries: Iterable[Path]) -> None:
    files = list(entries)
    if len(files) <= MAX_ENTRIES:
        return
    dated = []
    for file in files:
        try:
            dated.append((file.stat().st_mtime_ns, file))
        except OSError:
            continue
    dated.sort()
    for _, file in dated[: len(dated) - MAX_ENTRIES]:
        file.unlink(missing_ok=True)
