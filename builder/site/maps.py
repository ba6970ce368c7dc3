"""The site's maps, drawn at build time from Natural Earth's country shapes: the countries with
institutions (home page), a country (its page) and the countries an institution lends to.

The shapes come as TopoJSON from npm's `world-atlas` package, decoded, projected (Equal Earth),
simplified and written here: one shared SVG file holds every country's outline under its ISO
3166-1 alpha-2 code (`world_svg`), and each page's map is a few `<use>` references to it
(`MapFigure`), so ten thousand institution pages do not carry ten thousand world maps.

Pure: the decoded TopoJSON in, the shared file's bytes and each page's figure out.
"""

from __future__ import annotations

import heapq
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pycountry

ATLAS_PACKAGE = "world-atlas"
# 1:50m rather than 1:110m: the small scale leaves out countries libraries are in (Singapore,
# Malta, Bahrain, Hong Kong, Liechtenstein, Andorra, Monaco and 54 more); simplified below, the
# medium scale costs little more in the shared file.
ATLAS_FILE = "countries-50m.json"
# The edition world-atlas 2.0.2 redistributes, as its README says (a test reads it there).
NATURAL_EARTH_EDITION = "4.1.0"
SPRITE_PATH = "assets/world.svg"
WORLD = "w"                  # the id of the shared file's group of every shape
# Antarctica would take a fifth of the map's height and no library lends there.
LEFT_OUT = frozenset({"AQ"})

# Map units across the whole world; shapes are rounded to whole units, so this is the precision.
WIDTH = 8000
# Visvalingam's effective area, in square map units, below which a point is dropped.
SIMPLIFY_AREA = 16.0
# What part of the world a page's map shows: always in the whole map's proportions.
MIN_VIEW_SHARE = 0.08        # a view spans at least this share of the world's width
VIEW_MARGIN = 0.15           # room around the countries shown, as a share of their extent
MARKER_BELOW = 0.015         # a country narrower than this share of the view also gets a dot
MARKER_RADIUS = 0.007        # the dot's radius, as a share of the view's width

# Colours, chosen for WCAG 2.2 contrast (tests/test_maps.py computes the ratios): every shaded
# country stands out from the unshaded land and the sea by 3:1 at least; the shades of the home
# map are told apart by the legend and the table, not by colour alone.
SEA = "#f4f7fa"
LAND = "#d8dde3"
BORDER = "#ffffff"
HIGHLIGHT = "#255189"
SHADES = ("#4c7bb3", "#35649f", "#255189", "#173f70", "#0b2b53")   # fewest institutions first
EDGE = "#202020"             # outline of dots and legend swatches

# Equal Earth (Šavrič, Patterson and Jenny, 2018): equal areas, so no country looks larger than
# it is, and straight parallels.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

Point = tuple[float, float]
Ring = list[Point]


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth of a longitude and latitude in degrees; y grows northwards."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lon) * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    return x, theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))


class AtlasError(ValueError):
    """The TopoJSON file is not what the map needs."""


def decoded_arcs(topology: Mapping) -> list[Ring]:
    """The topology's arcs as longitude and latitude. Quantized arcs are delta-encoded integers
    that the transform scales; each arc is also made continuous where it crosses the 180th
    meridian, so that a later step can cut the shapes there."""
    transform = topology.get("transform")
    scale, translate = ((transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0)))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        shift = 0.0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
            else:
                x, y = position[0], position[1]
            lon, lat = x * scale[0] + translate[0], y * scale[1] + translate[1]
            if points and abs(lon + shift - points[-1][0]) > 180:
                shift += 360 if points[-1][0] > lon + shift else -360
            points.append((lon + shift, lat))
        arcs.append(points)
    return arcs


