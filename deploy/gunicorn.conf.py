"""gunicorn settings for the site: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every value can be changed from the environment (the systemd unit reads /etc/kleema/kleema.env):
GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG, GUNICORN_ERROR_LOG.
"""

import logging
import multiprocessing
import os

# nginx alone faces the Internet; deploy/kleema-web.service sets unix:/run/kleema/gunicorn.sock.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers: nginx buffers whole requests and answers, so a worker is only ever busy with the
# application's own work, never with a slow phone. gunicorn's advice: 2 x cores + 1.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

# A request that takes longer than this is stuck (a signature takes milliseconds): the worker
# is replaced. On SIGTERM, workers finish the requests they hold for up to graceful_timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20

# The socket is for nginx (group www-data in the systemd unit), not for every local user.
umask = 0o007

# Replacing workers now and then bounds the memory any slow leak could take; jitter keeps
# them from restarting all at once.
max_requests = 10000
max_requests_jitter = 1000

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# No client address: nginx's log keeps the network, and the site stores no more than that.
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'

PROBES = frozenset({"/healthz", "/readyz"})


def _not_a_probe(record: logging.LogRecord) -> bool:
    # gunicorn logs each request with its atoms as the record's arguments; "U" is the path.
    atoms = record.args if isinstance(record.args, dict) else {}
    return atoms.get("U") not in PROBES


# Health checks come every few seconds: they would bury the requests of people.
logging.getLogger("gunicorn.access").addFilter(_not_a_probe)
