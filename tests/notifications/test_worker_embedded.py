"""The embedded default: a thread of `flask run` delivers mail into MAIL_FOLDER, started
once (also with the reloader), never in tests, production or other commands, and it
survives errors."""

from __future__ import annotations

import time
from types import SimpleNamespace

import click
import pytest
from flask.cli import run_command

from booking.notifications import cli, worker
from tests.conftest import make_app
from tests.notifications.test_worker import queue_messages, rows


@pytest.fixture
def no_reloader_env(monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def serving_in(command, **params) -> bool:
    with click.Context(command, info_name=command.name) as context:
        context.params = params
        return cli.serving_process()


def test_only_the_process_that_serves_flask_run_counts(no_reloader_env, monkeypatch):
    assert cli.serving_process() is False  # no command at all (gunicorn, a shell)
    assert serving_in(run_command, reload=False) is True  # `make run`: one process
    assert serving_in(run_command, reload=True) is False  # the reloader's watcher
    assert serving_in(run_command, reload=None) is True  # debug off: no reloader
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert serving_in(run_command, reload=None) is False  # debug on: the watcher again
    assert serving_in(click.Command("worker"), once=False) is False  # other commands
    assert serving_in(click.Command("db")) is False
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the reloader's serving child
    assert cli.serving_process() is True


@pytest.mark.parametrize(
    ("testing", "settings", "wanted"),
    [
        (False, {"MAIL_BACKEND": "file"}, True),
        (True, {"MAIL_BACKEND": "file"}, False),
        (False, {"MAIL_BACKEND": "smtp"}, False),
        (False, {"MAIL_BACKEND": "file", "PRODUCTION": True}, False),
        (False, {"MAIL_BACKEND": "file", "EMBEDDED_WORKER": False}, False),
    ],
)
def test_the_thread_is_for_the_file_backend_of_the_dev_server_only(
    monkeypatch, testing, settings, wanted
):
    monkeypatch.setattr(cli, "serving_process", lambda: True)
    assert cli.wants_embedded_worker(SimpleNamespace(testing=testing, config=settings)) is wanted


def test_the_test_app_starts_no_thread(app):
    assert cli.start_embedded_worker(app) is None


def test_the_thread_delivers_into_the_folder_and_survives_errors(
    database_url, make, tmp_path, monkeypatch
):
    queue_messages(make, 2)
    served = make_app(database_url, MAIL_FOLDER=str(tmp_path), WORKER_POLL_SECONDS=0.05)
    real, calls = worker.drain, []

    def drain_once_broken(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")  # logged; the next pass works
        return real(**kwargs)

    monkeypatch.setattr(worker, "drain", drain_once_broken)
    thread = cli.start_embedded_worker(served, force=True)
    try:
        assert cli.start_embedded_worker(served, force=True) is thread  # one thread only
        deadline = time.monotonic() + 20
        while len(list(tmp_path.glob("*.eml"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(tmp_path.glob("*.eml"))) == 2
        assert thread.is_alive() and len(calls) >= 2
    finally:
        cli.stop_embedded_worker()
    assert not thread.is_alive()
    sent = rows()
    assert {m.status for m in sent} == {"sent"}
    assert sorted(p.name for p in tmp_path.glob("*.eml")) == sorted(
        f"{m.message_id.strip('<>')}.eml" for m in sent
    )
