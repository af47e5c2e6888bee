//! The bundled GeoJSON basemap: drawn on one canvas in layers (land, water, buildings, then
//! roads as grey casing under a white fill) with line widths that follow the zoom, plus street
//! names so residents can tell where they are without map tiles.

use super::leaflet_ext::{div_icon, geo_json, object, string_at};
use leaflet::{DivIconOptions, GeoJson, LatLng, Map, Marker, MarkerOptions, Point};
#[cfg(test)]
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Drawing passes, bottom to top.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pass {
    Landuse,
    Green,
    Water,
    Waterway,
    Building,
    Railway,
    Path,
    Casing,
    Fill,
}

const PASSES: [Pass; 9] = [
    Pass::Landuse,
    Pass::Green,
    Pass::Water,
    Pass::Waterway,
    Pass::Building,
    Pass::Railway,
    Pass::Path,
    Pass::Casing,
    Pass::Fill,
];

fn in_pass(pass: Pass, layer: &str, class: &str) -> bool {
    match pass {
        Pass::Landuse => layer == "landuse",
        Pass::Green => layer == "green",
        Pass::Water => layer == "water",
        Pass::Waterway => layer == "waterway",
        Pass::Building => layer == "building",
        Pass::Railway => layer == "railway",
        Pass::Path => layer == "road" && class == "path",
        Pass::Casing | Pass::Fill => layer == "road" && class != "path",
    }
}

/// (casing width, fill width, fill colour) at zoom 16; major roads are pale yellow so the
/// main streets stand out.
fn road_look(class: &str) -> (f64, f64, &'static str) {
    match class {
        "major" => (10.0, 8.0, "#ffe7a8"),
        "secondary" => (8.0, 6.2, "#ffffff"),
        "service" => (3.6, 2.4, "#ffffff"),
        _ => (5.6, 4.2, "#ffffff"),
    }
}

fn style(pass: Pass, class: &str, scale: f64) -> JsValue {
    let n = |x: f64| JsValue::from_f64(x);
    let s = |x: &str| JsValue::from_str(x);
    let area = |fill: &str, stroke: Option<&str>| {
        object(&[
            ("stroke", JsValue::from_bool(stroke.is_some())),
            ("color", s(stroke.unwrap_or(fill))),
            ("weight", n(0.6)),
            ("fillColor", s(fill)),
            ("fillOpacity", n(1.0)),
        ])
    };
    let line = |color: &str, weight: f64, dash: Option<&str>| {
        let mut pairs = vec![
            ("color", s(color)),
            ("weight", n(weight)),
            ("opacity", n(1.0)),
            ("lineCap", s("round")),
            ("lineJoin", s("round")),
        ];
        if let Some(d) = dash {
            pairs.push(("dashArray", s(d)));
        }
        object(&pairs)
    };
    match pass {
        Pass::Landuse => area("#e8e3d8", None),
        Pass::Green => area("#cde6bd", None),
        Pass::Water => area("#a9d3e6", None),
        Pass::Building => area("#dcd4c8", Some("#c9bfb1")),
        Pass::Waterway => line("#a9d3e6", 3.0 * scale, None),
        Pass::Railway => line("#aaa49c", 1.2, Some("4 4")),
        Pass::Path => line("#bcae99", 1.1, Some("3 3")),
        Pass::Casing => line("#c2b8a8", road_look(class).0 * scale, None),
        Pass::Fill => line(road_look(class).2, road_look(class).1 * scale, None),
    }
}

/// Line widths are designed for zoom 16 and shrink or grow by √2 per zoom level.
fn width_scale(zoom: f64) -> f64 {
    2f64.powf((zoom - 16.0) / 2.0).clamp(0.35, 2.0)
}

/// The drawn basemap. Keeps the style callbacks alive and restyles on zoom.
pub struct Basemap {
    layers: Vec<GeoJson>,
    scale: Rc<Cell<f64>>,
    callbacks: Vec<Closure<dyn Fn(JsValue) -> JsValue>>,
    labels: RefCell<Vec<Marker>>,
}

