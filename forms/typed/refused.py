"""The one error of :mod:`forms.typed`."""

from __future__ import annotations

from ..errors import UserError


class Refused(UserError):
    """Written in a form people use for this kind of value, but it cannot be right (2023-2-30,
    an amount finer than 1 元): refused, never moved to a neighbouring value."""
