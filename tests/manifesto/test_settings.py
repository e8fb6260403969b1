"""Production settings: check --deploy passes, and production refuses unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves.
    inherited = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "APP_MODE", "DEBUG"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited} | env
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        APP_MODE="production",
        SECRET_KEY="a-real-secret-" + "x" * 50,
        ALLOWED_HOSTS="desk.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_or_hosts() -> None:
    no_secret = _manage("check", APP_MODE="production", ALLOWED_HOSTS="desk.example.org")
    assert no_secret.returncode != 0 and "Set SECRET_KEY" in no_secret.stderr
    no_hosts = _manage("check", APP_MODE="production", SECRET_KEY="s" * 60)
    assert no_hosts.returncode != 0 and "Set ALLOWED_HOSTS" in no_hosts.stderr
    debug = _manage(
        "check", APP_MODE="production", SECRET_KEY="s" * 60, ALLOWED_HOSTS="x.org", DEBUG="1"
    )
    assert debug.returncode != 0 and "DEBUG must be off" in debug.stderr
