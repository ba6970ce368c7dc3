"""The maps: TopoJSON decoding, the projection, simplification, the shared file of country shapes,
each page's map and its text, and the colours' contrast."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter

import sys

import pycountry
import pytest

from builder.site import maps
from builder.site import pages as site
from builder.site.vendor import package_file
from builder.site.words import page_words
from builder.wording import country_name
from conftest import REPO
from test_site import SAMPLE, SCHEMAS, directory_of

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import COUNTRIES  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def world() -> maps.WorldMap:
    atlas, version = package_file(REPO, maps.ATLAS_PACKAGE, maps.ATLAS_FILE)
    return maps.world_map(json.loads(atlas), version)


@pytest.fixture(scope="module")
def sample():
    return directory_of(SAMPLE)


@pytest.fixture(scope="module")
def mapped_pages(sample, world) -> dict[str, site.GeneratedPage]:
    return site.build_pages(sample, SCHEMAS, world=world)


# --- TopoJSON, the projection and simplification ---------------------------------------------------

def test_quantized_arcs_are_delta_decoded_and_scaled():
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-10, -5]},
                "arcs": [[[0, 0], [4, 0], [0, 8], [-2, -4]]]}
    assert maps.decoded_arcs(topology) == [[(-10, -5), (-8, -5), (-8, -3), (-9, -4)]]


def test_arcs_without_a_transform_are_read_as_they_are():
    assert maps.decoded_arcs({"arcs": [[[1.5, 2], [3, 4]]]}) == [[(1.5, 2), (3, 4)]]


def test_an_arc_across_the_180th_meridian_stays_continuous_and_is_cut_there():
    arcs = maps.decoded_arcs({"arcs": [[[178, 10], [-178, 10], [-178, 12], [178, 12], [178, 10]]]})
    assert arcs == [[(178, 10), (182, 10), (182, 12), (178, 12), (178, 10)]]
    pieces = maps._cut_at_antimeridian(arcs[0][:-1])
    assert sorted(sorted({lon for lon, _ in piece}) for piece in pieces) == [[-180, -178], [178, 180]]


def test_rings_follow_arcs_backwards_for_a_negative_index():
    arcs = [[(0, 0), (1, 0), (1, 1)], [(0, 0), (0, 1), (1, 1)]]
    assert maps._ring(arcs, [0, ~1]) == [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]


def test_equal_earth_keeps_areas_and_its_published_proportions():
    x_edge, _ = maps.equal_earth(180, 0)
    _, y_pole = maps.equal_earth(0, 90)
    assert x_edge == pytest.approx(math.pi / (math.sqrt(3) / 2 * 1.340264))
    assert x_edge / y_pole == pytest.approx(2.0550, abs=1e-3)     # the map's width to height

    def projected_area(lat: float) -> float:
        edge = [(i / 50, lat) for i in range(51)] + [(1, lat + i / 50) for i in range(1, 51)]
        ring = edge + [(1 - i / 50, lat + 1) for i in range(1, 51)] + [(0, lat + 1 - i / 50) for i in range(1, 50)]
        return maps._area([maps.equal_earth(lon, la) for lon, la in ring])

    on_the_sphere = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / math.sin(math.radians(1))
    assert projected_area(60) / projected_area(0) == pytest.approx(on_the_sphere, rel=1e-4)


def test_simplification_keeps_the_ends_and_the_corners_and_drops_the_rest():
    line = [(0, 0), (1, 0.01), (2, 0), (3, 0), (4, 5), (5, 10), (6, 10.02), (7, 10)]
    assert maps.kept_points(line, 1.0) == [0, 3, 5, 7]
    assert maps.kept_points(line[:2], 1.0) == [0, 1]


# --- the shared file of country shapes ----------------------------------------------------------

def test_the_edition_named_is_the_one_the_package_redistributes():
    readme = (REPO / "node_modules" / maps.ATLAS_PACKAGE / "README.md").read_text(encoding="utf-8")
    assert f"vector data](http://www.naturalearthdata.com/downloads/), version {maps.NATURAL_EARTH_EDITION}" in readme


def test_every_country_of_the_sample_and_of_the_synthetic_directory_is_drawn(world, sample):
    for code in {i.country for i in sample.institutions.values()} | {c[0] for c in COUNTRIES}:
        assert world.countries[code].path, code


def test_small_countries_are_drawn_at_this_scale(world):
    """Why the 1:50m file: at 1:110m these have no shape at all."""
    for code in ("LU", "SG", "MT", "BH", "HK", "LI", "AD", "MC", "SM"):
        assert world.countries[code].path.count("M") >= 1, code


def test_shapes_without_an_iso_code_are_land_without_an_id(world):
    unnamed = [shape for shape in world.shapes if shape.code is None]
    assert len(unnamed) == 1 and unnamed[0].path          # Kosovo, Somaliland, Northern Cyprus...
    svg = ET.fromstring(maps.world_svg(world))
    paths = svg.find(f"{SVG}g").findall(f"{SVG}path")
    assert sum(1 for path in paths if "id" not in path.attrib) == 1


def test_shapes_sharing_a_code_make_one_country_and_antarctica_is_left_out(world):
    codes = [shape.code for shape in world.shapes if shape.code]
    assert codes == sorted(set(codes))
    assert "AU" in codes and "AQ" not in codes
    assert all(pycountry.countries.get(alpha_2=code) for code in codes)


def test_the_shared_file_is_well_formed_deterministic_and_names_its_source(world):
    first = maps.world_svg(world)
    atlas, version = package_file(REPO, maps.ATLAS_PACKAGE, maps.ATLAS_FILE)
    assert maps.world_svg(maps.world_map(json.loads(atlas), version)) == first
    svg = ET.fromstring(first)
    assert svg.get("viewBox") == f"0 0 {world.width} {world.height}"
    group = svg.find(f"{SVG}g")
    assert group.get("id") == maps.WORLD
    ids = [path.get("id") for path in group if path.get("id")]
    assert len(ids) == len(set(ids)) and "DE" in ids
    assert all(re.fullmatch(r"M-?\d+ -?\d+l[-\d ]+z(M-?\d+ -?\d+l[-\d ]+z)*", path.get("d")) for path in group)
    description = svg.find(f"{SVG}desc").text
    assert f"Natural Earth {maps.NATURAL_EARTH_EDITION}" in description and f"world-atlas {version}" in description
    assert 50_000 < len(first) < 120_000       # one shared file, fetched once, not per page


def test_the_map_is_refused_with_what_to_do_when_the_file_is_not_a_world_atlas():
    with pytest.raises(maps.AtlasError, match="no country shapes"):
        maps.world_map({"type": "Topology", "objects": {}, "arcs": []}, "2.0.2")


# --- each page's map ------------------------------------------------------------------------------

def shaded(figure: maps.MapFigure, fill: str) -> set[str]:
    return {shape.id for layer in figure.layers if layer.fill == fill for shape in layer.shapes}


def test_a_lends_to_map_shades_exactly_the_countries_listed(world):
    figure = maps.lends_to_figure(world, ("DE", "FR", "LU"))
    assert [layer.fill for layer in figure.layers] == [maps.LAND, maps.HIGHLIGHT]
    assert shaded(figure, maps.HIGHLIGHT) == {"DE", "FR", "LU"}
    for code in ("DE", "FR", "LU"):
        box = world.countries[code].main
        assert figure.view.left <= box.left and box.right <= figure.view.right
    assert figure.view.width / figure.view.height == pytest.approx(world.width / world.height, rel=0.01)
    assert figure.view.width < world.width / 4         # Europe, not the world


def test_every_country_but_some_shades_the_world_and_leaves_those_out(world):
    figure = maps.lends_to_figure(world, ("*", "-AU", "-SG"))
    assert figure.view == world.bounds
    assert shaded(figure, maps.HIGHLIGHT) == {maps.WORLD} and shaded(figure, maps.LAND) == {"AU", "SG"}
    assert [(marker.code, marker.fill) for marker in figure.markers] == [("SG", maps.LAND)]


def test_a_country_the_map_cannot_draw_is_named_rather_than_dropped(world):
    figure = maps.lends_to_figure(world, ("FI", "TV"))     # Tuvalu has no shape at 1:50m
    assert figure.missing == ("TV",)
    assert shaded(figure, maps.HIGHLIGHT) == {"FI"}


def test_a_tiny_country_gets_a_dot_at_world_scale_but_not_close_up(world):
    assert [marker.code for marker in maps.lends_to_figure(world, ("US", "SG")).markers] == ["SG"]
    assert maps.country_figure(world, "LU").markers == ()


@pytest.mark.parametrize("counts, expected", [
    ([1, 1, 2, 3], [(1, 1), (2, 2), (3, 3)]),
    (list(range(1, 101)), [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)]),
    ([1] * 30 + [2, 50, 400], [(1, 1), (2, 2), (50, 50), (400, 400)]),
    ([1] * 30 + [2, 3, 4, 5, 50, 400], [(1, 1), (2, 2), (3, 4), (5, 49), (50, 400)]),
])
def test_count_shades_cover_every_count_darker_for_more(counts, expected):
    shades = maps.count_shades(counts)
    assert [(shade.low, shade.high) for shade in shades] == expected
    assert [shade.fill for shade in shades] == sorted((s.fill for s in shades), key=maps.SHADES.index)
    for count in counts:
        assert sum(1 for shade in shades if shade.low <= count <= shade.high) == 1


# --- the maps in the pages -----------------------------------------------------------------------

def map_of(body: str) -> ET.Element:
    """The page's map as XML: it must be well-formed to be read here at all."""
    svg = re.search(r'<svg class="rsd-map-svg".*?</svg>', body, re.DOTALL).group(0)
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def fills_by_country(svg: ET.Element) -> dict[str, str]:
    return {use.get("href").rsplit("#", 1)[1]: group.get("fill")
            for group in svg.findall(f"{SVG}g") for use in group.findall(f"{SVG}use")}


