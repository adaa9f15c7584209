"""Check a copy of the site's public log from the outside: `flask --app app transparency verify
URL`, or without any settings or database `python -m petition.transparency verify URL`.

It downloads the log (/transparency/log.jsonl?page=N) and every checkpoint
(/transparency/checkpoints.jsonl?page=N) over HTTP, recomputes the hash chain and the counts,
checks each checkpoint's Ed25519 signature and that it matches the log at its length, and names
each entry or checkpoint that is wrong. Only the standard library and `cryptography`: nothing
here touches the application or a database.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from petition.transparency import chain

USER_AGENT = "kleema-transparency-verify/1"
MAX_PROBLEMS = 50


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def lines(self) -> list[str]:
        out = [f"log: {self.entries} entries; checkpoints: {self.checkpoints}"]
        out += [f"count from the log: {slug} {n}" for slug, n in sorted(self.counts.items())]
        out += self.notes
        out += [f"WRONG {text}" for text in self.problems]
        out.append("OK: the chain, the counts and every checkpoint verify" if self.ok else "FAILED")
        return out


def _get(url: str, timeout: float = 30) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 (checked above)
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
        return answer.read()


def _pages(
    base: str, path: str, fetch: Callable[[str], bytes], page_size: int
) -> Iterable[tuple[int, bytes]]:
    page = 1
    while True:
        body = fetch(f"{base}{path}?page={page}")
        yield page, body
        if len(body.splitlines()) < page_size:
            return
        page += 1


def _lines(page: int, body: bytes, what: str, report: Report) -> list[dict]:
    out = []
    for number, line in enumerate(body.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            report.problem(f"{what} page {page}, line {number}: not JSON")
            continue
        if not isinstance(value, dict):
            report.problem(f"{what} page {page}, line {number}: not a JSON object")
            continue
        out.append(value)
    return out


def check_log(entries: list[dict], report: Report) -> list[tuple[str, dict[str, int]]]:
    """Recompute the chain and the counts; returns, for each length n (index n-1), the head hash
    and the counts after the first n entries, as the checkpoints are compared with them."""
    head = chain.GENESIS
    counts: dict[str, int] = {}
    counted: dict[tuple[str, str], int] = {}
    states = []
    for position, entry in enumerate(entries, 1):
        where = f"entry {position}"
        if entry.get("seq") != position:
            report.problem(
                f"{where}: numbered {entry.get('seq')!r} where {position} was expected "
                "(an entry is missing, added or out of order)"
            )
        if entry.get("prev") != head:
            report.problem(f'{where}: its "prev" is not the hash of the entry before it (chain broken)')
        computed = chain.entry_hash(head, entry)
        if entry.get("hash") != computed:
            report.problem(f"{where}: its content does not match its hash (the entry was altered)")
        event = entry.get("event")
        petition = str(entry.get("petition"))
        if event not in chain.DELTAS:
            report.problem(f"{where}: unknown event {event!r}")
        else:
            key = (petition, str(entry.get("receipt")))
            now = counted.get(key, 0) + chain.DELTAS[event]
            if now not in (0, 1):
                report.problem(
                    f"{where}: receipt {str(entry.get('receipt'))[:12]}… is {event} "
                    + ("while it already counts" if now > 1 else "while it does not count")
                )
            counted[key] = now
            counts[petition] = counts.get(petition, 0) + chain.DELTAS[event]
        # The chain goes on from the stored hash, so that one altered entry is named once.
        head = entry.get("hash") if isinstance(entry.get("hash"), str) else computed
        states.append((head, dict(counts)))
    report.entries = len(entries)
    report.counts = counts
    return states


def check_checkpoints(
    checkpoints: list[dict],
    states: list[tuple[str, dict[str, int]]],
    report: Report,
    keys: set[str],
) -> None:
    """Each checkpoint: signed by one of `keys`, its length within the log, its head and counts
    those of the log at its length; lengths never go back."""
    previous = 0
    for position, point in enumerate(checkpoints, 1):
        where = f"checkpoint {position} (time {point.get('time')}, length {point.get('length')})"
        if not chain.signature_valid(point):
            report.problem(f"{where}: its signature is not valid (the checkpoint was altered)")
        elif keys and point.get("key") not in keys:
            report.problem(f"{where}: signed by a key that is not the site's public key")
        length = point.get("length")
        if not isinstance(length, int) or length < 0:
            report.problem(f"{where}: no valid length")
            continue
        if length < previous:
            report.problem(f"{where}: the log is shorter than at the checkpoint before it")
        previous = max(previous, length)
        if length > len(states):
            report.problem(f"{where}: names {length} entries, the log has {len(states)}")
            continue
        head, counts = states[length - 1] if length else (chain.GENESIS, {})
        if point.get("head") != head:
            report.problem(f"{where}: its head hash is not the log's at entry {length}")
        if point.get("counts") != counts:
            report.problem(f"{where}: its counts {point.get('counts')} are not the log's {counts}")
        if point.get("count") != sum(counts.values()):
            report.problem(f"{where}: its count {point.get('count')} is not the log's {sum(counts.values())}")
    report.checkpoints = len(checkpoints)


def verify(
    base_url: str,
    *,
    fetch: Callable[[str], bytes] = _get,
    pinned_keys: Iterable[str] = (),
    page_size: int = 1000,
) -> Report:
    """Download and check the log and checkpoints of the site at `base_url`.

    The checkpoints must be signed by a key in `pinned_keys` (base64, as they name it) when
    given, else by the key the site publishes at /transparency/public-key.
    """
    report = Report()
    base = base_url.rstrip("/")
    try:
        keys = set(pinned_keys) or {fetch(f"{base}/transparency/public-key").decode().strip()}
        entries = [
            entry
            for page, body in _pages(base, "/transparency/log.jsonl", fetch, page_size)
            for entry in _lines(page, body, "log", report)
        ]
        checkpoints = [
            point
            for page, body in _pages(base, "/transparency/checkpoints.jsonl", fetch, page_size)
            for point in _lines(page, body, "checkpoints", report)
        ]
    except (urllib.error.URLError, OSError, ValueError) as error:
        report.problem(f"could not download from {base}: {error}")
        return report
    states = check_log(entries, report)
    check_checkpoints(checkpoints, states, report, keys)
    if not checkpoints:
        report.problem("no checkpoint: nothing signed to check the log against")
    elif checkpoints[-1].get("length") != len(entries):
        report.notes.append(
            f"{len(entries) - int(checkpoints[-1].get('length') or 0)} entries after the latest "
            "checkpoint (sealed since; the next checkpoint will sign them)"
        )
    for slug in sorted(report.counts):
        try:
            public = json.loads(fetch(f"{base}/api/petitions/{slug}"))["count"]
        except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError):
            continue
        report.notes.append(f"public count now: {slug} {public}")
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m petition.transparency")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="check the public log and checkpoints of a copy of the site")
    check.add_argument("url")
    check.add_argument(
        "--key", action="append", default=[], help="public key (base64) the checkpoints must use"
    )
    commands.add_parser("new-key", help="print a new signing key for TRANSPARENCY_KEY")
    arguments = parser.parse_args(argv)
    if arguments.command == "new-key":
        print(chain.new_private_key_base64())
        return 0
    report = verify(arguments.url, pinned_keys=arguments.key)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1
