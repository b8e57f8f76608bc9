"""File storage (local disk or S3) and, later, the files API."""
