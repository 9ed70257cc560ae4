"""gunicorn settings for production: ``make serve``, or ``gunicorn -c gunicorn.conf.py app:app``.

Every worker is stateless (sessions are signed cookies, jobs and rate limits live in Redis,
data in PostgreSQL), so any process on any host can serve any request. Override a setting
with the environment variables below or with ``GUNICORN_CMD_ARGS`` (gunicorn's own).
See docs/deploy.md.
"""

import multiprocessing
import os

#: where to listen; behind nginx on the same host keep the loopback address
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: the usual (2 × CPU) + 1 processes, each with a few threads for requests waiting on the database
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
#: a worker takes a connection only when one of its threads is free, and closes it after the
#: answer (no keep-alive: nginx in front keeps the browsers' connections). Under a rush the
#: waiting connections queue in the kernel in arrival order and go to whichever worker frees
#: a thread first, instead of piling up behind the one busy worker that took most of them.
#: Registration's p99 in a rush of 50 at a time: 0.44-0.47 s with keep-alive, 0.16-0.21 s
#: without (benchmarks/registration_rush.py, 2 cores). gunicorn's start-up warning that no
#: keep-alive connection can be handled is this setting. ``keepalive`` below stays 5: gunicorn
#: also gives a connection that has not sent its request yet that long on its poller.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or threads)
#: a request taking longer than this is a bug: bulk work runs as a background job
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
#: recycle a worker after this many requests (0 = never); a safety net, not a fix for a leak
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 0)
max_requests_jitter = max_requests // 10
#: access and error log to stdout/stderr (journald or the container log collects them)
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
#: addresses whose X-Forwarded-Proto gunicorn believes (it then sets the request's scheme);
#: the proxy's address, e.g. "127.0.0.1" for nginx on this host. The app itself trusts
#: X-Forwarded-For/-Host only as far as PROXY_FIX_X_* say (eventsys/security.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
#: workers import the app themselves: a restarted worker never shares a database connection
preload_app = False
#: no gunicornc control socket: several instances (benchmarks, hosts sharing a home) must not collide
control_socket_disable = True


def post_worker_init(worker):
    """Start a warm PDF render process beside each worker, off the request path: the first
    certificate then costs what the others do (eventsys/certificates/pdf.py, RenderPool)."""
    import threading

    from eventsys.certificates import pdf

    threading.Thread(target=pdf.render_pool().warm, name="pdf-warm", daemon=True).start()
