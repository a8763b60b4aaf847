"""`make run` runs the scheduled jobs: the demo command starts a beat child, and on the embedded
default (no Redis: eager tasks, in-memory broker) that child runs each due job itself."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from causeweb.core import demo_scheduler
from causeweb.core.management.commands import run_demo
from tests.beat_probe import PROBE_FILE_ENV

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_default_runs_beat_alone(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    command = demo_scheduler.scheduler_command(tmp_path / "schedule")
    assert command[command.index("causeweb") + 1] == "beat"
    assert f"--schedule={tmp_path / 'schedule'}" in command


def test_with_a_broker_runs_a_worker_with_embedded_beat(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    command = demo_scheduler.scheduler_command(tmp_path / "schedule")
    assert command[command.index("causeweb") + 1] == "worker"
    assert "-B" in command
    assert command[command.index("-Q") + 1] == "default,notifications,payments"


@pytest.mark.parametrize("flags, starts", [([], True), (["--no-scheduler"], False)])
def test_run_demo_starts_the_scheduler_unless_told_not_to(settings, flags, starts):
    settings.STRIPE_API_BASE = "https://api.stripe.com"  # no localstripe to start
    with (
        mock.patch.object(run_demo, "call_command") as called,
        mock.patch.object(demo_scheduler, "start_scheduler") as start,
        mock.patch.object(run_demo.atexit, "register") as at_exit,
    ):
        call_command("run_demo", *flags)
    assert start.called is starts
    if starts:
        at_exit.assert_any_call(demo_scheduler.stop_scheduler, start.return_value)
    assert called.call_args_list[-1].args[0] == "runserver"


def test_an_eager_beat_child_runs_due_jobs_itself(tmp_path):
    probe = tmp_path / "probe.txt"
    env = {
        **os.environ,
        PROBE_FILE_ENV: str(probe),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "memory://",
    }
    for production_only in ("REDIS_URL", "DATABASE_URL"):  # the embedded default has neither
        env.pop(production_only, None)
    command = [
        sys.executable, "-m", "celery", "-A", "tests.beat_probe", "beat",
        f"--schedule={tmp_path / 'schedule'}", "--max-interval=1", "--loglevel=WARNING",
    ]  # fmt: skip
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _runs(probe) < 2:
            if child.poll() is not None:
                pytest.fail(f"beat exited early: {child.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    finally:
        demo_scheduler.stop_scheduler(child)
    assert _runs(probe) >= 2


def _runs(probe: Path) -> int:
    return probe.read_text().count("ran") if probe.exists() else 0


def test_the_scheduler_stops_when_the_demo_process_is_killed(tmp_path):
    """SIGKILL skips atexit: the child must still go (Linux parent-death signal)."""
    launcher = (
        "import sys, time; from pathlib import Path; import django; django.setup(); "
        "from causeweb.core import demo_scheduler; "
        "p = demo_scheduler.start_scheduler(Path(sys.argv[1])); print(p.pid, flush=True); time.sleep(60)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "causeweb.settings", "CELERY_TASK_ALWAYS_EAGER": "true"}
    for production_only in ("REDIS_URL", "DATABASE_URL"):
        env.pop(production_only, None)
    parent = subprocess.Popen(
        [sys.executable, "-c", launcher, str(tmp_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    child_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(child_pid):
        time.sleep(0.2)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child: ask the kernel whether it still exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = Path(f"/proc/{pid}/status")
        return status.exists() and "zombie" not in status.read_text()
    return waited == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_run_demo_stops_its_localstripe_child(tmp_path, signum):
    """SIGTERM skips atexit by default: run_demo turns it (and SIGINT) into SystemExit, so the
    atexit handler that stops localstripe runs and nothing is left listening."""
    launcher = (
        "import atexit, time; import django; django.setup(); "
        "from causeweb.core import localstripe; "
        "from causeweb.core.management.commands import run_demo; "
        "run_demo.exit_on_signals(); "
        "p = localstripe.start(localstripe.free_port()); atexit.register(localstripe.stop, p); "
        "print(p.pid, flush=True); time.sleep(60)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "causeweb.settings"}
    for production_only in ("REDIS_URL", "DATABASE_URL"):
        env.pop(production_only, None)
    parent = subprocess.Popen(
        [sys.executable, "-c", launcher], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        child_pid = int(parent.stdout.readline())
        assert _alive(child_pid)
        parent.send_signal(signum)
        assert parent.wait(timeout=15) == 128 + signum
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(child_pid):
            time.sleep(0.2)
        assert not _alive(child_pid)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_run_demo_puts_the_signal_handlers_back(settings):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    before = signal.getsignal(signal.SIGTERM)
    with mock.patch.object(run_demo, "call_command"):
        call_command("run_demo", "--no-scheduler")
    assert signal.getsignal(signal.SIGTERM) is before