def kept_points(points: Sequence[Point], min_area: float) -> list[int]:
    """Visvalingam–Whyatt: drop the point that makes the smallest triangle with its neighbours
    until every one left makes one of at least `min_area`. Both ends stay, so arcs shared by two
    countries still meet exactly."""
    count = len(points)
    if count < 3:
        return list(range(count))
    before, after = list(range(-1, count - 1)), list(range(1, count + 1))

    def area(i: int) -> float:
        (ax, ay), (bx, by), (cx, cy) = points[before[i]], points[i], points[after[i]]
        return abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2

    current = {i: area(i) for i in range(1, count - 1)}
    queue = [(value, i) for i, value in current.items()]
    heapq.heapify(queue)
    while queue:
        value, i = heapq.heappop(queue)
        if current.get(i) != value:
            continue            # stale: the point's triangle changed since it was queued
        if value >= min_area:
            break
        del current[i]
        left, right = before[i], after[i]
        after[left], before[right] = right, left
        for neighbour in (left, right):
            if neighbour in current:
                # Never below the area just removed, so points go in the order of their effect.
                current[neighbour] = max(area(neighbour), value)
                heapq.heappush(queue, (current[neighbour], neighbour))
    return [0, *sorted(current), count - 1]


def _clipped(ring: Ring, keep_above: bool, limit: float) -> Ring:
    """The part of a ring on one side of a meridian (Sutherland–Hodgman with one edge)."""
    inside = (lambda lon: lon >= limit) if keep_above else (lambda lon: lon <= limit)
    clipped: Ring = []
    for start, end in zip(ring, ring[1:] + ring[:1]):
        if inside(start[0]):
            clipped.append(start)
        if inside(start[0]) != inside(end[0]):
            share = (limit - start[0]) / (end[0] - start[0])
            clipped.append((limit, start[1] + share * (end[1] - start[1])))
    return clipped


def _cut_at_antimeridian(ring: Ring) -> list[Ring]:
    """A ring that runs past ±180° (eastern Russia, Fiji) as its pieces on the map's two edges."""
    west, east = min(lon for lon, _ in ring), max(lon for lon, _ in ring)
    if west >= -180 and east <= 180:
        return [ring]
    pieces = []
    for turn in range(math.floor((west + 180) / 360), math.floor((east + 180) / 360) + 1):
        low = 360 * turn - 180
        piece = _clipped(_clipped(ring, True, low), False, low + 360)
        if len(piece) >= 3:
            pieces.append([(lon - 360 * turn, lat) for lon, lat in piece])
    return pieces


def _ring(arcs: Sequence[Ring], indexes: Sequence[int]) -> Ring:
    """A ring from its arcs (a negative index ~i is arc i backwards), each arc moved by whole
    turns to start where the last one ended."""
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        if ring:
            turns = round((ring[-1][0] - arc[0][0]) / 360)
            arc = [(lon + 360 * turns, lat) for lon, lat in arc] if turns else arc
            ring.extend(arc[1:])
        else:
            ring.extend(arc)
    return ring


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def union(self, other: "Box") -> "Box":
        return Box(min(self.left, other.left), min(self.top, other.top),
                   max(self.right, other.right), max(self.bottom, other.bottom))

    @classmethod
    def around(cls, points: Iterable[Point]) -> "Box":
        xs, ys = zip(*points)
        return cls(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class CountryShape:
    code: str | None        # ISO 3166-1 alpha-2; None for a shape without an ISO code (Kosovo)
    path: str               # SVG path data in map units; empty when too small to draw
    main: Box               # where its largest part lies, which views centre on


@dataclass(frozen=True)
class WorldMap:
    """The country shapes, projected and simplified, and where they came from."""

    width: int
    height: int
    shapes: tuple[CountryShape, ...]        # codes sorted, shapes without a code last
    package_version: str
    countries: Mapping[str, CountryShape] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", {shape.code: shape for shape in self.shapes if shape.code})

    @property
    def bounds(self) -> Box:
        return Box(0, 0, self.width, self.height)


def _alpha_2(numeric: object) -> str | None:
    country = pycountry.countries.get(numeric=str(numeric)) if numeric is not None else None
    return country.alpha_2 if country else None


def _polygons(geometry: Mapping) -> list[list[list[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []                   # a null geometry has nothing to draw


def _area(ring: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]]))) / 2


