"""The gradebook: weighted categories, dropped scores, letters, overrides."""
