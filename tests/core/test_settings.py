"""Settings: built once per process, built again when the environment they came from changes."""

import pytest

from lotto_models.core.settings import get_settings


def test_the_settings_are_built_once_while_the_environment_holds() -> None:
    assert get_settings() is get_settings()


def test_a_changed_lotto_variable_builds_the_settings_again(monkeypatch: pytest.MonkeyPatch) -> None:
    before = get_settings()
    monkeypatch.setenv("LOTTO_REPORT_RETENTION", str(before.report_retention + 1))
    after = get_settings()
    assert after is not before and after.report_retention == before.report_retention + 1
