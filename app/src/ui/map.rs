//! The Leaflet map: created once the circle is known, then given a basemap (tiles or the
//! bundled GeoJSON), the circle's outline, the walking rings around the origin, the origin pin
//! and the outlet markers.

use super::basemap::Basemap;
use super::card::escape;
use super::i18n::tr;
use super::leaflet_ext::{attribution_control, div_icon, geo_json, object, string_at};
use super::markers::MarkerSpec;
use super::outlet_layer::OutletLayer;
use crate::domain::{bbox, Circle};
use js_sys::{Array, Reflect};
use leaflet::{
    DivIconOptions, LatLng, LatLngBounds, LayerGroup, Map, MapOptions, Marker, MarkerOptions,
    Point, Svg, SvgOptions, TileLayer, TileLayerOptions, Zoom, ZoomOptions,
};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// The walking rings' colour; nearer rings are drawn more opaque.
pub const RING_COLOR: &str = "#0b7285";

/// The coverage gaps' colour: a red-orange that reads over the basemap and the rings.
pub const GAP_COLOR: &str = "#d9480f";

/// A ring to draw: its minutes, GeoJSON geometry text and where its label goes.
pub struct RingShape<'a> {
    pub minutes: u32,
    pub geojson: &'a str,
    pub top: Option<[f64; 2]>,
}

impl<'a> From<&'a super::walking::Ring> for RingShape<'a> {
    fn from(r: &'a super::walking::Ring) -> Self {
        RingShape {
            minutes: r.minutes,
            geojson: &r.geojson,
            top: r.top,
        }
    }
}

/// What tells a drawn ring from another: its minutes and a hash of its shape.
fn ring_key(r: &RingShape) -> (u32, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    r.geojson.hash(&mut h);
    (r.minutes, h.finish())
}

/// (stroke opacity, fill opacity, dash) by a ring's rank: 0 = the smallest.
fn ring_look(rank: usize) -> (f64, f64, Option<&'static str>) {
    match rank {
        0 => (0.95, 0.13, None),
        1 => (0.7, 0.10, None),
        _ => (0.5, 0.08, Some("6 5")),
    }
}

const OSM_ATTRIBUTION: &str =
    "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors";

pub struct MapView {
    map: Map,
    outlets: Rc<OutletLayer>,
    basemap: Rc<RefCell<Option<Rc<Basemap>>>>,
    rings: LayerGroup,
    ring_labels: LayerGroup,
    /// The rings drawn now, smallest first (`ring_key`).
    drawn_rings: RefCell<Vec<(u32, u64)>>,
    ring_renderer: Svg,
    gaps: LayerGroup,
    gap_renderer: Svg,
    origin: RefCell<Option<Marker>>,
    route: LayerGroup,
    route_renderer: Svg,
    _on_map_click: Closure<dyn Fn(JsValue)>,
    _on_dblclick: Closure<dyn Fn(JsValue)>,
    _on_zoom: Closure<dyn Fn(JsValue)>,
}

fn bounds(bbox: [f64; 4]) -> LatLngBounds {
    let [w, s, e, n] = bbox;
    LatLngBounds::new(&LatLng::new(s, w), &LatLng::new(n, e))
}

fn pair(x: f64, y: f64) -> JsValue {
    Array::of2(&x.into(), &y.into()).into()
}

