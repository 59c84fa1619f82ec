"""Issue 10 item 1: who fills what is pack data, checked when the pack loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forms.errors import UserError
from forms.pack import load_pack, load_pack_dir
from forms.paths import packs_dir

PACK_2025 = Path(__file__).resolve().parents[1] / "data" / "packs" / "jiangsu-cxy-2025"


def test_the_2023_pack_has_three_roles_read_from_data():
    pack = load_pack()
    assert [r.id for r in pack.roles] == ["applicant", "enterprise", "office"]
    enterprise = pack.role("enterprise")
    assert enterprise.label.zh == "合作企业联系人" and enterprise.label.get("en") == "Enterprise contact"
    assert enterprise.owns_step("parties") and enterprise.owns_step("contract")
    assert not enterprise.owns_step("team")
    for path in ("enterprise.name", "enterprise.contact.phone", "contract.amount_wan", "payments.3.date"):
        assert enterprise.owns_field(path), path
    for path in ("leader.name", "project.summary", "members.0.name", "university.name"):
        assert not enterprise.owns_field(path), path
    assert enterprise.attachment_kinds == ["contract", "payment_proof"]
    assert "发回" in enterprise.instructions.zh
    assert pack.role("nobody") is None


def test_every_field_of_the_pack_belongs_to_a_role():
    pack = load_pack()
    for path in pack.fields:
        assert any(r.owns_field(path) for r in pack.roles), path


def test_a_2025_shaped_pack_changes_the_roles_without_code():
    pack = load_pack_dir(PACK_2025)
    assert [r.id for r in pack.roles] == ["applicant", "enterprise"]
    assert pack.role("office") is None
    enterprise = pack.role("enterprise")
    assert enterprise.owns_step("team") and enterprise.owns_field("members.2.is_enterprise")
    assert "other" in enterprise.attachment_kinds


def _pack_copy(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "jiangsu-cxy-2023"
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    toml = folder / "pack.toml"
    toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda t: t.replace('steps = ["parties", "letters"]', 'steps = ["parties", "stamps"]'),
            "unknown step 'stamps'",
        ),
        (
            lambda t: t.replace('"routing", "leader", "members"', '"routing", "members"', 1),
            "'leader.name' belongs to no role",
        ),
        (lambda t: t.replace('attachment_kinds = ["other"]', 'attachment_kinds = ["seal"]'), "unknown attachment kind"),
        (lambda t: t.split("[[roles]]")[0], "declares no [[roles]]"),
    ],
    ids=["unknown-step", "orphan-field", "unknown-kind", "no-roles"],
)
def test_the_pack_validator_checks_the_roles(tmp_path, edit, says):
    with pytest.raises(UserError) as err:
        load_pack_dir(_pack_copy(tmp_path, edit))
    assert err.value.code == "pack.invalid"
    assert says in err.value.en
