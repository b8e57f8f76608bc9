"""Quizzes: authoring, timed attempts held to the server's clock, grading and review."""
