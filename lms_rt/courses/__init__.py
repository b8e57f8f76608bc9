"""The catalog: courses, their sections and lessons, and who teaches them."""
