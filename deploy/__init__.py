"""The production recipe (nginx, gunicorn, systemd) and a loopback runner of it for tests."""
