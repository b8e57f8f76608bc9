"""Text that users write, rendered safely for other users to read."""
