"""pyproject.toml's licence is in the SPDX form setuptools ≥ 77 builds without a deprecation
warning (PEP 639), and the build backend it asks for understands that form."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_is_an_spdx_expression_with_its_file() -> None:
    licenses = pytest.importorskip("packaging.licenses", reason="packaging >= 24.2 checks SPDX expressions")
    license = PYPROJECT["project"]["license"]
    assert isinstance(license, str)  # the TOML table form is the deprecated one
    assert licenses.canonicalize_license_expression(license) == license
    files = PYPROJECT["project"]["license-files"]
    assert files and all(list(REPO.glob(pattern)) for pattern in files)


def test_the_build_backend_is_one_that_reads_spdx_licences() -> None:
    requirements = pytest.importorskip("packaging.requirements")
    version = pytest.importorskip("packaging.version")
    for line in PYPROJECT["build-system"]["requires"]:
        requirement = requirements.Requirement(line)
        if requirement.name == "setuptools":
            assert not requirement.specifier.contains(version.Version("76.9"))
            break
    else:
        pytest.fail("setuptools is not in build-system.requires")
