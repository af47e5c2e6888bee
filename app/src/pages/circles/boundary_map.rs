//! The map the boundary is drawn on: the basemap, the other circles faint for context, the
//! boundary as a polygon with a draggable handle per vertex. A tap on the map adds a vertex
//! after the selected one; a tap on a handle selects it; dragging moves it.

use super::vertices::History;
use crate::domain::circle_edit::{check_boundary, CircleRules};
use crate::domain::{bbox, Circle, GeoPolygon};
use crate::ui::i18n::trf;
use crate::ui::leaflet_ext::{div_icon, geo_json, object};
use crate::ui::map::MapView;
use js_sys::Array;
use leaflet::{
    DivIconOptions, LatLng, LayerGroup, Marker, MarkerOptions, Point, Polygon, PolylineOptions,
};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The boundary's colours: blue while it can be saved, red (with the problem said in words
/// beside the map) while it cannot.
const OK_COLOR: &str = "#1864ab";
const BAD_COLOR: &str = "#c92a2a";

/// A Leaflet event callback (kept alive as long as the layer it listens on).
type Callback = Closure<dyn Fn(JsValue)>;

/// What is drawn on the Leaflet map, kept for redrawing.
struct Layers {
    view: MapView,
    shape: Polygon,
    handles: LayerGroup,
    /// The handles' event callbacks: dropped with the handles they belong to.
    callbacks: RefCell<Vec<Callback>>,
}

fn latlngs(vertices: &[[f64; 2]]) -> Array {
    vertices
        .iter()
        .map(|p| JsValue::from(LatLng::new(p[1], p[0])))
        .collect()
}

/// A circle standing in for the view to fit (MapView fits to a circle's bbox).
fn view_of(bbox: [f64; 4]) -> Circle {
    let [w, s, e, n] = bbox;
    Circle {
        id: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        centre: [(w + e) / 2.0, (s + n) / 2.0],
        boundary: GeoPolygon::new(vec![[w, s], [e, s], [e, n], [w, n], [w, s]]),
        bbox,
        service_population: None,
        population_note: None,
        timezone: String::new(),
    }
}

/// The other circles: thin grey dashes, not tappable (a tap there adds a vertex).
fn draw_others(layers: &Layers, others: &[Circle]) {
    for c in others {
        let Ok(geometry) = serde_json::to_string(&c.boundary) else {
            continue;
        };
        let Ok(geometry) = js_sys::JSON::parse(&geometry) else {
            continue;
        };
        let style = object(&[
            ("color", "#5c636a".into()),
            ("weight", 2.0.into()),
            ("dashArray", "3 6".into()),
            ("fillColor", "#868e96".into()),
            ("fillOpacity", 0.06.into()),
        ]);
        geo_json(
            &geometry,
            &object(&[
                ("style", style),
                ("interactive", JsValue::FALSE),
                ("pane", "circle".into()),
            ]),
        )
        .add_to(layers.view.leaflet());
    }
}

