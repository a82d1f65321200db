from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from commission.accounts import service
from commission.accounts.forms import SignInForm
from commission.audit import service as audit
from commission.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    # Only wrong passwords count: a panel signing in together from one hall is not an attack.
    return response.status_code != 303


def _email_tried() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_email_tried)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            audit.record(user, "account.signed_in", "user", user.id)
            db.session.commit()
            return redirect(_safe_next() or url_for("home.index"), 303)
        form.password.errors.append("The email address or password is not right. Check them and try again.")
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
@login_required
def sign_out():
    audit.record(current_user, "account.signed_out", "user", current_user.id)
    db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"), 303)


def _safe_next() -> str | None:
    """Only a path on this site: never an address that sends the person elsewhere."""
    target = request.args.get("next", "")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None  # browsers drop tabs and line breaks, which can turn "/\t/x" into "//x"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