impl MapView {
    /// `on_select` gets the tapped outlet's id; `on_tap` the lon/lat of a tap on the map itself
    /// (not on a marker; a double tap zooms and is not a tap).
    pub fn new(
        el: &HtmlElement,
        circle: Option<&Circle>,
        on_select: impl Fn(Option<i64>) + 'static,
        on_tap: impl Fn([f64; 2]) + 'static,
    ) -> MapView {
        let opts = MapOptions::new();
        opts.set_prefer_canvas(true);
        opts.set_zoom_control(false);
        opts.set_attribution_control(false);
        opts.set_max_zoom(19.0);
        opts.set_zoom_snap(0.25);
        let map = Map::new_with_element(el, &opts).expect("Leaflet is loaded before the app");

        match circle {
            Some(c) => {
                let b = bounds(c.bbox);
                // Room at the top for the sample banner and at the bottom for the legend and
                // zoom buttons, so no marker starts hidden under them.
                map.fit_bounds_with_options(
                    &b,
                    &object(&[
                        ("paddingTopLeft", pair(8.0, 48.0)),
                        ("paddingBottomRight", pair(8.0, 104.0)),
                    ]),
                );
                // Keep the circle in reach: residents should not get lost panning away.
                let [w, s, e, n] = c.bbox;
                let (dx, dy) = ((e - w).max(0.005), (n - s).max(0.005));
                map.set_max_bounds(&bounds([w - dx, s - dy, e + dx, n + dy]));
                map.set_min_zoom((map.get_zoom() - 1.5).floor());
            }
            None => {
                map.set_view(&LatLng::new(31.245, 121.44), 15.0);
            }
        }

        // Bottom-right, bottom up: attribution, then the zoom buttons above it.
        let attribution = attribution_control(&object(&[
            ("prefix", JsValue::FALSE),
            ("position", "bottomright".into()),
        ]));
        attribution.add_attribution(OSM_ATTRIBUTION);
        attribution.add_to(&map);
        let mut zoom = ZoomOptions::new();
        zoom.set_position("bottomright");
        zoom.set_zoom_in_title(tr("放大", "Zoom in"));
        zoom.set_zoom_out_title(tr("缩小", "Zoom out"));
        Zoom::new(&zoom).add_to(&map);

        // Rings above the circle's wash, under street names and markers; their minute labels
        // and the origin pin above the markers (they let taps through).
        for (pane, z) in [
            ("circle", "420"),
            ("rings", "430"),
            ("gaps", "440"),
            ("route", "445"),
            ("labels", "450"),
            ("ringLabels", "640"),
            ("origin", "650"),
        ] {
            let p = map.create_pane_by_name(pane);
            let _ = p.style().set_property("z-index", z);
            let _ = p.style().set_property("pointer-events", "none");
        }

        let rings = LayerGroup::new();
        rings.add_to(&map);
        let ring_labels = LayerGroup::new();
        ring_labels.add_to(&map);
        // SVG, not the map's canvas: each ring is a DOM path with its own classes.
        let svg_opts = SvgOptions::new();
        svg_opts.set_pane("rings".into());
        let ring_renderer = Svg::with_options(&svg_opts);
        let gaps = LayerGroup::new();
        gaps.add_to(&map);
        let gap_opts = SvgOptions::new();
        gap_opts.set_pane("gaps".into());
        let gap_renderer = Svg::with_options(&gap_opts);

        let route = LayerGroup::new();
        route.add_to(&map);
        let route_opts = SvgOptions::new();
        route_opts.set_pane("route".into());
        let route_renderer = Svg::with_options(&route_opts);

        let on_select = Rc::new(on_select);
        let select = on_select.clone();
        // Taps, and Enter or Space on a focused marker (Leaflet reports keys as "keypress").
        let on_marker = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            if !activates(&e) {
                return;
            }
            let id = Reflect::get(&e, &"target".into())
                .and_then(|t| Reflect::get(&t, &"options".into()))
                .and_then(|o| Reflect::get(&o, &"outletId".into()))
                .ok()
                .and_then(|v| v.as_f64());
            if let Some(id) = id {
                select(Some(id as i64));
            }
        });
        let outlets = OutletLayer::new(&map, on_marker);
        // A tap waits a moment: if it was the first of a double tap (zoom), it is dropped.
        let pending: Rc<Cell<Option<TimeoutHandle>>> = Rc::default();
        let on_tap = Rc::new(on_tap);
        let p = pending.clone();
        let on_map_click = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            let ll = Reflect::get(&e, &"latlng".into()).unwrap_or(JsValue::UNDEFINED);
            let num = |k: &str| Reflect::get(&ll, &k.into()).ok().and_then(|v| v.as_f64());
            let (Some(lon), Some(lat)) = (num("lng"), num("lat")) else {
                return;
            };
            if let Some(h) = p.take() {
                h.clear();
            }
            let tap = on_tap.clone();
            p.set(
                set_timeout_with_handle(move || tap([lon, lat]), Duration::from_millis(300)).ok(),
            );
        });
        map.on("click", on_map_click.as_ref());
        let on_dblclick = Closure::<dyn Fn(JsValue)>::new(move |_| {
            if let Some(h) = pending.take() {
                h.clear();
            }
        });
        map.on("dblclick", on_dblclick.as_ref());

        let basemap: Rc<RefCell<Option<Rc<Basemap>>>> = Rc::default();
        let (bm, m) = (basemap.clone(), map.clone());
        let on_zoom = Closure::<dyn Fn(JsValue)>::new(move |_| {
            let z = m.get_zoom();
            if let Some(b) = bm.borrow().as_ref() {
                b.rescale(z);
            }
            set_zoom_classes(&m, z);
        });
        map.on("zoomend", on_zoom.as_ref());
        set_zoom_classes(&map, map.get_zoom());

        MapView {
            map,
            outlets,
            basemap,
            rings,
            ring_labels,
            drawn_rings: RefCell::new(Vec::new()),
            ring_renderer,
            gaps,
            gap_renderer,
            origin: RefCell::default(),
            route,
            route_renderer,
            _on_map_click: on_map_click,
            _on_dblclick: on_dblclick,
            _on_zoom: on_zoom,
        }
    }

    /// Replaces the walking rings (any order; the nearer ones are drawn on top). Each is an
    /// SVG path with classes `isochrone-ring isochrone-<minutes>`. The page adds the rings one
    /// task at a time, smallest first: rings already drawn stay, only the new ones are added.
    pub fn set_rings(&self, rings: &[RingShape]) {
        let mut order: Vec<&RingShape> = rings.iter().collect();
        order.sort_by_key(|r| r.minutes);
        let keys: Vec<(u32, u64)> = order.iter().map(|r| ring_key(r)).collect();
        let mut drawn = self.drawn_rings.borrow_mut();
        let from = if keys.starts_with(&drawn) {
            drawn.len()
        } else {
            self.rings.clear_layers();
            self.ring_labels.clear_layers();
            0
        };
        for (rank, ring) in order.into_iter().enumerate().skip(from) {
            let Ok(geometry) = js_sys::JSON::parse(ring.geojson) else {
                continue;
            };
            let (stroke, fill, dash) = ring_look(rank);
            let mut style = vec![
                ("color", RING_COLOR.into()),
                ("weight", 2.5.into()),
                ("opacity", stroke.into()),
                ("fillColor", RING_COLOR.into()),
                ("fillOpacity", fill.into()),
                ("lineJoin", "round".into()),
            ];
            if let Some(d) = dash {
                style.push(("dashArray", d.into()));
            }
            let layer = geo_json(
                &geometry,
                &object(&[
                    ("style", object(&style)),
                    ("interactive", JsValue::FALSE),
                    ("pane", "rings".into()),
                    ("renderer", self.ring_renderer.clone().into()),
                    (
                        "className",
                        format!("isochrone-ring isochrone-{}", ring.minutes).into(),
                    ),
                ]),
            );
            layer.add_to_layer_group(&self.rings);
            // Larger rings under the nearer ones (L.GeoJSON is a FeatureGroup in Leaflet).
            layer
                .unchecked_ref::<leaflet::FeatureGroup>()
                .bring_to_back();
            if let Some([lon, lat]) = ring.top {
                let icon = DivIconOptions::new();
                icon.set_class_name("ring-label-icon".into());
                icon.set_html(format!(
                    "<span class=\"ring-label ring-label--{m}\" data-minutes=\"{m}\">{m}{unit}</span>",
                    m = ring.minutes,
                    unit = tr("分钟", " min"),
                ));
                icon.set_icon_size(Point::new(64.0, 22.0));
                icon.set_icon_anchor(Point::new(32.0, 11.0));
                let opts = MarkerOptions::new();
                opts.set_icon(div_icon(&icon));
                opts.set_interactive(false);
                opts.set_keyboard(false);
                opts.set_pane("ringLabels".into());
                Marker::new_with_options(&LatLng::new(lat, lon), &opts)
                    .add_to_layer_group(&self.ring_labels);
            }
        }
        *drawn = keys;
    }

    /// Replaces the coverage gaps (a GeoJSON FeatureCollection of LineStrings, or none): bold,
    /// dashed red-orange lines over the streets and rings, under the street names and markers.
    /// Each is an SVG path with class `coverage-gap`.
    pub fn set_gaps(&self, geojson: Option<&str>) {
        self.gaps.clear_layers();
        let Some(data) = geojson.and_then(|t| js_sys::JSON::parse(t).ok()) else {
            return;
        };
        let style = object(&[
            ("color", GAP_COLOR.into()),
            ("weight", 5.0.into()),
            ("opacity", 0.85.into()),
            ("dashArray", "9 5".into()),
            ("lineCap", "butt".into()),
        ]);
        geo_json(
            &data,
            &object(&[
                ("style", style),
                ("interactive", JsValue::FALSE),
                ("pane", "gaps".into()),
                ("renderer", self.gap_renderer.clone().into()),
                ("className", "coverage-gap".into()),
            ]),
        )
        .add_to_layer_group(&self.gaps);
    }

    /// Marks the walking filter's minutes on the map container, so CSS can bring its ring
    /// forward.
    pub fn set_walk_minutes(&self, minutes: Option<u32>) {
        let el = self.map.get_container();
        let _ = match minutes {
            Some(m) => el.set_attribute("data-walk-min", &m.to_string()),
            None => el.remove_attribute("data-walk-min"),
        };
    }

    /// Places (or removes) the origin pin. `label` is what it says: 起点 or 我的位置.
    pub fn set_origin(&self, origin: Option<([f64; 2], &str, &str)>) {
        if let Some(old) = self.origin.borrow_mut().take() {
            old.remove();
        }
        let Some(([lon, lat], label, kind)) = origin else {
            return;
        };
        let icon = DivIconOptions::new();
        icon.set_class_name("origin-icon".into());
        icon.set_html(format!(
            "<div class=\"origin-marker origin-marker--{kind}\" data-kind=\"{kind}\" \
             data-lonlat=\"{lon:.6},{lat:.6}\" role=\"img\" aria-label=\"{start}{label}\">\
             <span class=\"origin-label\">{label}</span><span class=\"origin-dot\"></span></div>",
            kind = escape(kind),
            start = tr("步行起点：", "Walk starts at: "),
            label = escape(label),
        ));
        icon.set_icon_size(Point::new(96.0, 52.0));
        // The dot's centre, at the bottom middle of the icon.
        icon.set_icon_anchor(Point::new(48.0, 44.0));
        let opts = MarkerOptions::new();
        opts.set_icon(div_icon(&icon));
        opts.set_interactive(false);
        opts.set_keyboard(false);
        opts.set_pane("origin".into());
        let marker = Marker::new_with_options(&LatLng::new(lat, lon), &opts);
        marker.add_to(&self.map);
        *self.origin.borrow_mut() = Some(marker);
    }

    pub fn add_tiles(&self, url: &str, attribution: Option<&str>) {
        let opts = TileLayerOptions::new();
        opts.set_max_zoom(19.0);
        if let Some(a) = attribution {
            opts.set_attribution(a.to_string());
        }
        TileLayer::new_options(url, &opts).add_to(&self.map);
    }

    /// The Leaflet map itself, for a page that draws its own layers (the circle editor).
    pub fn leaflet(&self) -> &Map {
        &self.map
    }

    /// Draws the bundled basemap (parsed GeoJSON) once, slice by slice; `on_done` runs when it
    /// is all drawn.
    pub fn draw_basemap(&self, data: &JsValue, on_done: impl FnOnce() + 'static) {
        if self.basemap.borrow().is_some() {
            return;
        }
        *self.basemap.borrow_mut() = Some(Basemap::draw(&self.map, data, on_done));
    }

    /// The circle's outline, with the land outside it washed out so the circle stands out.
    pub fn draw_circle(&self, circle: &Circle) {
        let ring = circle.boundary.outer();
        if ring.len() < 4 {
            return;
        }
        let world = [
            [-180.0, -85.0],
            [180.0, -85.0],
            [180.0, 85.0],
            [-180.0, 85.0],
            [-180.0, -85.0],
        ];
        let mask = polygon_json(&[&world, ring]);
        let wash = object(&[
            ("stroke", JsValue::FALSE),
            ("fillColor", "#d9d3c7".into()),
            ("fillOpacity", 0.55.into()),
        ]);
        let outline = polygon_json(&[ring]);
        let line = object(&[
            ("color", "#1864ab".into()),
            ("weight", 2.5.into()),
            ("dashArray", "8 6".into()),
            ("fill", JsValue::FALSE),
        ]);
        for (geometry, style) in [(mask, wash), (outline, line)] {
            if let Ok(geometry) = js_sys::JSON::parse(&geometry) {
                geo_json(
                    &geometry,
                    &object(&[
                        ("style", style),
                        ("interactive", JsValue::FALSE),
                        ("pane", "circle".into()),
                    ]),
                )
                .add_to(&self.map);
            }
        }
    }

    /// Replaces the outlet markers.
    pub fn set_outlets(&self, specs: Vec<MarkerSpec>) {
        self.outlets.set(specs);
    }

    /// Marks the chosen outlet's marker and brings it to the front.
    pub fn highlight(&self, id: Option<i64>) {
        self.outlets.highlight(id);
    }

    pub fn clear_route(&self) {
        self.route.clear_layers();
    }

    /// Draws a walking route (lon/lat points) in place of any other, fitted into the band of
    /// the map the resident can see (`top`..`bottom` in container pixels).
    pub fn set_route(&self, points: &[[f64; 2]], top: f64, bottom: f64) {
        self.route.clear_layers();
        if points.len() < 2 {
            return;
        }
        let line = format!(
            "{{\"type\":\"LineString\",\"coordinates\":{}}}",
            coords_json(points)
        );
        let Ok(geometry) = js_sys::JSON::parse(&line) else {
            return;
        };
        // A white casing under the line keeps it readable over streets and rings.
        for (color, weight, class) in [
            ("#fff", 9.0, "walk-route-casing"),
            (RING_COLOR, 5.0, "walk-route"),
        ] {
            let style = object(&[
                ("color", color.into()),
                ("weight", weight.into()),
                ("opacity", 1.0.into()),
                ("lineCap", "round".into()),
                ("lineJoin", "round".into()),
            ]);
            geo_json(
                &geometry,
                &object(&[
                    ("style", style),
                    ("className", class.into()),
                    ("interactive", JsValue::FALSE),
                    ("pane", "route".into()),
                    ("renderer", self.route_renderer.clone().into()),
                ]),
            )
            .add_to_layer_group(&self.route);
        }
        let height = self.map.get_size().y();
        self.map.fit_bounds_with_options(
            &bounds(bbox::around(points.iter().copied())),
            &object(&[
                ("paddingTopLeft", pair(24.0, top + 24.0)),
                (
                    "paddingBottomRight",
                    pair(24.0, (height - bottom).max(0.0) + 24.0),
                ),
                ("maxZoom", 18.0.into()),
            ]),
        );
    }

    /// Pans so the chosen outlet is in the band of the map the resident can see (between
    /// `top` and `bottom`, in map-container pixels), e.g. above the outlet card.
    pub fn reveal(&self, id: i64, top: f64, bottom: f64) {
        let Some(at) = self.outlets.position(id) else {
            return;
        };
        let p = self.map.lat_lng_to_container_point(&at);
        let width = self.map.get_size().x();
        let margin = 30.0;
        let (dx, dy) = (
            if p.x() < margin || p.x() > width - margin {
                p.x() - width / 2.0
            } else {
                0.0
            },
            if p.y() < top + margin || p.y() > bottom - margin {
                p.y() - (top + bottom) / 2.0
            } else {
                0.0
            },
        );
        if dx != 0.0 || dy != 0.0 {
            self.map.pan_by(&Point::new(dx, dy));
        }
    }
}

