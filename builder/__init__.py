"""Open Resource Sharing Directory: load, validate, model and publish interlibrary-loan profiles."""
