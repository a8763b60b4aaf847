"""The benchmark's report: bench/results/<date>-scale.md (a table per size: req/s, share of the
/healthz ceiling, p50/p99, errors; with both sizes the full/small latency ratio) and beside it
<date>-scale.svg, a bar chart of each scenario's share of the ceiling (no plotting library: SVG
by hand). `write(results, setup=...)` takes {size label: {scenario: row}} as bench_scale.py
measures them, rows {"rps", "p50", "p99", "requests", "errors"} (the donation burst adds "burst").

    python tests/load/bench_report.py results.json   # re-render a saved run
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
CEILING = "/healthz (ceiling)"
BURST = "donation burst"
COLORS = {"full": "#1f6feb", "1/100": "#8cc4ff"}


def _share(row: dict, ceiling: dict | None) -> float | None:
    return row["rps"] / ceiling["rps"] if ceiling and ceiling["rps"] else None


def table(results: dict[str, dict[str, dict]]) -> str:
    sizes = list(results)
    both = "full" in results and "1/100" in results
    head = ["scenario"]
    for size in sizes:
        head += [f"{size} req/s", f"{size} vs ceiling", f"{size} p50 ms", f"{size} p99 ms", f"{size} errors"]
    if both:
        head += ["p50 full/small", "p99 full/small"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    names = list(dict.fromkeys(name for size in sizes for name in results[size]))
    for name in names:
        cells = [name]
        for size in sizes:
            row = results[size].get(name)
            if row is None:
                cells += ["-"] * 5
                continue
            share = _share(row, results[size].get(CEILING)) if name != BURST else None
            unit = " donations/s" if name == BURST else ""
            cells += [
                f"{row['rps']:.1f}{unit}",
                f"{share:.1%}" if share is not None else "-",
                f"{row['p50']:.1f}",
                f"{row['p99']:.1f}",
                str(row["errors"]),
            ]
        if both:
            full, small = results["full"].get(name), results["1/100"].get(name)
            if full and small and small["p50"] and small["p99"]:
                cells += [f"{full['p50'] / small['p50']:.2f}x", f"{full['p99'] / small['p99']:.2f}x"]
            else:
                cells += ["-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def burst_lines(results: dict[str, dict[str, dict]]) -> list[str]:
    lines = []
    for size, rows in results.items():
        burst = rows.get(BURST, {}).get("burst")
        if burst:
            lines.append(
                f"- Donation burst ({size}): {burst['succeeded']} of {burst['donations']} donations succeeded in "
                f"{burst['seconds']:.1f} s ({rows[BURST]['rps']:.1f} donations/s); the campaign's total grew by "
                f"{burst['raised_delta']:,} minor units (expected {burst['expected_raised']:,}) and its donor count "
                f"by {burst['donors_delta']} (expected {burst['donations']}): "
                f"{'exact' if burst['exact'] else 'NOT exact'}."
                + (f" First errors: {burst['first_errors']}" if burst["first_errors"] else "")
            )
    return lines


def chart(results: dict[str, dict[str, dict]]) -> str:
    """Horizontal bars: each scenario's req/s as a share of the ceiling, one bar per size."""
    sizes = list(results)
    names = [n for n in dict.fromkeys(n for s in sizes for n in results[s]) if n not in (CEILING, BURST)]
    bar, gap, left, width = 14, 10, 260, 420
    group_height = bar * len(sizes) + gap
    height = 40 + group_height * len(names) + 30
    shares = [_share(results[s][n], results[s].get(CEILING)) or 0.0 for s in sizes for n in names if n in results[s]]
    top = max([1.0, *shares])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="10" y="20" font-weight="bold">req/s as a share of the /healthz ceiling ({escape(", ".join(sizes))})'
        "</text>",
    ]
    for target in (0.25, 0.5):
        x = left + width * target / top
        out.append(f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="{height - 25}" stroke="#999" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#666">{target:.0%}</text>')
    y = 36
    for name in names:
        label_y = y + bar * len(sizes) / 2 + 4
        out.append(f'<text x="{left - 8}" y="{label_y:.1f}" text-anchor="end">{escape(name)}</text>')
        for size in sizes:
            row = results[size].get(name)
            share = _share(row, results[size].get(CEILING)) if row else None
            if share is not None:
                w = width * share / top
                color = COLORS.get(size, "#888")
                out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" fill="{color}"/>')
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 4}">{share:.0%} ({escape(size)})</text>')
            y += bar
        y += gap
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write(results: dict[str, dict[str, dict]], *, setup: str, day: str | None = None) -> tuple[str, Path]:
    day = day or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{day}-scale.md"
    svg = path.with_suffix(".svg")
    svg.write_text(chart(results))
    markdown = "\n".join(
        [
            f"# Causeweb at scale: {', '.join(results)} ({day})",
            "",
            setup,
            "",
            table(results),
            *burst_lines(results),
            "",
            f"![req/s as a share of the ceiling]({svg.name})",
            "",
        ]
    )
    path.write_text(markdown)
    path.with_suffix(".json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return markdown, path


if __name__ == "__main__":
    saved = json.loads(Path(sys.argv[1]).read_text())
    print(write(saved, setup="(re-rendered from a saved run)")[0])
