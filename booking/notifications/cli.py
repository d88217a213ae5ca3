"""How the worker runs: `flask --app booking worker` (send the outbox and run the periodic
duties), or a thread of the dev server in the embedded default (`make run`)."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask
from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from booking.notifications.worker import Worker

log = logging.getLogger("booking.worker")


def register(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Send what is due now, then exit.")
    @click.option(
        "--duties/--no-duties",
        default=True,
        help="Also run the periodic duties (reminders, expiry) when this worker leads.",
    )
    def worker_command(once: bool, duties: bool):
        """Send queued e-mail with retries; runs until stopped (SIGTERM or Ctrl-C end it after
        the message being sent). Any number of workers may run, on any host."""
        stop = threading.Event()

        def ask_to_stop(signum, frame):
            log.info("worker asked to stop signal=%s", signum)
            stop.set()

        previous = {s: signal.signal(s, ask_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            worker = Worker(duties=duties, stop=stop)
            if not once:
                worker.run_forever()
                return
            result = worker.run_once()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        click.echo(
            f"sent {result.sent}, to retry {result.retried}, failed {result.failed}"
            + (" (stopped early: the mail server could not be used)" if result.interrupted else "")
        )


# -- the embedded default -----------------------------------------------------------------------

_embedded: threading.Thread | None = None
_embedded_lock = threading.Lock()
_embedded_stop = threading.Event()


def serving_process() -> bool:
    """Is this the process in which `flask run` serves requests?

    With the reloader, `flask run` is two processes: the first only watches files and
    restarts the second, which serves (and has WERKZEUG_RUN_MAIN=true). Without it (the
    default of `make run`) there is one. Only the serving one starts the thread, so mail is
    delivered by one thread, and by fresh code after a reload. Other commands (`db upgrade`,
    `worker`, ...) and gunicorn are not `run` and start nothing.
    """
    if is_running_from_reloader():
        return True
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return False
    reload = context.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    return not reload


def wants_embedded_worker(app: Flask) -> bool:
    """Only `flask run` with MAIL_BACKEND=file, never in tests or production (run `flask
    worker` there), and not when EMBEDDED_WORKER is off."""
    config = app.config
    if app.testing or config.get("PRODUCTION") or not config.get("EMBEDDED_WORKER", True):
        return False
    return config.get("MAIL_BACKEND") == "file" and serving_process()


def start_embedded_worker(app: Flask, *, force: bool = False) -> threading.Thread | None:
    """`make run`: deliver mail into MAIL_FOLDER and run the duties from a daemon thread of
    the dev server, so nothing else has to run; one thread per process at most."""
    global _embedded
    if not (force or wants_embedded_worker(app)):
        return None
    with _embedded_lock:
        if _embedded is None or not _embedded.is_alive():
            _embedded_stop.clear()
            _embedded = threading.Thread(
                target=_run_embedded, args=(app,), name="booking-mail", daemon=True
            )
            _embedded.start()
    return _embedded


def stop_embedded_worker(timeout: float = 30) -> None:
    """Let the thread finish the message it is sending, and wait for it."""
    thread = _embedded
    _embedded_stop.set()
    if thread is not None:
        thread.join(timeout)


def _run_embedded(app: Flask) -> None:
    """Never lets an error out: a broken database or template is logged, and tried again."""
    while not _embedded_stop.is_set():
        try:
            with app.app_context():
                Worker(stop=_embedded_stop).run_forever()
        except Exception:
            log.exception("embedded mail worker failed; starting again in a minute")
            _embedded_stop.wait(60)
