"""Enrollments and per-lesson progress."""
