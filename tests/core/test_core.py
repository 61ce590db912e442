"""Core: the one process cache, date parsing, and settings that keep secrets out of sight."""

from pathlib import Path

import pytest

from lotto_models.core.cache import ProcessCache, file_signature
from lotto_models.core.draws import ISO_DATE, OFFICIAL_DATE, parse_date
from lotto_models.core.errors import SettingsError
from lotto_models.core.settings import Settings, get_settings


def test_a_cached_value_is_recomputed_when_its_file_changes_and_only_then(tmp_path: Path) -> None:
    cache, calls = ProcessCache(), []
    source = tmp_path / "model.json"
    source.write_text("one")

    def read() -> str:
        calls.append(1)
        return source.read_text()

    assert cache.get("predictor", source, file_signature(source), read) == "one"
    assert cache.get("predictor", source, file_signature(source), read) == "one"
    source.write_text("two, longer")
    assert cache.get("predictor", source, file_signature(source), read) == "two, longer"
    assert len(calls) == 2


def test_each_kind_keeps_at_most_its_limit_of_entries() -> None:
    cache = ProcessCache(limits={"dataset": 2})
    for key in range(3):
        cache.get("dataset", key, None, lambda k=key: k)
    assert sorted(cache.values("dataset")) == [1, 2]
    cache.clear()
    assert cache.values("dataset") == []


def test_dates_parse_in_the_official_and_iso_formats_and_nothing_else() -> None:
    assert str(parse_date("29/09/2003")) == "2003-09-29"
    assert str(parse_date("2003-09-29", (OFFICIAL_DATE, ISO_DATE))) == "2003-09-29"
    assert parse_date("2003-09-29") is None and parse_date("yesterday", (ISO_DATE,)) is None


def test_a_database_password_never_shows_in_the_settings_repr() -> None:
    from lotto_models.core.settings import Settings

    settings = Settings(database_url="postgresql+psycopg://lotto:s3cret-pw@db.example/lotoflow")
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in str(settings.model_dump())
    assert settings.sqlalchemy_url.endswith("lotto:s3cret-pw@db.example/lotoflow")


def test_artifacts_are_under_lotto_home_by_default_under_a_local_artifacts_url_or_in_a_bucket(tmp_path: Path) -> None:
    default = Settings(home=tmp_path / "home")
    assert (default.models_dir, default.backups_dir) == (tmp_path / "home" / "models", tmp_path / "home" / "backups")
    assert not default.artifacts_in_bucket
    local = Settings(home=tmp_path / "home", artifacts_url=str(tmp_path / "shared"))
    assert (local.models_dir, local.backups_dir) == (tmp_path / "shared" / "models", tmp_path / "shared" / "backups")
    bucket = Settings(home=tmp_path / "home", artifacts_url="s3://lotto/prod")
    assert bucket.artifacts_in_bucket and bucket.artifact_cache_dir == tmp_path / "home" / "cache" / "artifacts"


def test_an_artifacts_url_of_an_unknown_scheme_is_refused_with_what_is_expected() -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        Settings(artifacts_url="gs://lotto/prod")


def test_artifact_store_options_never_show_in_the_settings_repr() -> None:
    settings = Settings(artifacts_options='{"secret": "s3cr3t"}')
    assert "s3cr3t" not in repr(settings) and settings.artifact_storage_options == {"secret": "s3cr3t"}


def test_failpoint_kill_with_kills_the_named_process_group_and_its_own(tmp_path) -> None:
    """`kill-with(PGID)`: the run dies together with the worker that started it (the soak's machine loss)."""
    import os
    import signal
    import subprocess
    import sys

    from lotto_models.core import failpoints

    point = failpoints.INGEST_AFTER_FETCH
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    run = subprocess.Popen(
        [sys.executable, "-c", f"from lotto_models.core.failpoints import failpoint; failpoint({point!r})"],
        env={**os.environ, failpoints.ENVIRONMENT_VARIABLE: f"{point}=kill-with({worker.pid})"},
        start_new_session=True,
    )
    assert run.wait(timeout=30) == -signal.SIGKILL
    assert worker.wait(timeout=5) == -signal.SIGKILL


def test_failpoint_kill_leader_kills_the_group_s_leader_alone() -> None:
    """`kill-leader`: from a worker, the run's main process dies (as under the OOM killer), not the worker."""
    import os
    import signal
    import subprocess
    import sys

    from lotto_models.core import failpoints

    point = failpoints.TRAINING_AFTER_EPOCH
    worker = f"from lotto_models.core.failpoints import failpoint; failpoint({point!r}); print('worker lived on')"
    run = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {worker!r}]); time.sleep(60)"
    leader = subprocess.Popen(  # the run's main process, leading a group of its own, and its worker in that group
        [sys.executable, "-c", run],
        env={**os.environ, failpoints.ENVIRONMENT_VARIABLE: f"{point}=kill-leader"},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    output, _ = leader.communicate(timeout=30)  # until the worker, holding the output too, has ended
    assert leader.returncode == -signal.SIGKILL and output == "worker lived on\n"


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
    assert Settings(database_url="").sqlalchemy_url.startswith("sqlite:///")  # empty: the default store
