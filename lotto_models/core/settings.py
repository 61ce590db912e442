"""lotoflow's settings: one typed object built from `LOTTO_*` environment variables (and a `.env` file)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Profile = Literal["smoke", "quick", "full"]


class TrainingProfile(BaseModel):
    """How hard networks train: `smoke` for the flow tests and the soak (orchestration, not models), `quick`
    for demos and the models' own tests, `full` for production."""

    epochs: int
    units: int
    batch_size: int
    patience: int


PROFILES: dict[str, dict[str, int]] = {
    "smoke": {"epochs": 1, "units": 8, "batch_size": 256, "patience": 1},  # the soak: orchestration, not models
    "quick": {"epochs": 4, "units": 32, "batch_size": 128, "patience": 2},
    # patience 3: on the real history six of the seven networks reach their best validation loss and stop
    # with the same weights as with 8, in 30-45% fewer epochs; ls17's only lower loss came after 12 flat epochs
    "full": {"epochs": 60, "units": 64, "batch_size": 64, "patience": 3},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTTO_", env_file=".env", extra="ignore")

    home: Path = Path("var")
    # Where datasets' shared copies, model versions and backups live: a local directory (default: `home`), or
    # an `s3://bucket/prefix` URL of any S3-compatible store, reached with the standard AWS_ENDPOINT_URL,
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables (or `artifacts_options`).
    artifacts_url: str | None = None
    artifacts_options: SecretStr | None = None  # JSON of s3fs options (may hold a secret key): never shown
    # Or a Prefect `RemoteFileSystem` block ("remote-file-system/<name>") whose basepath (`s3://…`) and
    # settings (s3fs options: endpoint, key, secret) replace the two above; read by the Prefect layers.
    artifacts_block: str | None = None
    database_url: SecretStr | None = None  # may hold a password: never shown in a repr, log or error
    caixa_base_url: str = "https://servicebus2.caixa.gov.br/portaldeloterias/api"
    mirror_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    profile: Profile = "full"

    # Source client
    http_connect_timeout_s: float = 5.0
    http_read_timeout_s: float = 15.0
    http_attempts: int = 3
    http_backoff_s: float = 0.5

    # Datasets and evaluation
    window: int = 10
    long_window: int = 30
    tcn_window: int = 60
    recent_window: int = 50
    holdout_draws: int = 500
    validation_draws: int = 300
    ensemble_draws: int = 200  # between validation and holdout: where plan weights are fit
    seed: int = 1234

    # Orchestration
    training_timeout_s: float = 1800.0
    fanout: bool = False  # train each model as its own `train-model` deployment run (many workers)
    run_lock_wait_s: float = 3600.0  # how long a run waits for another one on the same store to finish

    # Alerts: Apprise URLs (comma-separated) and/or the name of a Prefect notification block
    # ("<block-type-slug>/<name>", e.g. "slack-webhook/ops")
    alert_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_block: str | None = None

    # Promotion and backups
    promotion_tolerance_bce: float = 0.002
    backup_retention: int = 5
    version_retention: int = 3  # newest versions per model that keep their files (besides champion/previous)
    report_retention: int = 10  # newest backtest reports kept under LOTTO_HOME/reports (and in a bucket)

    # Web service (`lotto web`): read-only pages and JSON API over the same store
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_workers: int = 2  # uvicorn processes; 2 fit this 2-core machine (bench/web_load.py)
    web_cache_ttl_s: float = 1.0  # answers may lag a change of the store by this long

    @field_validator("mirror_urls", "alert_urls", mode="before")
    @classmethod
    def _split_mirrors(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("artifacts_url", mode="after")
    @classmethod
    def _known_artifacts_scheme(cls, value: str | None) -> str | None:
        if value and "://" in value and not value.startswith(("s3://", "file://")):
            raise ValueError(f"LOTTO_ARTIFACTS_URL {value!r}: expected a local path, file://… or s3://bucket/prefix")
        return value

    @property
    def artifacts_in_bucket(self) -> bool:
        return bool(self.artifacts_url and self.artifacts_url.startswith("s3://"))

    @property
    def artifacts_dir(self) -> Path:
        """The local directory of the artifacts (when they are not in a bucket)."""
        if not self.artifacts_url or self.artifacts_in_bucket:
            return self.home
        return Path(self.artifacts_url.removeprefix("file://")).expanduser().resolve()

    @property
    def artifact_storage_options(self) -> dict[str, object]:
        """Options for the bucket's file system (s3fs), from `LOTTO_ARTIFACTS_OPTIONS`; empty by default."""
        if self.artifacts_options is None:
            return {}
        options = json.loads(self.artifacts_options.get_secret_value())
        if not isinstance(options, dict):
            raise ValueError("LOTTO_ARTIFACTS_OPTIONS must be a JSON object of s3fs options")
        return options

    @property
    def artifact_cache_dir(self) -> Path:
        """This machine's copies of bucket artifacts, one directory per sha256."""
        return self.home / "cache" / "artifacts"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'lotoflow.db'}"

    @property
    def models_dir(self) -> Path:
        return self.artifacts_dir / "models"

    @property
    def backups_dir(self) -> Path:
        return self.artifacts_dir / "backups"

    @property
    def alerts_ledger(self) -> Path:
        return self.home / "alerts" / "sent.txt"

    @property
    def datasets_dir(self) -> Path:
        return self.home / "datasets"

    @cached_property
    def training(self) -> TrainingProfile:
        return TrainingProfile(**PROFILES[self.profile])

    def source_urls(self) -> list[tuple[str, str]]:
        """(name, base URL) of every source, in fallback order: the official API, then the mirrors."""
        named = [("caixa", self.caixa_base_url)]
        named += [(f"mirror{i + 1}", url) for i, url in enumerate(self.mirror_urls)]
        return named


def get_settings() -> Settings:
    """Settings as the environment says now (tests change the environment between runs)."""
    return Settings()
