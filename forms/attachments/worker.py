"""The attachment worker process: parses one untrusted file and answers with a sanitised PDF.

Started by forms.attachments.runner, one process per file, so that a parser hang, crash or
memory blow-up costs a process, never the application. Its memory is capped before the file is
read (forms.attachments.process_limits says how, and what is enforced, on each OS). Run as ``python -m forms.attachments.worker``; a frozen
build must route its worker flag to ``main()`` (see runner.worker_command).
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

from forms.attachments.messages import Refusal
from forms.attachments.model import IntakeLimits
from forms.attachments.process_limits import cap_own_memory
from forms.attachments.protocol import read_body, read_header, write_frame


def run_job(
    fmt: str,
    data: bytes,
    limits: IntakeLimits,
    progress: Callable[[int, int], None],
    ops: list[dict[str, Any]] | None = None,
) -> tuple[bytes, int, list[str]]:
    import pikepdf

    from forms.attachments.page_copier import PageCopier
    from forms.attachments.rebuild import rebuild_pdf, save
    from forms.attachments.scan import active_content

    if fmt == "examine":  # preflight of a PDF of ours (issue 12): JSON out, not a PDF
        from forms.attachments.preflight import run_examination

        return run_examination(data, limits, progress)
    if ops is not None and fmt == "pdf":  # page fixes, then the same rebuild as any PDF
        from forms.attachments.page_transform import transform

        data = transform(data, ops, limits)
    if fmt == "pdf":
        pdf, pages, notes = rebuild_pdf(data, limits, progress)
    else:
        from forms.attachments.images import images_to_pdf

        page_pdfs, notes = images_to_pdf(data, fmt, limits, progress)
        out = pikepdf.new()
        for number, one in enumerate(page_pdfs, start=1):
            with pikepdf.open(io.BytesIO(one)) as single:
                copier = PageCopier(out, limits)
                copier.page_no = number
                out.pages.append(pikepdf.Page(copier.page(single.pages[0].obj)))
        pdf, pages = save(out), len(page_pdfs)
    if active_content(pdf):  # the independent second opinion on our own output
        raise Refusal("attach.unsafe")
    return pdf, pages, notes


def main() -> int:
    # The protocol owns the original stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inp = sys.stdin.buffer
    # Library warnings about a malformed file say nothing the refusal does not; they would only
    # fill the parent's log with source paths.
    warnings.simplefilter("ignore")
    header = read_header(inp)
    if header is None:
        return 2
    limits = IntakeLimits(**header["limits"])
    cap_own_memory(limits.memory_bytes)

    def progress(done: int, total: int) -> None:
        write_frame(out, {"kind": "progress", "done": done, "total": total})

    data: bytes | None = None
    try:
        data = read_body(inp, limits.max_bytes)
        pdf, pages, notes = run_job(header["fmt"], data, limits, progress, header.get("ops"))
    except Refusal as refusal:
        write_frame(out, {"kind": "error", "code": refusal.code, "params": refusal.params})
        return 0
    except MemoryError:
        data = None  # give the allocator room to say why we stop
        write_frame(
            out,
            {"kind": "error", "code": "attach.memory", "params": {"limit_mb": limits.memory_bytes // (1024 * 1024)}},
        )
        return 0
    except Exception as exc:  # every library failure is "damaged" to the user; detail for logs
        write_frame(
            out,
            {"kind": "error", "code": "attach.damaged", "params": {}, "detail": f"{type(exc).__name__}: {exc}"[:500]},
        )
        return 0
    write_frame(out, {"kind": "result", "pages": pages, "notes": notes}, pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
