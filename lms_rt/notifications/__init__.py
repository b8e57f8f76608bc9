"""The notification inbox: what happened while a user was away, pushed live when it happens."""
