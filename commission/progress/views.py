"""Progress without steering: how much scoring is done, never the scores."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("progress", __name__, url_prefix="/rounds/<int:round_id>")
