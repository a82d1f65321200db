"""The app served for real by gunicorn (several worker processes, each with threads), and plain HTTP
clients to drive it, for the tests that many people at once must not break.

The clients are the standard library's: each keeps its own cookies (its own signed-in session),
reads the form's CSRF token as a browser would, and does not follow redirects, so a test sees the
303 and then reads the message the next page flashes."""
from __future__ import annotations

import contextlib
import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, tmp_path: Path, workers: int = 3, threads: int = 4):
    """gunicorn serving `commission:create_app()` on 127.0.0.1 against `database_url`, as `make serve`
    does (the production settings, with cookies allowed over plain HTTP for the test)."""
    port = free_port()
    env = {**os.environ, "COMMISSION_DATABASE_URL": database_url, "COMMISSION_SECRET_KEY": "served-test-key",
           "COMMISSION_ENV": "development", "COMMISSION_LOGIN_RATE_LIMIT": "100000 per minute"}
    log = open(tmp_path / f"gunicorn-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--timeout", "120", "--access-logfile", "-",
         "--access-logformat", '%(m)s %(U)s %(s)s %(M)sms', "commission:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/sign-in", timeout=5).read()
                break
            except OSError:  # not listening yet, or still starting its workers
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {(tmp_path / f'gunicorn-{port}.log').read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Answer:
    def __init__(self, status: int, body: str, location: str | None):
        self.status, self.body, self.location = status, body, location

    @property
    def text(self) -> str:
        return html.unescape(self.body)


class Client:
    """One person's browser, without the browser. 503 answers ("please try again") are retried a
    few times, as a person would; each retry is counted."""

    def __init__(self, base: str):
        self.base, self.retries = base, 0
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def _send(self, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=body)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.read().decode(), response.headers.get("Location"))
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.read().decode(), err.headers.get("Location"))

    def get(self, path: str) -> Answer:
        return self._send(path)

    def post(self, path: str, data: dict, token_from: str | None = None, attempts: int = 5) -> Answer:
        """POST `data` with the CSRF token of the page at `token_from` (default: the same path)."""
        for attempt in range(attempts):
            page = self.get(token_from or path)
            found = TOKEN.search(page.body)
            assert found, f"no form token on {token_from or path} ({page.status})"
            answer = self._send(path, {**data, "csrf_token": found.group(1)})
            if answer.status != 503 or attempt == attempts - 1:
                return answer
            self.retries += 1
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def page_after(self, answer: Answer) -> str:
        """The page a 303 leads to, as text: it shows the outcome (done, or why not) at its top."""
        assert answer.status == 303, (answer.status, answer.text[:500])
        location = urllib.parse.urlsplit(answer.location)
        return self.get(location.path + (f"?{location.query}" if location.query else "")).text

    def sign_in(self, email: str, password: str) -> None:
        answer = self.post("/sign-in", {"email": email, "password": password})
        assert answer.status == 303, (answer.status, answer.text[:500])
