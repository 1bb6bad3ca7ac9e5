"""The benchmark's pure parts: requests from a provisioning file, the report.

The benchmark itself (scripts/bench --ha) runs a real Home Assistant and is
not part of the test suite; these check only what it computes and prints.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from custom_components.sangoma_phone.protocol import event_urls, provisioning_xml
from tools.bench_ha import __main__ as report
from tools.bench_ha.run import CALL_CYCLE, BenchPath, templates_from_provisioning


def _path(name: str, phones: int, cpu: float, rps: float, p99: float) -> dict:
    return {
        "path": name,
        "label": name,
        "phones": phones,
        "cpu_us_per_event": cpu,
        "max_rps": rps,
        "p50_ms": p99 / 2,
        "p99_ms": p99,
        "rows_per_event": cpu / 1000,
        "events_lost": 0 if name[0] in "cis" else None,
    }


PATHS = [
    _path("a", 20, 100.0, 5000.0, 1.0),
    _path("b", 20, 3000.0, 700.0, 8.0),
    _path("i", 20, 1000.0, 2000.0, 6.0),
    _path("s", 20, 1100.0, 1800.0, 6.2),
    _path("c1", 1, 1500.0, 1000.0, 6.5),
    _path("c20", 20, 1250.0, 1200.0, 7.0),
    _path("c200", 200, 1400.0, 1100.0, 9.0),
]


def test_requests_follow_each_phones_call_cycle() -> None:
    """Phones take turns; each phone's requests follow the call cycle."""
    xml = provisioning_xml(event_urls("http://127.0.0.1:8123", "hook"))
    path, templates = templates_from_provisioning(xml)
    assert path == "/api/webhook/hook"
    bench = BenchPath("c2", templates, [(0, path), (1, path)])
    urls = bench.take(len(CALL_CYCLE) * 2 + 2)
    queries = [parse_qs(urlsplit(url).query) for url in urls]
    assert [q["event"][0] for q in queries[0::2]] == [*CALL_CYCLE, CALL_CYCLE[0]]
    assert {q["mac"][0] for q in queries[0::2]} == {"005058000000"}
    assert {q["mac"][0] for q in queries[1::2]} == {"005058000001"}
    assert queries[0]["dr"] == ["Caller & Sons 0"]  # percent-encoded, decoded back
    assert queries[-2]["cid"] != queries[0]["cid"]  # the next call
    assert bench.take(1) != urls[-1:]


def test_ratios_take_path_c_at_20_phones() -> None:
    """The ratios compare c at 20 phones with the ideal, same states, DIY, floor."""
    ratios = report.ratios(PATHS)
    assert ratios["c_phones"] == 20
    assert ratios["cpu c/i"] == pytest.approx(1.25)
    assert ratios["cpu b/c"] == pytest.approx(2.4)
    assert ratios["cpu c/a"] == pytest.approx(12.5)
    assert ratios["p99 c-i ms"] == pytest.approx(1.0)
    # (1250 - 100) / 1.25 rows against (1000 - 100) / 1.0 row
    assert ratios["cpu/row c/i"] == pytest.approx(920 / 900)
    assert ratios["cpu c/s"] == pytest.approx(1250 / 1100)
    assert ratios["rows c/s"] == pytest.approx(1.25 / 1.1)


def test_ratio_over_zero_reads_n_a() -> None:
    """A floor measured as 0 µs gives no ratio (null in the JSON), not NaN."""
    ratios = report.ratios([PATHS[0] | {"cpu_us_per_event": 0.0}, *PATHS[1:]])
    assert ratios["cpu c/a"] is None
    assert f"{'cpu c/a':<28} {'n/a':>8}" in report.ratio_lines(ratios).splitlines()


def test_tables_have_a_row_per_path() -> None:
    """One Markdown row per path; - where no value is expected or known."""
    lines = report.table(report.COLUMNS, PATHS).splitlines()
    assert lines[0].startswith("| path | CPU/event | max req/s | p50 @100/s")
    assert len(lines) == 2 + len(PATHS)
    assert lines[2] == "| a | 100 µs | 5000 | 0.5 ms | 1.0 ms | 0.10 | - |"
    assert lines[7].endswith("| 1.25 | 0 |")
    threads = [{"label": "a", "loop": 90.4, "recorder": 10.0}]
    assert report.table(report.THREAD_COLUMNS, threads).splitlines()[2] == (
        "| a | 90 µs | 10 µs | - |"
    )


def test_scale_table_shows_rss_per_phone_and_per_added_phone() -> None:
    """Both RSS figures per phone, and their ratios against the stand-in."""
    figures = {
        "add_ms_per_phone": 20.0,
        "running_s": 9.0,
        "running_extra_s": 3.0,
        "setup_s": 0.4,
        "rss_mb": 480.0,
        "rss_kb_per_phone": 236.0,
        "rss_kb_per_added_phone": 231.0,
    }
    base = {"running_s": 6.0, "setup_s": 0.0, "rss_mb": 250.0}
    data = {
        "counts": [1000],
        "sangoma_phone": {"0": base, "1000": figures},
        "sangoma_standin": {"0": base, "1000": figures},
        "ratios": {"rss_kb_per_phone 1000": 0.8, "rss_kb_per_added_phone 1000": None},
    }
    lines = report.scale_table(data).splitlines()
    assert lines[0].endswith("| RSS per phone | per added phone |")
    assert (
        lines[2] == "| this integration | 0 | - | 6.0 s | - | 0.00 s | 250 MB | - | - |"
    )
    assert lines[3] == (
        "| this integration | 1000 | 20 ms | 9.0 s | +3.0 s | 0.40 s | 480 MB "
        "| 236 KB | 231 KB |"
    )
    assert lines[-2:] == [
        f"{'rss_kb_per_phone 1000':<28} {'0.80':>8}",
        f"{'rss_kb_per_added_phone 1000':<28} {'n/a':>8}",
    ]
