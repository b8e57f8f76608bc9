"""Realtime: the event bus, local fan-out and the websocket gateway. Imports no domain."""
