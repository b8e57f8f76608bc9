"""An append-only trail of consequential actions: who did what to what, when, from where."""