impl Basemap {
    /// Starts drawing: the layers exist at once (in drawing order, so areas stay under roads),
    /// their geometry arrives one group per task (a big city basemap in one go blocks a phone
    /// for most of a second), then the street names; `on_done` runs when all is on the map.
    pub fn draw(map: &Map, data: &JsValue, on_done: impl FnOnce() + 'static) -> Rc<Basemap> {
        let scale = Rc::new(Cell::new(width_scale(map.get_zoom())));
        let mut callbacks = Vec::new();
        let mut layers = Vec::new();
        // SVG, not the map's canvas: a few dozen big paths are cheap as DOM, while a canvas
        // redraws everything already drawn whenever a piece is added.
        let renderer = leaflet::Svg::new();
        for pass in PASSES {
            let sc = scale.clone();
            let styler = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |f: JsValue| {
                let p = js_sys::Reflect::get(&f, &"properties".into()).unwrap_or(JsValue::NULL);
                style(pass, &string_at(&p, "class").unwrap_or_default(), sc.get())
            });
            let layer = geo_json(
                &JsValue::NULL,
                &object(&[
                    ("style", styler.as_ref().clone()),
                    ("interactive", JsValue::FALSE),
                    ("renderer", renderer.clone().into()),
                ]),
            );
            layer.add_to(map);
            layers.push(layer);
            callbacks.push(styler);
        }
        let features = js_sys::Reflect::get(data, &"features".into())
            .map(|f| js_sys::Array::from(&f))
            .unwrap_or_default();
        let basemap = Rc::new(Basemap {
            layers,
            scale,
            callbacks,
            labels: RefCell::default(),
        });
        let grouping = Grouping {
            features,
            next: 0,
            groups: Vec::new(),
            lines: Vec::new(),
        };
        group_features(basemap.clone(), grouping, map.clone(), Box::new(on_done));
        basemap
    }

    /// Call after a zoom: road widths follow the zoom level.
    pub fn rescale(&self, zoom: f64) {
        let s = width_scale(zoom);
        if (s - self.scale.get()).abs() < 1e-6 {
            return;
        }
        self.scale.set(s);
        for (layer, cb) in self.layers.iter().zip(&self.callbacks) {
            layer.set_style(cb.as_ref());
        }
    }
}

/// Features sorted into merged groups per task: a city basemap has thousands, and reading
/// them all at once blocks a slow phone for a noticeable moment.
const FEATURES_PER_TASK: u32 = 600;

/// The basemap's features on their way into merged groups.
struct Grouping {
    features: js_sys::Array,
    /// The first feature not yet sorted.
    next: u32,
    /// Thousands of small features as thousands of Leaflet layers cost a phone seconds; one
    /// multi-geometry per (pass, road class, area or not) draws the same in a few dozen.
    groups: Vec<(usize, String, bool, js_sys::Array)>,
    /// The street names come from the same pass over the features.
    lines: Vec<NamedLine>,
}

impl Grouping {
    fn add(&mut self, f: &JsValue) {
        let p = js_sys::Reflect::get(f, &"properties".into()).unwrap_or(JsValue::NULL);
        let layer = string_at(&p, "layer").unwrap_or_default();
        let class = string_at(&p, "class").unwrap_or_default();
        let g = js_sys::Reflect::get(f, &"geometry".into()).unwrap_or(JsValue::NULL);
        let kind = string_at(&g, "type").unwrap_or_default();
        let Ok(coords) = js_sys::Reflect::get(&g, &"coordinates".into()) else {
            return;
        };
        if layer == "road" && labelled(&class) {
            if let Some(name) = string_at(&p, "name") {
                named_lines(name, &class, &kind, &coords, &mut self.lines);
            }
        }
        let area = kind.ends_with("Polygon");
        for (i, pass) in PASSES.iter().enumerate() {
            if !in_pass(*pass, &layer, &class) {
                continue;
            }
            let key = if matches!(pass, Pass::Casing | Pass::Fill) {
                class.as_str()
            } else {
                ""
            };
            let at = self
                .groups
                .iter()
                .position(|(gi, gc, ga, _)| *gi == i && gc == key && *ga == area)
                .unwrap_or_else(|| {
                    self.groups
                        .push((i, key.to_string(), area, js_sys::Array::new()));
                    self.groups.len() - 1
                });
            let parts = &self.groups[at].3;
            if kind.starts_with("Multi") {
                for part in js_sys::Array::from(&coords).iter() {
                    parts.push(&part);
                }
            } else {
                parts.push(&coords);
            }
        }
    }

