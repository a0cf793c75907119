"""The server's real HTML, read the way the tests read it: parsed by the standard library into a small tree of
elements, to follow ids, ancestors, attributes and text in document order. Every test that reads a page or a
fragment goes through `Document`; what a page's parts mean (a thread's nesting, a chart's bars) is said in the
tests that need it."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    """One element: its tag, its attributes (`attrs`, and `attr_pairs` as written, repeats included), its
    parent and what it holds, elements and text in document order."""

    def __init__(self, tag, attr_pairs, parent):
        self.tag, self.attr_pairs, self.attrs, self.parent = tag, attr_pairs, dict(attr_pairs), parent
        self.contents = []  # child elements and strings of text, in document order

    def __getitem__(self, name):
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    @property
    def children(self):
        return [item for item in self.contents if isinstance(item, Element)]

    @property
    def text(self):
        """The text inside as a reader reads it: each run of whitespace (no-break spaces too) one space."""
        return " ".join(" ".join(self._texts()).split())

    @property
    def raw_text(self):
        """The text inside exactly as written (a textarea's value, say)."""
        return "".join(self._texts())

    def _texts(self):
        for item in self.contents:
            if isinstance(item, Element):
                yield from item._texts()
            else:
                yield item

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def iter(self):
        """Every element inside, in document order."""
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Elements inside with this tag whose attributes have these values (`class_` matches one class,
        `for_` is `for`, `data_figure` is `data-figure`)."""
        wanted_class = attrs.pop("class_", None)
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.get(name.rstrip("_").replace("_", "-")) == value for name, value in attrs.items())
            and (wanted_class is None or wanted_class in (element.get("class") or "").split())
        ]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]


class Document(Element):
    """A page or a fragment of one, parsed. Besides an element's questions it answers a few every page test
    asks: its whole text, its links, its meta tags, and its form fields' values."""

    def __init__(self, html):
        super().__init__("#document", [], None)
        builder = _TreeBuilder(self)
        builder.feed(html)
        builder.close()

    def by_id(self, element_id):
        found = [element for element in self.iter() if element.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    @property
    def all_text(self):
        return self.text

    @property
    def links(self):
        """Every link's address, in order."""
        return [link.get("href") for link in self.find_all("a")]

    @property
    def scripts(self):
        """Every script's address (None for one written in the page), in order."""
        return [script.get("src") for script in self.find_all("script")]

    @property
    def meta(self):
        """The meta tags' content by property or name, and the canonical address as "canonical"."""
        found = {
            meta.get("property") or meta.get("name"): meta.get("content") for meta in self.find_all("meta")
        }
        for link in self.find_all("link", rel="canonical"):
            found["canonical"] = link.get("href")
        return found

    @property
    def form_values(self):
        """Each named input's value ("" when it has none); the last one wins when names repeat."""
        return {
            field["name"]: field.get("value", "") for field in self.find_all("input") if field.get("name")
        }

    @property
    def textareas(self):
        """Each named textarea's text, as written."""
        return {area["name"]: area.raw_text for area in self.find_all("textarea") if area.get("name")}


class _TreeBuilder(HTMLParser):
    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self._open = [document]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self._open[-1])
        self._open[-1].contents.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._open[-1].contents.append(Element(tag, attrs, self._open[-1]))

    def handle_endtag(self, tag):
        # An end tag closes the nearest open element of its name, and any left open inside it; a stray one is
        # ignored, as browsers do.
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        self._open[-1].contents.append(data)
