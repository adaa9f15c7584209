"""Where a request spends its time: pyinstrument over many requests of one path, in one process.

    .venv/bin/python bench/profile.py count|page|sign|confirm|comments|comment [--requests 2000]
                                      [--db-url URL]

Uses the Flask test client (no HTTP server), so the profile shows the app's own work. The client
keeps its cookies (session and language), so pages are profiled as a returning visitor sees them.
`comment` posts new comments through the thread's form.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", choices=("count", "page", "sign", "confirm", "comments", "comment"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--db-url", default=None, help="an existing database (default: a fresh SQLite file)")
    parser.add_argument("--html", default=None, help="write the profile as HTML here")
    parser.add_argument("--comments", type=int, default=50, help="approved comments in the thread")
    options = parser.parse_args(argv)

    from pyinstrument import Profiler

    workdir = Path(tempfile.mkdtemp(prefix="kleema-profile-"))
    url = options.db_url or harness.fresh_database("sqlite", workdir)
    os.environ.update(
        harness.site_environment(url, f"file://{workdir / 'mail'}", 5000, COMMENT_MIN_SECONDS=0)
    )
    from petition import create_app

    app = create_app()
    if options.path == "comments":
        seed.comments(url, options.comments)
    client = app.test_client()
    client.set_cookie("lang", "fr")
    page = client.get("/petitions/kleema").get_data(as_text=True)
    tokens = {
        "csrf_token": page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0],
        "started": page.split('name="started" type="hidden" value="')[1].split('"')[0],
        "comment-started": page.split('name="comment-started" type="hidden" value="')[1].split('"')[0],
    }
    links = (
        seed.pending_signatures(url, options.requests, harness.BENCH_SECRET)
        if options.path == "confirm"
        else []
    )

    def request(n: int):
        if options.path == "count":
            return client.get("/api/petitions/kleema")
        if options.path == "page":
            return client.get("/petitions/kleema")
        if options.path == "comments":
            return client.get("/petitions/kleema/comments")
        if options.path == "comment":
            form = {
                "comment-author_name": "Fatima",
                "comment-text": f"Ma mère est à Fès et je ne peux plus l'appeler. Commentaire {n}.",
                "comment-csrf_token": tokens["csrf_token"],
                "comment-started": tokens["comment-started"],
            }
            return client.post("/petitions/kleema/comments", data=form)
        if options.path == "sign":
            form = {
                "first_name": "Fatima",
                "last_name": "Benali",
                "email": f"p{n}@example.org",
                "country": "FR",
            }
            return client.post("/petitions/kleema/sign", data={**form, **tokens})
        return client.post(links[n], data={"csrf_token": tokens["csrf_token"]})

    for n in range(min(50, options.requests)):
        request(n)  # warm caches and templates before profiling
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for n in range(50 if options.path == "confirm" else 0, options.requests):
        response = request(n)
        assert response.status_code < 400, response.status_code
    profiler.stop()
    if options.html:
        Path(options.html).write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
