"""Configuration from the environment, with safe defaults for one machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def secret_key(instance_path: str) -> str:
    """COMMISSION_SECRET_KEY, or a key generated once into instance/ and reused after."""
    if os.environ.get("COMMISSION_SECRET_KEY"):
        return os.environ["COMMISSION_SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    development = os.environ.get("COMMISSION_ENV") == "development"
    default_db = "sqlite:///" + str(Path(instance_path) / "commission.db")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("COMMISSION_DATABASE_URL", default_db),
        "SECRET_KEY": secret_key(instance_path),
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a long scoring session at home must not lose its form
        "RATELIMIT_STORAGE_URI": os.environ.get("COMMISSION_RATELIMIT_STORAGE", "memory://"),
        "LOGIN_RATE_LIMIT": os.environ.get("COMMISSION_LOGIN_RATE_LIMIT", "10 per minute"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    }
