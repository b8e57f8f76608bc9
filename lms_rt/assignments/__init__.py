"""Assignments: instructions, due dates, late policy, rubric; students submit, staff grade."""
