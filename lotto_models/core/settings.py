"""lotoflow's settings: one typed object built from `LOTTO_*` environment variables (and a `.env` file)."""

from __future__ import annotations

import json
import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lotto_models.core.errors import SettingsError
from lotto_models.core.games import UnknownGameError
from lotto_models.core.games import game as game_named

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
    # The game a command or run works on when it names none (`--game`, the flow's `game` parameter): the API
    # id of a game of the catalog (`core.games`), its name or its tipoJogo.
    game: str = "lotofacil"

    # Source client
    http_connect_timeout_s: float = Field(default=5.0, gt=0, le=300)
    http_read_timeout_s: float = Field(default=15.0, gt=0, le=600)
    http_attempts: int = Field(default=3, ge=1, le=20)
    http_backoff_s: float = Field(default=0.5, ge=0, le=600)
    # An answer must be whole within this many seconds however it trickles in (a read timeout only bounds
    # the wait between two bytes), and one run's fetching stops after the budget: what is left waits for the
    # next run, and the run goes on with the stored draws (the "source unreachable" fallback)
    http_request_deadline_s: float = Field(default=30.0, gt=0, le=600)
    fetch_budget_s: float = Field(default=120.0, gt=0, le=3600)
    # the most concursos one run fetches past the newest stored one, however far a "latest" answer claims
    # (the draw calendar allows fewer still: the draw days since the newest stored draw, plus a few)
    max_new_draws_per_run: int = Field(default=200, ge=1, le=10000)
    # A backfill (the first run of a game with no bundled history, or one far behind) fetches by number from
    # the newest stored concurso on, storing each batch as it comes: `backfill_pause_s` between two requests
    # to one source (CAIXA publishes no rate limit; this is a courtesy, not a known limit), batches of
    # `backfill_batch_draws` validated and stored together, at most `backfill_max_draws_per_run` per run
    # (the next run goes on from the newest stored concurso)
    backfill_pause_s: float = Field(default=1.0, ge=0, le=600)
    backfill_batch_draws: int = Field(default=50, ge=1, le=1000)
    backfill_max_draws_per_run: int = Field(default=10000, ge=1, le=100000)

    # Datasets and evaluation
    # Windows and spans in draws: the real history holds about 3,700, and each span is cut to a quarter (the
    # weights span to an eighth) of a short history anyway (`modeling.splits`)
    window: int = Field(default=10, ge=1, le=500)
    long_window: int = Field(default=30, ge=1, le=500)
    tcn_window: int = Field(default=60, ge=1, le=500)
    recent_window: int = Field(default=50, ge=1, le=500)
    holdout_draws: int = Field(default=500, ge=10, le=2000)
    validation_draws: int = Field(default=300, ge=10, le=2000)
    # between validation and holdout: where plan weights are fit
    ensemble_draws: int = Field(default=200, ge=10, le=2000)
    seed: int = Field(default=1234, ge=0, le=2**32 - 1)

    # Orchestration
    training_timeout_s: float = Field(default=1800.0, gt=0)
    fanout: bool = False  # train each model as its own `train-model` deployment run (many workers)
    # how long a run waits for another one on the same store to finish
    run_lock_wait_s: float = Field(default=3600.0, ge=0)
    # The MLflow mirror (`lotto_models.tracking`): unset, nothing changes and MLflow is never imported; set, every
    # trained version becomes an MLflow run and registered model version whose `champion`/`previous` aliases follow
    # lotoflow's (its own registry stays the source of truth). Each request to MLflow gives up after the timeout:
    # a tracking server down or slow never stalls a run (`lotto mlflow-sync` mirrors what it missed)
    mlflow_tracking_uri: str | None = None
    mlflow_timeout_s: float = Field(default=10.0, gt=0, le=300)

    # Alerts: Apprise URLs (comma-separated) and/or the name of a Prefect notification block
    # ("<block-type-slug>/<name>", e.g. "slack-webhook/ops")
    alert_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_block: str | None = None
    # Guesses delivered (`lotto_models.delivery`): Apprise URLs (comma-separated: Telegram, e-mail, a webhook) that
    # receive each public plan's guess once published and its hits once its draw is stored; a pause between two
    # messages to one destination (Telegram allows about one a second per chat), and at most this many messages
    # per destination per run (a backlog goes out over the next runs, in order)
    publish_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    publish_pause_s: float = Field(default=1.0, ge=0, le=60)
    publish_max_per_run: int = Field(default=40, ge=1, le=10000)

    # Promotion and backups
    # Every automated decision (promote, mark below the baseline, weigh plan members) reads a paired interval
    # over draws at this confidence. A challenger is promoted when its loss difference with the champion,
    # per draw on the same holdout, has an interval ending at or below this margin (BCE per number): a tenth
    # of the spread between the real models (0.6727-0.6831 on 500 holdout draws), above the upper ends a
    # fine-tune after one new draw reaches against its champion (up to +0.00065 in the full profile)
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    promotion_margin_bce: float = Field(default=0.001, ge=0, le=0.1)
    backup_retention: int = Field(default=5, ge=1, le=1000)  # 0 would delete the previous champion's backup
    # newest versions per model that keep their files (besides champion/previous)
    version_retention: int = Field(default=3, ge=0, le=1000)
    # newest backtest reports kept under LOTTO_HOME/reports (and in a bucket)
    report_retention: int = Field(default=10, ge=1, le=1000)

    # Web service (`lotto web`): read-only pages and JSON API over the same store
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    web_workers: int = Field(default=2, ge=1, le=64)  # uvicorn processes; 2 fit this 2-core machine (bench/web_load.py)
    web_cache_ttl_s: float = Field(default=1.0, ge=0, le=3600)  # answers may lag a change of the store by this long
    # the research plan (rnd) on the web pages and API: off, so it is never offered to customers; an operator
    # may turn it on for a service only operators reach (`lotto status` and `lotto predict` always show it)
    web_show_research: bool = False

    @field_validator("mirror_urls", "alert_urls", "publish_urls", mode="before")
    @classmethod
    def _split_mirrors(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("game", mode="after")
    @classmethod
    def _known_game(cls, value: str) -> str:
        try:
            return game_named(value).id
        except UnknownGameError as error:  # out of scope (Super Sete...) or unknown: says why, lists the games
            raise ValueError(str(error)) from error

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("artifacts_url", mode="after")
    @classmethod
    def _known_artifacts_scheme(cls, value: str | None) -> str | None:
        if value and "://" in value and not value.startswith(("s3://", "file://")):
            raise ValueError("expected a local path, file://… or s3://bucket/prefix")
        return value

    @field_validator("artifacts_options", mode="after")
    @classmethod
    def _json_object(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            options = json.loads(value.get_secret_value())
        except json.JSONDecodeError:
            options = None
        if not isinstance(options, dict):
            raise ValueError('expected a JSON object of s3fs options, e.g. {"endpoint_url": "http://…"}')
        return value

    @field_validator("database_url", mode="after")
    @classmethod
    def _known_database(cls, value: SecretStr | None) -> SecretStr | None:
        """A SQLite or PostgreSQL URL; a plain `postgresql://` one is read with psycopg (3), the driver installed
        (SQLAlchemy's default for it is psycopg2)."""
        if value is None or not value.get_secret_value().strip():
            return None
        scheme, separator, rest = value.get_secret_value().strip().partition("://")
        if scheme in {"postgresql", "postgres"}:
            return SecretStr(f"postgresql+psycopg://{rest}")
        if not separator or scheme not in {"sqlite", "postgresql+psycopg"}:
            raise ValueError(
                f"the scheme {scheme if separator else '(none)'!r} is not supported: "
                "expected sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
            )
        return value

    @field_validator("caixa_base_url", "mirror_urls", mode="after")
    @classmethod
    def _web_urls(cls, value: str | list[str]) -> str | list[str]:
        for url in [value] if isinstance(value, str) else value:
            if not url.startswith(("http://", "https://")):
                found = f"the scheme {url.partition('://')[0]!r}" if "://" in url else "no scheme"
                raise ValueError(f"expected http:// or https:// URLs, found one with {found}")
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
    def failures_log(self) -> Path:
        """One line per failed run that `notify-failure` reported, beside the alerts ledger."""
        return self.home / "alerts" / "failures.log"

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


# Values never repeated in a message: they may hold a password, a key or a token.
SECRET_VALUES = frozenset({"database_url", "artifacts_options", "mirror_urls", "alert_urls", "publish_urls"})


def get_settings() -> Settings:
    """The settings of this process: built from the environment (and `.env`) once, and again only when a
    `LOTTO_*` variable or `.env` changed since (tests and a forked worker adopting its run's environment do).

    Raises `SettingsError` naming each `LOTTO_*` variable whose value cannot be used, the value and what is
    expected (a range, the choices), one line per variable."""
    key = _environment_key()
    built = _BUILT.get(key)
    if built is None:
        try:
            built = Settings()
        except ValidationError as error:
            raise SettingsError("\n".join(_problem(problem) for problem in error.errors())) from error
        _BUILT.clear()
        _BUILT[key] = built
    return built


# The one Settings of this process, under the environment it was built from.
_BUILT: dict[tuple[object, ...], Settings] = {}


def _environment_key() -> tuple[object, ...]:
    variables = tuple(sorted((name, value) for name, value in os.environ.items() if name.startswith("LOTTO_")))
    env_file = Path(".env").absolute()
    try:
        stat = env_file.stat()
        signature: tuple[object, ...] = (str(env_file), stat.st_size, stat.st_mtime_ns)
    except OSError:
        signature = (str(env_file),)
    return variables, signature


def _problem(problem: ErrorDetails) -> str:
    name = str(problem["loc"][0]) if problem["loc"] else ""
    value = " (value not shown: it may hold a secret)" if name in SECRET_VALUES else f"={problem['input']}"
    field = Settings.model_fields.get(name)
    expected = _allowed_range(field) if field is not None else None
    if expected is None:
        message = problem["msg"].removeprefix("Value error, ")
        expected = message[:1].lower() + message[1:]
    return f"LOTTO_{name.upper()}{value}: {expected}"


def _allowed_range(field: FieldInfo) -> str | None:
    """The allowed range from the field's bounds ("an integer from 1 to 500", "a number above 0, at most 300")."""
    low = high = ""
    for bound in field.metadata:
        if isinstance(bound, Ge):
            low = f"from {bound.ge}"
        elif isinstance(bound, Gt):
            low = f"above {bound.gt}"
        elif isinstance(bound, Le):
            high = f"at most {bound.le}"
        elif isinstance(bound, Lt):
            high = f"below {bound.lt}"
    if not low and not high:
        return None
    kind = "an integer" if field.annotation is int else "a number"
    if low.startswith("from ") and high.startswith("at most "):
        return f"expected {kind} {low} to {high.removeprefix('at most ')}"
    return f"expected {kind} " + ", ".join(part for part in (low, high) if part)
