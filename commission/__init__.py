"""Commission: lay panels decide where the money goes; staff facilitate; funders audit."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from commission import config as config_module
from commission.extensions import csrf, db, limiter, login_manager, migrate, talisman

ROOT = Path(__file__).resolve().parent.parent

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder=str(ROOT / "templates"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(config or {})

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    WTFormsHelpers(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    _register_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "commission" / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    talisman.init_app(
        app, force_https=False, content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=True, frame_options="DENY",
        referrer_policy="same-origin",
    )
    with app.app_context():
        from commission.database import configure_engine
        configure_engine(db.engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30_000))

    from commission import web
    web.register(app)
    from commission import cli
    cli.register(app)
    return app


def _register_models() -> None:
    """Import every model so that metadata (and Alembic) sees all tables."""
    from commission.accounts import models as _a  # noqa: F401
    from commission.applications import models as _ap  # noqa: F401
    from commission.audit import models as _au  # noqa: F401
    from commission.criteria import models as _c  # noqa: F401
    from commission.decisions import models as _de  # noqa: F401
    from commission.documents import models as _d  # noqa: F401
    from commission.interviews import models as _i  # noqa: F401
    from commission.letters import models as _le  # noqa: F401
    from commission.panels import models as _pa  # noqa: F401
    from commission.programmes import models as _p  # noqa: F401
    from commission.rounds import models as _r  # noqa: F401
    from commission.scores import models as _s  # noqa: F401
    from commission.shortlist import models as _sl  # noqa: F401