def caption_of(body: str) -> str:
    return re.search(r'<figcaption id="rsd-map-caption">(.*?)</figcaption>', body).group(1)


def test_institution_pages_map_the_countries_they_lend_to(mapped_pages, sample):
    for institution in sample.institutions.values():
        body = mapped_pages[f"institutions/{institution.id}.md"].body
        if institution.terms is None:
            assert "rsd-map" not in body
            continue
        svg = map_of(body)
        assert svg.get("aria-labelledby") == "rsd-map-caption" and svg.get("role") == "img"
        fills = fills_by_country(svg)
        codes = institution.terms.lends_to_codes
        if codes[0] == "*":
            assert fills == {maps.WORLD: maps.HIGHLIGHT, **{code[1:]: maps.LAND for code in codes[1:]}}
        else:
            assert fills == {maps.WORLD: maps.LAND, **{code: maps.HIGHLIGHT for code in codes}}
        # The text beside the map says the same, in words.
        assert caption_of(body) == ("Map of the countries this library lends to, shaded: "
                                    f"{site.lends_to_in_words(institution.lending)}.")
        assert all(use.get("href").startswith("../../assets/world.svg#") for use in svg.iter(f"{SVG}use"))


def test_a_language_s_institution_pages_draw_the_map_with_their_own_link_to_the_shapes(mapped_pages, sample, world):
    # Each map is drawn once per language and reused: a German page, a folder deeper, links one
    # folder further up to the same file, and the English pages keep theirs after it.
    lender = next(i for i in sample.institutions.values() if i.terms is not None)
    german = map_of(site.institution_page(sample, lender, world=world, words=page_words("de")).body)
    assert {use.get("href").split("#")[0] for use in german.iter(f"{SVG}use")} == {"../../../assets/world.svg"}
    assert fills_by_country(german) == fills_by_country(map_of(mapped_pages[f"institutions/{lender.id}.md"].body))
    english = map_of(site.institution_page(sample, lender, world=world).body)
    assert {use.get("href").split("#")[0] for use in english.iter(f"{SVG}use")} == {"../../assets/world.svg"}


