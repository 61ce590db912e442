"""`python -m deployments.local_stack`: prove the deployments on a real Prefect server and worker, on loopback.

An operator script, not part of the service. In order, it:

1. picks a free port (or `--port`) on 127.0.0.1 (or `--host`), makes a fresh `PREFECT_HOME` under the
   working directory (default `/tmp/lotoflow-stack`) and a `LOTTO_HOME` next to it (the user's `./var` is
   never touched), and sets `PREFECT_API_URL`, `PREFECT_SERVER_ANALYTICS_ENABLED=false` and
   `LOTTO_PROFILE=quick` (unless set); `LOTTO_CAIXA_BASE_URL` passes through when the caller set it;
2. protects the server with Prefect's basic authentication: the `user:password` string is the caller's
   `PREFECT_SERVER_API_AUTH_STRING` (or `PREFECT_API_AUTH_STRING`), else a new random one, written to
   `<workdir>/auth-string` (mode 0600, for the UI's login prompt); the server gets it as
   `PREFECT_SERVER_API_AUTH_STRING` and every client (worker, CLI, web service, this script) as
   `PREFECT_API_AUTH_STRING`;
3. starts `prefect server start` (log: `<workdir>/server.log`) and waits for `/api/health`, then the
   read-only web service `lotto web` on another free port (log: `<workdir>/web.log`), over the same store;
4. creates the `lotoflow` process work pool (an existing one is fine), runs `prefect --no-prompt deploy
   --all` from the repository root with `LOTOFLOW_DIR` set to it, and creates (or updates) the automation
   that marks a run Crashed when its heartbeats stop (`deployments.zombie_runs`);
5. starts `prefect worker start --pool lotoflow` (log: `<workdir>/worker.log`), triggers
   `prefect deployment run after-draw/after-draw` and polls the flow run until it reaches a final state;
6. screenshots the run page (and its artifacts tab) and the web home page with headless Debian chromium,
   when installed; the Prefect UI pages through playwright, logged in with the auth string as the UI's
   login prompt would keep it (without playwright they show the login prompt);
7. prints a summary with both URLs, then stops the worker (two SIGTERMs), the web service and the server
   (one each), even on failure; with `--keep-running` the server and the web service stay up until Ctrl-C.

It exits non-zero when the run does not end Completed. Without `LOTTO_CAIXA_BASE_URL` the official API
is unreachable here and the run completes with its "source unreachable" fallback, as designed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import httpx

from deployments.chromium import CHROMIUM, CHROMIUM_FLAGS
from deployments.mlflow_server import MlflowServer, screenshot_registered_models, start_mlflow_server
from flows.names import AFTER_DRAW, deployment_path

REPO_ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).parent / "prefect")
LOTTO = str(Path(sys.executable).parent / "lotto")
POOL = "lotoflow"
DEPLOYMENT = deployment_path(AFTER_DRAW)

timings: dict[str, float] = {}


def say(message: str) -> None:
    print(f"[local-stack] {message}", flush=True)


@contextmanager
def step(name: str) -> Iterator[None]:
    say(f"{name} ...")
    start = time.monotonic()
    try:
        yield
    finally:
        timings[name] = time.monotonic() - start
        say(f"{name}: {timings[name]:.1f} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_auth_string(environ: dict[str, str] | os._Environ[str]) -> str:
    """The `user:password` the stack's server requires: the caller's, else a new random one."""
    given = environ.get("PREFECT_SERVER_API_AUTH_STRING") or environ.get("PREFECT_API_AUTH_STRING")
    return given or f"lotoflow:{secrets.token_urlsafe(18)}"


def stack_env(workdir: Path, host: str, port: int, auth_string: str) -> dict[str, str]:
    """The environment of every process of the stack: the server reads `PREFECT_SERVER_API_AUTH_STRING`,
    its clients send `PREFECT_API_AUTH_STRING` (the same string)."""
    env = dict(os.environ)
    env.pop("PREFECT_API_KEY", None)  # an API key would be sent instead of the auth string (Prefect Cloud's)
    env.update(
        PREFECT_HOME=str(workdir / "prefect-home"),
        PREFECT_API_URL=f"http://{url_host(host)}:{port}/api",
        PREFECT_SERVER_API_AUTH_STRING=auth_string,
        PREFECT_API_AUTH_STRING=auth_string,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        LOTTO_HOME=str(workdir / "lotto-home"),
        LOTOFLOW_DIR=str(REPO_ROOT),
        COLUMNS="200",  # keep rich from wrapping the CLI output we parse
    )
    env.setdefault("LOTTO_PROFILE", "quick")
    env.pop("LOTTO_DATABASE_URL", None)  # the store lives under LOTTO_HOME, never in the caller's database
    return env


def url_host(host: str) -> str:
    """The address clients on this machine use for a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def run_cli(args: list[str], env: dict[str, str], ok_if: str | None = None) -> str:
    """Run a Prefect CLI command from the repository root; return its output or raise with it."""
    proc = subprocess.run(
        [PREFECT, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 and not (ok_if and ok_if in output):
        raise RuntimeError(f"`prefect {' '.join(args)}` exited {proc.returncode}:\n{output}")
    return output


def start_background(
    args: list[str], env: dict[str, str], log: Path, program: str = PREFECT
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [program, *args], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_answering(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    """Wait until `url` answers at all (the web service says 503 until the first run creates the store)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited {proc.returncode}; see {log}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def stop(proc: subprocess.Popen[bytes] | None, name: str, sigterms: int) -> None:
    """Send SIGTERM to the process group `sigterms` times (a worker needs two), then SIGKILL if still alive."""
    if proc is None or proc.poll() is not None:
        return
    say(f"stopping {name} (pid {proc.pid})")
    for _ in range(sigterms):
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue
    say(f"{name} ignored SIGTERM, killing it")
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    proc.wait(timeout=10)


def wait_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited {server.returncode}; see {log}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the Prefect server was not healthy within {timeout:.0f} s; see {log}")


def wait_final(flow_run_id: str, worker: subprocess.Popen[bytes], timeout: float) -> tuple[str, str]:
    """Poll the flow run until its state is final; return (state name, message)."""
    from prefect.client.orchestration import get_client  # after PREFECT_API_URL is set

    deadline = time.monotonic() + timeout
    last = ""
    with get_client(sync_client=True) as client:
        while True:
            state = client.read_flow_run(UUID(flow_run_id)).state
            name = (state.name or state.type.value) if state else "Unknown"
            if name != last:
                say(f"flow run state: {name}")
                last = name
            if state is not None and state.is_final():
                return name, state.message or ""
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited {worker.returncode} while the run was {name}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the flow run was still {name} after {timeout:.0f} s")
            time.sleep(2)


def screenshot(url: str, png: Path) -> bool:
    profile = tempfile.mkdtemp(prefix="lotoflow-chromium-")
    try:
        args = [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            "--virtual-time-budget=15000",
            f"--screenshot={png}",
            url,
        ]
        png.unlink(missing_ok=True)
        proc = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
        if proc.returncode != 0 or not png.exists():
            say(f"chromium failed ({proc.returncode}) for {url}: {proc.stderr.strip()[-500:]}")
            return False
        return True
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot_logged_in(url: str, png: Path, auth_string: str) -> bool:
    """Screenshot a Prefect UI page as a user who has typed the auth string into the UI's login prompt (the
    UI keeps it, base64-encoded, in local storage under `prefect-password`), with playwright driving the
    same chromium; without playwright (a dev dependency) the page shows the login prompt instead."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        say("playwright is not installed: the Prefect UI screenshots show the login prompt")
        return screenshot(url, png)
    token = base64.b64encode(auth_string.encode()).decode()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.add_init_script(f"window.localStorage.setItem('prefect-password', {token!r});")
                page.goto(url, wait_until="networkidle", timeout=60_000)
                page.wait_for_timeout(2_000)  # the run graph draws after the data arrives
                page.screenshot(path=str(png))
            finally:
                browser.close()
    except Error as error:
        say(f"playwright failed for {url}: {error}")
        return False
    return png.exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], prog="python -m deployments.local_stack")
    parser.add_argument(
        "--host",
        default=os.environ.get("PREFECT_SERVER_API_HOST", "127.0.0.1"),
        help="address the Prefect server binds to (default PREFECT_SERVER_API_HOST, else 127.0.0.1: loopback only)",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lotoflow-stack"), help="logs, homes, PNGs")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the flow run")
    parser.add_argument("--fresh", action="store_true", help="also start from an empty LOTTO_HOME")
    parser.add_argument("--web-port", type=int, default=0, help="web service port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--keep-running", action="store_true", help="keep the server and web service up until Ctrl-C")
    opts = parser.parse_args(argv)

    workdir: Path = opts.workdir.resolve()
    port = opts.port or free_port()
    base_url = f"http://{url_host(opts.host)}:{port}"
    web_port = opts.web_port or free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    shutil.rmtree(workdir / "prefect-home", ignore_errors=True)
    if opts.fresh:
        shutil.rmtree(workdir / "lotto-home", ignore_errors=True)
    (workdir / "prefect-home").mkdir(parents=True)
    (workdir / "lotto-home").mkdir(exist_ok=True)
    auth_string = stack_auth_string(os.environ)
    auth_file = workdir / "auth-string"
    auth_file.touch(mode=0o600)
    auth_file.chmod(0o600)
    auth_file.write_text(auth_string + "\n")
    env = stack_env(workdir, opts.host, port, auth_string)
    os.environ.pop("PREFECT_API_KEY", None)
    os.environ.update(
        {
            k: env[k]
            for k in ("PREFECT_HOME", "PREFECT_API_URL", "PREFECT_API_AUTH_STRING", "PREFECT_SERVER_ANALYTICS_ENABLED")
        }
    )
    say(f"workdir {workdir}, API {env['PREFECT_API_URL']} (bound to {opts.host}), LOTTO_HOME {env['LOTTO_HOME']}")
    say(f"the server requires basic authentication: the auth string is in {auth_file}")
    say(f"LOTTO_PROFILE={env['LOTTO_PROFILE']}, LOTTO_CAIXA_BASE_URL={env.get('LOTTO_CAIXA_BASE_URL', '(default)')}")

    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    mlflow: MlflowServer | None = None
    flow_run_id = ""
    state_name = "not run"
    pngs: list[Path] = []
    try:
        with step("server"):
            log = workdir / "server.log"
            server = start_background(["server", "start", "--host", opts.host, "--port", str(port)], env, log)
            wait_healthy(base_url, server, log)
        with step("mlflow"):  # the MLflow mirror's server beside Prefect's; the worker's runs mirror into it
            mlflow = start_mlflow_server(workdir / "mlflow", free_port())
            env["LOTTO_MLFLOW_TRACKING_URI"] = mlflow.url
            say(f"MLflow UI {mlflow.url}/ (log: {mlflow.log})")
        with step("web"):
            log = workdir / "web.log"
            web_args = ["web", "--host", "127.0.0.1", "--port", str(web_port)]
            web = start_background(web_args, env, log, program=LOTTO)
            wait_answering(f"{web_url}/api/v1/health", web, log)
            say(f"web service {web_url}/ (API {web_url}/docs)")
        with step("work pool"):
            run_cli(["work-pool", "create", POOL, "--type", "process"], env, ok_if="already exists")
        with step("deploy"):
            run_cli(["--no-prompt", "deploy", "--all"], env)
            from deployments.zombie_runs import ensure_zombie_run_automation  # after PREFECT_API_URL is set

            automation = ensure_zombie_run_automation()
            say(f"automation {automation.name!r}: {automation.description}")
        with step("flow run"):
            worker = start_background(["worker", "start", "--pool", POOL], env, workdir / "worker.log")
            from prefect.client.schemas.objects import FlowRun  # after PREFECT_API_URL is set
            from prefect.deployments import run_deployment

            run = run_deployment(DEPLOYMENT, timeout=0)  # scheduled now; the worker takes it
            assert isinstance(run, FlowRun)  # called from synchronous code: the run itself, not a coroutine
            flow_run_id = str(run.id)
            say(f"flow run {flow_run_id}: {base_url}/runs/flow-run/{flow_run_id}")
            state_name, message = wait_final(flow_run_id, worker, opts.timeout)
            say(f"final state: {state_name}: {message}")
            seen = httpx.get(f"{web_url}/api/v1/health", timeout=10).json().get("prefect", {})
            say(
                f"the web service asks the protected API: reachable={seen.get('reachable')}, newest after-draw "
                f"{seen.get('last_after_draw_state')} ({seen.get('note')})"
            )
        with step("screenshots"):
            if not CHROMIUM.exists():
                say(f"{CHROMIUM} not found, no screenshot; install it with: apt-get install -y chromium")
            else:
                shots = {
                    workdir / "after-draw-run.png": f"{base_url}/runs/flow-run/{flow_run_id}",
                    workdir / "after-draw-artifacts.png": f"{base_url}/v2/runs/flow-run/{flow_run_id}?tab=Artifacts",
                }
                pngs = [png for png, url in shots.items() if screenshot_logged_in(url, png, auth_string)]
                if screenshot_registered_models(mlflow.url, workdir / "mlflow-models.png"):
                    pngs.append(workdir / "mlflow-models.png")
                if screenshot(f"{web_url}/", workdir / "web-home.png"):
                    pngs.append(workdir / "web-home.png")
                for png in pngs:
                    say(f"screenshot {png}")
    except Exception as exc:
        say(f"FAILED: {exc}")
        state_name = f"{state_name} (script failed)"
    finally:
        stop(worker, "worker", sigterms=2)
        if opts.keep_running and server is not None and server.poll() is None:
            say(f"Prefect UI {base_url}/ and lotoflow web {web_url}/ stay up; Ctrl-C stops them")
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
        stop(web, "web", sigterms=1)
        stop(server, "server", sigterms=1)
        if mlflow is not None:
            mlflow.stop()
        say(f"logs: {workdir / 'server.log'}, {workdir / 'worker.log'}, {workdir / 'web.log'}")

    say("summary")
    say(f"  Prefect UI  {base_url}/ (log in with the auth string in {auth_file})")
    say(f"  web         {web_url}/ (JSON API under /api/v1, schema at /docs)")
    say(f"  flow run    {flow_run_id or '(none)'}: {state_name}")
    say("  steps       " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    say("  screenshots " + (", ".join(str(png) for png in pngs) or "none"))
    return 0 if state_name == "Completed" else 1


if __name__ == "__main__":
    sys.exit(main())