def _path_data(rings: Iterable[Sequence[tuple[int, int]]]) -> str:
    """Rings as compact SVG path data: an absolute start, then relative steps, each ring closed."""
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.extend((nx - x, ny - y))
            x, y = nx, ny
        numbers = "".join(f"{n}" if not i or n < 0 else f" {n}" for i, n in enumerate(steps))
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{numbers}z")
    return "".join(parts)


def _rounded(ring: Sequence[Point], origin: Box) -> list[tuple[int, int]] | None:
    """A ring in whole map units from the map's top left corner; None once nothing is left of it."""
    points: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round(x - origin.left), round(y - origin.top))
        if not points or points[-1] != point:
            points.append(point)
    while len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points if len(points) >= 3 and _area(points) > 0 else None


def _country_shape(code: str | None, outlines: list[Ring], holes: list[Ring], origin: Box) -> CountryShape:
    drawn = [rounded for ring in [*outlines, *holes] if (rounded := _rounded(ring, origin))]
    largest = max(outlines, key=_area)
    main = Box.around(largest)
    return CountryShape(code, _path_data(drawn),
                        Box(main.left - origin.left, main.top - origin.top,
                            main.right - origin.left, main.bottom - origin.top))


def _arc_indexes(polygon: Sequence[Sequence[int]]) -> set[int]:
    return {index if index >= 0 else ~index for ring in polygon for index in ring}


def world_map(topology: Mapping, package_version: str) -> WorldMap:
    """The countries of a world-atlas TopoJSON file, ready to draw. Shapes sharing an ISO code
    (Australia and the Ashmore and Cartier Islands) become one country; shapes without one
    (Kosovo, Northern Cyprus, Somaliland) are drawn as land that no map shades on its own."""
    try:
        geometries = [(code, _polygons(geometry)) for geometry in topology["objects"]["countries"]["geometries"]
                      if (code := _alpha_2(geometry.get("id"))) not in LEFT_OUT]
        arcs = decoded_arcs(topology)
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as err:
        raise AtlasError(f"the TopoJSON file has no country shapes where world-atlas puts them ({err!r})") from None
    if not any(polygons for _, polygons in geometries):
        raise AtlasError("the TopoJSON file has no country shapes")
    scale = WIDTH / (2 * equal_earth(180, 0)[0])

    def projected(ring: Ring) -> Ring:
        # SVG's y grows downwards.
        return [(x * scale, -y * scale) for x, y in (equal_earth(lon, lat) for lon, lat in ring)]

    def countries(arc_points: Sequence[Ring]) -> tuple[dict[str | None, list[Ring]], dict[str | None, list[Ring]]]:
        outlines: dict[str | None, list[Ring]] = {}
        holes: dict[str | None, list[Ring]] = {}
        for code, polygons in geometries:
            for polygon in polygons:
                rings = [_ring(arc_points, indexes) for indexes in polygon]
                outlines.setdefault(code, []).extend(projected(p) for p in _cut_at_antimeridian(rings[0]))
                # Holes are filled even-odd, so a hole needs no link to the outline around it.
                holes.setdefault(code, []).extend(projected(p) for ring in rings[1:] for p in _cut_at_antimeridian(ring))
        return outlines, holes

    # Simplified arc by arc, where the map is drawn (in map units), so that two neighbours keep
    # one shared border.
    simplified = [[arc[i] for i in kept_points(projected(arc), SIMPLIFY_AREA)] for arc in arcs]
    outlines, holes = countries(simplified)
    origin = Box.around(point for rings in outlines.values() for ring in rings for point in ring)
    # A small country simplified away (Singapore, Malta, Bahrain) keeps every point of its arcs,
    # and so do its neighbours along the borders they share.
    vanished = {code for code, rings in outlines.items()
                if not any(_rounded(ring, origin) for ring in [*rings, *holes[code]])}
    if vanished:
        unsimplified = set().union(*(_arc_indexes(polygon) for code, polygons in geometries
                                     if code in vanished for polygon in polygons))
        outlines, holes = countries([arc if i in unsimplified else simple
                                     for i, (arc, simple) in enumerate(zip(arcs, simplified))])
        origin = Box.around(point for rings in outlines.values() for ring in rings for point in ring)
    order = sorted(outlines, key=lambda code: (code is None, code or ""))
    shapes = tuple(_country_shape(code, outlines[code], holes[code], origin) for code in order)
    return WorldMap(math.ceil(origin.width), math.ceil(origin.height), shapes, package_version)


