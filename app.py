"""WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""

from eventsys import create_app

app = create_app()