    /// The merged features in drawing order: pass order (areas under roads), and within a
    /// pass the wider roads on top.
    fn pieces(&mut self) -> Vec<(usize, JsValue)> {
        let mut groups = std::mem::take(&mut self.groups);
        groups.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(road_look(&a.1).0.total_cmp(&road_look(&b.1).0))
        });
        groups
            .into_iter()
            .map(|(i, class, area, parts)| {
                let geometry = object(&[
                    (
                        "type",
                        (if area {
                            "MultiPolygon"
                        } else {
                            "MultiLineString"
                        })
                        .into(),
                    ),
                    ("coordinates", parts.into()),
                ]);
                let feature = object(&[
                    ("type", "Feature".into()),
                    ("properties", object(&[("class", class.into())])),
                    ("geometry", geometry),
                ]);
                (i, feature)
            })
            .collect()
    }
}

/// Sorts the next slice of features in a new task; after the last, draws the pieces.
fn group_features(b: Rc<Basemap>, mut g: Grouping, map: Map, on_done: Box<dyn FnOnce()>) {
    leptos::prelude::set_timeout(
        move || {
            let end = (g.next + FEATURES_PER_TASK).min(g.features.length());
            for i in g.next..end {
                g.add(&g.features.get(i));
            }
            g.next = end;
            if end < g.features.length() {
                group_features(b, g, map, on_done);
            } else {
                let queue = Rc::new(RefCell::new(g.pieces().into_iter()));
                next_piece(b, queue, map, std::mem::take(&mut g.lines), on_done);
            }
        },
        std::time::Duration::ZERO,
    );
}

/// (pass, one merged feature) still to draw.
type Pieces = Rc<RefCell<std::vec::IntoIter<(usize, JsValue)>>>;

/// Draws the next piece in a new task; after the last, the street names, then `on_done`.
fn next_piece(
    b: Rc<Basemap>,
    queue: Pieces,
    map: Map,
    lines: Vec<NamedLine>,
    on_done: Box<dyn FnOnce()>,
) {
    leptos::prelude::set_timeout(
        move || {
            let next = queue.borrow_mut().next();
            match next {
                Some((i, feature)) => {
                    b.layers[i].add_data(&feature);
                    next_piece(b, queue, map, lines, on_done);
                }
                None => {
                    // Street names go in the "labels" pane: above the roads, below the markers.
                    let labels = place_labels(lines)
                        .iter()
                        .map(|l| label_marker(&map, l))
                        .collect();
                    *b.labels.borrow_mut() = labels;
                    on_done();
                }
            }
        },
        std::time::Duration::ZERO,
    );
}

fn label_marker(map: &Map, label: &RoadLabel) -> Marker {
    let opts = DivIconOptions::new();
    opts.set_class_name(if label.major {
        "road-label road-label--major".into()
    } else {
        "road-label road-label--minor".into()
    });
    opts.set_icon_size(Point::new(0.0, 0.0));
    opts.set_html(format!(
        "<span style=\"transform:translate(-50%,-50%) rotate({:.0}deg)\">{}</span>",
        label.angle,
        super::card::escape(&label.name)
    ));
    let m = MarkerOptions::new();
    m.set_icon(div_icon(&opts));
    m.set_interactive(false);
    m.set_keyboard(false);
    m.set_pane("labels".into());
    let marker = Marker::new_with_options(&LatLng::new(label.lat, label.lon), &m);
    marker.add_to(map);
    marker
}

