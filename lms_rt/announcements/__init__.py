"""Course announcements: written by staff, published on time, delivered to the class."""
