"""Requests per second and latency of the storefront's pages, served as in production.

Serves the site with gunicorn (gunicorn.conf.py) on PostgreSQL and Redis with production
settings, loads the demo floor into a scratch database, and drives each page with wrk:
home, category, product and search, for an anonymous visitor and for a logged-in buyer with a
basket, plus a one-line Django view under the same server (the ceiling). For each page it also
prints the database queries of one request (counted in-process, same settings and database):
served from the page cache, and rendered with nothing cached. It stops if a page answers
anything but 200, or if the buyer's page is not theirs (signed in, basket of two).

    python bench/pages.py [--seconds 10] [--connections 16]

Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, defaults: the local ones) and `wrk`
(apt-get install wrk). Prints one line a page and writes nothing outside a temporary folder.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import (  # noqa: E402
    gunicorn_start,
    gunicorn_stop,
    production_env,
    run,
    site_prepare,
)

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def prepare(env: dict) -> dict[str, str]:
    """A fresh database with the demo floor; returns the URLs and the buyer's cookie."""
    site_prepare(env, database=DB, redis=REDIS)
    py = sys.executable
    script = (
        "from bench.session import buyer_with_basket, page_paths, page_queries; "
        "cookie = buyer_with_basket(); paths = page_paths(); "
        "print(page_queries(cookie, paths)); print(cookie); print(paths)"
    )
    out = (
        run(
            py,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            script,
            env=env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    # our own reprs of dicts of str and int
    return {"queries": eval(out[-3]), "cookie": out[-2], **eval(out[-1])}  # noqa: S307


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None) -> dict[str, float]:
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    static_root = tempfile.mkdtemp(prefix="chophien-bench-static-")
    env = production_env(
        database=DB, redis=REDIS, static_root=static_root, bind=f"127.0.0.1:{PORT}"
    )
    # Every request comes from one address: the per-address search limit would answer 429.
    env["RATE_LIMIT_SEARCH"] = "100000000/m"
    setup = prepare(env)
    base = f"http://127.0.0.1:{PORT}"
    server = gunicorn_start(env, base)
    try:
        workers = os.environ.get("WEB_CONCURRENCY", f"{os.cpu_count() * 2 + 1} (default)")
        print(
            f"gunicorn gthread workers={workers} on {os.cpu_count()} cores; "
            f"wrk {options.connections} connections x {options.seconds}s per page"
        )
        ceiling = wrk(
            base + "/bench/ping",
            seconds=options.seconds,
            connections=options.connections,
            cookie=None,
        )
        print(
            f"{'page':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'of ceiling':>12}{'non-2xx':>9}"
            f"{'queries served/rendered':>25}"
        )
        line = "{:<28}{:>9.1f}{:>9.1f}{:>9.1f}{:>11.1%}{:>9}{:>25}"
        print(
            line.format(
                "one-line view (ceiling)",
                ceiling["rps"],
                ceiling["p50"],
                ceiling["p99"],
                1.0,
                ceiling["errors"],
                "",
            )
        )
        for who, cookie in (("anonymous", None), ("buyer+basket", setup["cookie"])):
            for page in ("home", "category", "product", "search"):
                url = base + setup[page]
                wrk(url, seconds=1, connections=2, cookie=cookie)  # warm caches and thumbnails
                r = wrk(
                    url, seconds=options.seconds, connections=options.connections, cookie=cookie
                )
                print(
                    line.format(
                        f"{page} ({who})",
                        r["rps"],
                        r["p50"],
                        r["p99"],
                        r["rps"] / ceiling["rps"],
                        r["errors"],
                        "{served}/{rendered}".format(**setup["queries"][f"{page} ({who})"]),
                    )
                )
    finally:
        gunicorn_stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