def world_svg(world: WorldMap) -> bytes:
    """The shared file every page's map draws from: each country's outline as a path whose id is
    its alpha-2 code, all of them in the group `w`. The paths carry no colour: a `<use>` on a
    page gives it, so one file serves every map."""
    root = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {world.width} {world.height}",
                              # Only for the file opened on its own: a `<use>` does not inherit these.
                              "fill": LAND, "stroke": BORDER})
    ET.SubElement(root, "title").text = "Countries of the world"
    ET.SubElement(root, "desc").text = (
        f"Country shapes from Natural Earth {NATURAL_EARTH_EDITION} (Admin 0, 1:50m, public domain), "
        f"taken from the npm package {ATLAS_PACKAGE} {world.package_version}; Equal Earth projection.")
    group = ET.SubElement(root, "g", {"id": WORLD})
    for shape in world.shapes:
        if shape.path:
            attributes = {"id": shape.code} if shape.code else {}
            ET.SubElement(group, "path", {**attributes, "fill-rule": "evenodd", "d": shape.path})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


@dataclass(frozen=True)
class Shape:
    """One thing a page's map draws from the shared file: a country, or the whole world."""

    id: str                     # its id in the shared file: an alpha-2 code or WORLD
    count: int | None = None    # institutions there, on the home map


@dataclass(frozen=True)
class Layer:
    fill: str
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Marker:
    """A dot over a country too small to see at the map's scale."""

    code: str
    x: float
    y: float
    radius: float
    fill: str
    count: int | None = None


@dataclass(frozen=True)
class Shade:
    """One step of the home map's legend: the colour of the countries with low to high institutions."""

    fill: str
    low: int
    high: int


@dataclass(frozen=True)
class MapFigure:
    """One page's map: the part of the world it shows and what it draws there, in order."""

    view: Box
    layers: tuple[Layer, ...]
    markers: tuple[Marker, ...]
    missing: tuple[str, ...]        # countries it should show but the map has no shape for
    sea: str = SEA
    land: str = LAND
    border: str = BORDER
    edge: str = EDGE

    @property
    def view_box(self) -> str:
        return " ".join(coordinate(value) for value in (self.view.left, self.view.top, self.view.width, self.view.height))

    @property
    def stroke_width(self) -> str:
        """Borders about half a pixel wide at the width the site shows a map, whatever its zoom."""
        return coordinate(self.view.width / 1200)

    @property
    def edge_width(self) -> str:
        """The outline of dots, about a pixel wide."""
        return coordinate(self.view.width / 600)


def coordinate(value: float) -> str:
    """A coordinate as few characters as it needs: whole units, or one decimal on a close view."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def view_around(world: WorldMap, codes: Iterable[str]) -> Box:
    """The part of the world that shows these countries (their largest parts) with some of their
    surroundings, with the world map's proportions; the whole world when that is all of it."""
    boxes = [world.countries[code].main for code in codes if code in world.countries]
    if not boxes:
        return world.bounds
    around = boxes[0]
    for box in boxes[1:]:
        around = around.union(box)
    proportion = world.width / world.height
    margin = VIEW_MARGIN * max(around.width, around.height * proportion)
    width = max(around.width + 2 * margin, (around.height + 2 * margin) * proportion, MIN_VIEW_SHARE * world.width)
    if width >= world.width:
        return world.bounds
    height = width / proportion
    left = min(max((around.left + around.right - width) / 2, 0), world.width - width)
    top = min(max((around.top + around.bottom - height) / 2, 0), world.height - height)
    return Box(round(left), round(top), round(left + width), round(top + height))


