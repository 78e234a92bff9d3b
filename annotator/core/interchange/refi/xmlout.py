"""A small XML writer that keeps every character of every value.

ElementTree writes a carriage return in text as is, and every XML parser turns
it into a line feed on reading; notes typed on Windows would not come back
exactly. Here \\r in text, and \\r, \\n and \\t in attributes, become character
references, which parsers keep. Values reach this writer already XML-safe (see
payload.visible).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})


@dataclass
class Node:
    """An element: its tag, attributes in order (None values are left out), text or children."""

    tag: str
    attrs: dict[str, object] = field(default_factory=dict)
    text: str | None = None
    children: list["Node"] = field(default_factory=list)

    def add(self, tag: str, text: str | None = None, **attrs: object) -> "Node":
        child = Node(tag, attrs, text)
        self.children.append(child)
        return child

    def extend(self, nodes: list["Node"]) -> None:
        self.children.extend(nodes)


def _attributes(attrs: dict[str, object]) -> str:
    return "".join(f' {name}="{_value(value).translate(_ATTR)}"' for name, value in attrs.items() if value is not None)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serialize(root: Node) -> str:
    """The document as text, children indented (only elements without text hold children)."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + fragment(root, 0)


def start(node: Node, depth: int) -> str:
    """An element's start tag on its own line, for writers that stream its children after it."""
    return f"{'  ' * depth}<{node.tag}{_attributes(node.attrs)}>\n"


def end(tag: str, depth: int) -> str:
    return f"{'  ' * depth}</{tag}>\n"


def fragment(root: Node, depth: int) -> str:
    """An element and everything in it, as serialize writes it at that depth."""
    out = []
    # Iterative, so a deep code hierarchy cannot exhaust the recursion limit.
    stack: list[tuple[Node, int, bool]] = [(root, depth, False)]
    while stack:
        node, depth, closing = stack.pop()
        pad = "  " * depth
        if closing:
            out.append(f"{pad}</{node.tag}>\n")
            continue
        head = f"{pad}<{node.tag}{_attributes(node.attrs)}"
        if node.text is not None:
            out.append(f"{head}>{node.text.translate(_TEXT)}</{node.tag}>\n")
        elif not node.children:
            out.append(f"{head}/>\n")
        else:
            out.append(f"{head}>\n")
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in reversed(node.children))
    return "".join(out)
