"""Blueprints, error pages and template helpers: how the app meets the browser."""
from __future__ import annotations

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.routing import IntegerConverter

from commission import clock
from commission.accounts.models import User
from commission.extensions import db, login_manager
from workflows import STAGE_LABELS


class DatabaseInt(IntegerConverter):
    """Ids in web addresses: whole numbers the database can hold. A bigger one is 'not found'."""

    def __init__(self, map, **kwargs):
        super().__init__(map, **{"max": 2**31 - 1, **kwargs})


def register(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInt  # before any route is added
    from commission.accounts.views import bp as accounts_bp
    from commission.applications.views import bp as applications_bp
    from commission.audit.views import bp as audit_bp
    from commission.criteria.views import bp as criteria_bp
    from commission.decisions.views import bp as decisions_bp
    from commission.documents.views import bp as documents_bp
    from commission.home.views import bp as home_bp
    from commission.interviews.views import bp as interviews_bp
    from commission.letters.views import bp as letters_bp
    from commission.panels.views import bp as panels_bp
    from commission.progress.views import bp as progress_bp
    from commission.rounds.views import bp as rounds_bp
    from commission.scores.views import bp as scores_bp
    from commission.shortlist.views import bp as shortlist_bp

    for bp in (accounts_bp, home_bp, rounds_bp, audit_bp, criteria_bp, documents_bp, applications_bp, panels_bp,
               scores_bp, shortlist_bp, progress_bp, interviews_bp, decisions_bp, letters_bp):
        app.register_blueprint(bp)

    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    app.jinja_env.globals.update(stage_label=lambda s: STAGE_LABELS.get(s, s), uk_date=clock.uk_date,
                                 uk_datetime=clock.uk_datetime)
    from commission.letters.policy import for_applicant
    # What an applicant sees of where their application is: nothing of the outcome before their letter.
    app.jinja_env.globals["applicant_view"] = for_applicant
    app.jinja_env.filters["money"] = lambda pence: f"£{pence / 100:,.0f}" if pence % 100 == 0 else f"£{pence / 100:,.2f}"
    _register_errors(app)


def _error(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return _error(400, "This form has expired",
                      "The form was too old or did not come from this site, so nothing was changed. "
                      "Go back, reload the page and try again.")

    @app.errorhandler(403)
    def forbidden(err):
        return _error(403, "You cannot see this page",
                      "Your account does not have access to this page. Nothing was changed.")

    @app.errorhandler(404)
    def not_found(err):
        return _error(404, "Page not found", "Check the web address, or go back to your home page.")

    @app.errorhandler(405)
    def wrong_method(err):
        return _error(405, "That did not work", "This page cannot be used that way. Nothing was changed.")

    @app.errorhandler(413)
    def too_large(err):
        return _error(413, "That file is too big", "Nothing was saved. Files can be up to 10 MB at most, "
                      "and each round may take less. Make the file smaller and try again.")

    @app.errorhandler(429)
    def too_many(err):
        return _error(429, "Please wait a minute",
                      "After several wrong passwords, signing in pauses for a minute to keep accounts safe. "
                      "Wait a minute and try again. If you have forgotten your password, ask your facilitator.")

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def number_too_big(err):
        # A number typed or sent that the database cannot hold (for example a huge id in a form).
        db.session.rollback()
        return _error(400, "That did not work", "A number on the form was far too big, so nothing was changed. "
                      "Go back and try again.")

    @app.errorhandler(OperationalError)
    def busy(err):
        db.session.rollback()
        if "locked" in str(err).lower() or "could not serialize" in str(err).lower():
            # The page must not touch the busy database again, even to say who is signed in.
            g._login_user = login_manager.anonymous_user()
            return _error(503, "Please try again",
                          "The system was busy and nothing was saved. Please try again in a moment.")
        app.logger.exception("Database error")
        return server_error(err)

    @app.errorhandler(500)
    def server_error(err):
        return _error(500, "Sorry, something went wrong",
                      "Nothing was saved. Please try again. If it keeps happening, tell your facilitator.")
