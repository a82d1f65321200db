"""Interviews: times, bookings, interviewers, reasonable adjustments, the panel's questions and notes."""
