"""One way for a view to run a form's action: check the token, let the service decide,
commit once, and tell the person what happened in plain words."""
from __future__ import annotations

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db


def attempt(action, success, then: str, on_error=None, on_fields=None):
    """Run `action()`. On success commit, say `success` (or `success(what action returned)`) and
    go to `then`. If a rule is broken,
    roll everything back and show the reason: with `on_error(reason)` if given (for example to
    show the form again), else at the top of `then`. Problems with named boxes go to
    `on_fields(problem)` if given, to show each beside its box. Not allowed at all is a 403."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        result = action()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except FieldProblem as err:
        db.session.rollback()
        if on_fields is not None:
            return on_fields(err)
        if on_error is not None:
            return on_error(str(err))
        flash(str(err), "error")
        return redirect(then, 303)
    except RuleBroken as err:
        db.session.rollback()
        if on_error is not None:
            return on_error(str(err))
        flash(str(err), "error")
        return redirect(then, 303)
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(then, 303)