def _figure(world: WorldMap, view: Box, layers: Sequence[Layer]) -> MapFigure:
    """The figure with dots for the small countries its layers draw, and the countries the map
    has no shape for left out of the layers (the text beside the map still names them)."""
    drawn = world.countries
    markers = []
    kept_layers = []
    for layer in layers:
        shapes = tuple(shape for shape in layer.shapes
                       if shape.id == WORLD or (shape.id in drawn and drawn[shape.id].path))
        if shapes:
            kept_layers.append(Layer(layer.fill, shapes))
        for shape in layer.shapes:
            country = drawn.get(shape.id)
            if country is None or max(country.main.width, country.main.height) >= MARKER_BELOW * view.width:
                continue
            x, y = (country.main.left + country.main.right) / 2, (country.main.top + country.main.bottom) / 2
            if view.left <= x <= view.right and view.top <= y <= view.bottom:
                markers.append(Marker(shape.id, round(x, 1), round(y, 1), round(MARKER_RADIUS * view.width, 1),
                                      layer.fill, shape.count))
    missing = sorted({shape.id for layer in layers for shape in layer.shapes
                      if shape.id != WORLD and shape.id not in drawn})
    return MapFigure(view, tuple(kept_layers), tuple(markers), tuple(missing))


def country_figure(world: WorldMap, code: str) -> MapFigure:
    """A country among its neighbours."""
    return _figure(world, view_around(world, [code]),
                   [Layer(LAND, (Shape(WORLD),)), Layer(HIGHLIGHT, (Shape(code),))])


def lends_to_figure(world: WorldMap, lends_to: Sequence[str]) -> MapFigure:
    """The countries an institution lends to, from `LendingTerms.lends_to_codes`: `("*", "-AU")`
    shades the world but Australia, `("DE", "FR")` shades Germany and France."""
    if lends_to and lends_to[0] == "*":
        excluded = tuple(Shape(code.removeprefix("-")) for code in lends_to[1:])
        return _figure(world, world.bounds, [Layer(HIGHLIGHT, (Shape(WORLD),)), Layer(LAND, excluded)])
    return _figure(world, view_around(world, lends_to),
                   [Layer(LAND, (Shape(WORLD),)), Layer(HIGHLIGHT, tuple(Shape(code) for code in lends_to))])


def count_shades(counts: Iterable[int], steps: int = len(SHADES)) -> tuple[Shade, ...]:
    """The legend of a map shaded by count: one step per count when there are few, else steps
    that split the counts that occur into groups of about the same size, so that one large
    country, or many with one institution each, do not leave every other in a single step;
    darker means more."""
    distinct = sorted(set(counts))
    if not distinct:
        return ()
    if len(distinct) <= steps:
        lows = highs = distinct
    else:
        lows = [distinct[len(distinct) * step // steps] for step in range(steps)]
        highs = [low - 1 for low in lows[1:]] + [distinct[-1]]
    # Few steps take colours from the whole range, so that neighbours in the legend differ clearly.
    colours = [SHADES[round(i * (len(SHADES) - 1) / (len(lows) - 1))] if len(lows) > 1 else SHADES[-1]
               for i in range(len(lows))]
    return tuple(Shade(colour, low, high) for colour, low, high in zip(colours, lows, highs))


def count_figure(world: WorldMap, counts: Mapping[str, int]) -> tuple[MapFigure, tuple[Shade, ...]]:
    """The countries with institutions, shaded by how many, and the legend of the shades."""
    shades = count_shades(counts.values())
    layers = [Layer(LAND, (Shape(WORLD),))]
    for shade in shades:
        layers.append(Layer(shade.fill, tuple(Shape(code, count) for code, count in sorted(counts.items())
                                              if shade.low <= count <= shade.high)))
    return _figure(world, view_around(world, counts), layers), shades
