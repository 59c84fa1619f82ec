"""What pages need from outside the draft, in one object tests can swap parts of."""

from __future__ import annotations

from dataclasses import dataclass, field

from .prompter import Prompter
from .secrets import SecretStore


@dataclass
class Services:
    prompter: Prompter = field(default_factory=Prompter)
    secrets: SecretStore = field(default_factory=SecretStore)
