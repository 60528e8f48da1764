"""Small, light, server-side SVG map of Việt Nam with points on it. Pure Python: imports nothing from Django.

render(points) returns one self-contained ``<svg>`` string: no JavaScript, no tiles, nothing fetched at
run time. Projection: equirectangular, longitudes scaled by cos(latitude of the view's centre).

Outline data: Natural Earth 1:10m Admin 0 countries, v4.1.0 (public domain, naturalearthdata.com), as
redistributed in the npm package ``world-atlas`` 2.0.2 (``countries-10m.json``, TopoJSON). The Việt Nam
polygons (mainland plus coastal islands such as Phú Quốc, Côn Đảo, Cát Bà, Vân Đồn, Phú Quý) were decoded,
simplified with Douglas–Peucker (0.006°) and rounded to 0.01°. Each ring in ``_OUTLINE`` is
"lon,lat" of its first vertex in hundredths of a degree, then the deltas to the next vertices (same unit).

Hoàng Sa (Paracel) and Trường Sa (Spratly) are Việt Nam's and are always drawn as such (small island marks
with labels). Their positions are those of Natural Earth's 10m island polygons, completed with the
published coordinates of the main features (to within a few kilometres).

CSS hooks (the output looks fine without any CSS; the defaults are presentation attributes, which any
stylesheet rule overrides): ``.vnmap .land`` (the outline, one path: fill/stroke), ``.vnmap .isl`` (the
island marks, one path of round-capped dots: stroke/stroke-width), ``.vnmap .isl-lbl`` (group of the
archipelago labels: fill/font-size), ``.vnmap .pts`` (group of the points: fill/stroke), ``.vnmap .pt`` and
``.vnmap .pt-<kind>`` (one circle per point, e.g. ``.pt-main``, ``.pt-sale``), ``.vnmap .lbls`` (point labels
as text, drawn only on larger maps with few points). Make it fluid with
``.vnmap {max-width: 100%; height: auto}``.
"""

import functools
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal
from xml.sax.saxutils import escape

