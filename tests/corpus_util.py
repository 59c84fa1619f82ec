"""Locating ../shared/corpus beside the checkout, and reading its files (the XOR-0xCC
obfuscated ones decoded in memory only: anti-virus quarantines the decoded bytes)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PDF_CORPUS = SHARED / "corpus" / "pdf"
_OBFUSCATION_KEY = 0xCC


def corpus_files(root: Path = PDF_CORPUS) -> list[Path]:
    """Every corpus input below root (licences, readmes and the manifest left out)."""
    if not root.is_dir():
        return []
    skip_suffixes = {".md", ".txt"}
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() not in skip_suffixes
        and not p.name.upper().startswith(("LICENSE", "NOTICE", "README"))
    )


def read_corpus_file(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".obfuscated":
        data = bytes(b ^ _OBFUSCATION_KEY for b in data)
    return data
