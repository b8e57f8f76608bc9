"""Background jobs: one set of job functions, run by ARQ workers or in-process."""
