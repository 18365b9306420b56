"""fastapi-status: finds FastAPI endpoints that answer with the wrong HTTP status code."""

__version__ = "0.1.0"
