"""Certificates of completion: rendered to PDF by a job, verified publicly by number."""