_OUTLINE: tuple[str, ...] = (
    (
        "10752,1470 0,2 -2,3 1,1 -2,4 5,6 2,3 -10,7 -1,2 -1,5 8,2 6,0 1,1 -1,4 3,4 2,6 3,1 0,6 -2,3 -5,4 "
        "-2,7 -6,0 -1,1 -1,6 -3,0 -1,3 -4,0 -3,-2 -1,1 -5,9 -6,3 -2,3 -1,7 -8,5 0,2 4,7 4,-1 7,5 8,2 6,9 "
        "-1,3 0,3 -10,-1 -3,0 -6,7 -3,2 -6,2 -2,2 -2,8 -6,3 -9,1 -2,4 -4,3 -2,4 -3,0 2,8 -2,3 -3,0 -2,-5 "
        "-4,-3 -2,-3 -2,0 0,1 -3,0 -2,1 -3,8 1,6 -1,1 -7,2 -2,3 -2,4 0,29 -1,2 -2,-3 -9,4 -2,5 0,2 -5,6 "
        "-4,6 1,4 -2,2 0,3 -3,1 -1,-2 -3,-3 -4,2 -16,13 -20,23 -10,5 -2,6 -6,9 -3,3 -2,4 2,7 -2,4 -2,1 "
        "-2,5 -4,2 -1,4 -2,1 0,1 -1,4 -6,2 -2,-1 -1,-3 -1,-1 -5,2 -2,2 0,5 -1,1 -6,0 -1,3 -5,3 -1,1 0,5 "
        "-7,6 -1,3 3,12 2,2 3,0 1,2 0,1 -3,2 -3,5 -4,0 -8,3 -7,1 -2,3 -3,1 -5,-1 -11,3 -2,2 -6,2 -3,3 "
        "-4,3 -5,6 -3,2 -7,0 -5,7 -6,2 -4,3 -2,1 -3,-1 -1,1 0,4 -5,3 -13,6 -5,-1 -6,3 -2,3 -4,1 1,2 5,2 "
        "4,5 7,3 2,-1 2,6 3,1 0,2 -2,6 -5,4 -2,5 0,3 2,0 7,-3 3,1 2,3 9,2 1,-2 4,-1 1,-2 5,2 4,1 3,-4 "
        "10,-5 4,0 3,2 4,-1 4,10 3,2 5,2 2,2 5,2 1,6 -6,2 2,4 8,4 1,3 5,0 3,2 -1,7 2,1 -6,6 1,4 -9,4 -4,0 "
        "-9,-2 -3,1 -1,2 1,5 2,1 1,2 -1,3 -7,4 -3,3 -15,0 -7,3 1,2 5,3 3,5 2,-2 3,-1 4,3 7,8 1,3 -2,1 "
        "-11,4 -2,2 0,3 -2,1 -6,1 -2,3 -5,3 -4,6 -2,1 -4,-1 -3,4 -7,1 -3,2 -3,0 -5,-5 -5,-1 -10,-3 -3,-2 "
        "-5,0 -3,-7 1,-3 -5,-3 -1,-1 2,-4 -3,-1 -3,0 -8,7 -8,2 -6,7 -1,0 -4,-3 -4,0 -10,4 -5,0 -9,4 -4,6 "
        "-6,11 -1,2 -5,1 -1,1 -1,6 -1,2 -4,2 1,4 0,1 -4,2 -5,0 1,2 7,4 0,8 4,6 -1,0 -6,-2 4,6 8,9 -1,5 "
        "0,7 -1,4 -10,-4 -1,2 -1,10 -2,2 -2,-2 0,-8 -1,-3 -6,-5 -7,0 -1,2 -1,5 1,6 -5,11 -3,3 -8,3 -1,4 "
        "1,2 -6,4 -3,6 -3,1 -7,7 -8,5 -1,2 -5,3 1,3 -4,5 1,3 2,1 7,-1 1,2 2,7 13,13 -3,4 1,1 3,0 2,1 2,6 "
        "1,2 3,0 5,-2 1,-5 3,0 3,2 2,-3 8,-2 6,-4 8,-3 7,-12 6,-2 5,-3 4,1 0,5 9,5 1,2 -2,2 1,3 10,6 7,12 "
        "1,0 4,-1 4,-4 1,-7 6,-8 3,-1 5,5 0,7 4,7 6,3 14,-14 8,-8 3,-1 2,-4 4,-2 3,2 0,4 3,15 5,6 14,5 "
        "3,0 -1,-5 1,-4 1,-1 9,-4 11,6 10,9 4,-3 2,1 5,-1 4,1 7,8 5,2 1,4 -3,13 6,3 1,4 3,1 4,-2 11,8 9,2 "
        "2,2 4,-2 2,2 1,5 6,5 2,0 3,-7 3,-2 4,0 2,-1 4,-8 6,-3 1,-9 1,-1 14,-2 3,-2 4,-1 9,-11 3,3 8,0 "
        "4,5 13,0 7,-3 2,-4 2,-5 3,-1 19,4 3,3 9,-2 3,-5 2,0 2,2 2,0 4,-4 2,-3 6,0 1,-2 -1,-1 -4,-3 -1,-4 "
        "-4,-7 -2,-5 -1,-1 -2,0 -4,4 -3,-1 -4,-13 -1,-3 1,-9 2,-2 6,-1 1,-1 3,-9 -2,-3 2,-5 0,-3 1,-1 "
        "0,-3 -2,-7 0,-3 2,-1 6,5 5,-3 9,-1 3,-4 2,-1 5,2 4,-1 1,-2 0,-2 -3,-5 0,-2 1,-1 7,-1 3,-2 7,-6 "
        "4,-1 6,1 3,-3 3,-7 2,-2 8,5 1,0 2,-2 0,-3 5,-2 2,3 8,0 8,1 5,4 4,0 5,-2 4,-5 12,-10 -6,-5 -1,2 "
        "1,2 -2,5 -3,0 0,-1 -1,-1 -1,2 -1,-4 -1,0 -1,4 -2,-1 1,-3 -1,2 -1,-1 0,2 -2,0 -3,-1 4,-2 0,-1 "
        "-1,1 1,-3 -3,-1 1,-1 -2,-3 -3,0 -1,-1 -4,1 -1,-3 -2,0 0,-2 -1,-1 1,-1 -2,0 1,-1 -2,1 -1,-4 -3,0 "
        "-2,1 -1,3 -2,1 0,-4 2,-1 -1,0 -6,0 -2,2 -3,1 -1,-1 3,-3 -7,-2 0,-1 -2,-7 2,-1 2,1 -1,-7 -2,-2 "
        "1,-1 -2,-1 2,-5 -4,-2 -8,-1 -4,-1 2,-1 -2,0 -2,-3 1,-1 -5,0 0,-1 -1,1 -7,2 3,4 5,4 -4,-1 -3,-2 "
        "1,2 -1,0 -2,-2 0,2 -1,0 0,-3 0,3 -2,0 1,-2 -1,0 1,-1 -2,0 -2,2 -1,-1 4,-4 -3,-2 -5,0 -7,4 -1,1 "
        "0,-1 -2,0 9,-8 0,-1 -4,1 -2,3 1,-3 -2,-3 -4,4 0,2 -2,-1 -3,1 -1,2 5,2 -2,2 1,1 -1,2 -2,0 1,-2 "
        "-3,0 -3,2 -2,-1 1,-1 -6,2 -2,-1 4,-1 0,-1 -2,1 0,-1 3,-5 6,-1 1,-3 -2,-3 -2,2 -2,-2 4,-3 1,-2 "
        "0,-3 -1,0 -2,1 2,-4 5,-4 2,-5 -4,3 -5,-2 -6,1 4,-3 0,-1 -3,-2 -3,-1 -3,0 -2,3 1,-2 3,-2 0,-2 "
        "-5,-3 -6,-3 3,-1 3,2 -1,-2 1,-3 0,-2 -4,-1 -2,-3 6,2 2,-1 -2,-7 -1,-1 0,1 -1,0 2,-3 1,-7 -1,-2 "
        "-4,5 -4,0 1,-2 1,2 3,-2 2,-4 0,-2 -11,-2 -7,-1 1,2 -2,-1 0,-2 -3,-1 -4,-7 -3,-2 -2,-3 -6,-5 1,3 "
        "-1,1 -2,-6 -7,-3 0,7 -3,-7 -5,4 -8,-7 1,-5 -2,-3 -1,-6 -2,2 -4,-4 1,0 5,1 -3,-6 -3,0 -5,-8 0,-5 "
        "0,2 -2,0 -1,-1 0,-1 2,2 1,-4 -1,-11 0,-4 -1,1 -1,-3 -2,0 4,-8 0,-1 -2,1 1,-2 1,0 0,-2 -3,-1 "
        "-1,-3 -3,-1 -1,-6 1,-6 -4,-3 -3,1 -5,-6 -1,-4 2,-8 4,-3 5,-2 -2,-3 -1,2 -2,1 1,-3 4,-1 3,-3 1,-2 "
        "-2,-4 2,-1 -1,-6 2,1 -1,9 3,-1 0,-6 3,-10 6,-8 3,-4 4,0 0,-2 3,-5 12,-11 1,-3 -2,0 1,-1 7,2 "
        "10,-7 8,-7 0,-2 -1,1 -3,-1 0,-1 1,-1 2,1 0,-2 1,-2 1,4 3,0 3,3 1,-1 -1,-3 1,-2 9,-12 -5,-6 -3,-1 "
        "1,-1 -1,-2 3,-10 3,-4 -1,-1 -4,2 -1,2 -6,3 -9,0 3,-2 11,-2 -1,-1 -2,1 -2,-1 0,-2 3,-2 -2,2 3,1 "
        "9,-3 6,-8 6,-13 13,-13 35,-25 2,-3 -1,-4 8,-10 -6,-5 5,0 0,2 3,2 1,-2 27,-20 10,-9 4,-1 0,-1 "
        "-4,1 -13,6 -3,0 8,-4 4,-1 0,-2 3,1 5,-3 0,-1 -3,1 0,-1 5,0 -1,-2 1,-3 4,2 1,-2 4,-3 7,-8 2,-1 "
        "-1,-1 -3,2 1,-8 4,-2 2,1 1,-2 1,0 5,3 -1,4 2,1 6,-4 3,3 2,-6 3,-5 -4,2 0,-1 0,-1 15,-2 -5,-5 "
        "-1,-2 0,-3 6,-5 1,2 2,0 0,-5 -3,-4 5,2 1,-1 -2,7 1,4 -2,1 1,3 3,0 5,-3 1,3 1,-1 1,-2 -4,-3 0,1 "
        "-4,0 -1,-4 2,-7 3,-4 8,-6 1,-2 -3,-1 4,1 1,-7 4,-6 16,-22 3,-2 3,1 -1,-4 -2,2 -2,-1 -1,-2 1,-1 "
        "2,-2 2,1 3,4 1,-5 6,-5 1,-5 -1,-1 2,2 3,0 -3,1 0,1 0,3 2,1 -1,2 3,0 1,-5 4,-4 0,-5 4,-3 3,-1 "
        "-2,-2 -3,-1 0,-1 2,0 0,-1 -1,1 -1,-6 -2,1 -2,-1 1,-1 2,0 1,-2 1,3 1,-9 2,-8 7,-14 -2,0 3,-3 "
        "7,-10 0,-4 -1,2 1,-11 -1,1 -2,-3 1,-1 1,3 3,-9 2,-3 0,-8 2,-4 4,-5 1,-5 -1,-2 5,-9 -2,1 -2,3 "
        "-3,0 0,-1 1,-2 5,-4 2,-7 2,-11 4,-4 -1,-12 -3,0 0,6 -2,7 -1,-1 -2,-7 1,0 1,-3 2,0 -3,-2 -1,-4 "
        "2,-2 0,-6 2,-3 4,-3 0,-2 -1,0 1,-3 -8,12 -1,0 0,-2 3,-3 0,-3 3,-2 -1,-1 3,-3 2,1 -1,-3 1,-2 2,1 "
        "0,-4 -2,-3 -4,2 3,2 0,2 -4,2 -2,0 -1,-3 0,-2 1,-1 -1,-4 5,-4 2,1 1,-1 0,-2 -2,0 1,-3 -3,1 -1,-1 "
        "4,-6 -1,3 2,1 -1,2 2,-2 0,-3 -1,-2 0,-3 0,-7 2,-4 2,-2 12,-17 -1,-5 -3,0 2,2 -1,1 -2,-2 -2,-2 "
        "-3,-1 1,-2 -1,-3 5,-9 5,-3 0,-1 -2,-1 0,-7 -1,0 -1,1 -2,4 -1,1 2,2 -2,4 0,-2 -3,0 1,-1 -1,-2 "
        "-1,2 -2,0 5,5 -2,4 -1,5 -13,-11 -2,-4 0,-10 1,-1 1,3 1,1 -1,1 2,0 -2,-5 1,-2 6,-4 -1,-3 1,-2 "
        "5,-3 -2,-1 1,-1 -1,-1 -1,2 -2,-4 -2,1 -6,8 -4,2 -3,-1 2,-2 -2,1 3,-4 2,0 1,-7 3,-2 0,-2 -2,1 "
        "-1,-4 -3,2 3,-3 0,-2 1,-3 -3,1 -1,-2 1,1 2,-1 0,-3 2,-2 -2,-3 1,-6 3,-5 4,-3 -1,-3 -1,-1 0,-2 "
        "0,-2 3,-2 -2,-1 -4,2 -2,0 0,3 0,7 -1,4 1,0 -3,6 0,4 -1,1 -2,-2 2,-3 0,-3 3,-4 0,-3 -3,-6 -3,-2 "
        "-1,0 -1,-4 0,-3 3,-1 4,5 1,0 -2,-3 2,-5 3,-5 -1,-3 -1,1 0,-1 -3,-4 -1,-4 -3,-2 -1,-4 -2,1 -5,0 "
        "-2,2 -1,4 -2,-1 0,-1 2,-2 -1,-4 1,-2 -3,0 2,-2 0,-5 -1,-6 0,-4 -1,-3 -6,-3 -2,0 -6,2 -5,-1 -5,-4 "
        "-4,-10 -3,0 -5,1 -4,-1 -3,0 -2,-2 -3,-1 -3,-3 -3,-7 -10,-3 -3,-7 -2,-1 -2,-3 -1,0 -1,3 -2,1 "
        "-15,-3 -5,-5 -2,-10 -4,-7 -8,2 -10,-3 -4,-3 -20,-9 -5,-6 -2,-1 -8,-3 -10,-2 -6,-7 -8,3 3,2 -5,5 "
        "-3,0 0,-1 -4,2 -4,-1 0,3 -3,-4 0,3 -4,-2 0,2 4,2 0,2 0,7 -2,3 2,-1 -1,3 -4,4 0,-2 3,-2 -1,-4 "
        "2,-2 -1,-4 2,-2 -3,1 1,1 -2,1 1,3 0,3 -1,0 -1,-6 1,-3 2,-2 -2,-1 -3,-4 0,3 -2,5 0,5 -6,5 -5,-2 "
        "-4,5 -2,1 -2,-2 -1,-1 2,-2 1,-4 -4,-8 -4,-2 -2,0 -1,2 1,-2 -2,-1 -2,-3 -3,-2 -2,5 0,-4 2,-2 2,1 "
        "4,3 1,-4 2,0 2,4 1,0 2,0 5,-8 1,-8 -1,-2 -1,-1 -8,1 -10,0 -18,3 6,-4 24,-8 4,-3 4,-1 -1,-5 -5,-6 "
        "-2,-1 -2,1 1,2 -1,1 -3,-5 2,-2 -3,-1 -1,-3 -6,1 -4,4 -5,2 -6,5 -8,13 -3,3 -4,1 6,-5 2,-5 11,-14 "
        "8,-4 5,-4 9,-4 -2,-4 -1,-2 1,3 -2,1 0,-3 -2,-2 -3,-1 -2,0 -8,9 -12,6 -25,27 -3,0 5,-4 3,-8 10,-8 "
        "2,-3 17,-15 4,-6 1,-4 4,-2 1,-2 0,-7 -4,-7 -4,-3 -3,0 -3,-1 -5,1 -14,8 -18,17 -14,15 -3,3 -8,3 "
        "8,-9 17,-17 2,-6 11,-15 1,-7 -4,-5 3,-2 -1,-3 -17,-6 -48,-18 -10,-9 -1,-3 -2,-1 0,-2 -10,-17 "
        "-5,-5 -8,-2 -8,-11 -24,-6 -14,3 0,1 4,1 7,4 0,2 -1,1 1,1 8,-2 3,2 2,2 -5,-2 -4,0 -2,1 0,2 6,1 "
        "2,1 -1,2 0,4 -10,-4 -3,1 -2,4 4,12 0,11 1,14 1,37 3,18 3,11 8,0 1,2 1,2 9,5 1,0 2,-8 0,9 -7,10 "
        "-4,4 -4,2 -6,-1 -3,2 -6,9 -4,2 -3,0 -3,-1 -3,-2 0,-3 -2,0 -1,-3 -4,0 0,2 1,1 -3,4 0,5 -4,4 0,-2 "
        "-1,0 0,3 -4,5 0,1 2,1 1,2 0,2 -3,-3 -3,-1 -2,0 1,3 -1,1 3,0 9,11 6,0 14,-1 5,0 3,1 9,11 10,5 3,2 "
        "0,4 -4,6 -2,7 2,3 5,4 2,-4 15,-3 7,-4 4,7 5,5 6,-2 16,3 10,5 2,0 7,-10 3,-7 3,-2 2,0 2,3 1,4 "
        "6,-6 5,-3 12,-2 2,-2 -3,9 -3,7 1,4 6,1 -3,7 -3,3 -2,1 -2,-3 -1,2 -7,6 -2,4 -9,4 -1,5 -5,2 4,14 "
        "-3,12 -5,2 -1,2 1,3 4,4 2,0 7,-2 6,8 0,3 3,2 9,-2 5,0 6,-3 5,-4 8,1 8,-3 0,2 -3,7 0,1 2,4 0,3 "
        "2,3 -5,11 4,1 4,-3 4,2 13,-1 -1,2 5,-1 2,0 3,6 4,4 11,-1 7,2 17,15 3,5 6,3 11,2 2,-1 3,-5 2,-2 "
        "3,0 3,5 5,3 1,1 5,13 -1,4 2,6 -3,15 -1,8 -4,7 -2,8 1,4 -2,3 15,35 -1,13 0,3 -9,16 -7,11 0,4 -1,3 "
        "2,4 -2,5 0,2 -2,2 -4,0 -2,0 -1,2 0,6 -2,4 4,12 0,5 -1,2 0,3 4,8 2,1 1,-1 2,0 3,3 1,6 3,3 -1,6 "
        "3,8"
    ),
    (
        "10708,2080 2,-1 -2,0 -1,2 -1,-1 1,-2 -1,0 -3,1 1,-2 3,-2 0,-2 -1,1 -1,-4 0,3 -2,-1 0,1 0,-1 -1,1 "
        "2,0 -1,2 -1,-1 -2,1 1,-2 -3,1 -3,5 -4,3 0,2 3,1 1,2 1,1 -1,-1 1,-1 5,-2 0,2 2,0 2,-1 -1,-2 5,-1 "
        "2,-2 -3,1"
    ),
    (
        "10688,1046 -5,1 -1,0 1,0 3,-4 0,-2 -2,0 -3,0 -5,8 -1,8 3,1 1,2 -4,7 3,-1 3,-3 3,0 1,-2 0,-3 "
        "-1,-2 3,-4 0,-2 -3,0 3,-1"
    ),
    "10758,2121 2,1 0,-1 -5,-5 -3,0 -5,-6 -8,-5 -2,1 5,14 1,-1 2,2 -1,4 2,2 1,0 4,-4 1,0 1,-3",
    "10621,962 8,-3 0,-5 -2,-1 -3,0 1,3 -1,2 -4,3 -1,-1 4,-4 -2,0 -1,1 -6,8 -3,8 -2,3",
    "10408,1037 1,-12 -6,-15 2,-3 -1,-2 1,-4 -4,2 -2,13 -5,11 -8,5 -2,5 9,0 4,3 1,4 2,1",
    "10666,874 -2,0 2,-4 -3,0 -3,0 0,-4 -2,0 -2,2 1,3 6,4 3,2 1,-1 0,-1 -1,0",
    "10694,1044 4,-3 -9,-4 -1,4 0,3 1,2 0,2 0,-1 -1,2 1,2 4,1 2,-1 -3,-8",
    "10691,1053 -1,-1 -1,1 -4,3 2,5 -2,2 4,1 4,-4 -1,-2 1,-3 -1,-1 -3,4",
    "10717,1046 4,-3 -2,0 0,-1 -3,-3 -4,-2 -3,-5 -2,5 1,2 4,1 4,2",
    "10684,2088 4,-6 1,-2 -4,0 -3,8 -1,-2 1,-2 -5,2 -1,2 3,5 4,-1",
    "10933,1222 2,-2 -2,-1 -1,1 -2,-1 1,0 -4,1 -3,3 3,-1 0,2",
    "10753,2102 2,2 1,0 -5,-12 -12,-2 10,6 0,3 2,3 1,-1 1,3",
    "10787,2139 13,1 -5,-3 -2,1 -9,-3 1,2 1,-1 1,1 -4,0 0,1",
    "10752,2091 3,6 1,-1 -1,-4 -7,-10 -2,-1 2,4 -1,3 4,1",
    "10774,2102 5,-3 -2,0 1,-2 -1,-1 -3,-2 2,3 0,1 -2,2",
    "10762,2112 1,0 0,-1 -5,-13 -2,1 1,0 0,3 2,3 0,4",
    "10672,1027 4,-1 -1,-2 -3,-1 -3,2 -13,3 -5,2 8,-2",
    "10650,989 4,-5 -1,-1 -1,1 -2,4 -3,1 -5,5 2,-1",
    "10894,1055 2,-1 1,-2 -1,-2 -2,0 -2,3",
    "10939,1260 1,-4 -9,5 1,2 3,0 3,-1",
    "10737,2083 1,-1 0,-2 -3,1 -1,3",
    "10738,2089 1,-2 -2,-1 -4,2 1,1",
    "10781,2136 1,-1 -11,-4 7,5",
    "10783,2103 3,0 -4,-4 0,2",
)


