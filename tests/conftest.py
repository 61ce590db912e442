from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from deployments.loopback.caixa_server import CaixaTestServer
from lotto_models.core.draws import Draw
from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import BUNDLED_SOURCE, bundled_history
from lotto_models.storage.schema import metadata
from lotto_models.workspace import Workspace, close_workspaces, open_workspace

if TYPE_CHECKING:
    from tests.s3_server import S3TestServer

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("LOTTO_TEST_DATABASE_URL") else [])
PRODUCTION_STORE = DATABASES[-1]  # PostgreSQL when the tests have one, else SQLite: for the tests run on one store


def matrix(cases: dict[str, tuple[object, ...]]) -> list[object]:
    """Parameters for a matrix of cases each run through a real flow: the first case is in the fast subset
    (`make test-fast`), the others are marked slow (`make test` runs them)."""
    return [
        pytest.param(*values, id=name, marks=() if i == 0 else pytest.mark.slow)
        for i, (name, values) in enumerate(cases.items())
    ]


@pytest.fixture(scope="session")
def history() -> list[Draw]:
    return bundled_history()


@pytest.fixture
def caixa_server(history: list[Draw]) -> Iterator[CaixaTestServer]:
    server = CaixaTestServer(history).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3TestServer]:
    """One S3-compatible server on loopback for the session (each test takes its own bucket)."""
    from tests.s3_server import S3TestServer  # moto takes a second to import: only where it is used

    server = S3TestServer().start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3TestServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; this process (and its children) reach the server through the AWS_* variables."""
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    return s3_server.new_bucket()


def postgres_database(name: str, template: str | None = None) -> str:
    """A fresh database `name` on the server of LOTTO_TEST_DATABASE_URL (a copy of `template` if given);
    its URL. Connections to the template must be closed first (`close_workspaces()`)."""
    base = sa.engine.make_url(os.environ["LOTTO_TEST_DATABASE_URL"])
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def database_name(url: str) -> str:
    return sa.engine.make_url(url).database or ""


_store_templates: set[Path] = set()  # directories `migrated_sqlite_store` made; removed at the session's end


def migrated_sqlite_store(seeded: bool = False) -> Path:
    """An empty SQLite store with every migration applied (`seeded`: holding the bundled history), made
    once per test process: a copy opens without running Alembic (0.15 s) or seeding (0.25 s)."""
    template = (
        Path(tempfile.gettempdir()) / f"lotoflow-{'seeded' if seeded else 'migrated'}-{os.getpid()}" / "lotoflow.db"
    )
    _store_templates.add(template.parent)
    if not template.exists():
        close_workspaces()
        ws = open_workspace(Settings(home=template.parent))
        if seeded:
            ws.draws.seed(bundled_history(), BUNDLED_SOURCE)
        close_workspaces()
    return template


# The files that take minutes (real training, real servers, a browser), started first: with `--dist loadfile` each
# file goes whole to one worker, and a long file collected last (tests/tracking) ran alone for ten minutes at the
# end of the suite. Sorting is stable: every other file keeps its order.
LONG_FILES = (
    "tests/tracking/test_mlflow_mirror.py",
    "tests/flows/test_after_draw_flow.py",
    "tests/flows/test_delivery_runs.py",
    "tests/flows/test_game_runs.py",
    "tests/flows/test_secrets.py",
    "tests/web/test_browser.py",
    "tests/flows/test_retrain.py",
    "tests/flows/test_fanout.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    first = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Every test process (each pytest-xdist worker too) removes the store templates it made; the last one
    (the controller) also removes the bytecode of the modules TensorFlow's autograph generates in the temporary
    directory, which Python caches beside them now that `make test` writes bytecode (the trainings of every
    test process, and of the `lotto` processes the tests start, leave them there)."""
    for directory in _store_templates:
        shutil.rmtree(directory, ignore_errors=True)
    if not hasattr(session.config, "workerinput"):
        cache = Path(tempfile.gettempdir()) / "__pycache__"
        for compiled in cache.glob("__autograph_generated_file*.pyc"):
            compiled.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            cache.rmdir()  # only when nothing else is in it


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary directory of the test's own, with a path as short as the system's: one to stand for the
    system's temporary directory of a process (multiprocessing makes sockets in it, at most 107 bytes long,
    which `tmp_path` is too long for)."""
    directory = Path(tempfile.mkdtemp(prefix="lotoflow-test-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def places() -> Iterator[tuple[Path, Path]]:
    """A LOTTO_HOME (not created) and a directory of files to give `lotto`, both where another user may read
    them (for the read-only cases); removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="lotoflow-cli-errors-"))
    root.chmod(0o755)
    files = root / "files"
    files.mkdir()
    (files / "other.csv").write_text("a,b,c\n1,2,3\n")
    (files / "model.keras").write_text("not a zip archive\n")
    try:
        yield root / "home", files
    finally:
        for path in (root, *root.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)  # what a read-only case took away
        shutil.rmtree(root)


