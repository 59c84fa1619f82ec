"""What intake learnt about each attachment (its content key and preflight findings), kept in the
draft's ``meta`` table beside it, one entry per attachment (``forms.draft.attachments.entry_key``).

A draft may come from anyone, so an entry is used only when this installation wrote it: each
carries an HMAC under a key kept in the user's data folder. Any other entry (a received draft's,
a damaged one, one over the meta value limit) is recomputed: the attachment is sanitised (unless
the ledger knows its bytes) and examined again in the worker. Losing the key only costs that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms.atomic import write_bytes
from forms.attachments.preflight import Examination, Finding, examine, from_json
from forms.draft.attachments import AttachmentInfo, entry_key
from forms.errors import UserError
from forms.paths import user_data_dir
from forms.text import Text

log = logging.getLogger(__name__)

KEY_FILE = "intake-records.key"
MAX_ENTRY_CHARS = 4000  # a meta value holds at most 4096 characters
_lock = threading.Lock()


@dataclass(frozen=True)
class Record:
    info: AttachmentInfo
    number: int  # 1-based, as validate and detach number them
    examination: Examination | None  # None: examining it failed (``error`` says why)
    error: UserError | None = None


def encode(sha256: str, examination: Examination) -> str | None:
    """The meta value for an attachment; None when its findings do not fit (then it is simply
    examined again next time)."""
    groups: dict[str, list[Any]] = {}
    for f in examination.findings:
        group = json.dumps([f.code, f.fix, f.params], sort_keys=True, ensure_ascii=True)
        groups.setdefault(group, []).append(f.page)
    body = {
        "v": 1,
        "pages": examination.pages,
        "key": examination.key,
        "images": examination.images,
        "f": [[*json.loads(group), _ranges(pages)] for group, pages in groups.items()],
    }
    mac = _mac(sha256, body)
    if mac is None:
        return None
    value = json.dumps({**body, "mac": mac}, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return value if len(value) <= MAX_ENTRY_CHARS else None


def decode(sha256: str, value: Any) -> Examination | None:
    """The examination an entry holds, or None when it is not one this installation wrote."""
    try:
        data = json.loads(value) if isinstance(value, str) and len(value) <= MAX_ENTRY_CHARS else None
        if not isinstance(data, dict) or data.get("v") != 1:
            return None
        mac = data.pop("mac", None)
        expected = _mac(sha256, data)
        if expected is None or not isinstance(mac, str) or not hmac.compare_digest(mac, expected):
            return None
        pages = data.get("pages")
        findings = []
        for code, fix, params, spans in data["f"]:
            for page in _pages(spans, pages):
                findings.append({"page": page, "code": code, "fix": fix, "params": params})
        findings.sort(key=lambda f: (f["page"] is not None, f["page"] or 0))
        return from_json({"pages": pages, "key": data.get("key"), "images": data.get("images"), "findings": findings})
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def records(draft: Any, *, store: bool = True, cancel: Callable[[], bool] | None = None) -> list[Record]:
    """Every attachment with its examination: from its entry where that is ours, else examined
    again (and, with ``store`` on a writable draft that is not final, the entry rewritten)."""
    with draft.snapshot():
        infos = draft.attachments()
        meta = draft.meta()
    out, fresh = [], {}
    for number, info in enumerate(infos, start=1):
        if info.damaged:
            out.append(Record(info, number, None, _damaged(number, info.title)))
            continue
        examination = decode(info.sha256, meta.get(entry_key(info.sha256)))
        if examination is None:
            try:
                examination = examine_stored(draft.attachment_pdf(info.id), info.title, cancel=cancel)
            except UserError as exc:
                out.append(Record(info, number, None, exc))
                continue
            value = encode(info.sha256, examination)
            if value is not None:
                fresh[entry_key(info.sha256)] = value
        out.append(Record(info, number, examination))
    if store and fresh and not draft.readonly and not draft.final:
        try:
            draft.store_attachment_entries(fresh)
        except UserError as exc:  # a cache: the next reader examines again
            log.info("intake records not stored: %s", exc)
    return out


def examine_stored(pdf: bytes, title: str, *, cancel: Callable[[], bool] | None = None) -> Examination:
    """Examine an attachment's stored PDF: sanitised first (a no-op for bytes our intake made),
    so that its content key is that of what our intake would make of it."""
    from forms.attachments import sanitised

    clean = sanitised(pdf, title)
    try:
        return examine(clean, cancel=cancel)
    except UserError as exc:
        raise UserError(exc.code, f"附件“{title}”：{exc.zh}", f"Attachment “{title}”: {exc.en}") from None


def known_keys(found: list[Record]) -> dict[str, str]:
    return {r.info.sha256.lower(): r.examination.key for r in found if r.examination is not None}


def _damaged(number: int, title: str) -> UserError:
    from forms.draft.attachments import damaged

    return damaged(number, title)


def _ranges(pages: list[int | None]) -> str | None:
    if pages == [None]:
        return None
    numbers = sorted(p for p in pages if p is not None)
    spans, start = [], None
    for index, page in enumerate(numbers):
        if start is None:
            start = page
        if index + 1 == len(numbers) or numbers[index + 1] != page + 1:
            spans.append(str(start) if start == page else f"{start}-{page}")
            start = None
    return ",".join(spans)


def _pages(spans: Any, pages: Any) -> list[int | None]:
    if spans is None:
        return [None]
    if not isinstance(spans, str) or not isinstance(pages, int) or len(spans) > MAX_ENTRY_CHARS:
        raise ValueError("spans")
    out: list[int | None] = []
    for span in spans.split(","):
        first, _, last = span.partition("-")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= pages:
            raise ValueError("span")
        out.extend(range(low, high + 1))
    return out


def _mac(sha256: str, body: dict[str, Any]) -> str | None:
    key = _secret()
    if key is None:
        return None
    text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hmac.new(key, f"{sha256.lower()}\n{text}".encode(), hashlib.sha256).hexdigest()[:32]


def _secret() -> bytes | None:
    """This installation's key, made on first use; None when it can be neither read nor made."""
    path = user_data_dir() / KEY_FILE
    with _lock:
        try:
            data = path.read_bytes()
            if len(data) == 32:
                return data
        except OSError:
            pass
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = secrets.token_bytes(32)
            write_bytes(path, data, Text("附件检查记录的密钥", "the key of the intake records"))
            return data
        except OSError as exc:
            log.info("no key for intake records: %s", exc)
            return None
        except UserError as exc:
            log.info("no key for intake records: %s", exc.en)
            return None


__all__ = ["Finding", "Record", "decode", "encode", "examine_stored", "known_keys", "records"]
