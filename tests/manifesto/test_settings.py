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


def _site_url(**env: str) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; print('SITE_URL', settings.SITE_URL)"
    result = _manage("shell", "-c", code, **env)
    # The shell may first say what it imported; the value is on the line printed here.
    printed = [line for line in result.stdout.splitlines() if line.startswith("SITE_URL ")]
    result.stdout = printed[0].removeprefix("SITE_URL ") if printed else ""
    return result


def test_the_site_url_follows_the_port_make_run_serves_on() -> None:
    local = _site_url(SITE_URL="", PORT="9123")
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip() == "http://127.0.0.1:9123"
    assert _site_url(SITE_URL="", PORT="").stdout.strip() == "http://127.0.0.1:8000"
    given = _site_url(SITE_URL="https://desk.example.org/", PORT="9123")
    assert given.stdout.strip() == "https://desk.example.org"
    # make run hands its PORT to the server it starts, so the default above follows it.
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=9123"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "PORT=9123 .venv/bin/python manage.py runserver 127.0.0.1:9123" in plan.stdout


def test_in_production_e_mail_links_go_to_the_site_never_to_localhost() -> None:
    production = {"APP_MODE": "production", "SECRET_KEY": "s" * 60, "SITE_URL": ""}
    named = _site_url(**production, ALLOWED_HOSTS="desk.example.org,www.desk.example.org")
    assert named.returncode == 0, named.stderr
    assert named.stdout.strip() == "https://desk.example.org"
    pattern = _site_url(**production, ALLOWED_HOSTS=".example.org")
    assert pattern.returncode != 0 and "Set SITE_URL" in pattern.stderr