def _decode(rings: tuple[str, ...]) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Delta-encoded hundredths of a degree → rings of (lon, lat) floats."""
    out = []
    for ring in rings:
        x = y = 0
        pts = []
        for pair in ring.split():
            dx, dy = pair.split(",")
            x += int(dx)
            y += int(dy)
            pts.append((x / 100, y / 100))
        out.append(tuple(pts))
    return tuple(out)


#: Việt Nam's mainland and coastal islands: rings of (lon, lat).
OUTLINE = _decode(_OUTLINE)

#: Quần đảo Hoàng Sa (Paracel Islands): (lat, lon) of the main islands and reefs.
HOANG_SA: tuple[tuple[float, float], ...] = (
    (16.53, 111.60),  # đảo Hoàng Sa
    (16.58, 111.68),  # nhóm Lưỡi Liềm (islet of the Natural Earth data)
    (16.45, 111.71),  # đảo Quang Hòa
    (16.05, 111.76),  # đảo Bạch Quy
    (15.78, 111.20),  # đảo Tri Tôn
    (17.08, 111.50),  # đá Bắc
    (16.83, 112.33),  # đảo Phú Lâm
    (16.93, 112.34),  # nhóm An Vĩnh (islet of the Natural Earth data)
    (16.66, 112.73),  # đảo Linh Côn
    (16.04, 112.52),  # bãi Bông Bay
)

#: Quần đảo Trường Sa (Spratly Islands): (lat, lon) of the main islands, cays and reefs.
TRUONG_SA: tuple[tuple[float, float], ...] = (
    (11.43, 114.33),  # đảo Song Tử Tây
    (11.04, 114.28),  # đảo Thị Tứ
    (11.11, 115.02),  # đảo Bến Lạc
    (10.83, 115.84),  # đảo Bình Nguyên
    (10.73, 115.82),  # đảo Vĩnh Viễn
    (10.68, 114.42),  # đảo Loại Ta
    (10.37, 114.47),  # đảo Sơn Ca
    (10.37, 114.36),  # đảo Ba Bình
    (10.18, 114.36),  # đảo Nam Yết
    (10.24, 115.37),  # islet of the Natural Earth data
    (10.06, 113.85),  # đá Lớn
    (9.88, 114.33),  # đảo Sinh Tồn
    (9.69, 114.38),  # islet of the Natural Earth data
    (9.90, 115.53),  # đá Vành Khăn
    (9.55, 112.89),  # đá Chữ Thập
    (8.97, 113.69),  # đảo Phan Vinh
    (8.85, 112.22),  # đá Tây
    (8.83, 112.60),  # đá Đông
    (8.64, 111.92),  # đảo Trường Sa
    (8.37, 115.23),  # đá Công Đo
    (8.93, 112.35),  # đảo Trường Sa Đông
    (8.15, 113.30),  # đá Thuyền Chài
    (7.87, 112.92),  # đảo An Bang
)

#: Small offshore islands missing from the Natural Earth outline, drawn as marks: (lat, lon).
OTHER_ISLETS: tuple[tuple[float, float], ...] = (
    (20.13, 107.72),  # Bạch Long Vĩ
    (17.16, 107.34),  # Cồn Cỏ
    (15.38, 109.12),  # Lý Sơn
    (9.30, 103.48),  # Thổ Chu
    (8.43, 104.83),  # Hòn Khoai
)

#: Where the archipelago labels go (baseline centre, just north of each archipelago): (lat, lon).
_LABEL_ANCHORS = {"hoang_sa": (17.45, 112.0), "truong_sa": (11.85, 113.9)}

#: Default (Vietnamese) archipelago labels; pass ``island_labels`` to render() to translate them.
ISLAND_LABELS: Mapping[str, str] = MappingProxyType(
    {"hoang_sa": "Quần đảo Hoàng Sa", "truong_sa": "Quần đảo Trường Sa"}
)
DEFAULT_TITLE = "Bản đồ Việt Nam"

#: Points outside this box (lat_min, lat_max, lon_min, lon_max) are skipped.
ACCEPT_BOX = (7.5, 24.0, 101.5, 118.0)
#: The whole-country frame: mainland, both archipelagos and room for their labels.
COUNTRY_BOX = (7.3, 23.75, 101.8, 116.6)
#: fit="points": the smallest span shown, in degrees of latitude (and the same distance east–west).
MIN_SPAN_DEG = 1.5
_KM_PER_DEG = 111.32

_LAND_ATTRS = 'fill="#e6eedf" stroke="#6f8f6a" stroke-width=".6" stroke-linejoin="round"'
_ISL_FILL = "#5b7d57"
_PT_FILL = "#1f6fb5"
_MAIN_FILL = "#d62828"
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KIND = re.compile(r"[A-Za-z0-9_-]{1,40}")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_CTRL_SPACE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class Point:
    """One point on the map; ``label`` is its tooltip (SVG <title>), ``kind`` a CSS class suffix."""

    lat: float
    lon: float
    label: str
    href: str = ""
    kind: str = ""


@dataclass(frozen=True)
class _View:
    lat_top: float
    lon_left: float
    kx: float  # px per degree of longitude
    ky: float  # px per degree of latitude
    width: int
    height: int

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon_left) * self.kx, (self.lat_top - lat) * self.ky

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        return -margin <= x <= self.width + margin and -margin <= y <= self.height + margin


def _text(value: object) -> str:
    """Escaped XML character data."""
    return escape(_XML_BAD.sub("", str(value)))


def _attr(value: object) -> str:
    """Escaped XML attribute value (for use between double quotes)."""
    return escape(_XML_BAD.sub("", str(value)), {'"': "&quot;"})


def _safe_href(href: object) -> str:
    """The href, or "" when it uses a scheme other than http(s)/mailto/tel (javascript:, data:, …)."""
    href = str(href or "").strip()
    match = _SCHEME.match(_CTRL_SPACE.sub("", href))
    if match and match.group(1).lower() not in _SAFE_SCHEMES:
        return ""
    return href


def _num(tenths: int) -> str:
    """An integer number of tenths as the shortest decimal: 123 → "12.3", -4 → "-.4", 50 → "5"."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac}" if whole else f"{sign}.{frac}"


