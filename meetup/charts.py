"""Charts drawn on the server: pygal's SVG in the house style, inlined in a page.

pygal writes a <script> (its tooltips) and a <style> into every drawing; the
pages' content security policy allows neither inline, and nothing here needs a
script. So a filter on pygal's XML (its hook for changing a drawing before it is
written) takes them out, names the drawing for assistive technology
(role="img", <title>, <desc>), and the style comes from ``static/charts.css``,
which pygal writes from its own templates: ``python -m meetup.charts >
static/charts.css`` (a test keeps the file current).
"""

from dataclasses import dataclass
from xml.etree import ElementTree

import pygal
from markupsafe import Markup
from pygal.style import Style

HOUSE_STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1d232b",
    foreground_strong="#1d232b",
    foreground_subtle="#56606c",
    opacity=".9",
    opacity_hover=".9",
    transition="none",
    guide_stroke_color="#dedad2",
    major_guide_stroke_color="#dedad2",
    colors=("#1f6f5c", "#c2571a", "#3b5ba5", "#8a4b00"),
    font_family='system-ui, -apple-system, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", sans-serif',
    title_font_size=18,
    legend_font_size=16,
    label_font_size=15,
    major_label_font_size=15,
    value_font_size=14,
)
KINDS = {"line": pygal.Line, "bar": pygal.Bar, "stacked": pygal.StackedBar}
# Every drawing carries this class; the stylesheet is scoped to it.
CHART_CLASS = "pygal-chart"
_STYLESHEET_ID = "stylesheet"


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]  # None: no point or bar for that label


def _config(**options) -> dict:
    return dict(
        style=HOUSE_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=640,
        height=400,
        legend_at_bottom=True,
        stroke_style={"width": 3},
        x_label_rotation=30,
        min_scale=4,
        show_x_guides=False,
        include_x_axis=True,
        **options,
    )


def _inline_safely(chart_id: str, title: str, description: str):
    def xml_filter(root):
        for parent in list(root.iter()):
            for child in list(parent):
                # Comments carry the day it was drawn; scripts, inline style and the
                # tooltip layer (which only a script shows) are refused by the page's policy.
                if (
                    child.tag is ElementTree.Comment
                    or child.tag in ("script", "style")
                    or "tooltip-overlay" in child.get("class", "")
                ):
                    parent.remove(child)
        root.set("id", chart_id)
        root.set("role", "img")
        root.set("aria-labelledby", f"{chart_id}-title")
        root.set("aria-describedby", f"{chart_id}-desc")
        name = root.find("title")  # the drawing's own (axis labels have theirs further down)
        name.set("id", f"{chart_id}-title")
        name.text = title
        desc = ElementTree.Element("desc", id=f"{chart_id}-desc")
        desc.text = description
        root.insert(list(root).index(name) + 1, desc)
        return root

    return xml_filter


def chart(
    kind: str,
    chart_id: str,
    *,
    title: str,
    description: str,
    x_title: str,
    y_title: str,
    labels: list[str],
    series: list[Series],
) -> Markup:
    """One chart as inline SVG: ``kind`` is "line", "bar" or "stacked" (bars)."""
    drawing = KINDS[kind](
        **_config(title=title, x_title=x_title, y_title=y_title, legend_at_bottom_columns=len(series))
    )
    drawing.add_xml_filter(_inline_safely(chart_id, title, description))
    drawing.x_labels = labels
    for one in series:
        drawing.add(one.label, one.values)
    return Markup(drawing.render(is_unicode=True))


def stylesheet() -> str:
    """The drawings' stylesheet, written by pygal from its own templates for the house
    style, scoped to CHART_CLASS instead of one drawing's id."""
    drawing = pygal.Line(**_config(pretty_print=True))
    drawing.uuid = _STYLESHEET_ID
    for n in range(len(HOUSE_STYLE.colors)):
        drawing.add(str(n), [n])
    root = ElementTree.fromstring(drawing.render(is_unicode=True))
    css = "\n".join(element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}style"))
    scoped = css.replace(f"#chart-{_STYLESHEET_ID} ", f".{CHART_CLASS} ")
    return (
        "/* The charts' style, written by pygal for the house style: python -m meetup.charts > static/charts.css */\n"
        + scoped.strip()
        + "\n\n/* Wide enough to read on a phone: the frames scroll sideways. */\n"
        + ".chart-frame, .table-frame { overflow-x: auto; margin-bottom: 1rem; }\n"
        + f".chart-frame .{CHART_CLASS} {{ display: block; width: 100%; min-width: 480px; height: auto; }}\n"
    )


if __name__ == "__main__":
    print(stylesheet(), end="")
