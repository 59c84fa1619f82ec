"""I/O failures at every step of saving and exporting leave the user's files as they were."""

from __future__ import annotations

import pytest

from .faults import SCENARIOS, FaultReport, run_disk_full, run_scenario


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_saving_and_exporting_survive_a_failure_at_every_step(tmp_path, scenario):
    report = FaultReport()
    run_scenario(scenario, tmp_path, report)
    print(report.line())
    assert report.steps[scenario.name] >= 3
    assert report.failures == []


def test_a_really_full_disk_keeps_the_draft_and_says_so(tmp_path):
    report = run_disk_full(tmp_path)
    if report is None:
        pytest.skip("cannot mount a tiny tmpfs here (needs root); the injected-fault tests still ran")
    print(report.line(), report.messages)
    assert report.ok, report.checks
