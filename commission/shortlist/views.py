"""Closing scoring, the panel's results and its vote on the shortlist."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("shortlist", __name__, url_prefix="/rounds/<int:round_id>")