/// `[[lon,lat],…]` as JSON text (6 decimals, about 10 cm).
fn coords_json(points: &[[f64; 2]]) -> String {
    let parts: Vec<String> = points
        .iter()
        .map(|p| format!("[{:.6},{:.6}]", p[0], p[1]))
        .collect();
    format!("[{}]", parts.join(","))
}

/// A GeoJSON Polygon geometry from its rings, as JSON text for Leaflet.
fn polygon_json(rings: &[&[[f64; 2]]]) -> String {
    let rings: Vec<String> = rings.iter().map(|r| coords_json(r)).collect();
    format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[{}]}}",
        rings.join(",")
    )
}

/// A tap, or Enter or Space on a focused marker (Leaflet reports keys as "keypress").
pub fn activates(e: &JsValue) -> bool {
    if string_at(e, "type").as_deref() != Some("keypress") {
        return true;
    }
    let key = Reflect::get(e, &"originalEvent".into())
        .ok()
        .and_then(|o| string_at(&o, "key"));
    matches!(key.as_deref(), Some("Enter" | " "))
}

/// Classes on the map container that CSS uses to thin out street names when zoomed out.
fn set_zoom_classes(map: &Map, zoom: f64) {
    let el = map.get_container();
    let list = el.class_list();
    let _ = list.toggle_with_force("zoom-lt15", zoom < 15.0);
    let _ = list.toggle_with_force("zoom-lt16", zoom < 16.0);
    let _ = el.set_attribute("data-zoom", &zoom.to_string());
}
