"""A small XML tree that remembers the line of every element, for FILE:LINE problems.

Built on expat directly: ElementTree drops line numbers. Documents with a DOCTYPE (the door
to entity-expansion bombs and external entities) are refused; GraphML and GEXF never need one.
Elements nested deeper than :data:`MAX_DEPTH` are refused too (no real graph file comes close).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

#: GraphML and GEXF need about five levels; anything past this is refused, not recursed into.
MAX_DEPTH = 256


class XMLRefused(ValueError):
    """The file is not well-formed XML, or uses features Maillage refuses (DOCTYPE)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Element:
    """One element: local tag name (namespace dropped), namespace, attributes, line."""

    tag: str
    namespace: str
    attributes: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        """The first child with this local name."""
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        """The children with this local name."""
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str) -> Iterator[Element]:
        """Every descendant (and self) with this local name, in document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            if element.tag == tag:
                yield element
            stack.extend(reversed(element.children))


def parse(path: Path) -> Element:
    """The root element of an XML file; :class:`XMLRefused` with a line when it cannot be."""
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[Element] = []
    root: list[Element] = []

    def refuse_doctype(*_: object) -> None:
        raise XMLRefused("a DOCTYPE is not accepted in GraphML or GEXF", parser.CurrentLineNumber)

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise XMLRefused(
                f"elements nested more than {MAX_DEPTH} deep", parser.CurrentLineNumber
            )
        namespace, _, tag = name.rpartition("}")
        plain = {key.rpartition("}")[2]: value for key, value in attributes.items()}
        element = Element(tag, namespace, plain, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(_: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except LookupError as error:  # an XML declaration naming an unknown encoding
        raise XMLRefused(f"cannot read the file: {error}", 1) from error
    except expat.ExpatError as error:
        raise XMLRefused(
            f"not well-formed XML: {expat.errors.messages[error.code]}", error.lineno
        ) from error
    if not root:
        raise XMLRefused("no XML element in the file", 1)
    return root[0]