/// Where to write a street name: the middle of a long enough stretch, turned along it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLabel {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Degrees clockwise from horizontal, kept within ±90 so text is never upside down.
    pub angle: f64,
    pub major: bool,
}

#[cfg(test)]
#[derive(Deserialize)]
struct Collection {
    #[serde(default)]
    features: Vec<Feature>,
}

#[cfg(test)]
#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: Option<Props>,
    geometry: Option<Geometry>,
}

#[cfg(test)]
#[derive(Deserialize, Default)]
struct Props {
    layer: Option<String>,
    class: Option<String>,
    name: Option<String>,
}

#[cfg(test)]
#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    LineString {
        coordinates: Vec<Vec<f64>>,
    },
    MultiLineString {
        coordinates: Vec<Vec<Vec<f64>>>,
    },
    #[serde(other)]
    Other,
}

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;
/// Repeat a street's name only this far from its other labels.
const SAME_NAME_SPACING_M: f64 = 650.0;
/// Longer names are ramps and exits ("…地下车库出口"), not streets people navigate by.
/// Counted in Chinese characters; a Latin letter counts about half.
const MAX_NAME_WIDTH: f64 = 12.0;

/// Written width of a name in Chinese characters.
fn name_width(name: &str) -> f64 {
    name.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum()
}

/// Half the ground length a label covers at zoom 15 (13 px per character, Web Mercator), so
/// labels are kept apart by their written length and crossings stay readable.
fn half_width_m(label: &RoadLabel) -> f64 {
    let metres_per_px = 156_543.03 * label.lat.to_radians().cos() / 2f64.powi(15);
    name_width(&label.name) * 13.0 * metres_per_px / 2.0
}

/// A named street line of the basemap: what labels are placed from.
pub struct NamedLine {
    pub name: String,
    pub class: String,
    pub points: Vec<(f64, f64)>,
}

/// Street labels from the basemap's GeoJSON text (the host tests' way in).
#[cfg(test)]
pub fn road_labels(geojson_text: &str) -> Vec<RoadLabel> {
    let Ok(fc) = serde_json::from_str::<Collection>(geojson_text) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for f in fc.features {
        let p = f.properties.unwrap_or_default();
        let (Some(name), Some("road")) = (p.name, p.layer.as_deref()) else {
            continue;
        };
        let parts = match f.geometry {
            Some(Geometry::LineString { coordinates }) => vec![coordinates],
            Some(Geometry::MultiLineString { coordinates }) => coordinates,
            _ => continue,
        };
        for part in parts {
            lines.push(NamedLine {
                name: name.clone(),
                class: p.class.clone().unwrap_or_default(),
                points: part
                    .iter()
                    .filter(|c| c.len() >= 2)
                    .map(|c| (c[0], c[1]))
                    .collect(),
            });
        }
    }
    place_labels(lines)
}

/// Road classes whose names are written on the map.
fn labelled(class: &str) -> bool {
    matches!(class, "major" | "secondary" | "minor")
}

/// The named lines of one road feature, read from the parsed GeoJSON (no round trip of a
/// megabyte of text through Wasm): `coords` and `kind` are its geometry's.
fn named_lines(name: String, class: &str, kind: &str, coords: &JsValue, out: &mut Vec<NamedLine>) {
    let coords = js_sys::Array::from(coords);
    let parts: Vec<JsValue> = match kind {
        "LineString" => vec![coords.into()],
        "MultiLineString" => coords.iter().collect(),
        _ => return,
    };
    for part in parts {
        let points = js_sys::Array::from(&part)
            .iter()
            .filter_map(|c| {
                let c = js_sys::Array::from(&c);
                Some((c.get(0).as_f64()?, c.get(1).as_f64()?))
            })
            .collect();
        out.push(NamedLine {
            name: name.clone(),
            class: class.to_string(),
            points,
        });
    }
}

