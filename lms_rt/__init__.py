"""lms_rt: a real-time learning-management backend."""

__version__ = "0.1.0"
