"""Attachment intake: an image or PDF picked by the applicant becomes sanitised PDF pages.

Untrusted files are parsed in a separate worker process (time and memory capped); PDF pages are
rebuilt into a new document without scripts, actions, annotations, forms or embedded files;
images become A4 pages. ``scan.active_content`` is the independent check of the result.
"""

from forms.attachments.intake import normalise, sanitised
from forms.attachments.model import IntakeLimits, Normalised

__all__ = ["IntakeLimits", "Normalised", "normalise", "sanitised"]
