"""Signing in and out, accounts from the command line, and the protections around them."""
import re

from sqlalchemy import func, select

from commission import create_app
from commission.accounts.models import User
from commission.audit.models import AuditEntry
from commission.extensions import db
from tests.conftest import TEST_CONFIG, csrf_token


def _sign_in(client, email, password):
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_users_create_makes_the_first_administrator(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "Boss@Example.org", "--role",
                                                "administrator", "--name", "Pat Boss", "--password",
                                                "three random words"])
    assert result.exit_code == 0, result.output
    assert "Created administrator account boss@example.org" in result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "administrator"
    assert user.password_hash.startswith("$argon2")
    assert "three random words" not in user.password_hash


def test_users_create_refuses_bad_input_in_plain_english(app):
    runner = app.test_cli_runner()
    cases = [
        (["--email", "not-an-email", "--role", "member"], "is not an email address"),
        (["--email", "a@example.org", "--role", "king"], "'king' is not a role. The roles are: administrator"),
        (["--email", "a@example.org", "--role", "member", "--password", "short"], "at least 10 characters"),
    ]
    for args, message in cases:
        full = ["users", "create", "--name", "Al", *args] + ([] if "--password" in args else ["--password", "long enough pass"])
        result = runner.invoke(args=full)
        assert result.exit_code == 1
        assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    ok = runner.invoke(args=["users", "create", "--email", "a@example.org", "--role", "Member", "--name", "Al",
                             "--password", "long enough pass"])
    assert ok.exit_code == 0
    again = runner.invoke(args=["users", "create", "--email", "A@example.org", "--role", "member",
                                "--name", "Al"], input="")
    assert "Password" not in again.output  # refused before anyone types a password
    assert again.exit_code == 1 and "There is already an account for a@example.org" in again.output


def test_users_create_asks_for_name_and_password_when_not_given(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "pat@example.org", "--role", "funder"],
                                          input="Pat Auditor\nthree random words\nthree random words\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "pat@example.org"))
    assert (user.name, user.role) == ("Pat Auditor", "funder")
    bad_role = app.test_cli_runner().invoke(args=["users", "create", "--email", "x@example.org", "--role", "boss"],
                                            input="")
    assert bad_role.exit_code == 1 and "'boss' is not a role" in bad_role.output
    assert "Password" not in bad_role.output


def test_every_role_can_sign_in_and_out(client, world):
    for role in ("administrator", "facilitator", "member", "funder", "applicant"):
        user = world.user(role)
        db.session.commit()
        response = _sign_in(client, user.email, world.PASSWORD)
        assert response.status_code == 303
        home = client.get("/")
        assert home.status_code == 200 and user.name in home.text
        out = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        assert out.status_code == 303
        assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_plain_message(client, world):
    user = world.user("member")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = _sign_in(client, user.email, "wrong password here")
    assert response.status_code == 400
    assert "The email address or password is not right. Check them and try again." in response.text
    assert client.get("/").status_code == 302
    unknown = _sign_in(client, "nobody@example.org", "wrong password here")
    assert "The email address or password is not right" in unknown.text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_form_without_its_csrf_token_changes_nothing(client, world, login):
    round = world.round()
    login(round.facilitator)
    response = client.post(f"/rounds/{round.id}/pause", data={"reason": "Welfare break"})
    assert response.status_code == 400
    assert "This form has expired" in response.text and "nothing was changed" in response.text
    db.session.refresh(round)
    assert round.stage == "draft"
    no_token_sign_in = client.post("/sign-in", data={"email": round.facilitator.email, "password": world.PASSWORD})
    assert no_token_sign_in.status_code == 400


def test_sign_in_is_rate_limited(database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_RATE_LIMIT": "3 per minute"})
    from commission.extensions import limiter
    limiter.reset()
    client = app.test_client()
    with app.app_context():
        codes = [_sign_in(client, "someone@example.org", "wrong password").status_code for _ in range(4)]
        db.session.remove()
        db.engine.dispose()
    assert codes[:3] == [400, 400, 400]
    assert codes[3] == 429


def test_rate_limited_page_says_what_to_do(database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_RATE_LIMIT": "1 per minute"})
    from commission.extensions import limiter
    limiter.reset()
    client = app.test_client()
    with app.app_context():
        _sign_in(client, "someone@example.org", "wrong password")
        page = _sign_in(client, "someone@example.org", "wrong password")
        db.session.remove()
        db.engine.dispose()
    assert "Wait a minute and try again" in page.text


def test_only_wrong_passwords_count_towards_the_limit(database_url):
    """A whole panel signing in from one community hall is not locked out."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_RATE_LIMIT": "3 per minute"})
    from commission.extensions import limiter
    from tests.factories import World
    limiter.reset()
    client = app.test_client()
    with app.app_context():
        world = World()
        people = [world.user("member") for _ in range(5)]
        db.session.commit()
        codes = []
        for person in people:
            codes.append(_sign_in(client, person.email, World.PASSWORD).status_code)
            client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        db.session.remove()
        db.engine.dispose()
    assert codes == [303] * 5


def test_security_headers_and_cookie_flags(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})  # production cookie settings
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    with app.app_context():
        response = app.test_client().get("/sign-in")
        over_https = app.test_client().get("/sign-in", base_url="https://localhost")
        db.engine.dispose()
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "nonce-" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in over_https.headers["Strict-Transport-Security"]  # sent only over HTTPS
    cookie = headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_does_not_redirect_to_another_site(client, world):
    user = world.user("member")
    db.session.commit()
    token = csrf_token(client)
    response = client.post("/sign-in?next=//evil.example.com/", data={"email": user.email,
                           "password": world.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_secret_key_is_generated_once_and_reused(tmp_path, monkeypatch):
    from commission import config

    monkeypatch.delenv("COMMISSION_SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert config.secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("COMMISSION_SECRET_KEY", "from-the-environment")
    assert config.secret_key(str(tmp_path)) == "from-the-environment"


def test_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMISSION_DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere.db")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/elsewhere.db"
    monkeypatch.delenv("COMMISSION_DATABASE_URL")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/commission.db")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
