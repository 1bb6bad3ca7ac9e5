"""The table, the ratios, the JSON file and the chart of a run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import json
import math
from pathlib import Path
from typing import Any

COLUMNS = (
    ("path", "{:<34}", "label"),
    ("CPU/event", "{:>9.0f} µs", "cpu_us_per_event"),
    ("max req/s", "{:>9.0f}", "max_rps"),
    ("p50 @rate", "{:>7.1f} ms", "p50_ms"),
    ("p99 @rate", "{:>7.1f} ms", "p99_ms"),
    ("rows/event", "{:>10.2f}", "rows_per_event"),
    ("lost", "{:>6}", "events_lost"),
)

# Bar colours of the chart; path c (any N) is green.
COLOURS = {"a": "#9e9e9e", "b": "#e07b39", "i": "#4c72b0", "s": "#8172b3"}


def reference(
    paths: Sequence[Mapping[str, Any]], phones: int = 20
) -> Mapping[str, Any]:
    """Return the figures of path c at `phones` phones (or the nearest N)."""
    cs = [p for p in paths if p["path"].startswith("c")]
    return min(cs, key=lambda p: abs(p["phones"] - phones))


def ratios(paths: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Return the ratios the targets are about, with c at 20 phones."""
    by = {p["path"]: p for p in paths}
    a, b, i, c = by["a"], by["b"], by["i"], reference(paths)
    same = by.get("s")

    def div(x: float, y: float) -> float:
        return x / y if y else float("nan")

    cpu, rows = "cpu_us_per_event", "rows_per_event"
    return {
        "c_phones": c["phones"],
        "cpu c/i": div(c[cpu], i[cpu]),
        "cpu b/c": div(b[cpu], c[cpu]),
        "cpu c/a": div(c[cpu], a[cpu]),
        "max req/s i/c": div(i["max_rps"], c["max_rps"]),
        "rows c/i": div(c[rows], i[rows]),
        # CPU above the floor per recorder row: what a state or event costs
        # each path, whatever the number of rows it writes.
        "cpu/row c/i": div(
            div(c[cpu] - a[cpu], c[rows]), div(i[cpu] - a[cpu], i[rows])
        ),
        # Against the same states and bus event set by hand: what the
        # entities, device, restore and checks cost, showing the same.
        **(
            {
                "cpu c/s": div(c[cpu], same[cpu]),
                "rows c/s": div(c[rows], same[rows]),
            }
            if same
            else {}
        ),
        "p99 c-i ms": c["p99_ms"] - i["p99_ms"],
        "p50 c-i ms": c["p50_ms"] - i["p50_ms"],
    }


def _cell(fmt: str, value: Any) -> str:
    if value is None:
        width = len(fmt.format(0)) if "f" in fmt or "}" in fmt else 6
        return "-".rjust(width)
    return fmt.format(value)


def table(paths: Sequence[Mapping[str, Any]], rate: float) -> str:
    """Return the per-path table as Markdown."""
    head = [name.replace("@rate", f"@{rate:g}/s") for name, _, _ in COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(COLUMNS)]
    for path in paths:
        cells = [_cell(fmt, path[key]).strip() for _, fmt, key in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def thread_lines(paths: Sequence[Mapping[str, Any]]) -> str:
    """Return where each path's CPU went: event loop, recorder thread, rest."""
    lines = ["| path | loop | recorder | other |", "|---|---|---|---|"]
    for path in paths:
        threads = path.get("cpu_us_per_event_by_thread") or {}
        cells = [f"{threads.get(g, 0.0):.0f} µs" for g in ("loop", "recorder", "other")]
        lines.append(f"| {path['label']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio_lines(values: Mapping[str, float]) -> str:
    """Return the ratios, one per line."""
    return "\n".join(
        f"{name:<16} {value:8.2f}"
        if not math.isnan(value)
        else f"{name:<16} {'n/a':>8}"
        for name, value in values.items()
        if name != "c_phones"
    )


def _strict(value: Any) -> Any:
    """Return the value with NaN (a ratio over a zero) as None: strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {key: _strict(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(item) for item in value]
    return value


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write the figures as strict JSON (a ratio over a zero is null)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_strict(data), indent=2, sort_keys=True, allow_nan=False)
    path.write_text(text + "\n")


def chart(paths: Sequence[Mapping[str, Any]], out: Path, title: str) -> None:
    """Draw CPU per event, max rate, p99 and rows per event, one bar per path."""
    import matplotlib  # noqa: PLC0415  (only the chart needs it)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    labels = [p["label"] for p in paths]
    panels = (
        ("CPU per event (µs)", "cpu_us_per_event"),
        ("max requests/s", "max_rps"),
        ("p99 latency at paced rate (ms)", "p99_ms"),
        ("recorder rows per event", "rows_per_event"),
    )
    colours = [COLOURS.get(p["path"], "#55a868") for p in paths]
    fig, axes = plt.subplots(1, len(panels), figsize=(16, 0.5 * len(paths) + 1.8))
    for ax, (name, key) in zip(axes, panels, strict=True):
        values = [p[key] for p in paths]
        ax.barh(range(len(paths)), values, color=colours)
        ax.set_title(name, fontsize=10)
        ax.set_yticks(range(len(paths)), labels if ax is axes[0] else [""] * len(paths))
        ax.invert_yaxis()
        for y, v in enumerate(values):
            ax.text(
                v, y, f" {v:,.0f}" if v >= 10 else f" {v:.2f}", va="center", fontsize=8
            )
        ax.margins(x=0.25)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