def test_country_pages_show_their_country(mapped_pages, sample):
    for code in {institution.country for institution in sample.institutions.values()}:
        body = mapped_pages[f"countries/{code.lower()}.md"].body
        assert fills_by_country(map_of(body)) == {maps.WORLD: maps.LAND, code: maps.HIGHLIGHT}
        name = country_name(code)
        assert caption_of(body) == f"Map of {name} and its surroundings, with {name} shaded."


def test_home_map_legend_and_table_give_the_same_numbers(sample, world):
    body = site.home_summary(sample, "2026-10-20", world)
    counts = Counter(institution.country for institution in sample.institutions.values())
    svg = map_of(body)
    fills = fills_by_country(svg)
    titles = {use.get("href").rsplit("#", 1)[1]: use.find(f"{SVG}title").text
              for use in svg.iter(f"{SVG}use") if use.find(f"{SVG}title") is not None}
    legend = re.findall(r'<li><svg class="rsd-map-swatch"[^>]*><rect [^>]*fill="(#[0-9a-f]{6})"[^>]*/></svg>([^<]*)</li>', body)
    assert legend[0] == (maps.LAND, "No institutions")
    steps = {fill: text for fill, text in legend[1:]}
    for code, count in counts.items():
        words = "1 institution" if count == 1 else f"{count} institutions"
        assert titles[code] == f"{country_name(code)}: {words}"
        assert steps[fills[code]] == words                   # the sample has one step per count
        assert f'">{country_name(code)}</a></td><td>{count}</td>' in body   # the table below the map
    assert set(fills) == {maps.WORLD, *counts}
    assert "Map of the countries with institutions in the directory, shaded by their number of institutions" in body
    assert f"Natural Earth {maps.NATURAL_EARTH_EDITION}" in body and f"{world.package_version}" in body


