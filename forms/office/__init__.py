"""The research office's desk without the desk: a folder of applications read as one batch
(:mod:`forms.office.batch`), its summary table (:mod:`forms.office.sheet`) and ``cxy batch``
(:mod:`forms.office.cli`)."""

from forms.office.batch import Batch, Row, scan_folder

__all__ = ["Batch", "Row", "scan_folder"]
