"""Every file of the hostile-PDF corpus is either imported clean or refused with a UserError:
never another exception, never a hang. Counts are printed at the end of the run (conftest.py)
and written to /tmp/cxy-attachments-corpus.json."""

from __future__ import annotations

import io
import time

import pypdf
import pytest
from corpus_util import PDF_CORPUS, corpus_files, read_corpus_file

from forms.attachments import normalise
from forms.attachments.scan import active_content
from forms.errors import UserError

from .conftest import CORPUS_OUTCOMES

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

FILES = corpus_files()
_ABSENT = pytest.param(
    None, marks=pytest.mark.skip(reason=f"the hostile-PDF corpus is not at {PDF_CORPUS} (it sits beside the checkout)")
)


@pytest.mark.parametrize("path", FILES or [_ABSENT], ids=[str(p.relative_to(PDF_CORPUS)) for p in FILES] or ["absent"])
def test_corpus_file_is_imported_clean_or_refused(path):
    data = read_corpus_file(path)  # obfuscated files are decoded in memory only
    started = time.monotonic()
    try:
        result = normalise(data, path.name)
    except UserError as error:
        outcome = f"refused:{error.code}"
        assert error.code.startswith("attach.") and error.zh and error.en
    else:
        outcome = "imported"
        assert active_content(result.pdf) == []
        reader = pypdf.PdfReader(io.BytesIO(result.pdf), strict=False)
        assert len(reader.pages) == result.pages >= 1
    elapsed = time.monotonic() - started
    CORPUS_OUTCOMES[str(path.relative_to(PDF_CORPUS))] = (outcome, elapsed)
