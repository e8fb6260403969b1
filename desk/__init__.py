"""The project package: settings, root URLs, the WSGI entry point and the request middleware.

Nothing imports it but Django itself (through settings): it sits above every app."""
