"""Live sessions: instructor-paced quizzes and lessons over the websocket."""