def _px(value: float) -> str:
    """A coordinate in px, rounded to 0.1."""
    return _num(round(value * 10))


def _coord(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _valid(points: Iterable[Point]) -> list[tuple[float, float, Point]]:
    """(lat, lon, point) for the points with finite coordinates inside ACCEPT_BOX; others are skipped."""
    lat_min, lat_max, lon_min, lon_max = ACCEPT_BOX
    out = []
    for point in points:
        lat, lon = _coord(getattr(point, "lat", None)), _coord(getattr(point, "lon", None))
        if lat is not None and lon is not None and lat_min <= lat <= lat_max and lon_min <= lon <= lon_max:
            out.append((lat, lon, point))
    return out


def _points_box(valid: list[tuple[float, float, Point]], pad_km: float) -> tuple[float, float, float, float]:
    lats = [lat for lat, _, _ in valid]
    lons = [lon for _, lon, _ in valid]
    lat_min, lat_max, lon_min, lon_max = min(lats), max(lats), min(lons), max(lons)
    cos = math.cos(math.radians((lat_min + lat_max) / 2))
    pad = pad_km if math.isfinite(pad_km) and pad_km > 0 else 0.0
    dlat, dlon = pad / _KM_PER_DEG, pad / (_KM_PER_DEG * cos)
    lat_min, lat_max, lon_min, lon_max = lat_min - dlat, lat_max + dlat, lon_min - dlon, lon_max + dlon
    if lat_max - lat_min < MIN_SPAN_DEG:
        mid = (lat_min + lat_max) / 2
        lat_min, lat_max = mid - MIN_SPAN_DEG / 2, mid + MIN_SPAN_DEG / 2
    if (lon_max - lon_min) * cos < MIN_SPAN_DEG:
        mid, half = (lon_min + lon_max) / 2, MIN_SPAN_DEG / cos / 2
        lon_min, lon_max = mid - half, mid + half
    return lat_min, lat_max, lon_min, lon_max


def _make_view(box: tuple[float, float, float, float], width: int, height: int | None, clamp: bool) -> _View:
    """Fit box into width×height (height from the box's aspect ratio when None), centred."""
    lat_min, lat_max, lon_min, lon_max = box
    lat_mid, lon_mid = (lat_min + lat_max) / 2, (lon_min + lon_max) / 2
    cos = math.cos(math.radians(lat_mid))
    w_deg, h_deg = (lon_max - lon_min) * cos, lat_max - lat_min  # both in degrees of latitude
    if height is None:
        aspect = h_deg / w_deg
        if clamp:
            aspect = min(max(aspect, 0.6), 1.6)
        height = max(1, round(width * aspect))
    if h_deg / w_deg < height / width:
        h_deg = w_deg * height / width
    else:
        w_deg = h_deg * width / height
    k = width / w_deg
    return _View(lat_mid + h_deg / 2, lon_mid - w_deg / cos / 2, k * cos, k, width, height)


def _clip_edge(pts: list[tuple[float, float]], axis: int, bound: float, keep_above: bool):
    """One Sutherland–Hodgman step: keep the part of the ring on one side of x=bound or y=bound."""
    out: list[tuple[float, float]] = []
    prev = pts[-1]
    prev_in = prev[axis] >= bound if keep_above else prev[axis] <= bound
    for cur in pts:
        cur_in = cur[axis] >= bound if keep_above else cur[axis] <= bound
        if cur_in != prev_in:
            t = (bound - prev[axis]) / (cur[axis] - prev[axis])
            out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
        if cur_in:
            out.append(cur)
        prev, prev_in = cur, cur_in
    return out


def _clip(pts: list[tuple[float, float]], x0: float, y0: float, x1: float, y1: float):
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if len(pts) < 3:
            return []
        pts = _clip_edge(pts, axis, bound, keep_above)
    return pts


def _douglas_peucker(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on an open polyline (first and last points kept)."""
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, best_i = tol, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = abs(dx * (py - ay) - dy * (px - ax)) / length if length else math.hypot(px - ax, py - ay)
            if d > best:
                best, best_i = d, i
        if best_i >= 0:
            keep[best_i] = True
            stack += [(a, best_i), (best_i, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _simplify_ring(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on a closed ring, split at the vertex farthest from the first one."""
    if len(pts) < 4:
        return pts
    x0, y0 = pts[0]
    far = max(range(len(pts)), key=lambda i: (pts[i][0] - x0) ** 2 + (pts[i][1] - y0) ** 2)
    first = _douglas_peucker(pts[: far + 1], tol)
    second = _douglas_peucker([*pts[far:], pts[0]], tol)
    return first[:-1] + second[:-1]


@functools.lru_cache(maxsize=32)  # the country frame at a given size is always the same
def _outline_path(view: _View, tol: float = 0.7, margin: float = 4.0) -> str:
    """The outline as one path "d", clipped to the frame plus a margin, simplified to tol px."""
    x0, y0, x1, y1 = -margin, -margin, view.width + margin, view.height + margin
    subpaths = []
    for ring in OUTLINE:
        pts = [view.xy(lat, lon) for lon, lat in ring]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
            continue
        if max(xs) - min(xs) < 1.2 and max(ys) - min(ys) < 1.2:
            continue  # smaller than a pixel or so
        if min(xs) < x0 or max(xs) > x1 or min(ys) < y0 or max(ys) > y1:
            pts = _clip(pts, x0, y0, x1, y1)
        if len(pts) < 3:
            continue
        ints: list[tuple[int, int]] = []
        for x, y in _simplify_ring(pts, tol):
            p = (round(x * 10), round(y * 10))
            if not ints or ints[-1] != p:
                ints.append(p)
        while len(ints) > 1 and ints[-1] == ints[0]:
            ints.pop()
        if len(ints) < 3:
            continue
        tokens = []
        for (ax, ay), (bx, by) in itertools.pairwise(ints):
            tokens += [_num(bx - ax), _num(by - ay)]
        body = tokens[0] + "".join(t if t[0] == "-" else " " + t for t in tokens[1:])
        subpaths.append(f"M{_num(ints[0][0])} {_num(ints[0][1])}l{body}z")
    return "".join(subpaths)


def _islands(view: _View, labels: Mapping[str, str], font_size: float) -> str:
    """Hoàng Sa, Trường Sa and other small islands as dots, plus the two archipelago labels.

    The dots are one path of zero-length segments with round caps (a dot of diameter stroke-width each):
    about a third of the bytes of one <circle> per island.
    """
    r = min(2.5, max(1.3, view.ky / 18))
    min_gap = round(r * 12)  # tenths of a px: dots closer than 1.2 r are merged
    seen: list[tuple[int, int]] = []
    for lat, lon in HOANG_SA + TRUONG_SA + OTHER_ISLETS:
        x, y = view.xy(lat, lon)
        if not view.contains(x, y, r):
            continue
        xi, yi = round(x * 10), round(y * 10)
        if not any(abs(xi - a) < min_gap and abs(yi - b) < min_gap for a, b in seen):
            seen.append((xi, yi))
    out = ""
    if seen:
        d = "".join(f"M{_num(xi)} {_num(yi)}h0" for xi, yi in seen)
        out += (
            f'<path class="isl" fill="none" stroke="{_ISL_FILL}" stroke-width="{_px(2 * r)}" '
            f'stroke-linecap="round" d="{d}"/>'
        )
    texts = []
    for key, (lat, lon) in _LABEL_ANCHORS.items():
        x, y = view.xy(lat, lon)
        if view.contains(x, y):
            texts.append(
                f'<text x="{_px(x)}" y="{_px(y)}">{_text(labels.get(key) or ISLAND_LABELS[key])}</text>'
            )
    if texts:
        out += (
            f'<g class="isl-lbl" fill="{_ISL_FILL}" font-size="{_px(font_size)}" font-family="sans-serif" '
            f'text-anchor="middle">{"".join(texts)}</g>'
        )
    return out


def _points(view: _View, valid: list[tuple[float, float, Point]], show_labels: bool, font_size: float) -> str:
    n = len(valid)
    base_r = 4.0 if n <= 20 else 3.0 if n <= 100 else 2.5
    circles, texts = [], []
    # Main points last, so they are drawn on top.
    for lat, lon, point in sorted(valid, key=lambda v: getattr(v[2], "kind", "") == "main"):
        kind = str(getattr(point, "kind", "") or "")
        main = kind == "main"
        r = base_r + 1.5 if main else base_r
        x, y = view.xy(lat, lon)
        if not view.contains(x, y, r):
            continue
        cls = f"pt pt-{kind}" if _KIND.fullmatch(kind) else "pt"
        fill = f' fill="{_MAIN_FILL}"' if main else ""
        label = _text(getattr(point, "label", "") or "")
        title = f"<title>{label}</title>" if label else ""
        circle = f'<circle class="{cls}" cx="{round(x)}" cy="{round(y)}" r="{_px(r)}"{fill}'
        href = _safe_href(getattr(point, "href", ""))
        if href:
            circles.append(f'<a href="{_attr(href)}">{title}{circle}/></a>')
        else:
            circles.append(f"{circle}>{title}</circle>" if title else f"{circle}/>")
        if show_labels and label:
            right = x > view.width * 0.66
            tx = x - r - 3 if right else x + r + 3
            anchor = ' text-anchor="end"' if right else ""
            texts.append(
                f'<text class="lbl" x="{_px(tx)}" y="{_px(y + font_size * 0.35)}"{anchor}>{label}</text>'
            )
    out = f'<g class="pts" fill="{_PT_FILL}" stroke="#fff" stroke-width="1">{"".join(circles)}</g>'
    if texts:
        out += (
            f'<g class="lbls" font-size="{_px(font_size)}" font-family="sans-serif" fill="#222" '
            'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
            f"{''.join(texts)}</g>"
        )
    return out


def render(
    points: Iterable[Point],
    *,
    width: int = 320,
    height: int | None = None,
    fit: Literal["country", "points"] = "country",
    pad_km: float = 30,
    title: str = "",
    island_labels: Mapping[str, str] | None = None,
    css_class: str = "vnmap",
    show_labels: bool | None = None,
) -> str:
    """Render the points on a map of Việt Nam as one ``<svg>`` string.

    fit="country": the whole country with Hoàng Sa and Trường Sa; fit="points": the points' bounding box
    plus ``pad_km`` (at least MIN_SPAN_DEG across), the outline clipped by the frame. With no valid point,
    fit="points" falls back to the country. ``height`` defaults to what the aspect ratio gives.
    ``island_labels`` overrides ISLAND_LABELS (keys "hoang_sa", "truong_sa"). ``show_labels`` draws the
    point labels as text (default: only when width >= 400 and there are at most 12 points).
    Points with non-finite coordinates or outside ACCEPT_BOX are skipped.
    """
    if fit not in ("country", "points"):
        raise ValueError(f"fit must be 'country' or 'points', not {fit!r}")
    width = int(width)
    if width <= 0 or (height is not None and int(height) <= 0):
        raise ValueError("width and height must be positive")
    height = None if height is None else int(height)
    valid = _valid(points)
    if fit == "points" and valid:
        view = _make_view(_points_box(valid, pad_km), width, height, clamp=True)
    else:
        view = _make_view(COUNTRY_BOX, width, height, clamp=False)
    font_size = min(14.0, max(7.0, width * 0.028))
    if show_labels is None:
        show_labels = width >= 400 and len(valid) <= 12
    labels = {**ISLAND_LABELS, **(island_labels or {})}
    role = "group" if any(_safe_href(getattr(p, "href", "")) for _, _, p in valid) else "img"
    name = _attr(title or DEFAULT_TITLE)
    return "".join(
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {view.width} {view.height}" '
            f'width="{view.width}" height="{view.height}" role="{role}" aria-label="{name}" '
            f'class="{_attr(css_class)}">',
            f"<title>{_text(title or DEFAULT_TITLE)}</title>\n",
            f'<path class="land" {_LAND_ATTRS} d="{_outline_path(view)}"/>\n',
            _islands(view, labels, font_size),
            "\n",
            _points(view, valid, bool(show_labels), font_size),
            "</svg>",
        )
    )