/// Where street names go: the longest named stretches first, each name where it fits and
/// clear of the others.
pub fn place_labels(lines: Vec<NamedLine>) -> Vec<RoadLabel> {
    // (length, label) for every named street line.
    let mut candidates: Vec<(f64, RoadLabel)> = Vec::new();
    for line in lines {
        let width = name_width(line.name.trim());
        if !labelled(&line.class) || width == 0.0 || width > MAX_NAME_WIDTH {
            continue;
        }
        if let Some((len, label)) = middle_of(&line.points, &line.name, line.class != "minor") {
            candidates.push((len, label));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut placed: Vec<RoadLabel> = Vec::new();
    for (len, label) in candidates {
        // The name should roughly fit along its stretch of street.
        if len < 1.2 * half_width_m(&label) {
            continue;
        }
        let clear = placed.iter().all(|p| {
            let d = distance_m(p.lon, p.lat, label.lon, label.lat);
            d >= half_width_m(p) + half_width_m(&label)
                && (p.name != label.name || d >= SAME_NAME_SPACING_M)
        });
        if clear {
            placed.push(label);
        }
    }
    placed
}

fn distance_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let k = ((lat1 + lat2) / 2.0).to_radians().cos();
    (((lon2 - lon1) * k).powi(2) + (lat2 - lat1).powi(2)).sqrt() * M_PER_DEG
}

/// The point halfway along a line, its direction there, and the line's length in metres.
fn middle_of(pts: &[(f64, f64)], name: &str, major: bool) -> Option<(f64, RoadLabel)> {
    let seg_len: Vec<f64> = pts
        .windows(2)
        .map(|w| distance_m(w[0].0, w[0].1, w[1].0, w[1].1))
        .collect();
    let total: f64 = seg_len.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut left = total / 2.0;
    for (w, len) in pts.windows(2).zip(&seg_len) {
        if left <= *len && *len > 0.0 {
            let t = left / len;
            let (a, b) = (w[0], w[1]);
            let k = a.1.to_radians().cos();
            // Screen y grows downwards, so north is a negative angle.
            let mut angle = (-(b.1 - a.1)).atan2((b.0 - a.0) * k).to_degrees();
            if angle > 90.0 {
                angle -= 180.0;
            } else if angle <= -90.0 {
                angle += 180.0;
            }
            let label = RoadLabel {
                name: name.to_string(),
                lon: a.0 + (b.0 - a.0) * t,
                lat: a.1 + (b.1 - a.1) * t,
                angle,
                major,
            };
            return Some((total, label));
        }
        left -= len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_street_and_are_not_repeated_nearby() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"layer":"road","class":"minor","name":"昌化路"},
           "geometry":{"type":"LineString","coordinates":[[121.44,31.24],[121.44,31.25]]}},
          {"type":"Feature","properties":{"layer":"road","class":"minor","name":"昌化路"},
           "geometry":{"type":"LineString","coordinates":[[121.4401,31.2401],[121.4401,31.2451]]}},
          {"type":"Feature","properties":{"layer":"road","class":"major","name":"长寿路"},
           "geometry":{"type":"LineString","coordinates":[[121.43,31.2453],[121.435,31.2453]]}},
          {"type":"Feature","properties":{"layer":"road","class":"path","name":"小径"},
           "geometry":{"type":"LineString","coordinates":[[121.43,31.24],[121.44,31.24]]}},
          {"type":"Feature","properties":{"layer":"building"},
           "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}
        ]}"#;
        let labels = road_labels(text);
        let names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["昌化路", "长寿路"]);
        assert!(
            (labels[0].angle.abs() - 90.0).abs() < 1e-6,
            "north-south street: vertical"
        );
        assert!(labels[1].angle.abs() < 1e-6, "east-west street: horizontal");
        assert!(labels[1].major);
        assert!((labels[0].lat - 31.245).abs() < 1e-9);
    }

    #[test]
    fn widths_follow_zoom() {
        assert_eq!(width_scale(16.0), 1.0);
        assert!(width_scale(14.0) < width_scale(15.0));
        assert_eq!(width_scale(3.0), 0.35);
    }
}