def empty_home(home: Path) -> Path:
    """`home` with an empty, migrated SQLite store in it."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(migrated_sqlite_store(), home / "lotoflow.db")
    return home


def use_lotto_env(monkeypatch: pytest.MonkeyPatch, home: Path, caixa_url: str, database_url: str | None) -> Path:
    """Point every LOTTO_* setting of this process (and its children) at a test home and store (an empty,
    migrated SQLite store in `home` unless `database_url` names another), in the smoke training profile:
    flow tests prove the orchestration; the models' own tests (`tests/modeling`) train in `quick`."""
    if database_url is None and not (home / "lotoflow.db").exists():
        empty_home(home)
    for name in list(os.environ):
        if name.startswith("LOTTO_") and name != "LOTTO_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    close_workspaces()
    if database_url:
        monkeypatch.setenv("LOTTO_DATABASE_URL", database_url)
    monkeypatch.setenv("LOTTO_HOME", str(home))
    monkeypatch.setenv("LOTTO_PROFILE", "smoke")
    monkeypatch.setenv("LOTTO_CAIXA_BASE_URL", caixa_url)
    monkeypatch.setenv("LOTTO_HTTP_BACKOFF_S", "0.01")
    monkeypatch.setenv("LOTTO_HTTP_READ_TIMEOUT_S", "2")
    return home


@pytest.fixture(params=DATABASES)
def lotto_env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caixa_server: CaixaTestServer
) -> Path:
    """A fresh LOTTO_HOME, the smoke profile, and the loopback server as the official API; the store on
    SQLite, and (when LOTTO_TEST_DATABASE_URL is set) again on a fresh PostgreSQL database."""
    url = postgres_database(f"lotto_flow_{os.getpid()}") if request.param == "postgresql" else None
    return use_lotto_env(monkeypatch, tmp_path / "home", caixa_server.base_url, url)


@pytest.fixture
def seeded_env(lotto_env: Path) -> Path:
    """`lotto_env` whose store already holds the bundled history, as after a first run's seeding."""
    close_workspaces()
    if os.environ.get("LOTTO_DATABASE_URL"):
        open_workspace().draws.seed(bundled_history(), BUNDLED_SOURCE)
    else:
        shutil.copy(migrated_sqlite_store(seeded=True), lotto_env / "lotoflow.db")
    return lotto_env


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_store_url() -> str:
    """This test process's own PostgreSQL database (parallel test workers never share one)."""
    return postgres_database(f"lotto_store_{os.getpid()}")


@pytest.fixture(params=DATABASES)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """An empty, migrated store on SQLite and (when LOTTO_TEST_DATABASE_URL is set) on PostgreSQL."""
    close_workspaces()
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_store_url")
        _reset_postgres(url)
    home = tmp_path / "home" if url else empty_home(tmp_path / "home")
    settings = Settings(home=home, database_url=url, profile="quick", http_backoff_s=0.01)
    return open_workspace(settings)


def migrated_prefect_database(cache: Path) -> Path:
    """A Prefect database with every migration applied, made once per Prefect version and kept in pytest's
    cache: migrating a fresh database takes about 10 s of the harness's 15, in every test process."""
    import prefect

    template = cache / f"prefect-{prefect.__version__}.db"
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers make it once
        if not template.exists():
            partial = cache / f"{template.name}.{os.getpid()}"
            subprocess.run(
                [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
                env={**os.environ, "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{partial}"},
                check=True,
                capture_output=True,
            )
            os.replace(partial, template)
    return template


@pytest.fixture(scope="session")
def prefect_api(request: pytest.FixtureRequest) -> Iterator[None]:
    """One real Prefect API for the whole test session: a temporary server, on a fresh copy of a migrated
    database, that this process and its children use (never a server configured outside the tests)."""
    from deployments.temporary_server import temporary_server

    directory = Path(tempfile.mkdtemp(prefix="prefect-api-"))
    shutil.copy(migrated_prefect_database(request.config.cache.mkdir("prefect-db")), directory / "prefect.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", f"sqlite+aiosqlite:///{directory}/prefect.db")
        patch.setenv("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "false")
        with temporary_server(while_starting=lambda: None):
            yield
    shutil.rmtree(directory, ignore_errors=True)