fn redraw(layers: &Rc<Layers>, history: RwSignal<History>, rules: &CircleRules) {
    let (vertices, selected) = history.with_untracked(|h| (h.now.vertices.clone(), h.now.selected));
    let ok = check_boundary(&history.with_untracked(|h| h.now.ring()), rules).is_ok();
    let color = if ok { OK_COLOR } else { BAD_COLOR };
    layers.shape.set_style(
        &object(&[
            ("color", color.into()),
            ("fillColor", color.into()),
            ("dashArray", if ok { JsValue::NULL } else { "8 6".into() }),
        ])
        .unchecked_into(),
    );
    layers.shape.set_lat_lngs(&latlngs(&vertices));
    layers.handles.clear_layers();
    let mut callbacks = layers.callbacks.borrow_mut();
    callbacks.clear();
    let n = vertices.len();
    for (i, p) in vertices.iter().enumerate() {
        let chosen = selected == Some(i);
        let icon = DivIconOptions::new();
        icon.set_class_name(
            if chosen {
                "vertex-icon selected"
            } else {
                "vertex-icon"
            }
            .into(),
        );
        icon.set_html(format!(
            "<span class=\"vertex-dot\" data-index=\"{i}\">{}</span>",
            i + 1
        ));
        // The 44×44 box is the tap target; the dot inside is smaller.
        icon.set_icon_size(Point::new(44.0, 44.0));
        icon.set_icon_anchor(Point::new(22.0, 22.0));
        let opts = MarkerOptions::new();
        opts.set_icon(div_icon(&icon));
        opts.set_draggable(true);
        opts.set_keyboard(true);
        opts.set_z_index_offset(if chosen { 1000.0 } else { 0.0 });
        let no = i + 1;
        opts.set_title(if chosen {
            trf!(
                "第 {no} 个顶点（已选中，共 {n} 个）",
                "Vertex {no} (selected, of {n})"
            )
        } else {
            trf!(
                "第 {no} 个顶点（共 {n} 个），点按选中，拖动移动",
                "Vertex {no} of {n}: tap to select, drag to move"
            )
        });
        let marker = Marker::new_with_options(&LatLng::new(p[1], p[0]), &opts);

        let select = Callback::new(move |_| {
            history.update(|h| h.select(Some(i)));
        });
        // While dragging only the outline follows; the step is taken when the drag ends.
        let (m, shape) = (marker.clone(), layers.shape.clone());
        let drag = Callback::new(move |_| {
            let ll = m.get_lat_lng();
            let mut v = history.with_untracked(|h| h.now.vertices.clone());
            if let Some(slot) = v.get_mut(i) {
                *slot = [ll.lng(), ll.lat()];
            }
            shape.set_lat_lngs(&latlngs(&v));
        });
        let m = marker.clone();
        let dropped = Callback::new(move |_| {
            let ll = m.get_lat_lng();
            history.update(|h| h.change(|d| d.move_to(i, [ll.lng(), ll.lat()])));
        });
        marker.on("click", select.as_ref());
        marker.on("drag", drag.as_ref());
        marker.on("dragend", dropped.as_ref());
        marker.add_to_layer_group(&layers.handles);
        callbacks.extend([select, drag, dropped]);
    }
}

/// The map. `bbox`: what to show first (the circle being edited, or all of them).
#[component]
pub fn BoundaryMap(
    history: RwSignal<History>,
    others: Vec<Circle>,
    bbox: [f64; 4],
    rules: CircleRules,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let layers: Rc<RefCell<Option<Rc<Layers>>>> = Rc::default();
    let rules = Rc::new(rules);
    let (slot, r) = (layers.clone(), rules.clone());
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if slot.borrow().is_some() {
            return;
        }
        let on_tap = move |p: [f64; 2]| history.update(|h| h.change(|d| d.add(p)));
        let view = MapView::new(&el, Some(&view_of(bbox)), |_| {}, on_tap);
        let opts: PolylineOptions = object(&[
            ("color", OK_COLOR.into()),
            ("weight", 3.0.into()),
            ("fillColor", OK_COLOR.into()),
            ("fillOpacity", 0.14.into()),
            ("interactive", JsValue::FALSE),
            ("pane", "circle".into()),
        ])
        .unchecked_into();
        let shape = Polygon::new_with_options(&Array::new(), &opts);
        shape.add_to(view.leaflet());
        let handles = LayerGroup::new();
        handles.add_to(view.leaflet());
        let drawn = Rc::new(Layers {
            view,
            shape,
            handles,
            callbacks: RefCell::default(),
        });
        draw_others(&drawn, &others);
        *slot.borrow_mut() = Some(drawn.clone());
        let basemap_for = drawn.clone();
        spawn_local(async move {
            match crate::ui::api::config().await {
                Ok(c) if c.tile_url.is_some() => {
                    let url = c.tile_url.unwrap_or_default();
                    basemap_for
                        .view
                        .add_tiles(&url, c.tile_attribution.as_deref());
                }
                _ => {
                    if let Ok(data) = crate::ui::api::basemap().await {
                        basemap_for.view.draw_basemap(&data, || {});
                    }
                }
            }
        });
        redraw(&drawn, history, &r);
    });
    // Every change of the drawing (taps, drags, removals, undo) redraws it.
    Effect::new(move |_| {
        history.track();
        let drawn = layers.borrow().clone();
        if let Some(drawn) = drawn {
            redraw(&drawn, history, &rules);
        }
    });
    view! {
        <div
            class="desk-map circle-map"
            node_ref=node
            data-testid="boundary-map"
            role="application"
            aria-label=crate::ui::i18n::tr(
                "画范围的地图：点按地图添加顶点，拖动圆点移动顶点",
                "Map for drawing the boundary: tap to add a vertex, drag a dot to move it",
            )
        ></div>
    }
}

/// The bbox to show first: the boundary's, else all circles'.
pub fn first_view(own: Option<&Circle>, all: &[Circle]) -> [f64; 4] {
    match own {
        Some(c) => c.bbox,
        None => bbox::around(all.iter().flat_map(|c| c.boundary.outer().iter().copied())),
    }
}
