"""Closing a panel's scoring, its results, and the panel's vote on the shortlist."""
