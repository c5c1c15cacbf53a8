#!/usr/bin/env bash
# Checks every relative link and #anchor in README.md and docs/**/*.md: the
# file (or folder) a link names must exist, and an anchor must name a heading
# of that Markdown file, spelled as GitHub spells it (lowercase, spaces to
# '-', punctuation dropped, CJK kept, a repeated heading -1, -2, …) or an
# explicit <a name|id>. External links (http:, https:, mailto:) are not
# fetched. Prints each broken link as FILE:LINE and exits 1 if there is any.
#   scripts/check_links.sh [FILE.md…]      (default: README.md and docs/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($#)); then files=("$@"); else
  mapfile -t files < <({ echo README.md; find docs -name '*.md'; } | sort)
fi
exec python3 - "${files[@]}" <<'PY'
import os, re, sys, urllib.parse

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s+.*)?$")
HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
NAMED = re.compile(r"""<a\s[^>]*(?:name|id)\s*=\s*["']([^"']+)["']""")
CODE = re.compile(r"(`+)(.+?)\1")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def lines_outside_code(path):
    """(line number, text) of every line outside fenced code blocks."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line)
            if m:
                if fence is None:
                    fence = m.group(1)
                elif line.strip().startswith(fence):
                    fence = None
                continue
            if fence is None:
                yield n, line.rstrip("\n")


def heading_text(raw):
    """The text GitHub renders for a heading: links and images become their
    text, code spans their content, emphasis markers go."""
    text = CODE.sub(lambda m: m.group(2), raw)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*+|(?<!\w)_+|_+(?!\w))", "", text)
    return text.strip()


def slug(text):
    text = text.lower()
    text = re.sub(r"[^\w\- ]", "", text)  # \w is Unicode: CJK and digits stay
    return text.replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen, out = {}, set()
        for _, line in lines_outside_code(path):
            m = HEADING.match(line)
            if m:
                base = slug(heading_text(m.group(2)))
                n = seen.get(base, 0)
                seen[base] = n + 1
                out.add(base if n == 0 else f"{base}-{n}")
            for name in NAMED.findall(line):
                out.add(name)
        _anchors[path] = out
    return _anchors[path]


def targets(line):
    plain = CODE.sub("", line)  # links inside code spans are text
    for m in LINK.finditer(plain):
        yield m.group(2)
    m = REFDEF.match(plain)
    if m:
        yield m.group(1)
    for t in HTML.findall(plain):
        yield t


broken = 0
for path in sys.argv[1:]:
    for n, line in lines_outside_code(path):
        for target in targets(line):
            if not target or EXTERNAL.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            file_part = urllib.parse.unquote(file_part)
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            problem = None
            if not os.path.exists(dest):
                problem = "no such file"
            elif anchor and dest.endswith(".md") and os.path.isfile(dest):
                if urllib.parse.unquote(anchor) not in anchors(dest):
                    problem = f"no heading #{anchor} in {dest}"
            if problem:
                broken += 1
                print(f"{path}:{n}: {target}: {problem}")
if broken:
    print(f"{broken} broken link(s)")
    sys.exit(1)
print(f"links: {len(sys.argv) - 1} files, every relative link and anchor resolves")
PY
