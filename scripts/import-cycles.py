#!/usr/bin/env python3
"""Import cycles between the files of one Rust crate.

    python3 scripts/import-cycles.py crates/app/src [--edges]

Reads the crate's source tree from its roots (lib.rs, main.rs, bin/*.rs),
following `mod name;` declarations, and draws an edge from file A to file B
whenever A names an item that lives in B: a `use` of `crate::`, `super::`,
`self::` or a child module, or such a path written out in the code. Paths
reached through a re-export (`pub use ids::NodeId;` in lib.rs) are followed
to the file that defines the item, so `crate::NodeId` depends on ids.rs,
not on lib.rs. `mod` declarations themselves are not edges (a parent owns
its children; only naming something across files is a dependency). Test
modules count like any other code: they are compiled into the crate too.

Prints every cycle (each strongly connected group of files, with the lines
that make its edges) and exits 1 if there is one, 0 if there is none.
`--edges` also lists every edge. Comments and string literals are skipped.
Known limits: `#[path]` attributes and macro-generated paths are not
followed; a name brought in by a glob re-export (`pub use a::*;`) resolves
to the module that re-exports it.
"""

import os
import re
import sys
from collections import defaultdict

TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<line_comment>//[^\n]*)
    | (?P<block_comment>/\*)
    | (?P<raw_str>b?r(?P<hashes>\#*)")
    | (?P<str>b?"(?:\\.|[^"\\])*")
    | (?P<char>b?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^'\\\n])')
    | (?P<lifetime>'[A-Za-z_][A-Za-z0-9_]*)
    | (?P<ident>r\#[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)
    | (?P<path_sep>::)
    | (?P<num>[0-9][0-9A-Za-z_.]*)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text):
    """(kind, value, line) for identifiers, `::` and punctuation."""
    out = []
    i, line, n = 0, 1, len(text)
    while i < n:
        m = TOKEN.match(text, i)
        kind = m.lastgroup if m.lastgroup != "hashes" else "raw_str"
        if m.group("block_comment"):
            depth, j = 1, m.end()
            while depth and j < n:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            end = j
        elif m.group("raw_str"):
            close = '"' + m.group("hashes")
            j = text.find(close, m.end())
            end = n if j < 0 else j + len(close)
        else:
            end = m.end()
            if kind in ("ident", "path_sep", "punct"):
                out.append((kind, m.group(kind).removeprefix("r#"), line))
        line += text.count("\n", i, end)
        i = end
    return out


class Module:
    def __init__(self, path, file, parent):
        self.path = path  # tuple of names from the crate root
        self.file = file
        self.parent = parent
        self.children = {}  # name -> Module
        self.imports = {}  # name -> (absolute path tuple, is_glob_source)
        self.globs = []  # absolute module paths glob-imported


def parse_use_tree(toks, i):
    """Parses a use tree starting at toks[i]; returns (leaves, next index).
    A leaf is (segments, alias) with alias None for a glob."""
    leaves = []

    def tree(i, prefix):
        segs = list(prefix)
        if toks[i][1] == "::":
            segs.append("::")  # leading `::`: an external crate
            i += 1
        while True:
            kind, val, _ = toks[i]
            if val == "{":
                i += 1
                while toks[i][1] != "}":
                    i = tree(i, segs)
                    if toks[i][1] == ",":
                        i += 1
                return i + 1
            if val == "*":
                leaves.append((segs, None))
                return i + 1
            if kind != "ident":
                return i + 1  # malformed: skip the token
            segs = segs + [val]
            i += 1
            if toks[i][1] == "::":
                i += 1
                continue
            alias = segs[-1]
            if toks[i][1] == "as":
                alias = toks[i + 1][1]
                i += 2
            if alias == "self":  # `use a::b::{self}` names b
                segs, alias = segs[:-1], segs[-2] if len(segs) > 1 else None
            leaves.append((segs, alias))
            return i

    i = tree(i, [])
    return leaves, i


class Crate:
    def __init__(self, src):
        self.src = src
        self.files = {}  # file -> list of (module, tokens)
        self.modules = {}  # path tuple -> Module
        self.refs = []  # (from module, segments, line, is_use)
        self.unreached = []

    def load(self, root_file, root_path):
        root = Module(root_path, root_file, None)
        self.modules[root_path] = root
        self.load_file(root, os.path.dirname(root_file), True)

    def load_file(self, module, dir_for_children, owns_dir):
        with open(module.file, encoding="utf-8") as f:
            toks = tokens(f.read())
        self.files.setdefault(module.file, [])
        # Children of foo.rs live in foo/, of mod.rs / lib.rs in its own dir.
        child_dir = (
            dir_for_children
            if owns_dir
            else os.path.join(dir_for_children, os.path.basename(module.file)[:-3])
        )
        self.walk(toks, module, child_dir)

    def walk(self, toks, file_module, child_dir):
        stack = [(file_module, child_dir, 0)]  # inline modules
        depth = 0
        i = 0
        toks = toks + [("punct", ";", 0)] * 4
        while i < len(toks) - 4:
            kind, val, line = toks[i]
            module, cdir, _ = stack[-1]
            if val == "{":
                depth += 1
            elif val == "}":
                depth -= 1
                if len(stack) > 1 and depth < stack[-1][2]:
                    stack.pop()
            elif kind == "ident" and val == "mod" and toks[i + 1][0] == "ident":
                name = toks[i + 1][1]
                child = Module(module.path + (name,), None, module)
                module.children[name] = child
                self.modules[child.path] = child
                if toks[i + 2][1] == "{":
                    child.file = module.file
                    stack.append((child, os.path.join(cdir, name), depth + 1))
                    depth += 1
                    i += 3
                    continue
                for cand, owns in ((os.path.join(cdir, name + ".rs"), False),
                                   (os.path.join(cdir, name, "mod.rs"), True)):
                    if os.path.exists(cand):
                        child.file = cand
                        self.load_file(child, os.path.dirname(cand) if owns else cdir, owns)
                        break
                else:
                    child.file = module.file  # out-of-tree (#[path]): ignored
                i += 2
                continue
            elif kind == "ident" and val == "use" and (i == 0 or toks[i - 1][1] != "$"):
                leaves, j = parse_use_tree(toks, i + 1)
                for segs, alias in leaves:
                    self.refs.append((module, segs, line, True))
                    if alias is None:
                        module.globs.append(segs)
                    else:
                        module.imports[alias] = segs
                i = j
                continue
            elif kind == "ident" and toks[i + 1][1] == "::" and toks[i - 1][1] != "::" \
                    and toks[i - 1][1] != "$" \
                    and not (toks[i - 1][1] == "in" and toks[i - 2][1] == "("):
                # (`pub(in crate::world)` names a visibility, not an item.)
                segs, j = [val], i + 1
                while toks[j][1] == "::" and toks[j + 1][0] == "ident":
                    segs.append(toks[j + 1][1])
                    j += 2
                self.refs.append((module, segs, line, False))
                i = j
                continue
            i += 1

    def start(self, module, first):
        """The module a path's first segment names, seen from `module`,
        or None for an external crate or a local name."""
        root = module
        while root.parent:
            root = root.parent
        if first == "crate":
            return root
        if first == "self":
            return module
        if first == "super":
            return module.parent
        if first in module.children:
            return module.children[first]
        return None

    def resolve(self, module, segs, seen=None):
        """The file that defines what `segs` names, seen from `module`."""
        seen = seen or set()
        key = (module.path, tuple(segs))
        if key in seen or not segs or segs[0] == "::":
            return None
        seen.add(key)
        cur = self.start(module, segs[0])
        rest = segs[1:]
        if cur is None:
            target = module.imports.get(segs[0])
            if target is None or target == segs[:1]:
                return None
            return self.resolve(module, list(target) + rest, seen)
        while rest and rest[0] == "super" and cur.parent:
            cur, rest = cur.parent, rest[1:]
        while rest:
            name = rest[0]
            if name in cur.children:
                cur, rest = cur.children[name], rest[1:]
            elif name in cur.imports:
                found = self.resolve(cur, list(cur.imports[name]) + rest[1:], seen)
                return found or cur.file
            else:
                break
        return cur.file

    def edges(self):
        out = defaultdict(list)  # (a, b) -> lines
        for module, segs, line, _ in self.refs:
            target = self.resolve(module, segs)
            if target and target != module.file:
                out[(module.file, target)].append(line)
        return out


def cycles(nodes, adj):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(adj[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(out)


def lines_text(lines):
    """`line 3, 7, 9` (the first five, then how many more)."""
    ls = sorted(set(lines))
    more = f" and {len(ls) - 5} more" if len(ls) > 5 else ""
    return f"line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls[:5]))}{more}"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1 or not os.path.isdir(args[0]):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        print("usage: import-cycles.py <crate src dir> [--edges]", file=sys.stderr)
        return 2
    src = args[0]
    crate = Crate(src)
    roots = [f for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(src, f))]
    bins = os.path.join(src, "bin")
    if os.path.isdir(bins):
        roots += [os.path.join("bin", f) for f in sorted(os.listdir(bins)) if f.endswith(".rs")]
    if not roots:
        print(f"{src}: no lib.rs, main.rs or bin/*.rs", file=sys.stderr)
        return 2
    for r in roots:
        crate.load(os.path.join(src, r), (r,))
    on_disk = {os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".rs")}
    for f in sorted(on_disk - set(crate.files)):
        print(f"note: {os.path.relpath(f, src)} is not reached from a crate root", file=sys.stderr)

    edges = crate.edges()
    rel = lambda f: os.path.relpath(f, src)
    adj = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
    if "--edges" in argv:
        for (a, b), lines in sorted(edges.items()):
            print(f"{rel(a)} -> {rel(b)}  ({lines_text(lines)})")
    found = cycles(set(crate.files), adj)
    print(f"{src}: {len(crate.files)} files, {len(edges)} edges, "
          f"{len(found)} cycle{'s' if len(found) != 1 else ''}")
    for comp in found:
        print("cycle: " + " <-> ".join(rel(f) for f in comp))
        members = set(comp)
        for (a, b), lines in sorted(edges.items()):
            if a in members and b in members:
                print(f"    {rel(a)} -> {rel(b)}  ({lines_text(lines)})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
