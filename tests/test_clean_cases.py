"""Data-driven cleaning cases from tests/cases/clean.yaml: stage, input, output, reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.intake.clean import Cleaned, clean_text, stages
from digest.config import load_config

CASES_FILE = Path(__file__).parent / "cases" / "clean.yaml"
RULES = load_config(None).rules


def stage_functions() -> dict[str, Any]:
    """Every pipeline stage by name, plus the whole pipeline as `clean_text`."""
    named = {getattr(stage, "func", stage).__name__: stage for stage in stages(RULES, "t2s")}
    return {**named, "clean_text": lambda text: clean_text(text, RULES)}


def load_cases(known_failures: bool = True) -> list[Any]:
    """The cases as test parameters; a known failure is a strict xfail, or left out."""
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"{case['stage']}: {case['why']}", marks=_marks(case))
            for case in cases if known_failures or "known_failure" not in case]


def _marks(case: dict[str, Any]) -> list[Any]:
    if "known_failure" in case:
        return [pytest.mark.xfail(reason=case["known_failure"], strict=True)]
    return []


STAGES = stage_functions()


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    result = STAGES[case["stage"]](case["in"])
    text, findings = (result.text, list(result.findings)) if isinstance(result, Cleaned) else (result, [])
    assert text == case["out"]
    if "findings" in case:
        assert findings == case["findings"]


@pytest.mark.parametrize("case", load_cases(known_failures=False))
def test_case_output_is_stable(case: dict[str, Any]) -> None:
    """Running a stage on its own output changes nothing."""
    result = STAGES[case["stage"]](case["out"])
    assert (result.text if isinstance(result, Cleaned) else result) == case["out"]


def test_every_stage_has_cases() -> None:
    covered = {case["stage"] for case in yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))}
    assert set(STAGES) - {"repair_gbk_mojibake", "to_target_script"} <= covered
