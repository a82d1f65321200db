"""Scoring pages: a member scores an application, blind until they send in their own."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scores", __name__, url_prefix="/rounds/<int:round_id>")
