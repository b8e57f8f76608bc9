"""Authentication: passwords, tokens, sessions, MFA, and permission checks."""
