"""Attachment intake: an image or PDF picked by the applicant becomes sanitised PDF pages.

Untrusted files are parsed in a separate worker process (time and memory capped); PDF pages are
rebuilt into a new document without scripts, actions, annotations, forms or embedded files;
images become A4 pages. ``scan.active_content`` is the independent check of the result.
"""

import logging

from forms.attachments.intake import normalise, sanitised
from forms.attachments.model import IntakeLimits, Normalised

__all__ = ["IntakeLimits", "Normalised", "normalise", "sanitised"]

# Log records are for whoever configures logging (the app's log file). Without a handler,
# Python's last-resort handler would print them, source paths and all, on the user's console;
# Pillow's TIFF plugin logs about malformed files the same way.
for _name in ("forms", "PIL"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
