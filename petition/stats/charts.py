"""Charts drawn on the server by pygal as SVG: no script, readable by any browser, and accessible
through a <title> and a <desc> (WAI-ARIA Graphics: role="img" named by them), with the same
figures in a table beside each chart on the page."""

import math
import xml.etree.ElementTree as ET

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from petition.stats.service import Table

# The site's colours (static/css/site.css): the brand green, then colours told apart by people
# with the common colour-vision deficiencies (Okabe and Ito's palette).
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d1d1f",
    foreground_strong="#1d1d1f",
    foreground_subtle="#6b6b6b",
    font_family="'Noto Sans', 'DejaVu Sans', Arial, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    colors=("#0b6b3a", "#e69f00", "#56b4e9", "#cc79a7", "#009e73", "#d55e00"),
)


def _chart(table: Table):
    common = {
        "style": STYLE,
        "js": [],  # no script: pygal's tooltips would load one from another site
        "disable_xml_declaration": True,
        "width": 800,
        "height": 360,
        "explicit_size": False,
        "show_legend": len(table.columns) > 2 or table.kind == "pie",
        "legend_at_bottom": True,
        "print_values": False,
        "truncate_label": -1,
        "truncate_legend": -1,
        "no_data_text": _("Pas encore de données."),
    }
    if table.kind == "pie":
        return pygal.Pie(**common, inner_radius=0.4)
    # Whole numbers of signatures or comments: ticks at whole steps, never 0.2 of a signature.
    top = max((value for row in table.rows for value in row[1:] if isinstance(value, int)), default=0)
    step = max(1, math.ceil(top / 5))
    common["y_labels"] = list(range(0, max(top, 1) + step, step))
    if table.kind == "hbar":
        return pygal.HorizontalBar(**common)
    many = len(table.rows) > 12
    return pygal.Bar(
        **common,
        x_label_rotation=40 if many else 0,
        show_minor_x_labels=not many,
        x_labels_major_every=max(1, len(table.rows) // 8) if many else None,
    )


def draw(table: Table) -> str:
    """The SVG document of `table`'s chart (its first column as labels, each numeric column a series)."""
    chart = _chart(table)
    chart.title = table.title
    labels = [str(row[0]) for row in table.rows]
    numeric = [
        i for i, _name in enumerate(table.columns) if i > 0 and all(isinstance(r[i], int) for r in table.rows)
    ]
    if table.kind == "pie":
        for label, value in zip(labels, (row[1] for row in table.rows), strict=True):
            chart.add(label, [value])
    else:
        if table.kind == "hbar":
            # Drawn from the bottom up: reversed, the first row of the table is the top bar.
            labels, rows = labels[::-1], table.rows[::-1]
        else:
            rows = table.rows
        chart.x_labels = labels
        for index in numeric:
            chart.add(str(table.columns[index]), [row[index] for row in rows])
    return accessible(chart.render_tree(), table.description)


def accessible(svg: ET.Element, description: str) -> str:
    """The drawing as SVG text, named for assistive technologies (role="img" labelled by the
    chart's <title> and a <desc>), without the <script> of configuration pygal writes for its
    optional tooltips: nothing runs in a chart."""
    for parent in list(svg.iter()):
        for child in list(parent):
            if child.tag == "script":
                parent.remove(child)
    title = next(child for child in svg if child.tag == "title")
    title.set("id", "chart-title")
    desc = ET.Element("desc", {"id": "chart-desc"})
    desc.text = description
    svg.insert(list(svg).index(title) + 1, desc)
    svg.set("role", "img")
    svg.set("aria-labelledby", "chart-title chart-desc")
    return ET.tostring(svg, encoding="unicode")
