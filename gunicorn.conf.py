"""Gunicorn configuration for production (and the benchmarks, which use it unchanged)."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Each worker listens on a socket of its own (SO_REUSEPORT), and the kernel shares out new
# connections between them. On one shared socket, the first worker to wake accepted a burst of
# keep-alive connections and kept them: one process (one core, for Python) served most requests
# while the others idled (tests/shop/test_gunicorn.py).
reuse_port = True
# Each worker is replaced after this many requests (a guard against slow leaks). A replacement
# stalls the connections it held, so at hundreds of requests a second per worker it must be rare.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "shop.wsgi:application"


def when_ready(server):
    """The application is loaded in the master (`preload_app`): what it allocated (modules,
    settings, templates, URL patterns) lives as long as the process. Moved out of the garbage
    collector's sight before the workers fork, a full collection in a worker scans only what
    requests made, and no longer stalls a request for tens of milliseconds; the pages the
    workers share with the master stay shared (a collection writes to every object it scans).

    The URLconf, the views, forms and models it imports, the caches' clients, each language's
    catalogues and URL names and the project's templates are loaded here too
    (shop/warm.py), rather than by each worker's first requests. No database connection is
    carried across the fork."""
    from django.db import connections

    from shop.warm import process_warm

    process_warm()
    connections.close_all()
    gc.collect()
    gc.freeze()