def test_pages_without_the_country_shapes_have_no_map(sample):
    pages = site.build_pages(sample, SCHEMAS)
    assert not any("rsd-map" in page.body for page in pages.values())


def test_a_map_adds_no_blank_line_to_a_page(mapped_pages, sample, world):
    for body in [page.body for page in mapped_pages.values()] + [site.home_summary(sample, "2026-10-20", world)]:
        assert "\n\n" not in body


# --- colours ---------------------------------------------------------------------------------------

def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


PAGE_BACKGROUND = "#ffffff"


@pytest.mark.parametrize("colour", [maps.HIGHLIGHT, *maps.SHADES])
def test_shaded_countries_stand_out_from_the_land_and_the_sea_by_3_to_1(colour):
    """WCAG 2.2 1.4.11: what tells a shaded country from the others is a graphic needed to
    understand the map."""
    assert contrast(colour, maps.LAND) >= 3
    assert contrast(colour, maps.SEA) >= 3


def test_dots_and_legend_swatches_are_outlined_by_3_to_1_against_what_surrounds_them():
    for surrounding in (maps.LAND, maps.SEA, PAGE_BACKGROUND):
        assert contrast(maps.EDGE, surrounding) >= 3


def test_the_shades_get_darker_with_more_institutions():
    assert [luminance(shade) for shade in maps.SHADES] == sorted(map(luminance, maps.SHADES), reverse=True)


def test_the_built_site_ships_the_shared_file_and_the_home_map_survives_markdown(sample_site, world, sample):
    root, _ = sample_site
    assert (root / maps.SPRITE_PATH).read_bytes() == maps.world_svg(world)
    home = (root / "index.html").read_text(encoding="utf-8")
    built, generated = map_of(home), map_of(site.home_summary(sample, "2026-10-20", world))
    assert ET.tostring(built) == ET.tostring(generated)
    mapped = [path for path in root.glob("institutions/*/index.html")
              if 'class="rsd-map-svg"' in path.read_text(encoding="utf-8")]
    assert mapped
    for path in mapped:
        # Only the map's shapes: the theme's icons on the page point into assets/icons.svg.
        shapes = map_of(path.read_text(encoding="utf-8")).iter(f"{SVG}use")
        for href in {use.get("href").split("#", 1)[0] for use in shapes}:
            assert (path.parent / href).resolve() == (root / maps.SPRITE_PATH).resolve()
