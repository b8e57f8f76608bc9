"""Instructors' pages that update live over the websocket."""
