"""Browser tests: the real app served on 127.0.0.1, Debian's chromium driven by Playwright,
and axe-core checking every page against WCAG 2.2 AA."""
from __future__ import annotations

import contextlib
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from commission import create_app
from commission.extensions import db
from tests.conftest import TEST_CONFIG

CHROMIUM = "/usr/lib/chromium/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        raise RuntimeError(f"Browser tests need Debian's chromium at {CHROMIUM}: run `make browser`.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


@contextlib.contextmanager
def serve_demo(path, stage: str = "open"):
    """The demo round built at `stage` in a SQLite file, served on 127.0.0.1."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "--to", stage])
        assert result.exit_code == 0, result.output
        db.session.remove()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The demo round at `open`, served for the whole browser session (tests only read it)."""
    with serve_demo(tmp_path_factory.mktemp("demo") / "demo.db") as server:
        yield server


@pytest.fixture
def fresh_server(tmp_path):
    """A demo round of its own, for a test that changes things."""
    with serve_demo(tmp_path / "demo.db") as server:
        yield server


@pytest.fixture
def sign_in(page):
    def go(server, email: str, password: str = "commission-demo"):
        page.goto(f"{server.url}/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page
    return go


@pytest.fixture
def axe_check(page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(label: str):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{label}: {results.generate_report()}"
    return check
