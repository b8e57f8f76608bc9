"""Analytics: students' own progress, a course's figures for its staff, the system's for admins."""
