"""Which producers to inspect first: the signals found in the data, their weights and the ranking.
Pure Python; `watchlist.py` reads the database and says what each signal is in words.

A producer's priority is the sum of the weights of its signals; each signal is about one product (one
per kind and product, whatever the count behind it), so a producer with several troubled products
comes first. Ties go to the producer with more signals, then by name."""

from collections.abc import Iterable
from dataclasses import dataclass, field

# Kinds of signal, strongest first (the order of reasons on a producer's line).
WEIGHTS = {
    "copied_stamp": 30,  # an open copied-stamp alert (distinct devices / provinces rules)
    "mark_misuse": 25,  # stamps still scanned after the certificate expired or was revoked
    "fake_report": 20,  # a consumer reported a suspected fake
    "scanned_not_activated": 15,  # stamps scanned by consumers but never activated for a lot
    "certificate_expired": 10,  # the certificate ran out and no re-evaluation is under way
    "no_recent_lot": 5,  # certified for over a year, no production lot in 12 months (ground đ)
    "reevaluation_window": 3,  # within 180 days of expiry: the re-evaluation should be filed
}


@dataclass(frozen=True)
class Signal:
    kind: str
    product_id: int
    count: int = 1  # scans, stamps or alerts behind the signal (shown, not weighted)


@dataclass
class Entry:
    producer_id: int
    signals: list[Signal] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(WEIGHTS[s.kind] for s in self.signals)


def rank(signals: Iterable[Signal], producer_of: dict[int, int], names: dict[int, str]) -> list[Entry]:
    """Group signals by producer (`producer_of`: product id → producer id), one per kind and product,
    strongest first, and order producers by priority."""
    order = {kind: i for i, kind in enumerate(WEIGHTS)}
    seen: dict[tuple[str, int], Signal] = {}
    for s in signals:
        key = (s.kind, s.product_id)
        if key in seen:
            s = Signal(s.kind, s.product_id, seen[key].count + s.count)
        seen[key] = s
    entries: dict[int, Entry] = {}
    for s in seen.values():
        pid = producer_of[s.product_id]
        entries.setdefault(pid, Entry(pid)).signals.append(s)
    for e in entries.values():
        e.signals.sort(key=lambda s: (order[s.kind], -s.count))
    return sorted(entries.values(), key=lambda e: (-e.score, -len(e.signals), names.get(e.producer_id, "")))
