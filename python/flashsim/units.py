"""Readable numbers with their units, for reprs and plot labels (the values stay exact)."""


def human_bytes(b: float) -> str:
    """1536 -> '1.5 KiB' (binary prefixes, as the CLI's tables)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(b) < 1024 or unit == "TiB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.3g} {unit}"
        b /= 1024.0
    return f"{b} B"


def human_seconds(s: float) -> str:
    """2.5e-05 -> '25 µs'."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(s) >= scale or unit == "ns":
            return f"{s / scale:.3g} {unit}"
    return f"{s} s"
