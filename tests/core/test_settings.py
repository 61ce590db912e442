"""Settings: built once per process, built again when the environment they came from changes; secrets kept
out of sight; artifacts placed by LOTTO_HOME or LOTTO_ARTIFACTS_URL; every bad value refused naming it."""

from pathlib import Path

import pytest

from lotto_models.core.errors import SettingsError
from lotto_models.core.settings import Settings, get_settings


def test_the_settings_are_built_once_while_the_environment_holds() -> None:
    assert get_settings() is get_settings()


def test_a_changed_lotto_variable_builds_the_settings_again(monkeypatch: pytest.MonkeyPatch) -> None:
    before = get_settings()
    monkeypatch.setenv("LOTTO_REPORT_RETENTION", str(before.report_retention + 1))
    after = get_settings()
    assert after is not before and after.report_retention == before.report_retention + 1


def test_a_database_password_never_shows_in_the_settings_repr() -> None:
    settings = Settings(database_url="postgresql+psycopg://lotto:s3cret-pw@db.example/lotoflow")
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in str(settings.model_dump())
    assert settings.sqlalchemy_url.endswith("lotto:s3cret-pw@db.example/lotoflow")


def test_artifacts_are_under_lotto_home_by_default(tmp_path: Path) -> None:
    default = Settings(home=tmp_path / "home")
    assert (default.models_dir, default.backups_dir) == (tmp_path / "home" / "models", tmp_path / "home" / "backups")
    assert not default.artifacts_in_bucket


def test_artifacts_are_under_a_local_artifacts_url(tmp_path: Path) -> None:
    local = Settings(home=tmp_path / "home", artifacts_url=str(tmp_path / "shared"))
    assert (local.models_dir, local.backups_dir) == (tmp_path / "shared" / "models", tmp_path / "shared" / "backups")


def test_artifacts_of_an_s3_url_are_in_a_bucket_cached_under_lotto_home(tmp_path: Path) -> None:
    bucket = Settings(home=tmp_path / "home", artifacts_url="s3://lotto/prod")
    assert bucket.artifacts_in_bucket and bucket.artifact_cache_dir == tmp_path / "home" / "cache" / "artifacts"


def test_an_artifacts_url_of_an_unknown_scheme_is_refused_with_what_is_expected() -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        Settings(artifacts_url="gs://lotto/prod")


def test_artifact_store_options_never_show_in_the_settings_repr() -> None:
    settings = Settings(artifacts_options='{"secret": "s3cr3t"}')
    assert "s3cr3t" not in repr(settings) and settings.artifact_storage_options == {"secret": "s3cr3t"}


OUT_OF_RANGE = {
    "LOTTO_HTTP_BACKOFF_S": ("-1", "expected a number from 0 to 600"),
    "LOTTO_HTTP_READ_TIMEOUT_S": ("-5", "expected a number above 0, at most 600"),
    "LOTTO_HTTP_CONNECT_TIMEOUT_S": ("0", "expected a number above 0, at most 300"),
    "LOTTO_TRAINING_TIMEOUT_S": ("-1", "expected a number above 0"),
    "LOTTO_WINDOW": ("0", "expected an integer from 1 to 500"),
    "LOTTO_LONG_WINDOW": ("-3", "expected an integer from 1 to 500"),
    "LOTTO_HOLDOUT_DRAWS": ("999999", "expected an integer from 10 to 2000"),
    "LOTTO_BACKUP_RETENTION": ("0", "expected an integer from 1 to 1000"),
    "LOTTO_WEB_PORT": ("99999", "expected an integer from 1 to 65535"),
    "LOTTO_PROFILE": ("fast", "input should be 'smoke', 'quick' or 'full'"),
    "LOTTO_CAIXA_BASE_URL": ("servicebus2.caixa.gov.br", "expected http:// or https:// URLs, found one with no scheme"),
}


@pytest.mark.parametrize(("variable", "value", "expected"), [(k, *v) for k, v in OUT_OF_RANGE.items()])
def test_a_setting_out_of_range_is_refused_naming_the_variable_the_value_and_the_range(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert str(refused.value) == f"{variable}={value}: {expected}"


def test_every_bad_setting_is_named_at_once_and_secrets_are_not_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTTO_HOLDOUT_DRAWS", "-1")
    monkeypatch.setenv("LOTTO_DATABASE_URL", "mysql://lotto:s3cret-pw@db.example/lotoflow")
    monkeypatch.setenv("LOTTO_MIRROR_URLS", "https://ok.example/api, ftp://user:token@mirror.example/api")
    with pytest.raises(SettingsError) as refused:
        get_settings()
    lines = str(refused.value).splitlines()  # one line per variable, in the order of the settings
    assert len(lines) == 3
    assert lines[0].startswith("LOTTO_DATABASE_URL (value not shown: it may hold a secret): the scheme 'mysql'")
    assert lines[1].startswith("LOTTO_MIRROR_URLS (value not shown: it may hold a secret): expected http://")
    assert lines[2] == "LOTTO_HOLDOUT_DRAWS=-1: expected an integer from 10 to 2000"
    assert "s3cret-pw" not in str(refused.value) and "token" not in str(refused.value)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_plain_postgresql_url_is_read_with_psycopg(scheme: str) -> None:
    settings = Settings(database_url=f"{scheme}://lotto:pw@db.example:5432/lotoflow")
    assert settings.sqlalchemy_url == "postgresql+psycopg://lotto:pw@db.example:5432/lotoflow"


def test_an_empty_database_url_is_the_default_sqlite_store() -> None:
    assert Settings(database_url="").sqlalchemy_url.startswith("sqlite:///")
