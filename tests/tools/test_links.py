"""Every link and image of the Markdown files resolves, against the working tree.

Relative links between the Markdown files must reach an existing file, and
their `#anchor` an existing heading. Absolute links into the project's own
repository (manifest.json's "documentation": github.com/OWNER/NAME/blob|tree,
raw.githubusercontent.com/OWNER/NAME) must name a file of this working tree
(no network). Images must exist. README.md is rendered by HACS inside Home
Assistant, where relative paths do not resolve: its images and links are
absolute (or anchors of its own headings). The code's links to docs/ pages
(const.py's *_PAGE) must reach a page.
"""

from collections.abc import Iterator
from dataclasses import dataclass
import json
from pathlib import Path
import re
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOME = json.loads((ROOT / "custom_components/sangoma_phone/manifest.json").read_text())[
    "documentation"
]
BRANCH = "main"

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_HTML_ANCHOR = re.compile(r"""<a\s+(?:name|id)=["']([^"']+)["']""")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](src); the text may hold one level of [].
_LINK = re.compile(
    r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
_IMG_TAG = re.compile(r"""<img\s[^>]*src=["']([^"']+)["']""", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


@dataclass(frozen=True)
class Link:
    """One link or image of a Markdown file."""

    line: int
    target: str
    image: bool


def markdown_files(root: Path = ROOT) -> list[Path]:
    """The project's Markdown files (its own, not virtualenvs or caches)."""
    files = sorted(root.glob("*.md"))
    for folder in ("docs", "custom_components", ".github", "blueprints"):
        files += sorted((root / folder).rglob("*.md"))
    return files


def _lines_outside_code(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) outside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if match := _FENCE.match(line):
            if fence is None:
                fence = match.group(1)
            elif match.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield number, line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a file offers: its headings' (numbered when repeated) and
    its HTML anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in _lines_outside_code(text):
        if match := _HEADING.match(line):
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(_HTML_ANCHOR.findall(line))
    return found


def links(text: str) -> list[Link]:
    """Every link and image outside code (a link's text may wrap lines)."""
    lines = text.splitlines()
    kept = dict(_lines_outside_code(text))
    prose = "\n".join(kept.get(n, "") for n in range(1, len(lines) + 1))
    # Inline code is not a link, but a link's text may hold code: mask it,
    # keeping every offset.
    plain = _CODE_SPAN.sub(lambda m: "x" * len(m.group(0)), prose)
    found: list[Link] = []

    def line_of(offset: int) -> int:
        return plain.count("\n", 0, offset) + 1

    for match in _LINK.finditer(plain):
        target = prose[match.start(2) : match.end(2)]
        found.append(Link(line_of(match.start()), target, match.group(1) == "!"))
    found += [
        Link(line_of(m.start()), m.group(1), image=True)
        for m in _IMG_TAG.finditer(plain)
    ]
    found += [
        Link(line_of(m.start()), m.group(1), image=False)
        for m in _AUTOLINK.finditer(plain)
    ]
    for number, line in kept.items():
        if match := _REFERENCE.match(line):
            found.append(Link(number, match.group(1), image=False))
    return sorted(found, key=lambda link: link.line)


def own_file(url: str, home: str = HOME) -> tuple[str, str] | None:
    """(path, anchor) of a URL to a file of the project's own repository at
    BRANCH; ("", "") for another page of it (issues, …); None if not its own."""
    repository = home.removeprefix("https://github.com/")
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc == "raw.githubusercontent.com":
        prefix = f"/{repository}/"
        if not path.startswith(prefix):
            return None
        branch, _, file = path.removeprefix(prefix).partition("/")
        return (file if branch == BRANCH else f"<branch {branch}>/{file}"), ""
    if parts.netloc != "github.com":
        return None
    prefix = f"/{repository}"
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    rest = path.removeprefix(prefix).strip("/").split("/")
    if len(rest) < 2 or rest[0] not in {"blob", "tree", "raw"}:
        return "", ""  # the repository's home, its issues, releases, …
    branch, file = rest[1], "/".join(rest[2:])
    if branch != BRANCH:
        file = f"<branch {branch}>/{file}"
    return file or ".", parts.fragment


def _check_target(
    path: Path, file: str, anchor: str, image: bool, root: Path
) -> str | None:
    """What is wrong with a link to `file#anchor` (None: nothing)."""
    target = (root / file).resolve() if file else path
    if not target.exists() or root.resolve() not in (target, *target.parents):
        return "no such file"
    if image and not target.is_file():
        return "not an image file"
    if (
        anchor
        and target.suffix == ".md"
        and unquote(anchor) not in anchors(target.read_text(encoding="utf-8"))
    ):
        return f"no heading for #{anchor}"
    return None


def problems(path: Path, root: Path = ROOT, home: str = HOME) -> list[str]:
    """Every broken link or image of one Markdown file, as readable lines."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    readme = name == "README.md"
    found: list[str] = []
    for link in links(text):
        where = f"{name}:{link.line}: {link.target}"
        parts = urlsplit(link.target)
        if parts.scheme in {"mailto", "tel"}:
            continue
        if parts.scheme in {"http", "https"}:
            # A link may carry another in its query (a blueprint import link).
            candidates = [link.target] + [
                value
                for _, value in parse_qsl(parts.query)
                if value.startswith("https://")
            ]
            for url in candidates:
                own = own_file(url, home)
                if own is None or own == ("", ""):
                    continue
                file, anchor = own
                if file.startswith("<branch"):
                    found.append(f"{where}: links to another branch than {BRANCH}")
                elif error := _check_target(path, file, anchor, link.image, root):
                    found.append(f"{where}: {error}")
            continue
        if parts.scheme:
            found.append(f"{where}: unexpected scheme {parts.scheme!r}")
            continue
        if readme and parts.path:
            kind = "image" if link.image else "link"
            found.append(
                f"{where}: relative {kind} in README.md (HACS shows the README "
                f"inside Home Assistant, where it does not resolve): use "
                f"{home}/blob/{BRANCH}/… or "
                f"https://raw.githubusercontent.com/…/{BRANCH}/… for images"
            )
            continue
        if not parts.path:  # an anchor of this file
            file = ""
        else:
            file = (
                (path.parent / unquote(parts.path))
                .resolve()
                .relative_to(root.resolve(), walk_up=True)
                .as_posix()
            )
        if error := _check_target(path, file, parts.fragment, link.image, root):
            found.append(f"{where}: {error}")
    return found


def test_every_link_and_image_resolves() -> None:
    """Relative links, anchors, images and own-repository links all resolve."""
    files = markdown_files()
    assert ROOT / "README.md" in files
    assert ROOT / "docs" / "troubleshooting.md" in files
    found = [problem for path in files for problem in problems(path)]
    assert not found, "\n".join(found)


def test_readme_images_are_absolute_and_exist() -> None:
    """README's images are raw.githubusercontent.com URLs of existing files."""
    images = [link for link in links((ROOT / "README.md").read_text()) if link.image]
    assert images
    raw = HOME.replace("https://github.com/", "https://raw.githubusercontent.com/")
    for image in images:
        assert image.target.startswith(f"{raw}/{BRANCH}/docs/"), image
        assert (ROOT / image.target.removeprefix(f"{raw}/{BRANCH}/")).is_file()


def test_code_links_to_docs_pages_exist() -> None:
    """The pages the integration links to (const.py's *_PAGE with DOCS_PAGE,
    async_docs_url's pages) exist, and so does every docs/*.md the code names."""
    assert (ROOT / "docs" / "troubleshooting.md").is_file()
    code = ROOT / "custom_components" / "sangoma_phone"
    const = (code / "const.py").read_text()
    template = re.search(r'^DOCS_PAGE\b.*?=\s*"([^"]+)"', const, re.MULTILINE)
    pages = re.findall(r'^\w+_PAGE\b[^=]*=\s*"([\w-]+)"', const, re.MULTILINE)
    for page in pages:
        assert (ROOT / "docs" / f"{page}.md").is_file(), page
        if template is not None:
            url = template.group(1).format(home=HOME, page=page)
            assert own_file(url) == (f"docs/{page}.md", ""), url
    sources = [p.read_text() for p in [*code.rglob("*.py"), *code.rglob("*.json")]]
    named = {m for text in sources for m in re.findall(r"\bdocs/([\w-]+\.md)", text)}
    # Pages named where their link is made: async_docs_url(hass, "listener").
    named |= {
        f"{m}.md"
        for text in sources
        for m in re.findall(r'async_docs_url\(\s*[\w.]+,\s*"([\w-]+)"', text)
    }
    for page in named:
        assert (ROOT / "docs" / page).is_file(), page


# The checker itself: each kind of breakage is found.

HOME_TEST = "https://github.com/owner/repo"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small project: README, two docs pages and an image."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# Page A\n\n## Some part: ok\n")
    (tmp_path / "docs" / "pic.png").write_bytes(b"\x89PNG")
    (tmp_path / "README.md").write_text("# Readme\n")
    return tmp_path


def _problems_of(tree: Path, name: str, text: str) -> list[str]:
    (tree / name).write_text(text)
    return problems(tree / name, tree, HOME_TEST)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[ok](a.md#some-part-ok) ![ok](pic.png) [me](#page-b)", None),
        ("[gone](missing.md)", "no such file"),
        ("[a wrapped\nlink](missing.md)", "no such file"),
        ("[anchor](a.md#nowhere)", "no heading for #nowhere"),
        ("![gone](missing.png)", "no such file"),
        ("[self](#nowhere)", "no heading for #nowhere"),
        ("`[not a link](missing.md)`\n```\n[nor](missing.md)\n```", None),
        (f"[own]({HOME_TEST}/blob/main/docs/a.md#page-a)", None),
        (f"[own]({HOME_TEST}/blob/main/docs/gone.md)", "no such file"),
        (f"[own]({HOME_TEST}/blob/main/docs/a.md#gone)", "no heading for #gone"),
        (f"[own]({HOME_TEST}/blob/dev/docs/a.md)", "another branch"),
        (
            "![own](https://raw.githubusercontent.com/owner/repo/main/docs/x.png)",
            "no such file",
        ),
        (f"[home]({HOME_TEST}) [issues]({HOME_TEST}/issues)", None),
        ("[other](https://github.com/other/repo/blob/main/gone.md)", None),
    ],
)
def test_checker_finds_broken_links(
    tree: Path, text: str, expected: str | None
) -> None:
    """A broken file, anchor, image or own-repository link is reported."""
    found = _problems_of(tree, "docs/b.md", f"# Page B\n\n{text}\n")
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert expected in found[0], found


def test_checker_refuses_relative_paths_in_readme(tree: Path) -> None:
    """README.md: relative images and links are reported, anchors are fine."""
    found = _problems_of(
        tree,
        "README.md",
        "# Readme\n\n![pic](docs/pic.png) [page](docs/a.md) [top](#readme)\n"
        "![abs](https://raw.githubusercontent.com/owner/repo/main/docs/pic.png)\n",
    )
    assert len(found) == 2, found
    assert "relative image" in found[0]
    assert "relative link" in found[1]


def test_slugs_follow_github() -> None:
    """Headings become GitHub's anchors."""
    assert (
        slug("1. Add the phone in Home Assistant")
        == "1-add-the-phone-in-home-assistant"
    )
    assert slug("`&` and `&amp;`") == "-and-amp"
    assert (
        slug("*name* still calls an old address") == "name-still-calls-an-old-address"
    )
    assert slug("A `.local` name — or not") == "a-local-name--or-not"
    assert slug("Python 3.14") == "python-314"
    assert anchors("# A\n## A\n```\n# A\n```\n") == {"a", "a-1"}
