"""Shop service: orders, users and pricing over a small SQLAlchemy data layer."""
