"""The benchmark's pure parts: requests from a provisioning file, the report.

The benchmark itself (scripts/bench --ha) runs a real Home Assistant and is
not part of the test suite; these check only what it computes and prints.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from custom_components.sangoma_phone.protocol import event_urls, provisioning_xml
from tools.bench_ha import __main__ as bench_main, profiling, report, scale
from tools.bench_ha.requests import (
    CALL_CYCLE,
    RequestStream,
    templates_from_provisioning,
)


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
    stream = RequestStream(templates, [(0, "00:50:58:00:00:00", path), (1, "x", path)])
    urls = stream.take(len(CALL_CYCLE) * 2 + 2)
    queries = [parse_qs(urlsplit(url).query) for url in urls]
    assert [q["event"][0] for q in queries[0::2]] == [*CALL_CYCLE, CALL_CYCLE[0]]
    assert {q["mac"][0] for q in queries[0::2]} == {"005058000000"}
    assert queries[0]["dr"] == ["Caller & Sons 0"]  # percent-encoded, decoded back
    assert queries[-2]["cid"] != queries[0]["cid"]  # the next call
    assert stream.take(1) != urls[-1:]


def test_ratios_take_path_c_at_20_phones() -> None:
    """The ratios compare c at 20 phones with the ideal, DIY and floor."""
    ratios = report.ratios(PATHS)
    assert ratios["c_phones"] == 20
    assert ratios["cpu c/i"] == pytest.approx(1.25)
    assert ratios["cpu b/c"] == pytest.approx(2.4)
    assert ratios["cpu c/a"] == pytest.approx(12.5)
    assert ratios["p99 c-i ms"] == pytest.approx(1.0)
    # (1250 - 100) / 1.25 rows against (1000 - 100) / 1.0 row
    assert ratios["cpu/row c/i"] == pytest.approx(920 / 900)
    # Against the integration's own states set by hand.
    assert ratios["cpu c/s"] == pytest.approx(1250 / 1100)
    assert ratios["rows c/s"] == pytest.approx(1.25 / 1.1)


def test_ratios_without_the_same_states_path() -> None:
    """A run without path s (older JSON) still gives the other ratios."""
    ratios = report.ratios([p for p in PATHS if p["path"] != "s"])
    assert "cpu c/s" not in ratios
    assert ratios["cpu c/i"] == pytest.approx(1.25)


def test_table_has_a_row_per_path() -> None:
    """One Markdown row per path; no event count where none is expected."""
    lines = report.table(PATHS, 100.0).splitlines()
    assert lines[0].startswith("| path | CPU/event | max req/s | p50 @100/s")
    assert len(lines) == 2 + len(PATHS)
    assert lines[2] == "| a | 100 µs | 5000 | 0.5 ms | 1.0 ms | 0.10 | - |"
    assert lines[7].endswith("| 1.25 | 0 |")
    assert "cpu c/i" in report.ratio_lines(report.ratios(PATHS))


def test_thread_lines_show_where_the_cpu_went() -> None:
    """One row per path: event loop, recorder thread, the rest; 0 if unknown."""
    paths = [
        PATHS[0] | {"cpu_us_per_event_by_thread": {"loop": 90.4, "recorder": 10.0}},
        PATHS[1],
    ]
    lines = report.thread_lines(paths).splitlines()
    assert lines[0] == "| path | loop | recorder | other |"
    assert lines[2] == "| a | 90 µs | 10 µs | 0 µs |"
    assert lines[3] == "| b | 0 µs | 0 µs | 0 µs |"


def _scale_figures(rss: float, per_phone: float, per_added: float) -> dict:
    return {
        "add_ms_per_phone": 20.0,
        "running_s": 9.0,
        "running_extra_s": 3.0,
        "setup_s": 0.4,
        "rss_mb": rss,
        "rss_kb_per_phone": per_phone,
        "rss_kb_per_added_phone": per_added,
    }


def test_scale_table_shows_rss_per_phone_and_per_added_phone() -> None:
    """Both RSS figures per phone, and their ratios against the stand-in."""
    data: dict = {"counts": [200, 1000]}
    for domain, scale_by in (("sangoma_phone", 1.0), ("sangoma_standin", 1.25)):
        data[domain] = {
            "0": {"running_s": 6.0, "rss_mb": 250.0},
            "200": _scale_figures(300.0, 256 * scale_by, 256 * scale_by),
            "1000": _scale_figures(480.0, 236 * scale_by, 231 * scale_by),
        }
    for count in (200, 1000):
        data[f"rss_ratio_{count}"] = 0.8
        data[f"rss_added_ratio_{count}"] = 0.8
    lines = scale.table(data).splitlines()
    assert lines[0].endswith("| RSS per phone | per added phone |")
    assert lines[4] == (
        "| this integration | 1000 | 20 ms | 9.0 s | +3.0 s | 0.40 s | 480 MB "
        "| 236 KB | 231 KB |"
    )
    assert "RSS per added phone, integration / stand-in: 200: 0.80, 1000: 0.80" in (
        lines
    )


def test_py_spy_summary_splits_loop_and_recorder(tmp_path: Path) -> None:
    """Loop samples go to the integration's frames; recorder samples to its jobs;
    idle samples of either thread count nowhere."""
    loop = "thread (1): MainThread;run (asyncio/base_events.py:1)"
    handler = "SangomaPhone._accept (sangoma_phone/phone.py:234)"
    recorder = (
        "thread (2): Recorder;Thread._bootstrap (threading.py:1);"
        "Recorder.run (homeassistant/components/recorder/core.py:1);"
        "Recorder._run_event_loop (homeassistant/components/recorder/core.py:2)"
    )
    lookup = "EventDataManager._load_from_hashes (recorder/event_data.py:86)"
    commit = "Recorder._commit_event_session (recorder/core.py:9)"
    raw = tmp_path / "profile.collapsed"
    raw.write_text(
        f"{loop};{handler};parse_query (sangoma_phone/protocol/query.py:132) 3\n"
        f"{loop};select (selectors.py:452) 50\n"
        f"{recorder};{lookup} 4\n"
        f"{recorder};{commit} 2\n"
        f"{recorder} 40\n"
    )
    summary = profiling.summarize_collapsed(raw)
    assert summary["loop_busy_samples"] == 3
    assert summary["integration_frames"] == [
        ("sangoma_phone/protocol/query.py:parse_query", 3)
    ]
    assert summary["recorder_busy_samples"] == 6
    assert dict(summary["recorder_jobs"]) == {
        "looking up new event data (SELECT by hash)": 4,
        "committing the rows (ORM flush)": 2,
    }


def test_thread_share_line_gives_each_groups_share() -> None:
    """The profiled burst's CPU per thread group, in seconds and shares."""
    line = profiling.thread_share_line({"loop": 1.0, "recorder": 3.0, "other": 0.0})
    assert line.strip() == (
        "CPU while profiled, by thread (from /proc): loop 1.00 s (25 %), "
        "recorder 3.00 s (75 %), other 0.00 s (0 %)"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--profile", "c7"],
            "--profile: no path 'c7' (one of a, b, i, s, c1, c20, c200)",
        ),
        (["--phones", "7", "--profile", "c20"], "(one of a, b, i, s, c7)"),
        (
            ["--profile", "c20", "--py-spy", "/nonexistent/py-spy"],
            "--py-spy: no py-spy",
        ),
        (["--rounds", "0"], "argument --rounds: 0 is not at least 1"),
        (["--rate", "0"], "argument --rate: 0.0 is not above 0"),
        (["--phones", "1,0"], "argument --phones: 0 is not at least 1"),
        (["--phones", "5,5"], "argument --phones: 5,5: a count is given twice"),
        (["--py-spy"], "--py-spy: profiles the path given with --profile"),
        (["--scale", "--profile", "c200"], "--profile: not with --scale"),
        (["--chart", "/proc/none/chart.png"], "cannot write to /proc/none"),
    ],
)
def test_options_refused_before_home_assistant_starts(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A path to profile that the run will not have, a missing py-spy or a
    size that divides by zero is refused at once, not after minutes of
    measuring."""
    with pytest.raises(SystemExit):
        bench_main.parse_args([*argv, "--out", str(tmp_path)])
    assert message in capsys.readouterr().err


def test_profile_options_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A path of the run, and a py-spy binary that exists."""
    monkeypatch.setattr(bench_main, "free_port", lambda: 8123)  # no socket here
    binary = tmp_path / "py-spy"
    binary.touch()
    args = bench_main.parse_args(
        ["--profile", "s", "--py-spy", str(binary), "--out", str(tmp_path / "out")]
    )
    assert args.profile == "s"
    assert args.py_spy == str(binary)
    assert args.profile_out.name == "profile-s.collapsed"


def test_json_is_strict_and_ratios_over_zero_read_n_a(tmp_path: Path) -> None:
    """A ratio over a zero (a floor measured as 0 µs) is null in the JSON and
    n/a in the printout, not NaN."""
    paths = [dict(p) for p in PATHS]
    paths[0]["cpu_us_per_event"] = 0.0
    ratios = report.ratios(paths)
    assert f"{'cpu c/a':<16} {'n/a':>8}" in report.ratio_lines(ratios).splitlines()
    out = tmp_path / "ha.json"
    report.write_json(out, {"ratios": ratios, "list": [float("nan"), 1.0]})
    text = out.read_text()
    assert "NaN" not in text
    data = json.loads(text)
    assert data["ratios"]["cpu c/a"] is None
    assert data["list"] == [None, 1.0]
